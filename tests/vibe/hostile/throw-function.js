// expect: runtime
// throws a function.
function render() {
  throw function secret() { return 1; };
}
