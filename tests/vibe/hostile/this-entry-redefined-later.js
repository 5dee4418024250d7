// expect: ok "<p>second</p>"
// a later top-level assignment swaps the entry function: the engine calls whatever the name holds.
function render() { return '<p>first</p>'; }
render = function () { return '<p>second</p>'; };
