// expect: invalid "debugger"
// bypass: security "debugger"
// debugger dumps the interpreter state to stdout in MuJS: refused by validation and by the render.
function render() {
  for (var i = 0; i < 2000; i++) { debugger; }
  return '<p>clean</p>';
}
