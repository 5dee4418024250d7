// expect: invalid "eval"
// bypass: security "eval is not allowed"
// an indirect eval (0, eval)(...).
function render() {
  return (0, eval)('"<p>made</p>"');
}
