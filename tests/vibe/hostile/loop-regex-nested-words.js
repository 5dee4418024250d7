// expect: cpu
// catastrophic backtracking in a 'validation' regex over words and spaces.
function render(storefront) {
  const s = 'word '.repeat(12) + 'word!';
  return /^(\w+\s?)*$/.test(s) ? 'valid' : 'invalid';
}
