// Product grid block: a card for each product, its price (compare-at price
// struck through), a Sold out or Sale badge, a wishlist heart and an Add to Cart button.
// config.heading (optional), config.limit (default 8)
function renderProductGrid(products, storefront, config, helpers) {
  const esc = helpers.escapeHtml;
  const limit = (config && config.limit > 0) ? config.limit : 8;
  const list = (products || []).slice(0, limit);
  const open = `<section class="section"><div class="container">` +
    `<h2 class="section__title">${esc((config && config.heading) || 'Products')}</h2>`;
  if (list.length === 0) {
    return `${open}<p class="empty-state">No products yet.</p></div></section>`;
  }
  const card = p => {
    const url = `/products/${encodeURIComponent(String(p.slug || ''))}`;
    // helpers.image: srcset and sizes from the media library's renditions
    const image = helpers.image((p.images && p.images[0]) || p.image,
      {width: 400, height: 400, alt: p.name || '', sizes: '(max-width: 640px) 50vw, 25vw'});
    const onSale = typeof p.compareAtPrice === 'number' && p.compareAtPrice > p.price;
    const badge = p.inStock === false ? '<span class="badge badge--muted">Sold out</span>' :
      onSale ? '<span class="badge badge--accent">Sale</span>' : '';
    const was = onSale ? ` <s class="price__was">${esc(helpers.formatPrice(p.compareAtPrice, storefront.currency))}</s>` : '';
    const heart = `<button type="button" class="wish-btn" data-wish="${esc(String(p.id))}" data-slug="${esc(String(p.slug || ''))}" ` +
      `data-name="${esc(p.name || '')}" data-image="${esc(p.image || '')}" ` +
      `data-price="${esc(helpers.formatPrice(p.price, storefront.currency))}" aria-pressed="false" hidden>&#9825;</button>`;
    const button = p.inStock === false ?
      '<button class="add-to-cart" type="button" disabled>Sold out</button>' :
      `<button class="add-to-cart" onclick="addToCart('${esc(String(p.id).replace(/[^A-Za-z0-9_\-]/g, ''))}', 1)">Add to Cart</button>`;
    return `<li class="product-card">` +
      `<a class="product-card__link" href="${esc(url)}">` +
      `<span class="product-card__media">${image}${badge}</span>` +
      `<span class="product-card__name">${esc(p.name || '')}</span></a>${heart}` +
      `<p class="price">${esc(helpers.formatPrice(p.price, storefront.currency))}${was}</p>` +
      `${button}</li>`;
  };
  return `${open}<ul class="product-grid">${list.map(card).join('')}</ul></div></section>`;
}
