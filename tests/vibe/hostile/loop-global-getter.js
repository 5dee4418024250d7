// expect: cpu
// top-level code puts a looping getter on the global JSON, which the engine reads to pass the inputs.
Object.defineProperty(this, 'JSON', { get: function () { for (;;) {} } });
function render(products) { return 'x'; }
