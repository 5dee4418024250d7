// expect: invalid ".constructor"
// bypass: runtime "code generation from strings"
// Object.getPrototypeOf(function(){}).constructor.
function render() {
  var FP = Object.getPrototypeOf(function () {});
  return FP.constructor('return "<p>made</p>"')();
}
