// expect: ok "<p>caught: stack overflow</p>"
// a stack overflow caught by the block itself is just an exception: the block goes on and renders.
function render() {
  function f(n) { return f(n + 1); }
  try { f(0); } catch (e) { return '<p>caught: ' + String(e) + '</p>'; }
  return '<p>not reached</p>';
}
