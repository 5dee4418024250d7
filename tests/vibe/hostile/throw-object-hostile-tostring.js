// expect: runtime
// throws an object whose toString throws again.
function render() {
  throw { toString() { throw new Error('inner'); } };
}
