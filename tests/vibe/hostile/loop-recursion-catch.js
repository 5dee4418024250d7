// expect: cpu
// recursion that catches its own stack overflow and recurses again: exponential, never deep.
function render() {
  function f() { try { f(); } catch (e) { f(); } }
  f();
  return 'x';
}
