// expect: cpu
// a getter added with Object.defineProperty on Object.prototype, hit by every property miss.
function render(products) {
  Object.defineProperty(Object.prototype, 'badge', { get: function () { for (;;) {} } });
  return products.map(p => p.badge || '').join('');
}
