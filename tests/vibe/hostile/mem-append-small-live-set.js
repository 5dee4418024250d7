// expect: ok "6000 14490 <li>0</li><li>1</li>"
// 6,000 one-character appends make 6,000 ever longer strings, 18 MB in all,
// while the live set stays a few KB: the engine collects before it declares
// the block out of memory (it used to hit the 16 MB cap).
function render() {
  let s = '';
  for (let i = 0; i < 6000; i++) s += 'x';
  let html = '';
  for (let i = 0; i < 1200; i++) html += `<li>${i}</li>`;
  return s.length + ' ' + html.length + ' ' + html.slice(0, 20);
}
