// Text block: a heading and a few paragraphs of plain text.
// config.heading, config.body (a blank line starts a new paragraph)
function renderText(config, helpers) {
  const c = config || {};
  const heading = c.heading || 'About our store';
  const body = c.body || 'Tell your customers who you are and what you love to sell.';
  const paragraphs = String(body).split(/\n[ \t]*\n/).map(p => `<p>${helpers.escapeHtml(p)}</p>`);
  return `<section class="section text-block"><div class="container container--narrow">` +
    `<h2 class="section__title">${helpers.escapeHtml(heading)}</h2>` +
    `${paragraphs.join('')}</div></section>`;
}
