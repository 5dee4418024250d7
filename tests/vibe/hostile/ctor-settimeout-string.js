// expect: invalid "setTimeout with a string"
// setTimeout with code in a string.
function render() {
  setTimeout('leak()', 0);
  return '<p>clean</p>';
}
