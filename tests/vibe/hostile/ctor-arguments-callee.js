// expect: invalid "arguments.callee"
// bypass: type
// arguments.callee is refused.
function render() {
  var f = function () { return arguments.callee; };
  return f();
}
