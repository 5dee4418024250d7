// expect: invalid "escaped names"
// bypass: runtime "code generation from strings"
// constructor spelled with a unicode escape.
function render() {
  return (function () {}).constr\u0075ctor('return "<p>made</p>"')();
}
