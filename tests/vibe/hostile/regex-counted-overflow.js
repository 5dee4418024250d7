// expect: runtime "regular expression"
// nested counted repetition that would explode the program.
function render() {
  return String(new RegExp('(a{255}){255}').test('a'));
}
