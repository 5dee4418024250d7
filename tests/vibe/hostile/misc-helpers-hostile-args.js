// expect: ok "<p>$0.00||||</p>"
// helpers called with objects whose conversions throw: the helpers coerce, the errors are caught.
function render(helpers) {
  const evil = { toString() { throw new Error('no'); }, valueOf() { throw new Error('no'); } };
  const out = [];
  for (const f of [() => helpers.formatPrice(NaN), () => helpers.escapeHtml(evil), () => helpers.slugify(evil),
                   () => helpers.formatDate(evil, evil), () => helpers.formatPrice(evil)]) {
    try { out.push(f()); } catch (e) { out.push(''); }
  }
  return '<p>' + out.join('|') + '</p>';
}
