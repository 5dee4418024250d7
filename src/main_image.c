/* main_image: bin/storefront-image, the one program that decodes images
 * (libvips; nothing else links it). admin.cgi and the CLI run it as a
 * child with rlimits (media.c), so a decoder bug or a hostile file costs
 * this process only:
 *
 *   storefront-image IN PREFIX TYPE MAX_PIXELS WIDTHS
 *
 * reads IN (TYPE: png jpeg webp gif avif, as sniffed), refuses an image
 * whose header declares more than MAX_PIXELS before decoding (exit 3),
 * and writes, each atomically (a temporary name, then rename):
 *   PREFIX.EXT          full size, orientation applied, metadata stripped
 *   PREFIX-W.webp       for each W of WIDTHS ("320,640") under its width
 *   PREFIX-W.EXT        the same in the original format
 *   PREFIX-full.webp    full size in WebP, when it is no wider than the widest W
 * and prints {width, height, bytes, file, renditions:[{width, height,
 * file, webp}]} (file names relative to PREFIX's directory). Exit 4: the
 * file cannot be decoded; 1: anything else. */
#include <vips/vips.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_WIDTHS 16

static const char *prog = "storefront-image";

static const char *ext_of(const char *type)
{
	if (!strcmp(type, "jpeg")) return "jpg";
	return type;
}

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : 0;
}

static uint32_t le32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static void put_le32(unsigned char *p, uint32_t v) { p[0] = v & 255; p[1] = v >> 8 & 255; p[2] = v >> 16 & 255; p[3] = v >> 24 & 255; }

/* libvips' WebP writer adds an EXIF chunk of its own (even with strip):
 * keep only the image chunks of the RIFF container and clear VP8X's
 * metadata flags (ICC 0x20, EXIF 0x08, XMP 0x04). In place; n shrinks. */
static void webp_strip(unsigned char *p, size_t *n)
{
	if (*n < 12 || memcmp(p, "RIFF", 4) || memcmp(p + 8, "WEBP", 4)) return;
	size_t in = 12, out = 12;
	while (in + 8 <= *n) {
		size_t len = le32(p + in + 4), whole = 8 + len + (len & 1);
		if (in + whole > *n) whole = *n - in;
		int drop = !memcmp(p + in, "EXIF", 4) || !memcmp(p + in, "XMP ", 4) || !memcmp(p + in, "ICCP", 4);
		if (!drop) {
			memmove(p + out, p + in, whole);
			if (!memcmp(p + out, "VP8X", 4) && whole > 8) p[out + 8] &= (unsigned char)~(0x20 | 0x08 | 0x04);
			out += whole;
		}
		in += whole;
	}
	*n = out;
	put_le32(p + 4, (uint32_t)(out - 8));
}

