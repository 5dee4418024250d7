// expect: invalid "require"
// require is not there and is refused.
function render() {
  const fs = require('fs');
  return fs.readFileSync('/etc/passwd', 'utf8');
}
