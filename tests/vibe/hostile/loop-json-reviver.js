// expect: cpu
// a JSON.parse reviver that loops.
function render() {
  const o = JSON.parse('{"a": [1, 2, 3]}', function (k, v) { while (true) {} });
  return String(o);
}
