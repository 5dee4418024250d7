// Demo Outfitters blog block: the latest journal posts as cards.
// config: heading, limit (default 3)
function renderBlog(posts, config, helpers) {
  const c = config || {};
  const esc = helpers.escapeHtml;
  const limit = (typeof c.limit === 'number' && c.limit > 0) ? c.limit : 3;
  const list = (posts || []).slice(0, limit);
  const head = `<section class="section blog-section"><div class="container">` +
    `<header class="section__header"><h2 class="section__title">${esc(c.heading || 'From the journal')}</h2>` +
    `<a class="section__more" href="/blog">All posts</a></header>`;
  if (list.length === 0) {
    return `${head}<p class="empty-state">No stories yet. Our first one is on the way.</p></div></section>`;
  }
  const card = post => {
    const url = `/blog/${encodeURIComponent(String(post.slug || ''))}`;
    const excerpt = post.excerpt ? `<p class="post-card__excerpt">${esc(post.excerpt)}</p>` : '';
    return `<article class="post-card">` +
      `<p class="post-card__date"><time datetime="${esc(post.publishedAt || '')}">${esc(helpers.formatDate(post.publishedAt, 'MMM D, YYYY'))}</time></p>` +
      `<h3 class="post-card__title"><a href="${esc(url)}">${esc(post.title || '')}</a></h3>` +
      excerpt +
      `<a class="post-card__more" href="${esc(url)}">Read more<span class="visually-hidden"> of ${esc(post.title || '')}</span> <span aria-hidden="true">&rarr;</span></a>` +
      `</article>`;
  };
  return `${head}<div class="post-list">${list.map(card).join('')}</div></div></section>`;
}
