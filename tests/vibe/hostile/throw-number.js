// expect: runtime "42"
// throws a number.
function render() {
  throw 42;
}
