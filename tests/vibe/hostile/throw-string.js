// expect: runtime "alert(1)"
// throws a string of HTML (it must not reach the live page).
function render() {
  throw '<script>alert(1)</script>';
}
