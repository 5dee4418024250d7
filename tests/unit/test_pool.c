/* test_pool: what keeps a pool of workers healthy without a web server:
 * each worker's max_requests share is jittered, and without the sandbox's
 * zygote (never started, or killed) a block fails instead of running
 * in-process. */
#include "t.h"
#include "server.h"
#include "sandbox.h"
#include "validate.h"
#include "config.h"
#include "util.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_request_limit_jitter(void)
{
	int seen[201] = { 0 }, distinct = 0, inside = 1;
	for (int i = 0; i < 500; i++) {
		long n = server_request_limit(1000);
		if (n < 800 || n > 1000) inside = 0;
		else if (!seen[n - 800]++) distinct++;
	}
	CHECK(inside);
	CHECK(distinct > 50);          /* 500 draws from 201 values */
	CHECK_INT(server_request_limit(4), 4);
	CHECK_INT(server_request_limit(1), 1);
}

/* Code that renders in-process but must not render without the sandbox. */
static int render(const char *code, sbuf *out, vibe_error *err)
{
	sbuf es5 = SBUF_INIT;
	vibe_entry entry;
	int rc = vibe_compile(code, &es5, &entry, err);
	if (rc == 0) rc = val_render(sb_str(&es5), &entry, "{}", 1, NULL, out, err);
	sb_free(&es5);
	return rc;
}

static pid_t child_of(pid_t parent)
{
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)parent, (int)parent);
	FILE *f = fopen(path, "r");
	if (!f) return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	return (pid_t)atol(buf);
}

static void test_no_zygote_no_render(void)
{
	static const char code[] = "function render() { return '<p>hi</p>'; }";
	sbuf out = SBUF_INIT;
	vibe_error err;
	/* never started */
	CHECK(!sbx_available());
	CHECK_INT(render(code, &out, &err), -1);
	CHECK_STR(err.kind, "sandbox");
	CHECK_INT(out.len, 0);
	if (t_valgrind()) { sb_free(&out); return; }  /* no sandbox under valgrind */
	/* started: renders */
	CHECK_INT(sbx_start(), 0);
	CHECK(sbx_available());
	CHECK_INT(render(code, &out, &err), 0);
	CHECK_STR(sb_str(&out), "<p>hi</p>");
	sb_reset(&out);
	/* the zygote killed: found at once, and nothing renders again */
	pid_t z = child_of(getpid());
	CHECK(z > 0);
	if (z > 0) {
		kill(z, SIGKILL);
		waitpid(z, NULL, 0);
	}
	/* The zygote's socket closes once the spare child it had just forked
	 * has closed its inherited copy too: on a busy machine that child may
	 * not have run yet. Found within moments, then for good. */
	for (int i = 0; i < 500 && sbx_available(); i++) usleep(10000);
	CHECK(!sbx_available());
	CHECK(sbx_broken());
	for (int i = 0; i < 2; i++) {
		CHECK_INT(render(code, &out, &err), -1);
		CHECK_STR(err.kind, "sandbox");
		CHECK_INT(out.len, 0);
	}
	sbx_stop();
	sb_free(&out);
}

int main(void)
{
	char err[256];
	CHECK_INT(config_load(NULL, err, sizeof err), 0);
	test_request_limit_jitter();
	test_no_zygote_no_render();
	T_DONE();
}
