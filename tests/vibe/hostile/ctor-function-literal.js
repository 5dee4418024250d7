// expect: invalid ".constructor"
// bypass: runtime "code generation from strings"
// (function(){}).constructor is the Function constructor.
function render() {
  var F = (function () {}).constructor;
  return F('return "<p>made</p>"')();
}
