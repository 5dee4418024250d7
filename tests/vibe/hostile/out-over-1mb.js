// expect: output
// one byte over the 1 MB output limit.
function render() {
  return 'x'.repeat(1024 * 1024 + 1);
}
