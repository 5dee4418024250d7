// expect: cpu
// the function returns, but its finally block loops.
function render() {
  try {
    return '<p>done</p>';
  } finally {
    while (true) {}
  }
}
