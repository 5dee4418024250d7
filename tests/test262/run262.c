/* run262: the ES2015 lowering against the official conformance suite
 * (tc39/test262, the subset in ../shared/test262). Each test is lowered
 * (jslower) as vibe code is, and run in MuJS under the prelude after the
 * lowered harness (assert.js, sta.js and the includes its front matter
 * names), in a child process with a CPU limit. The front matter is
 * honoured: negative (phase parse: the lowering or MuJS must refuse it;
 * phase runtime: it must throw that type), flags onlyStrict / noStrict /
 * raw (a test without them runs both ways), includes, and features (a test
 * needing one outside the subset is out of scope, as are module and async
 * tests).
 *
 * Each test ends as pass, fail, refused (valid code the lowering names as
 * outside the subset: "... not supported"), out-of-scope, or mujs: a
 * failure listed in known-mujs.txt, a gap of MuJS 1.3.2 itself (Symbol,
 * function names, surrogate pairs...), printed with its reason, or known:
 * a listed limit of the lowering (counted as a failure). Prints a
 * table per directory and the totals; exits 1 when a test fails that is
 * not listed (a regression), or when the pass rate is below --min.
 *
 *   run262 [--root DIR] [--known FILE] [--every N] [--min PCT] [-v] [PATH...]
 *
 * --every N runs every Nth test only (the fast part in `make test`). */
#include "jslower.h"
#include "jsprelude.h"
#include "util.h"

#include <dirent.h>
#include <mujs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { R_PASS, R_FAIL, R_REFUSED, R_OOS, R_MUJS, R_KNOWN, R_N };

/* Features of the subset vibe code may use; any other is out of scope. */
static const char *const in_scope[] = {
	"arrow-function", "let", "const", "default-parameters", "rest-parameters",
	"for-of", "template", "u180e", NULL
};

typedef struct {
	char *path;     /* relative to test/ */
	char *reason;
} known;

static known *kn;
static int nkn;
static const char *root = "../shared/test262";
static int verbose;

static char *trim(char *s)
{
	char *e;
	while (*s == ' ' || *s == '\t') s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r')) *--e = 0;
	return s;
}

/* known-mujs.txt: "path: reason" a line; '#' comments. A path ending in
 * '/' names a directory. */
static void load_known(const char *file)
{
	char *text = file_read(file, NULL), *line, *save = NULL;
	if (!text) { fprintf(stderr, "run262: cannot read %s\n", file); exit(2); }
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *s = trim(line), *colon;
		if (!*s || *s == '#') continue;
		colon = strstr(s, ": ");
		if (!colon) { fprintf(stderr, "run262: %s: no reason in '%s'\n", file, s); exit(2); }
		*colon = 0;
		kn = xrealloc(kn, (size_t)(nkn + 1) * sizeof *kn);
		kn[nkn].path = xstrdup(trim(s));
		kn[nkn].reason = xstrdup(trim(colon + 2));
		nkn++;
	}
	free(text);
}

static const known *find_known(const char *path)
{
	for (int k = 0; k < nkn; k++) {
		size_t n = strlen(kn[k].path);
		if (strcmp(kn[k].path, path) == 0 || (n && kn[k].path[n - 1] == '/' && strncmp(kn[k].path, path, n) == 0))
			return &kn[k];
	}
	return NULL;
}

/* -- front matter -- */

typedef struct {
	char includes[8][64];
	int nincludes;
	int only_strict, no_strict, raw, module, async;
	char neg_phase[16], neg_type[32];
	char oos[64];   /* the first out-of-scope feature or flag, "" if none */
} meta;

