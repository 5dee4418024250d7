// expect: cpu
// throws an object whose toString loops (the engine calls it to report the error).
function render() {
  throw { toString: () => { while (true) {} } };
}
