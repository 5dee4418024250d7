// expect: ok "<p>clean</p>"
// replaces Function.prototype.call/apply/bind/toString.
function render() {
  const fp = Object.getPrototypeOf(function () {});
  fp.call = function () { return 'POLLUTED'; };
  fp.apply = function () { for (;;) {} };
  fp.bind = null;
  fp.toString = function () { return '[native code] POLLUTED'; };
  return '<p>clean</p>';
}
