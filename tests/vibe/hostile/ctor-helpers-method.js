// expect: invalid ".constructor"
// bypass: runtime "code generation from strings"
// the constructor of a C helper.
function render(helpers) {
  return helpers.escapeHtml.constructor('return "<p>made</p>"')();
}
