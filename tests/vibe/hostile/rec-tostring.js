// expect: runtime "stack overflow"
// toString that converts itself to a string.
function render() {
  const o = {};
  o.toString = function () { return 'a' + this; };
  return '' + o;
}
