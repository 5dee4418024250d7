// expect: memory
// data nested a hundred thousand deep, then stringified.
function render() {
  let a = [];
  for (let i = 0; i < 100000; i++) a = [a];
  return JSON.stringify(a);
}
