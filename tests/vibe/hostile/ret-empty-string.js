// expect: ok ""
// an empty string is a valid (empty) block.
function render() { return ''; }
