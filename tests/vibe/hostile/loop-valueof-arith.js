// expect: cpu
// valueOf that loops, called by arithmetic and comparison.
function render() {
  var o = { valueOf: function () { for (;;) {} } };
  return o > 1 ? 'a' : 'b';
}
