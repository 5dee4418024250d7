// expect: output
// 1.2 MB of paragraphs joined from an array.
function render(products) {
  const parts = [];
  for (let i = 0; i < 200; i++) parts.push(`<p>${'x'.repeat(6000)} ${i}</p>`);
  return parts.join('');
}
