// expect: ok bytes=1048576
// exactly the 1 MB output limit: allowed.
function render() {
  return '<p>' + 'x'.repeat(1024 * 1024 - 7) + '</p>';
}
