// expect: ok "<p>clean</p>"
// tampers with the engine's own globals (__in, __sf) and with helpers.
function render(helpers, api) {
  __in = { storefront: { name: 'POLLUTED' } };
  __sf = null;
  helpers.escapeHtml = function (s) { return s; };
  helpers.formatPrice = null;
  api.getProducts = function () { for (;;) {} };
  return '<p>clean</p>';
}
