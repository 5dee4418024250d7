// expect: invalid ".constructor"
// bypass: runtime "code generation from strings"
// new on the constructor.
function render() {
  var f = new ((function () {}).constructor)('return "<p>made</p>"');
  return f();
}
