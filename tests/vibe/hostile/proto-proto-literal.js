// expect: invalid "__proto__"
// bypass: runtime "undefined"
// __proto__ is refused by validation (and MuJS has no __proto__ accessor: skipping validation gets a TypeError).
function render() {
  ({}).__proto__.polluted = 1;
  return '<p>clean</p>';
}
