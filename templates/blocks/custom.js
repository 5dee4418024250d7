// Custom block: anything you like. This one shows a simple announcement card.
// config.title, config.text
function renderCustom(config, helpers) {
  const c = config || {};
  const title = c.title || 'Welcome!';
  const text = c.text || 'This is a custom block. Change its code to make it your own.';
  return `<section class="section"><div class="container">` +
    `<div class="callout"><div class="callout__body">` +
    `<h3 class="callout__title">${helpers.escapeHtml(title)}</h3>` +
    `<p>${helpers.escapeHtml(text)}</p>` +
    `</div></div>` +
    `</div></section>`;
}
