// expect: invalid "with"
// bypass: ok "<p>Demo Outfitters</p>"
// with statements are refused.
function render(storefront) {
  with (storefront) { return '<p>' + name + '</p>'; }
}
