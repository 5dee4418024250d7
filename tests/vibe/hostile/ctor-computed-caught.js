// expect: ok "<p>refused: EvalError</p>"
// catches the refusal and renders.
function render() {
  try {
    return (function () {})['constr' + 'uctor']('return "<p>made</p>"')();
  } catch (e) {
    return '<p>refused: ' + e.name + '</p>';
  }
}
