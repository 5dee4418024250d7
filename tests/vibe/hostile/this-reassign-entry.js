// expect: runtime "not callable"
// top-level code replaces the entry function with a non-function before the engine calls it.
function render() { return '<p>clean</p>'; }
render = 42;
