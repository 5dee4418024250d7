// expect: runtime "undefined"
// throws undefined.
function render() {
  throw undefined;
}
