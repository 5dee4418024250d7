// expect: ok "<p>0,1,2 500</p>"
// sorting more than a few items (glibc's qsort once made a system call the sandbox forbids).
function render() {
  const a = [];
  for (let i = 0; i < 500; i++) a.push((i * 7919) % 500);
  a.sort((x, y) => x - y);
  return `<p>${a.slice(0, 3).join(',')} ${a.length}</p>`;
}
