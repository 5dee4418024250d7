// expect: cpu
// do { } while (true).
function render() {
  let i = 0;
  do { i++; } while (true);
  return '' + i;
}
