// Demo Outfitters hero: store name, tagline, "Shop now" and an illustration.
// config: eyebrow, ctaText, secondaryText, secondaryHref (site path or http(s) URL), image
function renderHero(storefront, config, helpers) {
  const c = config || {};
  const esc = helpers.escapeHtml;
  const name = storefront.name || '';
  const tagline = storefront.tagline || '';
  const href = String(c.secondaryHref || '');
  const safeHref = (href.charAt(0) === '/' && href.charAt(1) !== '/') ||
    href.startsWith('https://') || href.startsWith('http://');

  const eyebrow = c.eyebrow ? `<p class="hero__eyebrow">${esc(c.eyebrow)}</p>` : '';
  const taglineHtml = tagline ? `<p class="hero__tagline">${esc(tagline)}</p>` : '';
  const secondary = c.secondaryText && safeHref ?
    `<a class="btn btn--ghost btn--lg" href="${esc(href)}">${esc(c.secondaryText)}</a>` : '';
  const art = c.image ? `<div class="hero__art">${helpers.image(c.image, {width: 600, height: 400, alt: '', loading: 'eager'})}</div>` : '';

  return `<section class="hero hero--demo"><div class="container hero__inner"><div class="hero__copy">` +
    eyebrow +
    `<h1 class="hero__title">${esc(name)}</h1>` +
    taglineHtml +
    `<div class="hero__actions"><a class="btn btn--accent btn--lg" href="/products">${esc(c.ctaText || 'Shop now')}</a>` +
    secondary +
    `</div></div>${art}</div></section>`;
}
