// Demo Outfitters product grid: up to config.limit products showing image, name,
// vendor, price (compare-at price struck through), stock badges and Add to Cart.
// config: heading, subheading, limit (default 24)
function renderProductGrid(products, storefront, config, helpers) {
  var c = config || {};
  var limit = (typeof c.limit === 'number' && c.limit > 0) ? c.limit : 24;
  var list = (products || []).slice(0, limit);
  var currency = storefront.currency || 'USD';

  var html = '<section class="section product-section"><div class="container">';
  if (c.heading || c.subheading) {
    html += '<header class="section__header">';
    if (c.heading) {
      html += '<h2 class="section__title">' + helpers.escapeHtml(c.heading) + '</h2>';
    }
    if (c.subheading) {
      html += '<p class="section__lead">' + helpers.escapeHtml(c.subheading) + '</p>';
    }
    html += '<a class="section__more" href="/products">View all</a></header>';
  }

  if (list.length === 0) {
    html += '<p class="empty-state">New gear is on its way. Check back soon.</p>';
    return html + '</div></section>';
  }

  html += '<ul class="product-grid">';
  for (var i = 0; i < list.length; i++) {
    var p = list[i];
    var soldOut = p.stock === 0;
    var lowStock = typeof p.stock === 'number' && p.stock > 0 && p.stock <= 3;
    var onSale = typeof p.compareAtPrice === 'number' && p.compareAtPrice > p.price;
    var url = '/products/' + encodeURIComponent(String(p.slug || ''));
    var id = String(p.id).replace(/[^A-Za-z0-9_\-]/g, '');

    html += '<li class="product-card' + (soldOut ? ' is-sold-out' : '') + '">' +
      '<a class="product-card__link" href="' + helpers.escapeHtml(url) + '">' +
      '<span class="product-card__media">';
    if (p.image) {
      html += '<img src="' + helpers.escapeHtml(p.image) + '" alt="' +
        helpers.escapeHtml(p.name || '') + '" loading="lazy" width="400" height="400">';
    }
    if (soldOut) {
      html += '<span class="badge badge--muted">Sold out</span>';
    } else if (lowStock) {
      html += '<span class="badge badge--accent">Only ' + helpers.escapeHtml(String(p.stock)) + ' left</span>';
    } else if (onSale) {
      html += '<span class="badge badge--accent">Sale</span>';
    }
    html += '</span>' +
      '<span class="product-card__name">' + helpers.escapeHtml(p.name || '') + '</span>';
    if (p.vendor) {
      html += '<span class="product-card__vendor">' + helpers.escapeHtml(p.vendor) + '</span>';
    }
    html += '</a>' +
      '<p class="price"><span class="price__now">' +
      helpers.escapeHtml(helpers.formatPrice(p.price, currency)) + '</span>';
    if (onSale) {
      html += ' <s class="price__was">' +
        helpers.escapeHtml(helpers.formatPrice(p.compareAtPrice, currency)) + '</s>';
    }
    html += '</p>';
    if (soldOut) {
      html += '<button class="add-to-cart" type="button" disabled>Sold out</button>';
    } else {
      html += '<button class="add-to-cart" onclick="addToCart(\'' + helpers.escapeHtml(id) +
        '\', 1)">Add to Cart</button>';
    }
    html += '</li>';
  }
  html += '</ul></div></section>';
  return html;
}
