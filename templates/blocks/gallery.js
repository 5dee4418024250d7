// Gallery block: a grid of pictures.
// config.heading (optional), config.images: [{src, alt}]
function renderGallery(config, helpers) {
  const esc = helpers.escapeHtml;
  const images = (config && config.images) || [];
  const heading = config && config.heading ? `<h2 class="section__title">${esc(config.heading)}</h2>` : '';
  const open = `<section class="section"><div class="container">${heading}`;
  if (images.length === 0) {
    return `${open}<p class="empty-state">Add pictures to config.images to fill this gallery.</p></div></section>`;
  }
  const figures = images.map(img =>
    `<figure class="gallery__item">${helpers.image(img.src || '', {alt: img.alt || '', sizes: '(max-width: 640px) 100vw, 33vw'})}</figure>`);
  return `${open}<div class="gallery">${figures.join('')}</div></div></section>`;
}