/* Items of "key: [a, b]" or of a following "  - a" list. */
static int yaml_list(char **lines, int n, int k, char out[][64], int max)
{
	char *v = strchr(lines[k], ':') + 1, *tok, *save = NULL;
	int cnt = 0;
	v = trim(v);
	if (*v == '[') {
		char buf[512];
		snprintf(buf, sizeof buf, "%s", v + 1);
		if (strchr(buf, ']')) *strchr(buf, ']') = 0;
		for (tok = strtok_r(buf, ",", &save); tok && cnt < max; tok = strtok_r(NULL, ",", &save))
			snprintf(out[cnt++], 64, "%s", trim(tok));
		return cnt;
	}
	for (k++; k < n && cnt < max; k++) {
		char *s = trim(lines[k]);
		if (*s != '-') break;
		snprintf(out[cnt++], 64, "%s", trim(s + 1));
	}
	return cnt;
}

static void parse_meta(const char *src, meta *m)
{
	const char *a = strstr(src, "/*---"), *b = a ? strstr(a, "---*/") : NULL;
	char *fm, *lines[512], *save = NULL, *l;
	int n = 0;
	memset(m, 0, sizeof *m);
	if (!a || !b) return;
	fm = xstrndup(a + 5, (size_t)(b - a - 5));
	for (l = strtok_r(fm, "\n", &save); l && n < 512; l = strtok_r(NULL, "\n", &save)) lines[n++] = l;
	for (int k = 0; k < n; k++) {
		char items[16][64];
		int cnt;
		if (strncmp(lines[k], "includes:", 9) == 0) {
			m->nincludes = yaml_list(lines, n, k, m->includes, 8);
		} else if (strncmp(lines[k], "flags:", 6) == 0) {
			cnt = yaml_list(lines, n, k, items, 16);
			for (int j = 0; j < cnt; j++) {
				if (!strcmp(items[j], "onlyStrict")) m->only_strict = 1;
				else if (!strcmp(items[j], "noStrict")) m->no_strict = 1;
				else if (!strcmp(items[j], "raw")) m->raw = 1;
				else if (!strcmp(items[j], "module") || !strcmp(items[j], "async") ||
					!strcmp(items[j], "CanBlockIsTrue")) {
					if (!m->oos[0]) snprintf(m->oos, sizeof m->oos, "flag %s", items[j]);
				}
			}
		} else if (strncmp(lines[k], "features:", 9) == 0) {
			cnt = yaml_list(lines, n, k, items, 16);
			for (int j = 0; j < cnt; j++) {
				int ok = 0;
				for (int q = 0; in_scope[q]; q++) if (!strcmp(items[j], in_scope[q])) ok = 1;
				if (!ok && !m->oos[0]) snprintf(m->oos, sizeof m->oos, "feature %s", items[j]);
			}
		} else if (strncmp(lines[k], "negative:", 9) == 0) {
			for (int j = k + 1; j < n && (lines[j][0] == ' ' || lines[j][0] == '\t'); j++) {
				char *s = trim(lines[j]);
				if (!strncmp(s, "phase:", 6)) snprintf(m->neg_phase, sizeof m->neg_phase, "%s", trim(s + 6));
				if (!strncmp(s, "type:", 5)) snprintf(m->neg_type, sizeof m->neg_type, "%s", trim(s + 5));
			}
		}
	}
	free(fm);
}

/* -- running one test -- */

static int lower_text(const char *src, sbuf *out, jsl_error *e)
{
	return jsl_lower(src, strlen(src), out, e);
}

/* Loads and runs one lowered script; 0, or -1 with the error on the stack. */
static int run_script(js_State *J, const char *name, const char *code)
{
	if (js_ploadstring(J, name, code)) return -1;
	js_pushundefined(J);
	if (js_pcall(J, 0)) return -1;
	js_pop(J, 1);
	return 0;
}

static void quiet(js_State *J, const char *message) { (void)J; (void)message; }

/* Whether the error on top of the stack is an instance of the global
 * constructor named type. */
static int error_is(js_State *J, const char *type)
{
	int r;
	if (!js_isobject(J, -1)) return 0;
	js_copy(J, -1);
	js_getglobal(J, type);
	if (!js_iscallable(J, -1)) { js_pop(J, 2); return 0; }
	r = js_instanceof(J);
	return r;
}

