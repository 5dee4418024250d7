// expect: runtime "out of range"
// number formatting at the edges (toFixed with a huge precision is refused).
function render() {
  return (1e21).toFixed(100) + (0.1).toPrecision(100);
}
