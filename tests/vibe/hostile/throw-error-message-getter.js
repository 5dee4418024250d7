// expect: cpu
// an Error whose message getter loops.
function render() {
  const e = new Error('x');
  Object.defineProperty(e, 'message', { get: function () { for (;;) {} } });
  throw e;
}
