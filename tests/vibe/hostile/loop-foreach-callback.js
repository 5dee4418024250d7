// expect: cpu
// Array#forEach with a callback that loops.
function render(products) {
  let html = '';
  products.forEach(function (p) { do { html += ''; } while (p); });
  return html;
}
