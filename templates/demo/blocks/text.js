// Demo Outfitters text block: a heading and plain-text body.
// Blank lines in config.body start a new paragraph; single newlines become <br>.
// config: heading, body
function renderText(config, helpers) {
  const c = config || {};
  const esc = helpers.escapeHtml;
  const heading = c.heading ? `<h2 class="section__title">${esc(c.heading)}</h2>` : '';
  const paragraphs = String(c.body || '').split(/\n[ \t]*\n/)
    .map(p => p.replace(/^\s+|\s+$/g, '').split('\n'))
    .filter(lines => !(lines.length === 1 && lines[0] === ''))
    .map(lines => `<p>${lines.map(line => esc(line)).join('<br>')}</p>`)
    .join('');
  return `<section class="section text-block"><div class="container container--narrow">${heading}${paragraphs}</div></section>`;
}
