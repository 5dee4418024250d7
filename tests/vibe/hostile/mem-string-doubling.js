// expect: memory
// a string doubled until the heap cap.
function render() {
  let s = 'x';
  while (true) s += s;
}
