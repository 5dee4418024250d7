// expect: memory
// JSON.parse of a huge document built from a small one.
function render() {
  const text = '[' + '{"a":[1,2,3],"b":"xxxxxxxx"},'.repeat(400000) + '0]';
  return String(JSON.parse(text).length);
}