/* One run, in this (child) process: writes "R reason" to fd. */
static void run_one(const char *src, const meta *m, int strict, int fd)
{
	sbuf full = SBUF_INIT, low = SBUF_INIT, msg = SBUF_INIT;
	jsl_error e;
	js_State *J;
	int res = R_PASS, negparse = !strcmp(m->neg_phase, "parse") || !strcmp(m->neg_phase, "early");
	if (strict) sb_puts(&full, "\"use strict\";\n");
	sb_puts(&full, src);
	if (lower_text(sb_str(&full), &low, &e)) {
		if (negparse) res = R_PASS;
		else if (strstr(e.message, "not supported")) { res = R_REFUSED; sb_printf(&msg, "%d:%d %s", e.line - strict, e.column, e.message); }
		else { res = R_FAIL; sb_printf(&msg, "lowering refused valid code: %d:%d %s", e.line - strict, e.column, e.message); }
		goto done;
	}
	J = js_newstate(NULL, NULL, 0);
	js_setreport(J, quiet);
	jsp_install(J);
	if (!m->raw) {
		const char *inc[10] = { "assert.js", "sta.js" };
		int ninc = 2;
		for (int k = 0; k < m->nincludes; k++) inc[ninc++] = m->includes[k];
		for (int k = 0; k < ninc; k++) {
			char path[4096];
			char *h;
			sbuf hl = SBUF_INIT;
			snprintf(path, sizeof path, "%s/harness/%s", root, inc[k]);
			h = file_read(path, NULL);
			if (!h) { res = R_FAIL; sb_printf(&msg, "harness %s missing", inc[k]); goto done; }
			if (lower_text(h, &hl, &e)) {
				res = R_FAIL;
				sb_printf(&msg, "harness %s: %d:%d %s", inc[k], e.line, e.column, e.message);
				free(h);
				goto done;
			}
			free(h);
			if (run_script(J, inc[k], sb_str(&hl))) {
				res = R_FAIL;
				sb_printf(&msg, "harness %s: %s", inc[k], js_trystring(J, -1, "?"));
				sb_free(&hl);
				goto done;
			}
			sb_free(&hl);
		}
	}
	if (js_ploadstring(J, "test", sb_str(&low))) {
		if (negparse) res = R_PASS;
		else { res = R_FAIL; sb_printf(&msg, "MuJS refuses the lowering: %s", js_trystring(J, -1, "?")); }
		goto done;
	}
	if (negparse) {
		res = R_FAIL;
		sb_puts(&msg, "invalid program accepted");
		goto done;
	}
	js_pushundefined(J);
	if (js_pcall(J, 0)) {
		if (m->neg_phase[0] && error_is(J, m->neg_type)) res = R_PASS;
		else { res = R_FAIL; sb_printf(&msg, "%s", js_trystring(J, -1, "?")); }
	} else if (m->neg_phase[0]) {
		res = R_FAIL;
		sb_printf(&msg, "expected %s at runtime, ran to the end", m->neg_type);
	}
done:
	{
		sbuf line = SBUF_INIT;
		char *s;
		sb_printf(&line, "%d ", res);
		for (s = msg.s; s && *s; s++) sb_putc(&line, *s == '\n' ? ' ' : *s);
		if (write(fd, line.s, line.len) < 0) _exit(3);
		sb_free(&line);
	}
	_exit(0);
}

