// Demo Outfitters blog block: the latest journal posts as cards.
// config: heading, limit (default 3)
function renderBlog(posts, config, helpers) {
  var c = config || {};
  var limit = (typeof c.limit === 'number' && c.limit > 0) ? c.limit : 3;
  var list = (posts || []).slice(0, limit);
  var html = '<section class="section blog-section"><div class="container">' +
    '<header class="section__header">' +
    '<h2 class="section__title">' + helpers.escapeHtml(c.heading || 'From the journal') + '</h2>' +
    '<a class="section__more" href="/blog">All posts</a></header>';
  if (list.length === 0) {
    return html + '<p class="empty-state">No stories yet. Our first one is on the way.</p></div></section>';
  }
  html += '<div class="post-list">';
  for (var i = 0; i < list.length; i++) {
    var post = list[i];
    var url = '/blog/' + encodeURIComponent(String(post.slug || ''));
    html += '<article class="post-card">' +
      '<p class="post-card__date"><time>' +
      helpers.escapeHtml(helpers.formatDate(post.publishedAt, 'MMM D, YYYY')) + '</time></p>' +
      '<h3 class="post-card__title"><a href="' + helpers.escapeHtml(url) + '">' +
      helpers.escapeHtml(post.title || '') + '</a></h3>';
    if (post.excerpt) {
      html += '<p class="post-card__excerpt">' + helpers.escapeHtml(post.excerpt) + '</p>';
    }
    html += '<a class="post-card__more" href="' + helpers.escapeHtml(url) + '">Read more <span aria-hidden="true">&rarr;</span></a>' +
      '</article>';
  }
  html += '</div></div></section>';
  return html;
}
