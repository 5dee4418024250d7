// expect: invalid "__proto__"
// bypass: runtime "undefined"
// the string '__proto__' as a key is refused too.
function render() {
  var o = {};
  o['__proto__'].polluted = 1;
  return '<p>clean</p>';
}
