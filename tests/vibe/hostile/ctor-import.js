// expect: invalid "import"
// import is refused (and outside the subset).
import fs from 'fs';
function render() { return '<p>clean</p>'; }
