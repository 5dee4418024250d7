// expect: cpu
// the comparator of Array#sort never returns.
function render(products) {
  const list = products.slice();
  list.sort((a, b) => { while (true) {} });
  return 'x';
}
