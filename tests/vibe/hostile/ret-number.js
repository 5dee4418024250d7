// expect: type "number"
// returns a number.
function render() { return 42; }
