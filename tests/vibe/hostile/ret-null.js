// expect: type
// returns null.
function render() { return null; }
