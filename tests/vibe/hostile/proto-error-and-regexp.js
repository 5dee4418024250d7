// expect: ok "<p>clean</p>"
// patches Error.prototype and RegExp.prototype.exec/test.
function render() {
  Error.prototype.toString = function () { return 'POLLUTED'; };
  Error.prototype.name = 'POLLUTED';
  RegExp.prototype.test = function () { return false; };
  RegExp.prototype.exec = function () { for (;;) {} };
  return '<p>clean</p>';
}
