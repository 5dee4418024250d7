// Demo Outfitters gallery: a responsive grid of illustrations.
// config: heading, images: [{src, alt, caption?}]
function renderGallery(config, helpers) {
  var c = config || {};
  var images = c.images || [];
  var html = '<section class="section gallery-section"><div class="container">';
  if (c.heading) {
    html += '<h2 class="section__title">' + helpers.escapeHtml(c.heading) + '</h2>';
  }
  html += '<div class="gallery gallery--' + (images.length > 3 ? 'four' : 'three') + '">';
  for (var i = 0; i < images.length; i++) {
    var img = images[i] || {};
    if (!img.src) {
      continue;
    }
    html += '<figure class="gallery__item">' +
      '<img src="' + helpers.escapeHtml(img.src) + '" alt="' + helpers.escapeHtml(img.alt || '') +
      '" loading="lazy" width="600" height="400">';
    if (img.caption) {
      html += '<figcaption>' + helpers.escapeHtml(img.caption) + '</figcaption>';
    }
    html += '</figure>';
  }
  html += '</div></div></section>';
  return html;
}
