// expect: memory
// runs out of memory, catches it and tries again forever: entering the catch block itself needs memory, so the error escapes and the block fails on memory.
function render() {
  for (;;) {
    let s = 'x';
    try { for (;;) s += s; } catch (e) { s = null; }
  }
}
