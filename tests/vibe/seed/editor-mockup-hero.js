function renderHero(storefront,
  products, helpers) {
  return `
    <section class="hero
      bg-blue-600 text-white
      py-20">
      <div class="container
        mx-auto text-center">
        <h1 class="text-4xl
          font-bold mb-4">
          ${helpers.escapeHtml(
            storefront.name)}
        </h1>
        <a href="/products"
          class="bg-white
          text-blue-600 px-8
          py-3 rounded-lg">
          Shop Now
        </a>
      </div>
    </section>
  `;
}
