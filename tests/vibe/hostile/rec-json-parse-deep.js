// expect: runtime "stack overflow"
// JSON.parse of an array nested a hundred thousand deep.
function render() {
  return String(JSON.parse('['.repeat(100000) + ']'.repeat(100000)).length);
}
