// expect: ok "<p>done</p>"
// a comparator that empties and refills the array it sorts.
function render() {
  const a = [];
  for (let i = 0; i < 200; i++) a.push({ v: i });
  a.sort((x, y) => { a.push(1); a.pop(); a[0] = null; return (x && x.v) - (y && y.v); });
  return '<p>done</p>';
}
