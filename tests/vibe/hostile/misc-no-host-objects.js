// expect: ok "<p>undefined undefined undefined undefined</p>"
// nothing of the host is reachable: no require, process, print or load.
function render() {
  const g = (function () { return this; })();
  return `<p>${typeof g.process} ${typeof g.print} ${typeof g['req' + 'uire']} ${typeof g.load}</p>`;
}
