// expect: memory
// a megabyte string split into a million one-character strings.
function render() {
  return String('x'.repeat(1 << 20).split('').length);
}
