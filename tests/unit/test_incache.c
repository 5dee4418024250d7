/* incache: a worker's copies of blocks' inputs: a key is served only its
 * own inputs, the byte budget holds (least recently used leave first),
 * and a budget of 0 keeps nothing. */
#include "t.h"
#include "incache.h"
#include "config.h"

static void test_get_put(void)
{
	cfg.render_input_cache = 1 << 20;
	CHECK(incache_get("1|7|0|a.localhost||desktop|products,{}") == NULL);
	incache_put("1|7|0|a.localhost||desktop|products,{}", "{\"products\":[1]}");
	incache_put("2|7|0|b.localhost||desktop|products,{}", "{\"products\":[2]}");
	const char *v = incache_get("1|7|0|a.localhost||desktop|products,{}");
	CHECK_STR(v, "{\"products\":[1]}");
	CHECK_STR(incache_get("2|7|0|b.localhost||desktop|products,{}"), "{\"products\":[2]}");
	/* the store's next content version is another key */
	CHECK(incache_get("1|8|0|a.localhost||desktop|products,{}") == NULL);
}

static void test_budget(void)
{
	cfg.render_input_cache = 4096;
	char key[64], val[1024];
	memset(val, 'x', sizeof val - 1);
	val[sizeof val - 1] = 0;
	for (int i = 0; i < 10; i++) {
		snprintf(key, sizeof key, "9|1|0|c.localhost||desktop|%d", i);
		incache_put(key, val);
		CHECK(incache_get(key) != NULL);
	}
	int kept = 0;
	for (int i = 0; i < 10; i++) {
		snprintf(key, sizeof key, "9|1|0|c.localhost||desktop|%d", i);
		kept += incache_get(key) != NULL;
	}
	CHECK(kept >= 1 && kept <= 4);               /* 4 KB hold at most 3 or 4 of them */
	CHECK(incache_get("9|1|0|c.localhost||desktop|9") != NULL);   /* the newest stays */
	CHECK(incache_get("9|1|0|c.localhost||desktop|0") == NULL);   /* the oldest left */
	cfg.render_input_cache = 0;
	incache_put("9|2|0|c.localhost||desktop|x", "{}");
	CHECK(incache_get("9|2|0|c.localhost||desktop|x") == NULL);
}

int main(void)
{
	test_get_put();
	test_budget();
	T_DONE();
}
