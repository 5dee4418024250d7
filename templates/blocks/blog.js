// Blog block: links to your latest posts.
function renderBlog(posts, helpers) {
  const esc = helpers.escapeHtml;
  const list = (posts || []).slice(0, 3);
  const head = '<section class="section"><div class="container"><h2 class="section__title">Latest posts</h2>';
  if (list.length === 0) {
    return `${head}<p class="empty-state">No posts yet.</p></div></section>`;
  }
  const card = post => `<article class="post-card">` +
    `<p class="post-card__date">${esc(helpers.formatDate(post.publishedAt, 'MMM D, YYYY'))}</p>` +
    `<h3 class="post-card__title"><a href="/blog/${esc(encodeURIComponent(String(post.slug || '')))}">` +
    `${esc(post.title || '')}</a></h3>` +
    `<p class="post-card__excerpt">${esc(post.excerpt || '')}</p>` +
    `</article>`;
  return `${head}<div class="post-list">${list.map(card).join('')}</div></div></section>`;
}
