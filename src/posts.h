/* posts: blog posts (Markdown, rendered with cmark in safe mode: raw HTML
 * in a post is dropped, never passed through). Public and admin JSON. */
#ifndef POSTS_H
#define POSTS_H
#include <cJSON.h>
#include <stdint.h>
#include "util.h"

/* Posts vibe code's `posts` input holds (the storefront and the CLI preview). */
#define POSTS_BLOCK_MAX 20
cJSON *posts_published(int64_t tid, int limit);           /* newest first */
cJSON *posts_published_by_slug(int64_t tid, const char *slug); /* with "html" */
cJSON *posts_admin_get(int64_t tid, int64_t id);
cJSON *posts_admin_list(int64_t tid, int64_t limit, int64_t offset);
/* Published posts tagged with a tag's slug, newest first. */
cJSON *posts_tagged(int64_t tid, const char *tag, int limit);
/* The newest live posts, each with its "html" (feeds). */
cJSON *posts_feed(int64_t tid, int limit);
/* Tags: at most POSTS_TAGS_MAX strings of 1-POSTS_TAG_MAX bytes, each
 * with a letter or digit. NULL or the problem. */
#define POSTS_TAGS_MAX 20
#define POSTS_TAG_MAX 50
const char *posts_tags_problem(const cJSON *tags);
/* The post_tags rows of a post become its tags' slugs. 0 or -1. */
MUST_USE int posts_set_tags(int64_t tid, int64_t post, const cJSON *tags);
/* Markdown -> safe HTML, headings from <h2> down (the page's title is the
 * one <h1>); caller frees. */
/* Bytes of Markdown a post may hold (its content field). */
#define POST_CONTENT_MAX 200000
char *posts_markdown(const char *md);
#endif
