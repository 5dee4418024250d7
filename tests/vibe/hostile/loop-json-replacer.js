// expect: cpu
// a JSON.stringify replacer that loops.
function render(products) {
  return JSON.stringify(products, (k, v) => { for (;;) {} });
}
