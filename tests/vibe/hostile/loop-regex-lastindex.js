// expect: cpu
// the classic exec loop over a global regex that matches the empty string: lastIndex never moves.
function render(storefront) {
  const re = /x*/g;
  let n = 0, m;
  while ((m = re.exec(storefront.name)) !== null) n++;
  return `<p>${n}</p>`;
}
