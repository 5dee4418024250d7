// expect: ok "<p>clean</p>"
// pollutes from top-level code, at load time.
Array.prototype.join = function () { return 'POLLUTED'; };
Object.prototype.polluted = 1;
String.prototype.trim = function () { return 'POLLUTED'; };
function render() {
  return '<p>clean</p>';
}
