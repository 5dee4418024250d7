// expect: runtime "stack overflow"
// recursion through C built-ins (join -> toString -> join).
function render() {
  const o = {};
  Object.defineProperty(o, 'x', { get: function () { return [o].join(); } });
  o.toString = function () { return this.x; };
  return String(o);
}
