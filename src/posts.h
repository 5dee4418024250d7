/* posts: blog posts (Markdown, rendered with cmark in safe mode: raw HTML
 * in a post is dropped, never passed through). Public and admin JSON. */
#ifndef POSTS_H
#define POSTS_H
#include <cJSON.h>
#include <stdint.h>

/* Posts vibe code's `posts` input holds (the storefront and the CLI preview). */
#define POSTS_BLOCK_MAX 20
cJSON *posts_published(int64_t tid, int limit);           /* newest first */
cJSON *posts_published_by_slug(int64_t tid, const char *slug); /* with "html" */
cJSON *posts_admin_get(int64_t tid, int64_t id);
cJSON *posts_admin_list(int64_t tid, int64_t limit, int64_t offset);
/* Markdown -> safe HTML; caller frees. */
char *posts_markdown(const char *md);
#endif
