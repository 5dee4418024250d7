// expect: runtime "after polluting"
// pollutes, then fails: the pollution must not outlive the failed block either.
function render() {
  Array.prototype.join = function () { return 'POLLUTED'; };
  Object.prototype.polluted = 1;
  throw new Error('after polluting');
}
