// expect: ok "<p>clean</p>"
// replaces String.prototype methods, including the prelude's (padStart, includes).
function render() {
  String.prototype.replace = function () { return 'POLLUTED'; };
  String.prototype.toUpperCase = function () { while (true) {} };
  String.prototype.padStart = function () { return 'POLLUTED'; };
  String.prototype.includes = function () { return false; };
  String.prototype.split = null;
  return '<p>clean</p>';
}
