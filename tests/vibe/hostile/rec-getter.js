// expect: runtime "stack overflow"
// a getter that reads itself.
function render() {
  const o = { get x() { return this.x; } };
  return String(o.x);
}
