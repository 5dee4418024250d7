// expect: type
// returns an array of strings instead of joining them.
function render(products) { return products.map(p => `<li>${p.name}</li>`); }
