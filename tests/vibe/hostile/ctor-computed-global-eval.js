// expect: runtime "code generation from strings"
// this['eval'] (an indirect call) hits the hardened global.
function render() {
  const name = 'ev' + 'al';
  return this[name]('"<p>made</p>"');
}
