// expect: type
// returns a String object (new String), not a string.
function render() { return new String('<p>boxed</p>'); }
