// expect: runtime "array too large"
// new Array(1e9).fill(0): refused by size before any allocation.
function render() {
  return String(new Array(1e9).fill(0).length);
}
