// expect: invalid ".constructor"
// bypass: runtime "code generation from strings"
// [].map.constructor reaches it from a built-in method.
function render() {
  return [].map.constructor('return "<p>made</p>"')();
}
