// expect: ok "<p>clean</p>"
// patches Number and Boolean prototypes and the Number statics.
function render() {
  Number.prototype.toFixed = function () { return 'POLLUTED'; };
  Number.prototype.toString = function () { return 'POLLUTED'; };
  Boolean.prototype.toString = function () { return 'POLLUTED'; };
  Number.isInteger = function () { return false; };
  return '<p>clean</p>';
}
