// expect: invalid ".constructor"
// an arrow function's constructor (ES2015 source).
function render() {
  const F = (() => 1).constructor;
  return F('return "<p>made</p>"')();
}
