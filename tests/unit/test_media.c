#include "t.h"
#include "media.h"
#include "html.h"
#include "config.h"
#include "vibe.h"
#include <string.h>

/* The media library's checks that need no database: the type from the
 * bytes, header dimensions, polyglots, the SVG allow-list (media.h). */

static const unsigned char PNG_HEAD[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\x2c\0\0\0\xc8\x08\x02\0\0\0\0\0\0\0"
					"\0\0\0\0IEND\xae\x42\x60\x82";

static void test_sniff(void)
{
	CHECK_INT(mcheck_sniff(PNG_HEAD, sizeof PNG_HEAD - 1), MT_PNG);
	CHECK_INT(mcheck_sniff((const unsigned char *)"\xff\xd8\xff\xe0", 4), MT_JPEG);
	CHECK_INT(mcheck_sniff((const unsigned char *)"GIF89a\x10\0\x10\0", 10), MT_GIF);
	CHECK_INT(mcheck_sniff((const unsigned char *)"GIF87a\x10\0\x10\0", 10), MT_GIF);
	CHECK_INT(mcheck_sniff((const unsigned char *)"RIFF\x24\0\0\0WEBPVP8 \x18\0\0\0", 20), MT_WEBP);
	CHECK_INT(mcheck_sniff((const unsigned char *)"RIFF\x24\0\0\0WAVEfmt \x18\0\0\0", 20), MT_NONE);
	CHECK_INT(mcheck_sniff((const unsigned char *)"\0\0\0\x1c" "ftypavif\0\0\0\0avifmif1", 28), MT_AVIF);
	CHECK_INT(mcheck_sniff((const unsigned char *)"\0\0\0\x1c" "ftypmif1\0\0\0\0mif1avif", 28), MT_AVIF);
	CHECK_INT(mcheck_sniff((const unsigned char *)"\0\0\0\x18" "ftypmp42\0\0\0\0mp42isom", 24), MT_NONE);
	CHECK_INT(mcheck_sniff((const unsigned char *)"\0\0\0\x18" "ftypheic\0\0\0\0mif1heic", 24), MT_NONE);
	const char *svg = "\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- made by hand -->\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
	CHECK_INT(mcheck_sniff((const unsigned char *)svg, strlen(svg)), MT_SVG);
	CHECK_INT(mcheck_sniff((const unsigned char *)"<svgx>", 6), MT_NONE);
	CHECK_INT(mcheck_sniff((const unsigned char *)"<html><svg>", 11), MT_NONE);
	CHECK_INT(mcheck_sniff((const unsigned char *)"BM\0\0", 4), MT_NONE);
	CHECK_INT(mcheck_sniff((const unsigned char *)"%PDF-1.7", 8), MT_NONE);
	CHECK_INT(mcheck_sniff((const unsigned char *)"", 0), MT_NONE);
	CHECK_STR(mcheck_type_mime(MT_AVIF), "image/avif");
}

static void test_header_size(void)
{
	long w, h;
	CHECK_INT(mcheck_header_size(MT_PNG, PNG_HEAD, sizeof PNG_HEAD - 1, &w, &h), 0);
	CHECK_INT(w, 300);
	CHECK_INT(h, 200);
	/* JPEG: APP0, then SOF0 with height 0x0102 and width 0x0304 */
	const unsigned char jpg[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 4, 'J', 'F', 0xff, 0xc0, 0, 11, 8, 1, 2, 3, 4, 3, 0, 0, 0 };
	CHECK_INT(mcheck_header_size(MT_JPEG, jpg, sizeof jpg, &w, &h), 0);
	CHECK_INT(w, 0x0304);
	CHECK_INT(h, 0x0102);
	/* a scan before any frame header: unreadable */
	const unsigned char noframe[] = { 0xff, 0xd8, 0xff, 0xda, 0, 4, 0, 0, 0xff, 0xd9 };
	CHECK_INT(mcheck_header_size(MT_JPEG, noframe, sizeof noframe, &w, &h), -1);
	CHECK_INT(mcheck_header_size(MT_GIF, (const unsigned char *)"GIF89a\x40\x1f\x20\x03", 10, &w, &h), 0);
	CHECK_INT(w, 8000);
	CHECK_INT(h, 800);
	/* WebP VP8X: 24-bit width-1 and height-1 */
	unsigned char vp8x[30] = "RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0";
	vp8x[24] = 0x0f; vp8x[25] = 0x27; vp8x[26] = 0;      /* 9999 + 1 */
	vp8x[27] = 0x3f; vp8x[28] = 0x42; vp8x[29] = 0x0f;   /* 999999 + 1 */
	CHECK_INT(mcheck_header_size(MT_WEBP, vp8x, sizeof vp8x, &w, &h), 0);
	CHECK_INT(w, 10000);
	CHECK_INT(h, 1000000);
	CHECK_INT(mcheck_header_size(MT_PNG, (const unsigned char *)"\x89PNG", 4, &w, &h), -1);
}

static void test_polyglot(void)
{
	CHECK(mcheck_polyglot_problem(MT_PNG, PNG_HEAD, sizeof PNG_HEAD - 1) == NULL);
	unsigned char tail[200];
	memcpy(tail, PNG_HEAD, sizeof PNG_HEAD - 1);
	memcpy(tail + sizeof PNG_HEAD - 1, "PK\x03\x04zip", 7);
	CHECK(mcheck_polyglot_problem(MT_PNG, tail, sizeof PNG_HEAD - 1 + 7) != NULL);
	/* zero padding after the end is not another file */
	memset(tail + sizeof PNG_HEAD - 1, 0, 7);
	CHECK(mcheck_polyglot_problem(MT_PNG, tail, sizeof PNG_HEAD - 1 + 7) == NULL);
	const unsigned char jpg[] = "\xff\xd8\xff\xfe\0\x16<ScRiPt>alert(1)</x>\xff\xd9";
	const char *p = mcheck_polyglot_problem(MT_JPEG, jpg, sizeof jpg - 1);
	CHECK(p && strstr(p, "<script"));
	/* a second JPEG after the first (a phone's MPF picture) is allowed */
	const unsigned char two[] = "\xff\xd8\xff\xd9\xff\xd8\xff\xd9";
	CHECK(mcheck_polyglot_problem(MT_JPEG, two, sizeof two - 1) == NULL);
	const unsigned char php[] = "\xff\xd8\xff\xd9<?php echo 1; ?>";
	CHECK(mcheck_polyglot_problem(MT_JPEG, php, sizeof php - 1) != NULL);
}

static const char *clean(const char *in, cJSON *removed, char *why, size_t wl)
{
	static char out[4096];
	sbuf b = SBUF_INIT;
	long w, h;
	int rc = mcheck_svg_sanitize(in, strlen(in), &b, removed, &w, &h, why, wl);
	snprintf(out, sizeof out, "%s", rc == 0 ? sb_str(&b) : "REFUSED");
	sb_free(&b);
	return out;
}

static void test_svg(void)
{
	char why[200];
	cJSON *rm = cJSON_CreateArray();
	CHECK_STR(clean("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"x()\"><script>alert(1)</script>"
			"<rect width=\"1\" fill=\"url(#a)\" onclick='y()'/></svg>", rm, why, sizeof why),
		  "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"1\" fill=\"url(#a)\"/></svg>");
	char *list = cJSON_PrintUnformatted(rm);
	CHECK(strstr(list, "element script") && strstr(list, "event handler onload") && strstr(list, "event handler onclick"));
	cJSON_free(list);
	cJSON_Delete(rm);
	/* external references go, internal ones stay */
	CHECK_STR(clean("<svg><use href=\"#i\"/><use xlink:href=\"http://e.x/s.svg#i\"/><image href=\"//e.x/t.png\"/>"
			"<image href=\"data:image/png;base64,iVBORw0=\"/><image href=\"data:image/svg+xml;base64,PHN2Zz4=\"/></svg>",
			NULL, why, sizeof why),
		  "<svg><use href=\"#i\"/><use/><image/><image href=\"data:image/png;base64,iVBORw0=\"/><image/></svg>");
	CHECK_STR(clean("<svg><a href=\"javascript:alert(1)\"><text>x &amp; y &#60; &#x3c;</text></a></svg>", NULL, why, sizeof why),
		  "<svg><a><text>x &amp; y &#60; &#x3c;</text></a></svg>");
	CHECK_STR(clean("<svg><style>@import url(http://e.x/a.css);</style><style>.a{fill:url(#g)}</style>"
			"<circle style=\"fill:url( 'http://e.x/f' )\"/></svg>", NULL, why, sizeof why),
		  "<svg><style>.a{fill:url(#g)}</style><circle/></svg>");
	CHECK_STR(clean("<svg><foreignObject><div xmlns=\"http://www.w3.org/1999/xhtml\"><svg><script/></svg></div>"
			"</foreignObject><g sodipodi:x=\"1\" xml:space=\"preserve\"/></svg>", NULL, why, sizeof why),
		  "<svg><g xml:space=\"preserve\"/></svg>");
	/* quotes inside values are re-escaped */
	CHECK_STR(clean("<svg><text x='\"1'>a</text></svg>", NULL, why, sizeof why), "<svg><text x=\"&quot;1\">a</text></svg>");
	/* refused */
	CHECK_STR(clean("<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY a \"b\">]><svg>&a;</svg>", NULL, why, sizeof why), "REFUSED");
	CHECK(strstr(why, "DOCTYPE") != NULL);
	CHECK_STR(clean("<svg><g></svg>", NULL, why, sizeof why), "REFUSED");
	CHECK_STR(clean("<svg><text>&nbsp;</text></svg>", NULL, why, sizeof why), "REFUSED");
	CHECK_STR(clean("<svg/><svg/>", NULL, why, sizeof why), "REFUSED");
	CHECK_STR(clean("<html><svg/></html>", NULL, why, sizeof why), "REFUSED");
	CHECK_STR(clean("<svg><?php echo 1; ?></svg>", NULL, why, sizeof why), "REFUSED");
	CHECK_STR(clean("<svg><![CDATA[<script>]]></svg>", NULL, why, sizeof why), "REFUSED");
	CHECK_STR(clean("<svg x=1/>", NULL, why, sizeof why), "REFUSED");
	/* nesting past the limit */
	sbuf deep = SBUF_INIT;
	sb_puts(&deep, "<svg>");
	for (int i = 0; i < 300; i++) sb_puts(&deep, "<g>");
	CHECK_STR(clean(sb_str(&deep), NULL, why, sizeof why), "REFUSED");
	sb_free(&deep);
	/* dimensions from width/height, else the viewBox */
	long w, h;
	sbuf b = SBUF_INIT;
	const char *s = "<svg viewBox=\"0,0,24.5,12\"/>";
	CHECK_INT(mcheck_svg_sanitize(s, strlen(s), &b, NULL, &w, &h, why, sizeof why), 0);
	CHECK_INT(w, 24);
	CHECK_INT(h, 12);
	sb_free(&b);
}

static void test_srcset(void)
{
	sbuf b = SBUF_INIT;
	CHECK_INT(html_srcset_add(&b, "/a-320.webp", 320), 1);
	CHECK_INT(html_srcset_add(&b, "/a b.webp", 640), 0);
	CHECK_INT(html_srcset_add(&b, "/a,b.webp", 640), 0);
	CHECK_INT(html_srcset_add(&b, "javascript:x", 640), 0);
	CHECK_INT(html_srcset_add(&b, "https://c.example/a.webp", 1024), 1);
	CHECK_STR(sb_str(&b), "/a-320.webp 320w, https://c.example/a.webp 1024w");
	sb_free(&b);
	CHECK(html_image_url_ok("/x:y") && html_image_url_ok("HTTPS://a") && !html_image_url_ok("data:image/png,x"));
}

/* helpers.image in the vibe engine: an image object, a URL found in the
 * host's __media map, a URL without data, and URLs that may not be a src. */
static const char *image(const char *code, const char *inputs)
{
	static char out[2048];
	sbuf b = SBUF_INIT;
	vibe_error e;
	cJSON *in = cJSON_Parse(inputs);
	int rc = vibe_render(code, in, &b, &e);
	snprintf(out, sizeof out, "%s", rc == 0 ? sb_str(&b) : e.message);
	cJSON_Delete(in);
	sb_free(&b);
	return out;
}

static void test_image_helper(void)
{
	const char *data = "{\"config\":{\"pic\":\"/media/lib/1/ab/x.png\"},\"__media\":{\"/media/lib/1/ab/x.png\":"
			   "{\"url\":\"/media/lib/1/ab/x.png\",\"width\":800,\"height\":400,\"alt\":\"Lib alt\",\"renditions\":["
			   "{\"width\":320,\"height\":160,\"url\":\"/m/x-320.png\",\"webp\":\"/m/x-320.webp\"},"
			   "{\"width\":800,\"height\":400,\"url\":\"/media/lib/1/ab/x.png\",\"webp\":\"/m/x-full.webp\"}]}}}";
	CHECK_STR(image("function r(config, helpers) { return helpers.image(config.pic, {width: 300}); }", data),
		  "<img src=\"/m/x-320.png\" srcset=\"/m/x-320.webp 320w, /m/x-full.webp 800w\" "
		  "sizes=\"(max-width: 300px) 100vw, 300px\" width=\"300\" height=\"150\" alt=\"Lib alt\" loading=\"lazy\" decoding=\"async\">");
	CHECK_STR(image("function r(config, helpers) { return helpers.image(config.pic, {alt: 'Mine', sizes: '50vw', className: 'a b'}); }", data),
		  "<img src=\"/media/lib/1/ab/x.png\" srcset=\"/m/x-320.webp 320w, /m/x-full.webp 800w\" sizes=\"50vw\" "
		  "width=\"800\" height=\"400\" alt=\"Mine\" class=\"a b\" loading=\"lazy\" decoding=\"async\">");
	CHECK_STR(image("function r(helpers) { return helpers.image('https://c.example/a\"b.jpg', {width: 10, height: 5, alt: '<x>'}); }", "{}"),
		  "<img src=\"https://c.example/a&quot;b.jpg\" width=\"10\" height=\"5\" alt=\"&lt;x&gt;\" loading=\"lazy\" decoding=\"async\">");
	CHECK_STR(image("function r(helpers) { return helpers.image('javascript:alert(1)') + '|' + helpers.image() + '|' +"
			" helpers.image({src: '/a.png'}, {loading: 'eager'}); }", "{}"),
		  "||<img src=\"/a.png\" alt=\"\" loading=\"eager\" fetchpriority=\"high\">");
}

int main(void)
{
	char err[256];
	if (config_load(NULL, err, sizeof err) < 0) { fprintf(stderr, "%s\n", err); return 1; }
	test_image_helper();
	test_sniff();
	test_header_size();
	test_polyglot();
	test_svg();
	test_srcset();
	T_DONE();
}
