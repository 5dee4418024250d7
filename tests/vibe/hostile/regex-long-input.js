// expect: runtime "regexec failed"
// a starred alternation over a megabyte of input: MuJS gives up (regexec failed) instead of recursing a million deep.
function render() {
  return String(/^(a|b)*$/.test('a'.repeat(1000000)));
}
