// Blog block: links to your latest posts.
function renderBlog(posts, helpers) {
  var list = (posts || []).slice(0, 3);
  var html = '<section class="section"><div class="container">' +
    '<h2 class="section__title">Latest posts</h2>';
  if (list.length === 0) {
    return html + '<p class="empty-state">No posts yet.</p></div></section>';
  }
  html += '<div class="post-list">';
  for (var i = 0; i < list.length; i++) {
    var post = list[i];
    html += '<article class="post-card">' +
      '<p class="post-card__date">' + helpers.escapeHtml(helpers.formatDate(post.publishedAt, 'MMM D, YYYY')) + '</p>' +
      '<h3 class="post-card__title"><a href="/blog/' + helpers.escapeHtml(encodeURIComponent(String(post.slug || ''))) + '">' +
      helpers.escapeHtml(post.title || '') + '</a></h3>' +
      '<p class="post-card__excerpt">' + helpers.escapeHtml(post.excerpt || '') + '</p>' +
      '</article>';
  }
  return html + '</div></div></section>';
}
