// expect: runtime "regular expression"
// five thousand nested groups.
function render() {
  return String(new RegExp('(?:'.repeat(5000) + 'a' + ')'.repeat(5000)).test('a'));
}
