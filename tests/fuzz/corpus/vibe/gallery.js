// Gallery block: a grid of pictures.
// config.heading (optional), config.images: [{src, alt}]
function renderGallery(config, helpers) {
  var images = (config && config.images) || [];
  var html = '<section class="section"><div class="container">';
  if (config && config.heading) {
    html += '<h2 class="section__title">' + helpers.escapeHtml(config.heading) + '</h2>';
  }
  if (images.length === 0) {
    return html + '<p class="empty-state">Add pictures to config.images to fill this gallery.</p></div></section>';
  }
  html += '<div class="gallery">';
  for (var i = 0; i < images.length; i++) {
    html += '<figure class="gallery__item"><img src="' + helpers.escapeHtml(images[i].src || '') +
      '" alt="' + helpers.escapeHtml(images[i].alt || '') + '" loading="lazy"></figure>';
  }
  return html + '</div></div></section>';
}
