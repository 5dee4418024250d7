// expect: ok "<p>clean</p>"
// turns built-in methods into accessors with Object.defineProperty.
function render() {
  Object.defineProperty(Array.prototype, 'forEach', { get: function () { throw new Error('POLLUTED'); } });
  Object.defineProperty(String.prototype, 'trim', { get: function () { for (;;) {} } });
  Object.defineProperty(Object, 'keys', { value: function () { return ['POLLUTED']; } });
  return '<p>clean</p>';
}
