// expect: runtime "EEEE"
// throws a megabyte string: the report is cut, the block fails.
function render() {
  throw 'E'.repeat(1 << 20);
}
