// expect: runtime "stack overflow"
// mutual recursion through arrow functions.
function render() {
  const even = n => n === 0 ? true : odd(n - 1);
  const odd = n => n === 0 ? false : even(n - 1);
  return String(even(1e7));
}
