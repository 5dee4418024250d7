// expect: type "undefined"
// returns nothing.
function render(products) { products.map(p => p.name); }
