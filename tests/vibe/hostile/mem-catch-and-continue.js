// expect: memory
// catches MuJS's out-of-memory error, frees everything and returns HTML: the block still fails, the flag decides, not the error.
function render() {
  let s = 'x';
  try {
    for (;;) s += s;
  } catch (e) {
    s = null;
  }
  return '<p>survived</p>';
}
