// expect: memory
// an array pushed forever.
function render() {
  const a = [];
  for (;;) a.push(a.length);
}
