// expect: cpu
// the callback of Array#map never returns.
function render(products) {
  return products.map(p => { while (p) {} }).join('');
}
