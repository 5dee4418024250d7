// expect: ok "<p>clean</p>"
// adds enumerable data and a looping getter to Object.prototype, replaces hasOwnProperty and toString.
function render() {
  Object.prototype.polluted = true;
  Object.defineProperty(Object.prototype, 'trap', { get: function () { for (;;) {} }, enumerable: false });
  Object.prototype.hasOwnProperty = function () { return true; };
  Object.prototype.toString = function () { return 'POLLUTED'; };
  return '<p>clean</p>';
}
