// expect: cpu
// an object whose toString loops, interpolated in a template literal.
function render() {
  const price = { toString: () => { while (true) {} } };
  return `<p>${price}</p>`;
}