/* Runs src in a child with a CPU limit; the result and why. */
static int run_child(const char *src, const meta *m, int strict, char *why, size_t whysize)
{
	int fds[2], status, res;
	char buf[1024];
	ssize_t n, got = 0;
	pid_t pid;
	if (pipe(fds)) { perror("pipe"); exit(2); }
	pid = fork();
	if (pid < 0) { perror("fork"); exit(2); }
	if (pid == 0) {
		struct rlimit rl = { 5, 6 };
		close(fds[0]);
		setrlimit(RLIMIT_CPU, &rl);
		run_one(src, m, strict, fds[1]);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf + got, sizeof buf - 1 - (size_t)got)) > 0) got += n;
	buf[got] = 0;
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (got == 0) {
		snprintf(why, whysize, "crashed (%s %d)", WIFSIGNALED(status) ? "signal" : "exit",
			WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		return R_FAIL;
	}
	res = atoi(buf);
	snprintf(why, whysize, "%s", strchr(buf, ' ') ? strchr(buf, ' ') + 1 : "");
	return res;
}

/* -- the walk -- */

typedef struct { char dir[256]; int c[R_N]; } row;
static row *rows;
static int nrows;
static int every = 1, seen;
static sbuf fails, gaps, unexpected;

static row *row_for(const char *path)
{
	char dir[256];
	const char *slash = strrchr(path, '/');
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 0, path);
	for (int k = 0; k < nrows; k++) if (!strcmp(rows[k].dir, dir)) return &rows[k];
	rows = xrealloc(rows, (size_t)(nrows + 1) * sizeof *rows);
	memset(&rows[nrows], 0, sizeof *rows);
	snprintf(rows[nrows].dir, sizeof rows[nrows].dir, "%s", dir);
	return &rows[nrows++];
}

