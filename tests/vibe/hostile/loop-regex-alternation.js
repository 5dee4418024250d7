// expect: cpu
// exponential alternation (a|aa)*b.
function render() {
  return String(/^(a|aa)*b$/.test('a'.repeat(60)));
}
