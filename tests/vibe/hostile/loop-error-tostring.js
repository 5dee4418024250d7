// expect: cpu
// throws an Error whose toString (called by the engine to report it) loops.
function render() {
  Error.prototype.toString = function () { while (true) {} };
  throw new Error('boom');
}
