// expect: ok "<p>clean</p>"
// replaces JSON, Math and Date methods (the engine itself uses JSON.parse for the next block's inputs).
function render() {
  JSON.parse = function () { return { storefront: { name: 'POLLUTED' } }; };
  JSON.stringify = function () { return 'POLLUTED'; };
  Math.floor = function () { return 666; };
  Math.random = function () { return 0.5; };
  Date.prototype.toISOString = function () { return 'POLLUTED'; };
  Date.now = function () { return 0; };
  return '<p>clean</p>';
}
