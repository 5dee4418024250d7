// expect: cpu
// Array#forEach over an array-like with a length of four billion: holds no memory, only the loop.
function render() {
  let n = 0;
  Array.prototype.forEach.call({ length: 4e9 }, () => { n++; });
  return '' + n;
}
