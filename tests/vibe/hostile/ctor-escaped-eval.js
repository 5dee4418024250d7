// expect: invalid "escaped names"
// bypass: security "escaped names"
// eval spelled with a unicode escape, which MuJS decodes.
function render() {
  var x = '<p>made</p>';
  return ev\u0061l('x');
}
