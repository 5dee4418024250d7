// expect: runtime "stack overflow"
// unbounded recursion.
function render() {
  function f(n) { return f(n + 1) + 1; }
  return String(f(0));
}
