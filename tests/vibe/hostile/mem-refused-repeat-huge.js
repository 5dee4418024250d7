// expect: runtime "invalid string length"
// String#repeat asked for 2^30 copies is refused up front (prelude), not allocated.
function render() {
  return 'x'.repeat(Math.pow(2, 30));
}
