// expect: cpu
// pollutes, then loops until killed: the next block runs in a fresh process.
function render() {
  Array.prototype.join = function () { return 'POLLUTED'; };
  Object.prototype.polluted = 1;
  for (;;) {}
}
