// expect: type
// returns an object that would convert to HTML: still not a string.
function render() { return { toString: () => '<p>converted</p>' }; }
