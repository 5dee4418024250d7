// expect: memory
// a template literal that keeps wrapping itself.
function render(storefront) {
  let html = `<p>${storefront.name}</p>`;
  for (;;) html = `<div>${html}${html}</div>`;
}
