// expect: memory
// JSON.stringify of a document holding its own serialisation, again and again.
function render(products) {
  const big = JSON.stringify(products).repeat(64);
  const doc = { a: big, b: big, c: big, d: big, e: big, f: big, g: big, h: big };
  for (;;) doc.next = JSON.stringify(doc);
}
