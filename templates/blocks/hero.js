// Hero block: your store's name, tagline and a button to the catalogue.
// Edit freely: this function returns the HTML for the block.
function renderHero(storefront, helpers) {
  const tagline = storefront.tagline ?
    `<p class="hero__tagline">${helpers.escapeHtml(storefront.tagline)}</p>` : '';
  return `<section class="hero">` +
    `<div class="container text-center">` +
    `<h1 class="hero__title">${helpers.escapeHtml(storefront.name || '')}</h1>` +
    tagline +
    `<a class="btn btn--accent btn--lg" href="/products">Shop now</a>` +
    `</div>` +
    `</section>`;
}