static void run_file(const char *full, const char *rel)
{
	char *src;
	meta m;
	int res = R_PASS;
	char why[1024] = "";
	const known *k;
	if (seen++ % every) return;
	src = file_read(full, NULL);
	if (!src) { fprintf(stderr, "run262: cannot read %s\n", full); exit(2); }
	parse_meta(src, &m);
	/* vibe code may not call eval or the Function constructor (a security
	 * issue in jscheck), and their text would not be lowered */
	if (!m.oos[0] && (strstr(src, "eval(") || strstr(src, "Function(")))
		snprintf(m.oos, sizeof m.oos, "eval/Function");
	if (m.oos[0]) {
		res = R_OOS;
		snprintf(why, sizeof why, "%s", m.oos);
	} else {
		int modes[2], nm = 0;
		if (m.raw || m.no_strict) modes[nm++] = 0;
		else if (m.only_strict) modes[nm++] = 1;
		else { modes[nm++] = 0; modes[nm++] = 1; }
		for (int q = 0; q < nm && res == R_PASS; q++) {
			res = run_child(src, &m, modes[q], why, sizeof why);
			if (res != R_PASS && nm == 2) {
				char w[1024];
				snprintf(w, sizeof w, "%s: %s", modes[q] ? "strict" : "sloppy", why);
				snprintf(why, sizeof why, "%s", w);
			}
		}
	}
	k = find_known(rel);
	if (res == R_FAIL && k) {
		res = strncmp(k->reason, "MuJS", 4) == 0 ? R_MUJS : R_KNOWN;
		sb_printf(&gaps, "  %s: %s\n", rel, k->reason);
		if (verbose) sb_printf(&gaps, "      (%s)\n", why);
	} else if (res == R_FAIL) {
		sb_printf(&fails, "  %s: %s\n", rel, why);
	} else if (k && res == R_PASS) {
		sb_printf(&unexpected, "  %s\n", rel);
	} else if (verbose && res == R_REFUSED) {
		sb_printf(&fails, "  (refused) %s: %s\n", rel, why);
	}
	row_for(rel)->c[res]++;
	free(src);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Walks dir (relative path rel) in sorted order. */
static void walk(const char *full, const char *rel)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	int n = 0;
	if (stat(full, &st)) { fprintf(stderr, "run262: no %s\n", full); exit(2); }
	if (!S_ISDIR(st.st_mode)) {
		size_t len = strlen(full);
		if (len > 3 && !strcmp(full + len - 3, ".js") && !strstr(full, "_FIXTURE")) run_file(full, rel);
		return;
	}
	d = opendir(full);
	if (!d) return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.') continue;
		names = xrealloc(names, (size_t)(n + 1) * sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof *names, cmp_str);
	for (int k = 0; k < n; k++) {
		char f[4096], r[4096];
		snprintf(f, sizeof f, "%s/%s", full, names[k]);
		snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", names[k]);
		walk(f, r);
		free(names[k]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	const char *known_file = NULL;
	double min = 0;
	int npaths = 0, tot[R_N] = { 0 };
	const char *paths[64];
	for (int k = 1; k < argc; k++) {
		if (!strcmp(argv[k], "--root") && k + 1 < argc) root = argv[++k];
		else if (!strcmp(argv[k], "--known") && k + 1 < argc) known_file = argv[++k];
		else if (!strcmp(argv[k], "--every") && k + 1 < argc) every = atoi(argv[++k]);
		else if (!strcmp(argv[k], "--min") && k + 1 < argc) min = atof(argv[++k]);
		else if (!strcmp(argv[k], "-v")) verbose = 1;
		else if (argv[k][0] == '-') {
			fprintf(stderr, "usage: run262 [--root DIR] [--known FILE] [--every N] [--min PCT] [-v] [PATH...]\n");
			return 2;
		} else if (npaths < 64) paths[npaths++] = argv[k];
	}
	if (every < 1) every = 1;
	if (known_file) load_known(known_file);
	if (!npaths) paths[npaths++] = "language";
	for (int k = 0; k < npaths; k++) {
		char f[4096];
		snprintf(f, sizeof f, "%s/test/%s", root, paths[k]);
		walk(f, paths[k]);
	}
	printf("%-56s %5s %5s %5s %5s %5s %5s\n", "directory", "pass", "fail", "known", "mujs", "refus", "oos");
	for (int k = 0; k < nrows; k++) {
		printf("%-56s %5d %5d %5d %5d %5d %5d\n", rows[k].dir, rows[k].c[R_PASS], rows[k].c[R_FAIL],
			rows[k].c[R_KNOWN], rows[k].c[R_MUJS], rows[k].c[R_REFUSED], rows[k].c[R_OOS]);
		for (int q = 0; q < R_N; q++) tot[q] += rows[k].c[q];
	}
	printf("%-56s %5d %5d %5d %5d %5d %5d\n", "total", tot[R_PASS], tot[R_FAIL], tot[R_KNOWN], tot[R_MUJS],
		tot[R_REFUSED], tot[R_OOS]);
	if (gaps.len) printf("\nKnown failures (known-mujs.txt: MuJS's own gaps and the lowering's listed limits):\n%s", sb_str(&gaps));
	if (fails.len) printf("\nFailures:\n%s", sb_str(&fails));
	if (unexpected.len) printf("\nListed in known-mujs.txt but passing now (remove them):\n%s", sb_str(&unexpected));
	{
		int in_scope_n = tot[R_PASS] + tot[R_FAIL] + tot[R_KNOWN] + tot[R_MUJS] + tot[R_REFUSED];
		int judged = tot[R_PASS] + tot[R_FAIL] + tot[R_KNOWN];
		double rate = judged ? 100.0 * tot[R_PASS] / judged : 100.0;
		printf("\nin scope: %d; pass %d, fail %d, known lowering limits %d, MuJS gaps %d, refused %d; "
			"out of scope: %d\n", in_scope_n, tot[R_PASS], tot[R_FAIL], tot[R_KNOWN], tot[R_MUJS],
			tot[R_REFUSED], tot[R_OOS]);
		printf("pass rate (in scope, MuJS gaps and refusals set aside): %.1f%%\n", rate);
		printf("pass rate (in scope, all): %.1f%%\n", in_scope_n ? 100.0 * tot[R_PASS] / in_scope_n : 100.0);
		if (rate < min) { printf("run262: pass rate below %.1f%%\n", min); return 1; }
	}
	return tot[R_FAIL] && known_file ? 1 : 0;
}
