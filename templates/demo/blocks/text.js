// Demo Outfitters text block: a heading and plain-text body.
// Blank lines in config.body start a new paragraph; single newlines become <br>.
// config: heading, body
function renderText(config, helpers) {
  var c = config || {};
  var paragraphs = String(c.body || '').split(/\n[ \t]*\n/);
  var html = '<section class="section text-block"><div class="container container--narrow">';
  if (c.heading) {
    html += '<h2 class="section__title">' + helpers.escapeHtml(c.heading) + '</h2>';
  }
  for (var i = 0; i < paragraphs.length; i++) {
    var lines = paragraphs[i].replace(/^\s+|\s+$/g, '').split('\n');
    if (lines.length === 1 && lines[0] === '') {
      continue;
    }
    var parts = [];
    for (var j = 0; j < lines.length; j++) {
      parts.push(helpers.escapeHtml(lines[j]));
    }
    html += '<p>' + parts.join('<br>') + '</p>';
  }
  html += '</div></section>';
  return html;
}
