// expect: cpu
// catastrophic backtracking: (a+)+$ against a string that almost matches.
function render() {
  const s = 'a'.repeat(40) + '!';
  return /^(a+)+$/.test(s) ? 'y' : 'n';
}
