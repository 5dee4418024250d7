// expect: cpu
// for(;;) doing a little work each turn.
function render(products) {
  let n = 0;
  for (;;) { n += products.length; }
  return `<p>${n}</p>`;
}
