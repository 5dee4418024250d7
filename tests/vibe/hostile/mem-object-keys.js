// expect: memory
// an object given new keys forever.
function render() {
  const o = {};
  const long = '-'.repeat(1000);
  for (let i = 0; ; i++) o[long + i] = i;
}
