// expect: runtime "at load"
// top-level code throws while the block loads.
throw new TypeError('at load');
function render() { return 'x'; }
