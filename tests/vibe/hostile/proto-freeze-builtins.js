// expect: ok "<p>clean</p>"
// freezes and seals the built-in prototypes, so the next block could not patch or extend them.
function render() {
  Object.freeze(Object.prototype);
  Object.freeze(Array.prototype);
  Object.seal(String.prototype);
  Object.preventExtensions(Math);
  Object.freeze(JSON);
  return '<p>clean</p>';
}
