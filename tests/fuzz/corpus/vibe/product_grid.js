// Product grid block: a card for each product, its price and an Add to Cart button.
// config.heading (optional), config.limit (default 8)
function renderProductGrid(products, storefront, config, helpers) {
  var limit = (config && config.limit > 0) ? config.limit : 8;
  var list = (products || []).slice(0, limit);
  var html = '<section class="section"><div class="container">';
  html += '<h2 class="section__title">' + helpers.escapeHtml((config && config.heading) || 'Products') + '</h2>';
  if (list.length === 0) {
    return html + '<p class="empty-state">No products yet.</p></div></section>';
  }
  html += '<ul class="product-grid">';
  for (var i = 0; i < list.length; i++) {
    var p = list[i];
    var url = '/products/' + encodeURIComponent(String(p.slug || ''));
    html += '<li class="product-card">' +
      '<a class="product-card__link" href="' + helpers.escapeHtml(url) + '">' +
      '<span class="product-card__media">' +
      (p.image ? '<img src="' + helpers.escapeHtml(p.image) + '" alt="' + helpers.escapeHtml(p.name || '') + '" loading="lazy">' : '') +
      '</span>' +
      '<span class="product-card__name">' + helpers.escapeHtml(p.name || '') + '</span></a>' +
      '<p class="price">' + helpers.escapeHtml(helpers.formatPrice(p.price, storefront.currency)) + '</p>';
    if (p.stock === 0) {
      html += '<button class="add-to-cart" type="button" disabled>Sold out</button>';
    } else {
      html += '<button class="add-to-cart" onclick="addToCart(\'' +
        helpers.escapeHtml(String(p.id).replace(/[^A-Za-z0-9_\-]/g, '')) + '\', 1)">Add to Cart</button>';
    }
    html += '</li>';
  }
  return html + '</ul></div></section>';
}
