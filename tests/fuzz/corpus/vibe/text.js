// Text block: a heading and a few paragraphs of plain text.
// config.heading, config.body (a blank line starts a new paragraph)
function renderText(config, helpers) {
  var c = config || {};
  var heading = c.heading || 'About our store';
  var body = c.body || 'Tell your customers who you are and what you love to sell.';
  var paragraphs = String(body).split(/\n[ \t]*\n/);
  var html = '<section class="section text-block"><div class="container container--narrow">' +
    '<h2 class="section__title">' + helpers.escapeHtml(heading) + '</h2>';
  for (var i = 0; i < paragraphs.length; i++) {
    html += '<p>' + helpers.escapeHtml(paragraphs[i]) + '</p>';
  }
  return html + '</div></section>';
}
