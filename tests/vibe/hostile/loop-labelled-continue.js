// expect: cpu
// a labelled continue that never lets the outer loop end.
function render() {
  outer: for (var i = 0; i < 10; i++) {
    for (var j = 0; j < 10; j++) { i = 0; continue outer; }
  }
  return 'x';
}
