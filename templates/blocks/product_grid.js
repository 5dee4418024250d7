// Product grid block: a card for each product, its price and an Add to Cart button.
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
    const button = p.inStock === false ?
      '<button class="add-to-cart" type="button" disabled>Sold out</button>' :
      `<button class="add-to-cart" onclick="addToCart('${esc(String(p.id).replace(/[^A-Za-z0-9_\-]/g, ''))}', 1)">Add to Cart</button>`;
    return `<li class="product-card">` +
      `<a class="product-card__link" href="${esc(url)}">` +
      `<span class="product-card__media">${image}</span>` +
      `<span class="product-card__name">${esc(p.name || '')}</span></a>` +
      `<p class="price">${esc(helpers.formatPrice(p.price, storefront.currency))}</p>` +
      `${button}</li>`;
  };
  return `${open}<ul class="product-grid">${list.map(card).join('')}</ul></div></section>`;
}
