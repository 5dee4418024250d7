// expect: ok "<p>clean</p>"
// replaces globals with accessors that loop or throw.
function render() {
  Object.defineProperty(this, 'Math', { get: function () { for (;;) {} } });
  Object.defineProperty(this, 'helpers', { get: function () { throw new Error('POLLUTED'); } });
  Object.defineProperty(this, 'renderCanary', { value: function () { return '<p>canary hijacked</p>'; } });
  return '<p>clean</p>';
}
