// expect: cpu
// an error is thrown and the catch block loops.
function render() {
  try { null.x; } catch (e) { for (;;) {} }
  return 'x';
}
