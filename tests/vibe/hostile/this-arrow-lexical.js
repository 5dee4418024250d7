// expect: ok "<p>clean</p>"
// arrow functions see the render's this (the global object in sloppy code) and patch it.
function render() {
  const patch = () => { this.Array = null; this.leaked = 1; };
  patch();
  return '<p>clean</p>';
}
