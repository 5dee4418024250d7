// expect: ok "<p>{\"a\":[]}</p>"
// a JSON.stringify replacer that deletes what is being walked.
function render(helpers) {
  const o = { a: [1, 2, 3], b: { c: 1 } };
  const s = JSON.stringify(o, (k, v) => { if (k === 'a') { delete o.b; o.a.length = 0; } return v; });
  return '<p>' + s + '</p>';
}
