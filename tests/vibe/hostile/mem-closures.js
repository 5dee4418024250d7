// expect: memory
// closures kept alive forever, each holding its own environment.
function render() {
  const fs = [];
  for (let i = 0; ; i++) fs.push(() => i + fs.length);
}
