// expect: cpu
// toString that loops, called by string concatenation.
function render() {
  const o = { toString() { while (true) {} } };
  return '<p>' + o + '</p>';
}
