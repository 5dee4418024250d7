/* search_fold and the offline embedder: pure functions, no database. */
#include "t.h"
#include "search.h"
#include "embed.h"

#include <math.h>
#include <string.h>

static const char *fold(const char *in)
{
	static sbuf b;
	sb_reset(&b);
	search_fold(in, &b);
	return sb_str(&b);
}

static double dot(const float *a, const float *b, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++) s += (double)a[i] * b[i];
	return s;
}

int main(void)
{
	CHECK_STR(fold("Crème Brûlée"), "creme brulee");
	CHECK_STR(fold("  Straße, ÆON & Œuvre!  "), "strasse aeon oeuvre");
	CHECK_STR(fold("DO-007"), "do 007");
	CHECK_STR(fold("Alpine 20° Sleeping Bag"), "alpine 20 sleeping bag");
	CHECK_STR(fold("a\x01\x02\x1b[0mb\t\x7f"), "a 0mb");
	CHECK_STR(fold("Łódź Żółć"), "lodz zolc");
	CHECK_STR(fold("日本 Tee"), "日本 tee");
	CHECK_STR(fold("\"*()-:^"), "");
	CHECK_STR(fold(""), "");
	CHECK_STR(fold("\xff\xfe broken"), "broken");

	float a[EMBED_OFFLINE_DIM], b[EMBED_OFFLINE_DIM], c[EMBED_OFFLINE_DIM], z[EMBED_OFFLINE_DIM];
	embed_offline("insulated winter gloves warm", a, EMBED_OFFLINE_DIM);
	embed_offline("warm insulated gloves for winter", b, EMBED_OFFLINE_DIM);
	embed_offline("enamel camp mug coffee", c, EMBED_OFFLINE_DIM);
	CHECK(fabs(dot(a, a, EMBED_OFFLINE_DIM) - 1.0) < 1e-4);          /* unit length */
	CHECK(dot(a, b, EMBED_OFFLINE_DIM) > 0.6);                        /* same words: close */
	CHECK(dot(a, c, EMBED_OFFLINE_DIM) < 0.2);                        /* unrelated: far */
	embed_offline("glove", b, EMBED_OFFLINE_DIM);                     /* a plural shares most trigrams */
	embed_offline("gloves", c, EMBED_OFFLINE_DIM);
	CHECK(dot(b, c, EMBED_OFFLINE_DIM) > 0.2);
	embed_offline("glvoes", b, EMBED_OFFLINE_DIM);                    /* a typo still some */
	CHECK(dot(b, c, EMBED_OFFLINE_DIM) > 0.05);
	embed_offline("", z, EMBED_OFFLINE_DIM);
	CHECK(dot(z, z, EMBED_OFFLINE_DIM) == 0);
	embed_offline("a", z, EMBED_OFFLINE_DIM);                         /* a stop word alone */
	CHECK(dot(z, z, EMBED_OFFLINE_DIM) == 0);
	CHECK(embed_hash("x") == embed_hash("x") && embed_hash("x") != embed_hash("y"));
	T_DONE();
}
