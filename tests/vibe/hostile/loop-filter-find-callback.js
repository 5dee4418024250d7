// expect: cpu
// prelude methods (Array#find, written in C) calling back into a loop.
function render(products) {
  const p = products.find(x => { for (;;) {} });
  return String(p);
}
