// expect: type
// returns a function.
function render() { return () => '<p>later</p>'; }
