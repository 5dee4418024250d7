// expect: memory
// swallows the out-of-memory error inside the allocation loop, then returns.
function render() {
  const keep = [];
  let s = 'y'.repeat(1 << 16);
  for (let i = 0; i < 20; i++) {
    try { s = s + s; keep.push(s); } catch (e) { keep.length = 0; s = 'y'; }
  }
  return '<p>' + keep.length + '</p>';
}
