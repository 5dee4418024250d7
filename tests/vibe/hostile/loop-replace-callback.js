// expect: cpu
// the replacer function of String#replace never returns.
function render() {
  return 'a-b-c'.replace(/-/g, () => { for (;;) {} });
}
