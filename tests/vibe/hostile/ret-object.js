// expect: type "object"
// returns an object.
function render(storefront) { return { html: `<p>${storefront.name}</p>` }; }
