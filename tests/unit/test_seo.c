/* Unit tests of the SEO module's pure parts: the SEO object and URL
 * checks, JSON-LD made safe for <script>, XML text, the head's fallbacks,
 * redirect path checks and the store's robots.txt rules. */
#include "t.h"
#include "seo.h"
#include "html.h"
#include "redirects.h"
#include "sitemap.h"

static const char *problem(const char *json, int strict)
{
	static char buf[300];
	cJSON *o = cJSON_Parse(json);
	const char *p = seo_problem(o, strict, buf, sizeof buf);
	cJSON_Delete(o);
	return p;
}

int main(void)
{
	/* URLs the head prints */
	CHECK(seo_url_problem("") == NULL);
	CHECK(seo_url_problem("/media/a.png") == NULL);
	CHECK(seo_url_problem("https://cdn.example/a.png?x=1") == NULL);
	CHECK(seo_url_problem("javascript:alert(1)") != NULL);
	CHECK(seo_url_problem("//evil.example/a.png") != NULL);
	CHECK(seo_url_problem("http:///a") != NULL);
	CHECK(seo_url_problem("https://") != NULL);
	CHECK(seo_url_problem("/a b") != NULL);
	CHECK(seo_url_problem("/a\"onerror=x") != NULL);
	CHECK(seo_url_problem("/a<b") != NULL);
	CHECK(seo_url_problem("data:image/png;base64,xx") != NULL);

	/* the SEO object */
	CHECK(problem("{}", 1) == NULL);
	CHECK(problem("{\"title\":\"T\",\"robots\":\"noindex,nofollow\",\"twitterCard\":\"summary\"}", 1) == NULL);
	CHECK(problem("{\"custom\":{\"a\":1}}", 0) == NULL);          /* the seed's seoConfig keeps others */
	CHECK(problem("{\"custom\":1}", 1) != NULL);                  /* a product's seo does not */
	CHECK(problem("{\"robots\":\"sometimes\"}", 0) != NULL);
	CHECK(problem("{\"title\":1}", 0) != NULL);
	CHECK(problem("{\"canonical\":\"ftp://x/\"}", 0) != NULL);
	CHECK(problem("{\"title\":\"a\\u0001\"}", 0) != NULL);
	CHECK(problem("[]", 0) != NULL);
	cJSON *o = cJSON_Parse("{\"robots\":\"noindex\"}");
	CHECK(seo_noindex(o));
	cJSON_Delete(o);

	/* JSON in <script>: nothing can end the element */
	sbuf b = SBUF_INIT;
	json_script(&b, "{\"a\":\"</script><!-- & \xe2\x80\xa8\"}");
	CHECK_STR(sb_str(&b), "{\"a\":\"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028\"}");
	sb_reset(&b);
	xml_text(&b, "a<b>&\x01\"c\n");
	CHECK_STR(sb_str(&b), "a&lt;b&gt;&amp;&quot;c\n");

	/* the head: fallbacks, canonical, image made absolute, JSON-LD taken */
	cJSON *seo = cJSON_Parse("{\"description\":\"D\",\"ogImage\":\"/i.png\"}");
	seo_item it = { .type = "product", .title = "Name", .seo = seo, .jsonld = cJSON_CreateArray() };
	cJSON_AddItemToArray(it.jsonld, seo_ld_breadcrumbs("https://s.example", 0, NULL, NULL));
	cJSON *h = seo_head("https://s.example", "/products/x", "Store", "Fallback", "Tagline", &it);
	CHECK_STR(cJSON_GetObjectItem(h, "title")->valuestring, "Name");
	CHECK_STR(cJSON_GetObjectItem(h, "description")->valuestring, "D");
	CHECK_STR(cJSON_GetObjectItem(h, "canonical")->valuestring, "https://s.example/products/x");
	CHECK_STR(cJSON_GetObjectItem(h, "ogImage")->valuestring, "https://s.example/i.png");
	CHECK_STR(cJSON_GetObjectItem(h, "twitterCard")->valuestring, "summary_large_image");
	CHECK_STR(cJSON_GetObjectItem(h, "robots")->valuestring, "");
	CHECK(strstr(cJSON_GetObjectItem(h, "jsonld")->valuestring, "\"@context\":\"https://schema.org\"") != NULL);
	CHECK(it.jsonld == NULL);
	cJSON_Delete(h);
	cJSON_Delete(seo);

	/* redirects */
	CHECK(redir_from_problem("/old") == NULL);
	CHECK(redir_from_problem("old") != NULL);
	CHECK(redir_from_problem("/") != NULL);
	CHECK(redir_from_problem("//x") != NULL);
	CHECK(redir_from_problem("/api/x") != NULL);
	CHECK(redir_from_problem("/a?b") != NULL);
	CHECK(redir_to_problem("/new?x=1") == NULL);
	CHECK(redir_to_problem("https://evil.example/") != NULL);
	CHECK(redir_to_problem("//evil.example") != NULL);
	CHECK(redir_to_problem("/\\evil.example") != NULL);
	CHECK(redir_to_problem("mailto:a@b") != NULL);

	/* robots.txt rules */
	char buf[300];
	CHECK(sitemap_robots_problem("User-agent: *\r\nDisallow: /x\n\n# c\nCrawl-delay: 5", buf, sizeof buf) == NULL);
	CHECK(sitemap_robots_problem("Sitemap: http://evil/", buf, sizeof buf) != NULL);
	CHECK(sitemap_robots_problem("Disallow /x", buf, sizeof buf) != NULL);
	CHECK(sitemap_robots_problem("Disallow: /\x02", buf, sizeof buf) != NULL);
	sb_free(&b);
	T_DONE();
}
