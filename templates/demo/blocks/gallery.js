// Demo Outfitters gallery: a responsive grid of illustrations.
// config: heading, images: [{src, alt, caption?}]
function renderGallery(config, helpers) {
  const c = config || {};
  const esc = helpers.escapeHtml;
  const images = c.images || [];
  const heading = c.heading ? `<h2 class="section__title">${esc(c.heading)}</h2>` : '';
  const figures = images
    .map(img => img || {})
    .filter(img => img.src)
    .map(img => `<figure class="gallery__item">` +
      helpers.image(img.src, {width: 600, height: 400, alt: img.alt || '', sizes: '(max-width: 640px) 100vw, 33vw'}) +
      (img.caption ? `<figcaption>${esc(img.caption)}</figcaption>` : '') +
      `</figure>`)
    .join('');
  return `<section class="section gallery-section"><div class="container">${heading}` +
    `<div class="gallery gallery--${images.length > 3 ? 'four' : 'three'}">${figures}</div></div></section>`;
}
