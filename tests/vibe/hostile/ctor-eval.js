// expect: invalid "eval"
// bypass: security "eval is not allowed"
// a direct eval: MuJS compiles it to its own instruction, so the render refuses the code when validation was skipped.
function render() {
  var x = '<p>made</p>';
  return eval('x');
}
