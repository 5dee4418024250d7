// expect: cpu
// while(1) with an empty body.
function render() {
  while (1) {}
  return '<p>never</p>';
}
