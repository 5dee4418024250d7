// Custom block: anything you like. This one shows a simple announcement card.
// config.title, config.text
function renderCustom(config, helpers) {
  var c = config || {};
  return '<section class="section"><div class="container">' +
    '<div class="callout"><div class="callout__body">' +
    '<h3 class="callout__title">' + helpers.escapeHtml(c.title || 'Welcome!') + '</h3>' +
    '<p>' + helpers.escapeHtml(c.text || 'This is a custom block. Change its code to make it your own.') + '</p>' +
    '</div></div>' +
    '</div></section>';
}
