// expect: invalid "[\"constructor\"]"
// bypass: runtime "code generation from strings"
// the constructor through a string key.
function render() {
  return (function () {})["constructor"]('return "<p>made</p>"')();
}
