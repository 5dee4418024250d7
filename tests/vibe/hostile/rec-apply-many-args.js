// expect: runtime "stack overflow"
// Function#apply with a hundred thousand arguments.
function render() {
  const a = [];
  for (let i = 0; i < 100000; i++) a.push(i);
  return String(Math.max.apply(null, a));
}
