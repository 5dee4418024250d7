// expect: cpu
// a loop in top-level code, which runs when the block is loaded, before the entry is called.
var ready = false;
while (!ready) {}
function render() { return 'x'; }
