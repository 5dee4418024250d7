// expect: runtime "null"
// throws null.
function render() {
  throw null;
}
