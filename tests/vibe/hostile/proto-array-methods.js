// expect: ok "<p>clean</p>"
// replaces Array.prototype methods (join, map, push, sort) and adds an enumerable one.
function render() {
  Array.prototype.join = function () { return 'POLLUTED'; };
  Array.prototype.map = function () { return ['POLLUTED']; };
  Array.prototype.push = function () { throw new Error('POLLUTED'); };
  Array.prototype.sort = function () { for (;;) {} };
  Array.prototype.evil = 'POLLUTED';
  return '<p>clean</p>';
}
