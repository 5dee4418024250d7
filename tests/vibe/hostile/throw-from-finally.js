// expect: runtime "from finally"
// a finally block that throws over the returned value.
function render() {
  try { return '<p>ok</p>'; } finally { throw 'from finally'; }
}
