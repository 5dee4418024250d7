// expect: ok "<p>clean</p>"
// deletes globals and leaves new ones behind.
function render() {
  const g = (function () { return this; })();
  delete g.JSON;
  delete g.Math;
  delete g.encodeURIComponent;
  g.leaked = 'tenant secret';
  leakedToo = 'implicit global';
  return '<p>clean</p>';
}
