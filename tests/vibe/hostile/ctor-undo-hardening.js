// expect: runtime "code generation from strings"
// tries to undo the hardening (delete, redefine, assign) before using the constructor.
function render() {
  const c = 'constr' + 'uctor', fp = Object.getPrototypeOf(function () {});
  try { delete fp[c]; } catch (e) {}
  try { Object.defineProperty(fp, c, { value: 1, writable: true, configurable: true }); } catch (e) {}
  try { fp[c] = 2; } catch (e) {}
  return fp[c]('return "<p>made</p>"')();
}
