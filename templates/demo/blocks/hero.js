// Demo Outfitters hero: store name, tagline, "Shop now" and an illustration.
// config: eyebrow, ctaText, secondaryText, secondaryHref (site path or http(s) URL), image
function renderHero(storefront, config, helpers) {
  var c = config || {};
  var name = storefront.name || '';
  var tagline = storefront.tagline || '';
  var href = String(c.secondaryHref || '');
  var safeHref = (href.charAt(0) === '/' && href.charAt(1) !== '/') ||
    href.indexOf('https://') === 0 || href.indexOf('http://') === 0;

  var html = '<section class="hero hero--demo">' +
    '<div class="container hero__inner">' +
    '<div class="hero__copy">';
  if (c.eyebrow) {
    html += '<p class="hero__eyebrow">' + helpers.escapeHtml(c.eyebrow) + '</p>';
  }
  html += '<h1 class="hero__title">' + helpers.escapeHtml(name) + '</h1>';
  if (tagline) {
    html += '<p class="hero__tagline">' + helpers.escapeHtml(tagline) + '</p>';
  }
  html += '<div class="hero__actions">' +
    '<a class="btn btn--accent btn--lg" href="/products">' +
    helpers.escapeHtml(c.ctaText || 'Shop now') + '</a>';
  if (c.secondaryText && safeHref) {
    html += '<a class="btn btn--ghost btn--lg" href="' + helpers.escapeHtml(href) + '">' +
      helpers.escapeHtml(c.secondaryText) + '</a>';
  }
  html += '</div></div>';
  if (c.image) {
    html += '<div class="hero__art"><img src="' + helpers.escapeHtml(c.image) +
      '" alt="" width="600" height="400"></div>';
  }
  html += '</div></section>';
  return html;
}
