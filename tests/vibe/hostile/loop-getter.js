// expect: cpu
// an ES5 getter in an object literal that loops, read in a template.
function render() {
  var o = { get name() { while (1) {} } };
  return `<p>${o.name}</p>`;
}
