// Demo Outfitters product grid: up to config.limit products showing image, name,
// vendor, price (compare-at price struck through), stock badges, a wishlist heart
// (wishlist.js shows it, as on the store's own listings) and Add to Cart.
// config: heading, subheading, limit (default 24)
function renderProductGrid(products, storefront, config, helpers) {
  const c = config || {};
  const esc = helpers.escapeHtml;
  const limit = (typeof c.limit === 'number' && c.limit > 0) ? c.limit : 24;
  const list = (products || []).slice(0, limit);
  const currency = storefront.currency || 'USD';
  const price = amount => esc(helpers.formatPrice(amount, currency));

  let header = '';
  if (c.heading || c.subheading) {
    header = `<header class="section__header">` +
      (c.heading ? `<h2 class="section__title">${esc(c.heading)}</h2>` : '') +
      (c.subheading ? `<p class="section__lead">${esc(c.subheading)}</p>` : '') +
      `<a class="section__more" href="/products">View all</a></header>`;
  }
  const open = `<section class="section product-section"><div class="container">${header}`;

  if (list.length === 0) {
    return `${open}<p class="empty-state">New gear is on its way. Check back soon.</p></div></section>`;
  }

  const card = p => {
    const soldOut = p.inStock === false;
    const lowStock = p.stockLimited && typeof p.stock === 'number' && p.stock > 0 && p.stock <= 3;
    const onSale = typeof p.compareAtPrice === 'number' && p.compareAtPrice > p.price;
    const url = `/products/${encodeURIComponent(String(p.slug || ''))}`;
    const id = String(p.id).replace(/[^A-Za-z0-9_\-]/g, '');
    // helpers.image: srcset and sizes from the media library's renditions
    const image = helpers.image((p.images && p.images[0]) || p.image,
      {width: 400, height: 400, alt: p.name || '', sizes: '(max-width: 640px) 50vw, 25vw'});
    const badge = soldOut ? '<span class="badge badge--muted">Sold out</span>' :
      lowStock ? `<span class="badge badge--accent">Only ${esc(String(p.stock))} left</span>` :
      onSale ? '<span class="badge badge--accent">Sale</span>' : '';
    const vendor = p.vendor ? `<span class="product-card__vendor">${esc(p.vendor)}</span>` : '';
    const was = onSale ? ` <s class="price__was">${price(p.compareAtPrice)}</s>` : '';
    const name = esc(p.name || '');
    // (wishlist.js takes the name, image and price from the card itself)
    const heart = `<button type="button" class="wish-btn" data-wish="${id}" aria-pressed="false" ` +
      `aria-label="Save ${name} to the wishlist" hidden>&#9825;</button>`;
    const button = soldOut ? '<button class="add-to-cart" type="button" disabled>Sold out</button>' :
      `<button class="add-to-cart" onclick="addToCart('${esc(id)}', 1)">Add to Cart</button>`;
    return `<li class="product-card${soldOut ? ' is-sold-out' : ''}">` +
      `<a class="product-card__link" href="${esc(url)}"><span class="product-card__media">${image}${badge}</span>` +
      `<span class="product-card__name">${name}</span>${vendor}</a>${heart}` +
      `<p class="price"><span class="price__now">${price(p.price)}</span>${was}</p>` +
      `${button}</li>`;
  };

  return `${open}<ul class="product-grid">${list.map(card).join('')}</ul></div></section>`;
}