/* Save img in fmt to path through a temporary name: 0 or -1. */
static int save(VipsImage *img, const char *fmt, const char *path)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
	int rc;
	if (!strcmp(fmt, "png")) rc = vips_pngsave(img, tmp, "strip", TRUE, "compression", 6, NULL);
	else if (!strcmp(fmt, "jpeg")) rc = vips_jpegsave(img, tmp, "strip", TRUE, "Q", 85, "optimize_coding", TRUE, NULL);
	else if (!strcmp(fmt, "webp")) {
		void *buf = NULL;
		size_t n = 0;
		rc = vips_webpsave_buffer(img, &buf, &n, "strip", TRUE, "Q", 80, NULL);
		if (rc == 0) {
			webp_strip(buf, &n);
			FILE *f = fopen(tmp, "wb");
			rc = f && fwrite(buf, 1, n, f) == n ? 0 : -1;
			if (f && fclose(f) != 0) rc = -1;
			g_free(buf);
		}
	}
	else if (!strcmp(fmt, "gif")) rc = vips_gifsave(img, tmp, "strip", TRUE, NULL);
	else if (!strcmp(fmt, "avif"))
		rc = vips_heifsave(img, tmp, "strip", TRUE, "Q", 50, "compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1, NULL);
	else rc = -1;
	if (rc != 0) {
		fprintf(stderr, "%s: saving %s as %s: %s\n", prog, path, fmt, vips_error_buffer());
		vips_error_clear();
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) < 0) {
		fprintf(stderr, "%s: rename %s: %s\n", prog, path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: %s IN PREFIX TYPE MAX_PIXELS WIDTHS\n", prog);
		return 1;
	}
	const char *in = argv[1], *prefix = argv[2], *type = argv[3];
	double max_pixels = atof(argv[4]);
	int widths[MAX_WIDTHS], nw = 0;
	for (char *s = argv[5]; *s && nw < MAX_WIDTHS;) {
		long w = strtol(s, &s, 10);
		if (w > 0 && w <= 10000) widths[nw++] = (int)w;
		while (*s == ',' || *s == ' ') s++;
		if (*s && (*s < '0' || *s > '9')) break;
	}
	for (int i = 1; i < nw; i++)      /* narrow to wide */
		for (int j = i; j > 0 && widths[j] < widths[j - 1]; j--) {
			int t = widths[j]; widths[j] = widths[j - 1]; widths[j - 1] = t;
		}
	if (VIPS_INIT(argv[0])) {
		fprintf(stderr, "%s: cannot start libvips\n", prog);
		return 1;
	}
	vips_concurrency_set(1);
	vips_cache_set_max(0);

	/* The header only: nothing is decoded until pixels are asked for. */
	VipsImage *img = vips_image_new_from_file(in, "fail_on", VIPS_FAIL_ON_ERROR, NULL);
	if (!img) {
		fprintf(stderr, "%s: cannot read %s: %s\n", prog, in, vips_error_buffer());
		return 4;
	}
	const char *loader = vips_foreign_find_load(in);
	if (!loader || !strcasestr(loader, !strcmp(type, "avif") ? "heif" : !strcmp(type, "gif") ? "gif" : type)) {
		fprintf(stderr, "%s: %s is read by %s, not as %s\n", prog, in, loader ? loader : "nothing", type);
		return 4;
	}
	double pixels = (double)vips_image_get_width(img) * vips_image_get_height(img);
	if (pixels > max_pixels) {
		fprintf(stderr, "%s: %d x %d pixels is over %.0f\n", prog, vips_image_get_width(img),
			vips_image_get_height(img), max_pixels);
		return 3;
	}

	/* Orientation into the pixels (the EXIF tag goes with the metadata),
	 * colours into sRGB (the ICC profile goes too), then decode once. */
	VipsImage *t = NULL;
	if (vips_autorot(img, &t, NULL)) goto undecodable;
	g_object_unref(img);
	img = t;
	if (vips_image_get_typeof(img, VIPS_META_ICC_NAME)) {
		if (vips_icc_transform(img, &t, "srgb", "embedded", TRUE, NULL) == 0) {
			g_object_unref(img);
			img = t;
		} else {
			vips_error_clear();
		}
	}
	if (vips_image_get_interpretation(img) != VIPS_INTERPRETATION_sRGB &&
	    vips_image_get_interpretation(img) != VIPS_INTERPRETATION_B_W) {
		if (vips_colourspace(img, &t, VIPS_INTERPRETATION_sRGB, NULL)) goto undecodable;
		g_object_unref(img);
		img = t;
	}
	if (vips_image_get_format(img) != VIPS_FORMAT_UCHAR) {
		if (vips_cast_uchar(img, &t, NULL)) goto undecodable;
		g_object_unref(img);
		img = t;
	}
	/* Decode once, into a new image made of the pixels alone: no EXIF
	 * (GPS), XMP, IPTC, ICC or comment can reach a file we write,
	 * whatever a saver's own "strip" does. */
	size_t size = 0;
	void *pixels_mem = vips_image_write_to_memory(img, &size);
	if (!pixels_mem) goto undecodable;
	t = vips_image_new_from_memory_copy(pixels_mem, size, vips_image_get_width(img), vips_image_get_height(img),
					    vips_image_get_bands(img), VIPS_FORMAT_UCHAR);
	g_free(pixels_mem);
	if (!t) goto undecodable;
	g_object_unref(img);
	img = t;

	int W = vips_image_get_width(img), H = vips_image_get_height(img);
	long bytes = 0;
	char full[4200], webp[4200];
	/* The full size in its own format; a format libvips cannot write here
	 * (no encoder) falls back to PNG, lossless. */
	const char *ffmt = type;
	snprintf(full, sizeof full, "%s.%s", prefix, ext_of(type));
	if (save(img, type, full) < 0) {
		ffmt = "png";
		snprintf(full, sizeof full, "%s.png", prefix);
		if (save(img, "png", full) < 0) return 1;
	}
	bytes += file_size(full);

	printf("{\"width\":%d,\"height\":%d,\"file\":\"%s\",\"renditions\":[", W, H, base(full));
	int first = 1;
	/* Widest first, each from the one before it (a 1600 from the 12 MP
	 * original, a 1024 from the 1600...): one big resize instead of one
	 * per width. Printed narrow to wide. */
	struct { int w, h, orig; char file[4200], webp[4200]; } out[MAX_WIDTHS];
	int nout = 0;
	VipsImage *from = img;
	g_object_ref(from);
	for (int i = nw - 1; i >= 0; i--) {
		if (widths[i] >= W) continue;
		VipsImage *r = NULL;
		if (vips_resize(from, &r, (double)widths[i] / vips_image_get_width(from), NULL)) goto undecodable;
		VipsImage *m = vips_image_copy_memory(r);
		g_object_unref(r);
		if (!m) goto undecodable;
		g_object_unref(from);
		from = m;
		out[nout].w = vips_image_get_width(m);
		out[nout].h = vips_image_get_height(m);
		snprintf(out[nout].webp, sizeof out[nout].webp, "%s-%d.webp", prefix, widths[i]);
		snprintf(out[nout].file, sizeof out[nout].file, "%s-%d.%s", prefix, widths[i], ext_of(ffmt));
		if (save(m, "webp", out[nout].webp) < 0) { g_object_unref(from); return 1; }
		out[nout].orig = save(m, ffmt, out[nout].file) == 0;
		bytes += file_size(out[nout].webp) + (out[nout].orig ? file_size(out[nout].file) : 0);
		nout++;
	}
	g_object_unref(from);
	for (int i = nout - 1; i >= 0; i--) {
		printf("%s{\"width\":%d,\"height\":%d,\"file\":\"%s\",\"webp\":\"%s\"}", first ? "" : ",", out[i].w,
		       out[i].h, base(out[i].orig ? out[i].file : full), base(out[i].webp));
		first = 0;
	}
	if (nw == 0 || W <= widths[nw - 1]) {
		if (!strcmp(ffmt, "webp")) {
			snprintf(webp, sizeof webp, "%s", full);
		} else {
			snprintf(webp, sizeof webp, "%s-full.webp", prefix);
			if (save(img, "webp", webp) < 0) return 1;
			bytes += file_size(webp);
		}
		printf("%s{\"width\":%d,\"height\":%d,\"file\":\"%s\",\"webp\":\"%s\"}", first ? "" : ",", W, H,
		       base(full), base(webp));
	}
	printf("],\"bytes\":%ld}\n", bytes);
	g_object_unref(img);
	vips_shutdown();
	return fflush(stdout) == 0 ? 0 : 1;

undecodable:
	fprintf(stderr, "%s: cannot decode %s: %s\n", prog, in, vips_error_buffer());
	return 4;
}
