// expect: cpu
// the loop sits in try/catch inside another loop: nothing to catch, the CPU timer kills the process.
function render() {
  for (;;) {
    try { while (true) {} } catch (e) { /* swallow and go again */ }
  }
}
