// expect: ok "<p>clean</p>"
// overwrites the global constructors the engine and the next block rely on.
function render() {
  var g = this;
  g.Object = null;
  g.Array = null;
  g.JSON = null;
  g.String = function () { return 'POLLUTED'; };
  g.parseInt = null;
  g.undefined = 'POLLUTED';
  g.NaN = 1;
  return '<p>clean</p>';
}
