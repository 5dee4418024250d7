// expect: memory
// a chain of a hundred thousand bound functions.
function render() {
  let f = function () { return 1; };
  for (let i = 0; i < 100000; i++) f = f.bind(null);
  return String(f());
}
