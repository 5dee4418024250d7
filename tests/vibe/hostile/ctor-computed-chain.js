// expect: runtime "code generation from strings"
// Object.getPrototypeOf chains with computed names, down to Object and back up.
function render() {
  const c = 'constr' + 'uctor';
  const Obj = Object.getPrototypeOf(Object.getPrototypeOf(function () {}))[c];
  const F = Obj[c];
  return (F === Obj ? Obj.getPrototypeOf(function () {})[c] : F)('return "<p>made</p>"')();
}
