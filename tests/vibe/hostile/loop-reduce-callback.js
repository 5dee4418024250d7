// expect: cpu
// Array#reduce with a callback that loops.
function render(products) {
  return products.reduce((acc, p) => { while (acc === acc) {} return acc; }, '');
}
