// expect: runtime "regular expression"
// a regular expression too large to compile.
function render() {
  return String(new RegExp('a|'.repeat(20000) + 'b').test('b'));
}
