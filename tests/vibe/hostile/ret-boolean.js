// expect: type "boolean"
// returns a boolean.
function render() { return true; }
