// expect: invalid "Function constructor"
// bypass: runtime "code generation from strings"
// new Function(...).
function render() {
  return new Function('a', 'return a')('<p>made</p>');
}
