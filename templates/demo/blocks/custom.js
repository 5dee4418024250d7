// Demo Outfitters custom block: a "why shop here" feature list plus small
// line icons, and an optional call-out card.
// config: heading, features: [{icon: truck|repair|return|leaf|star, title, text}],
//         card: {title, text, linkText, linkHref (site path)}
function renderCustom(config, helpers) {
  const c = config || {};
  const esc = helpers.escapeHtml;
  const features = c.features || [];
  const truck = '<path d="M3 7h11v9H3zM14 10h4l3 3v3h-7z"/><circle cx="7" cy="17.5" r="1.8"/><circle cx="17" cy="17.5" r="1.8"/>';
  const repair = '<path d="M14.5 6.5a4 4 0 0 0-5.3 5.3L4 17l3 3 5.2-5.2a4 4 0 0 0 5.3-5.3l-2.5 2.5-2.6-.4-.4-2.6z"/>';
  const leaf = '<path d="M5 19c0-9 6-14 15-14 0 9-5 15-14 15z"/><path d="M5 19 13 11"/>';
  const star = '<path d="m12 3 2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1-4.4-4.3 6.1-.9z"/>';
  const icons = { truck, repair, 'return': '<path d="M9 7 4 12l5 5"/><path d="M4 12h11a5 5 0 0 1 0 10h-3"/>', leaf, star };

  const feature = f => {
    f = f || {};
    const icon = icons.hasOwnProperty(f.icon) ? icons[f.icon] : icons.star;
    return `<li class="feature"><span class="feature__icon">` +
      `<svg viewBox="0 0 24 24" width="28" height="28" fill="none" stroke="currentColor" stroke-width="1.8" ` +
      `stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">${icon}</svg></span>` +
      `<h3 class="feature__title">${esc(f.title || '')}</h3>` +
      `<p class="feature__text">${esc(f.text || '')}</p></li>`;
  };

  const callout = card => {
    if (!(card && card.title)) return '';
    const href = String(card.linkHref || '');
    const text = card.text ? `<p>${esc(card.text)}</p>` : '';
    const link = card.linkText && href.charAt(0) === '/' && href.charAt(1) !== '/' ?
      `<a class="btn btn--light" href="${esc(href)}">${esc(card.linkText)}</a>` : '';
    return `<div class="callout"><div class="callout__body">` +
      `<h3 class="callout__title">${esc(card.title)}</h3>${text}</div>${link}</div>`;
  };

  const heading = c.heading ? `<h2 class="section__title section__title--center">${esc(c.heading)}</h2>` : '';
  return `<section class="section features-section"><div class="container">${heading}` +
    `<ul class="features">${features.map(feature).join('')}</ul>` +
    `${callout(c.card)}</div></section>`;
}
