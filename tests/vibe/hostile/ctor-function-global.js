// expect: invalid "Function constructor"
// bypass: runtime "code generation from strings"
// the global Function.
function render() {
  return Function('return "<p>made</p>"')();
}
