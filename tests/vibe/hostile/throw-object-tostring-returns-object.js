// expect: runtime
// throws an object whose toString returns an object (no primitive at all).
function render() {
  throw { toString: function () { return {}; }, valueOf: function () { return {}; } };
}
