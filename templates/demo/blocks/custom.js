// Demo Outfitters custom block: a "why shop here" feature list plus small
// line icons, and an optional call-out card.
// config: heading, features: [{icon: truck|repair|return|leaf|star, title, text}],
//         card: {title, text, linkText, linkHref (site path)}
function renderCustom(config, helpers) {
  var c = config || {};
  var features = c.features || [];
  var icons = {
    truck: '<path d="M3 7h11v9H3zM14 10h4l3 3v3h-7z"/><circle cx="7" cy="17.5" r="1.8"/><circle cx="17" cy="17.5" r="1.8"/>',
    repair: '<path d="M14.5 6.5a4 4 0 0 0-5.3 5.3L4 17l3 3 5.2-5.2a4 4 0 0 0 5.3-5.3l-2.5 2.5-2.6-.4-.4-2.6z"/>',
    'return': '<path d="M9 7 4 12l5 5"/><path d="M4 12h11a5 5 0 0 1 0 10h-3"/>',
    leaf: '<path d="M5 19c0-9 6-14 15-14 0 9-5 15-14 15z"/><path d="M5 19 13 11"/>',
    star: '<path d="m12 3 2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1-4.4-4.3 6.1-.9z"/>'
  };

  var html = '<section class="section features-section"><div class="container">';
  if (c.heading) {
    html += '<h2 class="section__title section__title--center">' + helpers.escapeHtml(c.heading) + '</h2>';
  }
  html += '<ul class="features">';
  for (var i = 0; i < features.length; i++) {
    var f = features[i] || {};
    var icon = icons.hasOwnProperty(f.icon) ? icons[f.icon] : icons.star;
    html += '<li class="feature">' +
      '<span class="feature__icon"><svg viewBox="0 0 24 24" width="28" height="28" fill="none" ' +
      'stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" ' +
      'aria-hidden="true">' + icon + '</svg></span>' +
      '<h3 class="feature__title">' + helpers.escapeHtml(f.title || '') + '</h3>' +
      '<p class="feature__text">' + helpers.escapeHtml(f.text || '') + '</p></li>';
  }
  html += '</ul>';

  var card = c.card;
  if (card && card.title) {
    var href = String(card.linkHref || '');
    html += '<div class="callout"><div class="callout__body">' +
      '<h3 class="callout__title">' + helpers.escapeHtml(card.title) + '</h3>';
    if (card.text) {
      html += '<p>' + helpers.escapeHtml(card.text) + '</p>';
    }
    html += '</div>';
    if (card.linkText && href.charAt(0) === '/' && href.charAt(1) !== '/') {
      html += '<a class="btn btn--light" href="' + helpers.escapeHtml(href) + '">' +
        helpers.escapeHtml(card.linkText) + '</a>';
    }
    html += '</div>';
  }
  html += '</div></section>';
  return html;
}
