/* sandbox: zygote, per-page render children, limits and the wire format
 * between worker and child (see sandbox.h). */
#include "sandbox.h"
#include "jsarena.h"
#include "util.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#define SBX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SBX_ASAN 1
#endif
#endif
#ifndef SBX_ASAN
#define SBX_ASAN 0
#endif

static int ctl = -1;            /* worker's end of the zygote's control socket */
static pid_t zygote = 0;
static int broken = 0;

static void zygote_lost(void);

/* The zygote only ever writes an answer to a command: a control socket
 * readable between commands means it is gone (EOF). */
static int settle(void);

int sbx_available(void)
{
	if (ctl < 0 || broken) return 0;
	if (settle() < 0) zygote_lost();    /* an answer asked ahead is not EOF */
	if (broken) return 0;
	struct pollfd pfd = { ctl, POLLIN, 0 };
	if (poll(&pfd, 1, 0) > 0) zygote_lost();
	return !broken;
}
int sbx_broken(void) { return broken; }

/* ---- I/O helpers ---- */

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR) continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read exactly n bytes before deadline (monotonic usec; 0 = none):
 * 0 ok, -1 EOF/error, -2 timeout. */
static int read_all(int fd, void *buf, size_t n, int64_t deadline)
{
	char *p = buf;
	while (n) {
		if (deadline) {
			int64_t left = deadline - now_usec();
			if (left <= 0) return -2;
			struct pollfd pfd = { fd, POLLIN, 0 };
			int pr = poll(&pfd, 1, (int)((left + 999) / 1000));
			if (pr < 0 && errno == EINTR) continue;
			if (pr == 0) return -2;
		}
		ssize_t r = read(fd, p, n);
		if (r < 0) {
			if (errno == EINTR) continue;
			return -1;
		}
		if (r == 0) return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static void put_field(sbuf *b, const char *s, size_t n)
{
	uint32_t len = (uint32_t)n;
	sb_put(b, &len, 4);
	sb_put(b, s, n);
}

/* Fields of a frame, in order; pointers into the frame. */
static int get_field(const char **p, const char *end, const char **s, uint32_t *n)
{
	if (end - *p < 4) return -1;
	memcpy(n, *p, 4);
	*p += 4;
	if ((size_t)(end - *p) < *n) return -1;
	*s = *p;
	*p += *n;
	return 0;
}

/* A frame: u32 length, then that many bytes of fields. */
static int send_frame(int fd, sbuf *body)
{
	uint32_t len = (uint32_t)body->len;
	if (write_all(fd, &len, 4) < 0) return -1;
	return write_all(fd, sb_str(body), body->len);
}

static char *recv_frame(int fd, uint32_t *len, int64_t deadline, int *why)
{
	*why = read_all(fd, len, 4, deadline);
	if (*why < 0) return NULL;
	if (*len > (uint32_t)(64 << 20)) { *why = -1; return NULL; }
	char *buf = xmalloc(*len + 1);
	*why = read_all(fd, buf, *len, deadline);
	if (*why < 0) { free(buf); return NULL; }
	buf[*len] = 0;
	return buf;
}

/* ---- the child ---- */

static void limit(int res, rlim_t v)
{
	struct rlimit rl = { v, v };
	setrlimit(res, &rl);
}

static int install_seccomp(void)
{
	/* Release builds kill on anything else; sanitizer builds answer EPERM
	 * so the sanitizer runtime can fail gracefully. */
	scmp_filter_ctx f = seccomp_init(SBX_ASAN ? SCMP_ACT_ERRNO(EPERM) : SCMP_ACT_KILL_PROCESS);
	if (!f) return -1;
	static const int allow[] = {
		SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(exit), SCMP_SYS(exit_group),
		SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
		SCMP_SYS(rt_sigreturn), SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday),
		SCMP_SYS(timer_settime), SCMP_SYS(futex), SCMP_SYS(getrandom),
	};
	int rc = 0;
	for (size_t i = 0; i < ARRAY_LEN(allow) && rc == 0; i++)
		rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, allow[i], 0);
	/* glibc's tzset tries the TZ value as a zone file name before it
	 * parses it as a POSIX rule (set_zone): "no such file", not death. */
	static const int nofile[] = { SCMP_SYS(open), SCMP_SYS(openat) };
	for (size_t i = 0; i < ARRAY_LEN(nofile) && rc == 0; i++)
		rc = seccomp_rule_add(f, SCMP_ACT_ERRNO(ENOENT), nofile[i], 0);
	if (SBX_ASAN) {
		static const int san[] = { SCMP_SYS(mprotect), SCMP_SYS(getpid), SCMP_SYS(gettid),
					   SCMP_SYS(sigaltstack), SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask),
					   SCMP_SYS(sched_yield), SCMP_SYS(prctl), SCMP_SYS(tgkill) };
		for (size_t i = 0; i < ARRAY_LEN(san) && rc == 0; i++)
			rc = seccomp_rule_add(f, SCMP_ACT_ALLOW, san[i], 0);
	}
	if (rc == 0) rc = seccomp_load(f);
	seccomp_release(f);
	return rc;
}

/* The store's time zone, for MuJS's local-time Date methods, as a POSIX
 * TZ rule ("EST5EDT,M3.2.0,M11.1.0": the worker takes it from the end of
 * the zone's file, tz_rule). The child starts in UTC0 with no zone file
 * in use, so glibc never stats /etc/localtime under the filter (which
 * killed every local-time Date: "forbidden system call"); setting the
 * rule makes glibc try a file by that name (ENOENT under the filter) and
 * parse the rule instead. A child keeps its first block's zone for its
 * life -- MuJS computes a zone's offset once per process -- and the
 * worker gives a store's pages only to a child of the same zone. */
static void set_zone(const char *rule)
{
	setenv("TZ", rule && *rule ? rule : "UTC0", 1);
	tzset();
	time_t now = time(NULL);
	struct tm tmz, *lt;
	gmtime_r(&now, &tmz);
	timegm(&tmz);
	lt = localtime(&now);
	if (lt) mktime(lt);
}

/* A fresh child faults in every page its interpreters touch; string-heavy
 * blocks touch megabytes (a 24-product grid about 5 MB), and 4 KB faults
 * cost more than the render. So: grow the heap once, untouched, ask for
 * transparent huge pages on it (2 MB per fault), and keep freed memory so
 * each block's fresh interpreter reuses what the previous one faulted in. */
static void prepare_heap(void)
{
	const size_t huge = 2u << 20, grow = 24u << 20;
	mallopt(M_MMAP_THRESHOLD, 32 << 20);  /* glibc's maximum */
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	char *start = sbrk(0);
	char *volatile big = malloc(grow);   /* volatile: the compiler would drop malloc+free */
	free(big);
	char *end = sbrk(0);
	uintptr_t a = ((uintptr_t)start + huge - 1) & ~(uintptr_t)(huge - 1);
	if ((char *)a < end && (size_t)(end - (char *)a) >= huge)
		madvise((void *)a, (size_t)(end - (char *)a) & ~(huge - 1), MADV_HUGEPAGE);
	/* Fault in the interpreter arena's first megabytes now: a spare child
	 * does this while it waits, off the request's path. */
	jsa_prefault(4u << 20);
}

/* A forked child maps the interpreter's code and data lazily: its first
 * render would take hundreds of page faults. A spare child renders this
 * (no store's data in it) while it waits, so a page does not pay them. */
static void warm_up(void)
{
	static const char code[] =
		"function renderWarm(products, helpers, config) {\n"
		"  var out = [], i;\n"
		"  for (i = 0; i < products.length; i++)\n"
		"    out.push('<li>' + helpers.escapeHtml(products[i].name) + ' ' +\n"
		"             helpers.formatPrice(products[i].price, 'USD') + '</li>');\n"
		"  return '<ul class=\"' + (config.c || '').toUpperCase() + '\">' + out.join('') + '</ul>' +\n"
		"    helpers.formatDate('2026-01-02', 'MMM D, YYYY') + JSON.stringify(config).length;\n"
		"}\n";
	static const char inputs[] =
		"{\"products\":[{\"name\":\"a <b>\",\"price\":1.5},{\"name\":\"c\",\"price\":20}],"
		"\"config\":{\"c\":\"x\"}}";
	vibe_entry e;
	memset(&e, 0, sizeof e);
	snprintf(e.name, sizeof e.name, "renderWarm");
	snprintf(e.params[0], sizeof e.params[0], "products");
	snprintf(e.params[1], sizeof e.params[1], "helpers");
	snprintf(e.params[2], sizeof e.params[2], "config");
	e.nparams = 3;
	e.line = 1;
	sbuf out = SBUF_INIT;
	vibe_error err;
	vibe_render_json(code, &e, inputs, &out, &err);
	sb_free(&out);
}

/* Request frame: code, inputs JSON, entry name, entry line, params
 * (\n-joined), time zone (a POSIX TZ rule). */
static void child_main(int fd)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prepare_heap();
	limit(RLIMIT_CORE, 0);
	limit(RLIMIT_FSIZE, 0);
	limit(RLIMIT_NOFILE, 8);
	limit(RLIMIT_CPU, 10);         /* backstop; the timer below is the real limit */
	if (!SBX_ASAN) limit(RLIMIT_AS, (rlim_t)vibe_conf.mem * 2 + (256u << 20) + (rlim_t)vibe_conf.child_cache);
	timer_t timer;
	struct sigevent sev;
	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGKILL;
	if (timer_create(CLOCK_PROCESS_CPUTIME_ID, &sev, &timer) < 0) _exit(3);
	/* The time functions once, in UTC, before the filter forbids
	 * opening files (the block's zone comes with its first block). */
	set_zone("UTC0");
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (install_seccomp() < 0) _exit(4);
	warm_up();
	/* This child serves one store (the worker keeps it for that store's
	 * pages only): its blocks may stay compiled, inputs pushed, between
	 * pages (vibe.h; the warm-up's is not kept). */
	vibe_cache_enable((size_t)vibe_conf.child_cache);
	char zone[SBX_RULE_MAX] = "";
	int zoned = 0;
	for (;;) {
		uint32_t len;
		int why;
		char *req = recv_frame(fd, &len, 0, &why);
		if (!req) _exit(0);
		const char *p = req, *end = req + len, *code, *json, *name, *line, *params, *tz;
		uint32_t ncode, njson, nname, nline, nparams, ntz;
		if (get_field(&p, end, &code, &ncode) || get_field(&p, end, &json, &njson) ||
		    get_field(&p, end, &name, &nname) || get_field(&p, end, &line, &nline) ||
		    get_field(&p, end, &params, &nparams) || get_field(&p, end, &tz, &ntz))
			_exit(5);
		if (!zoned) {
			/* the first block: its store's zone, for the child's life */
			snprintf(zone, sizeof zone, "%.*s", (int)ntz, tz);
			set_zone(zone);
			zoned = 1;
		}
		/* Fields are NUL-separated in place: each is followed by the next
		 * length, so copy what needs terminating. */
		char *c = xstrndup(code, ncode), *j = xstrndup(json, njson), *ps = xstrndup(params, nparams);
		vibe_entry e;
		memset(&e, 0, sizeof e);
		snprintf(e.name, sizeof e.name, "%.*s", (int)nname, name);
		e.line = atoi(line);
		for (char *tok = strtok(ps, "\n"); tok && e.nparams < 16; tok = strtok(NULL, "\n"))
			snprintf(e.params[e.nparams++], sizeof e.params[0], "%s", tok);
		sbuf html = SBUF_INIT;
		vibe_error err;
		vibe_timing vt = { 0 };    /* always sent: a few bytes of the answer */
		memset(&err, 0, sizeof err);
		struct itimerspec on = { { 0, 0 }, { vibe_conf.cpu_ms / 1000, (vibe_conf.cpu_ms % 1000) * 1000000 } };
		struct itimerspec off = { { 0, 0 }, { 0, 0 } };
		int rc = -1;
		if ((size_t)ntz != strlen(zone) || memcmp(tz, zone, ntz)) {
			/* the worker pairs zones and children: not reached */
			snprintf(err.kind, sizeof err.kind, "sandbox");
			snprintf(err.message, sizeof err.message, "the render process serves another time zone");
		} else {
			timer_settime(timer, 0, &on, NULL);
			rc = vibe_render_timed(c, &e, j, &html, &err, &vt);
			timer_settime(timer, 0, &off, NULL);
		}
		sbuf resp = SBUF_INIT;
		char num[128];
		snprintf(num, sizeof num, "%d %d %d %ld %ld %ld %ld", rc, err.line, err.column, vt.compile, vt.data, vt.run,
			 vt.cached);
		put_field(&resp, num, strlen(num));
		put_field(&resp, err.kind, strlen(err.kind));
		put_field(&resp, err.message, strlen(err.message));
		put_field(&resp, sb_str(&html), html.len);
		if (send_frame(fd, &resp) < 0) _exit(0);
		sb_free(&resp);
		sb_free(&html);
		free(c);
		free(j);
		free(ps);
		free(req);
	}
}

/* ---- the zygote ---- */

static void close_other_fds(int keep)
{
	DIR *d = opendir("/proc/self/fd");
	int dfd = d ? dirfd(d) : -1;
	int fds[256], n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) && n < 256) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd == keep || fd == 2 || fd == dfd) continue;
		fds[n++] = fd;
	}
	if (d) closedir(d);
	for (int i = 0; i < n; i++) close(fds[i]);
}

/* A spare child, forked ahead of need with one end of its socket: the
 * worker's next page gets it at once while the zygote forks the next. */
static pid_t spare_pid = -1;
static int spare_fd = -1;

static void fork_spare(int sock)
{
	int sv[2];
	spare_pid = -1;
	spare_fd = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) return;
	pid_t pid = fork();
	if (pid == 0) {
		close(sock);
		close(sv[0]);
		child_main(sv[1]);
		_exit(0);
	}
	close(sv[1]);
	if (pid < 0) { close(sv[0]); return; }
	spare_pid = pid;
	spare_fd = sv[0];
}

/* Children the worker let go of (killed, not waited for) are reaped here
 * without blocking; their statuses are kept a while in case the worker
 * asks after all. */
static struct { pid_t pid; int status; } dead[32];
static int ndead;

static void reap_dead(void)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		dead[ndead % 32].pid = pid;
		dead[ndead % 32].status = status;
		ndead++;
	}
}

static int wait_for(pid_t pid)
{
	for (int i = 0; i < 32; i++)
		if (dead[i].pid == pid) { dead[i].pid = 0; return dead[i].status; }
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
	return status;
}

/* Commands on the control socket: 'S' -> the spare child's pid, with the
 * worker's end of its socket (SCM_RIGHTS); then a new spare is forked.
 * 'W' + pid -> wait for that child, answer its wait status. */
/* glibc's qsort (MuJS's Array#sort) asks sysconf(_SC_PHYS_PAGES), i.e.
 * the sysinfo system call, the first time it sorts more than 1 KB, and
 * keeps the answer: ask once here, so children inherit it and their
 * filter need not allow sysinfo. */
static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
static void prime_libc(void)
{
	int v[1024];
	for (int i = 0; i < 1024; i++) v[i] = (i * 7919) % 1024;
	qsort(v, 1024, sizeof v[0], cmp_int);
}

static void zygote_main(int sock)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	close_other_fds(sock);   /* the FastCGI listener (fd 0) included */
	/* MuJS prints to stdout (the `debugger` dump): never onto a socket
	 * that would take fd 0 or 1 next. */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int fd = 0; fd <= 1 && null >= 0; fd++)
		if (fd != sock && fd != null) dup2(null, fd);
	if (null > 1 && null != sock) close(null);
	signal(SIGPIPE, SIG_IGN);
	prime_libc();
	vibe_warm();             /* the arena + snapshot every child inherits */
	fork_spare(sock);
	for (;;) {
		char cmd;
		ssize_t r = read(sock, &cmd, 1);
		if (r <= 0) {
			if (r < 0 && errno == EINTR) continue;
			/* The worker is gone (or stopping): reap every child before
			 * going, so none outlives us as an orphan. Those it held
			 * were killed or see EOF on their socket now. */
			if (spare_pid > 0) kill(spare_pid, SIGKILL);
			while (waitpid(-1, NULL, 0) > 0 || errno == EINTR) {}
			_exit(0);
		}
		if (cmd == 'S') {
			if (spare_pid < 0) fork_spare(sock);
			int32_t p32 = (int32_t)spare_pid;
			char cbuf[CMSG_SPACE(sizeof(int))];
			memset(cbuf, 0, sizeof cbuf);
			struct iovec iov = { &p32, 4 };
			struct msghdr msg = { 0 };
			msg.msg_iov = &iov;
			msg.msg_iovlen = 1;
			if (spare_fd >= 0) {
				msg.msg_control = cbuf;
				msg.msg_controllen = sizeof cbuf;
				struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
				cm->cmsg_level = SOL_SOCKET;
				cm->cmsg_type = SCM_RIGHTS;
				cm->cmsg_len = CMSG_LEN(sizeof(int));
				memcpy(CMSG_DATA(cm), &spare_fd, sizeof(int));
			}
			if (sendmsg(sock, &msg, MSG_NOSIGNAL) != 4) _exit(0);
			if (spare_fd >= 0) close(spare_fd);
			fork_spare(sock);
		} else if (cmd == 'W') {
			int32_t p32;
			if (read_all(sock, &p32, 4, 0) < 0) _exit(0);
			int32_t s32 = (int32_t)wait_for(p32);
			if (write_all(sock, &s32, 4) < 0) _exit(0);
		}
		reap_dead();
	}
}

static int start_once(void)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		zygote_main(sv[1]);
		_exit(0);
	}
	close(sv[1]);
	ctl = sv[0];
	zygote = pid;
	return 0;
}

int sbx_start(void)
{
	if (ctl >= 0) return 0;
	/* fork or socketpair fail for want of processes, memory or descriptors,
	 * which may pass: try a few times. */
	for (int i = 0; i < 3; i++) {
		if (start_once() == 0) { broken = 0; return 0; }
		usleep(50000);
	}
	broken = 1;
	return -1;
}

/* ---- the worker's side ---- */

/* The child of the last page, kept for the next page of the same store:
 * it holds that store's data only, and every block still gets a pristine
 * interpreter. Another store's page gets a fresh child. */
static struct { int fd; pid_t pid; int64_t tenant; int pages; char tz[SBX_TZ_MAX]; } kept = { -1, 0, 0, 0, "" };
#define KEEP_PAGES 200          /* a kept child serves at most this many pages */

static int reap(sbx_page *p, int kill_it);

/* The next spare, asked for when a page ends (its 'S' answer read when a
 * page needs a child, or before any other command): a page that needs a
 * fresh child does not wait for the zygote to be scheduled. It holds no
 * data until a page's first block reaches it, like the zygote's spare. */
static struct { int asked; pid_t pid; int fd; } next = { 0, 0, -1 };

static int recv_spare(int32_t *pid, int *fd);

/* Read the answer to an 'S' asked ahead, if any (0, or -1: zygote lost). */
static int settle(void)
{
	if (!next.asked) return 0;
	next.asked = 0;
	int32_t pid;
	int fd;
	if (recv_spare(&pid, &fd) < 0) return -1;
	next.pid = pid;
	next.fd = fd;
	return 0;
}

static void ask_ahead(void)
{
	if (next.asked || next.fd >= 0 || broken || ctl < 0) return;
	char cmd = 'S';
	if (write_all(ctl, &cmd, 1) == 0) next.asked = 1;
}

static void drop_next(void)
{
	settle();
	if (next.fd < 0) return;
	kill(next.pid, SIGKILL);
	close(next.fd);
	next.fd = -1;
	next.pid = 0;
}

void sbx_drop_kept(void)
{
	/* Killed, not waited for: the zygote reaps it in passing, so another
	 * store's page does not wait on this one's end. */
	if (!kept.pid) return;
	kill(kept.pid, SIGKILL);
	close(kept.fd);
	kept.pid = 0;
	kept.fd = -1;
}

void sbx_stop(void)
{
	if (ctl < 0) return;
	sbx_drop_kept();
	drop_next();
	close(ctl);
	ctl = -1;
	/* The zygote exits on EOF once its children are reaped: wait for it a
	 * little, so it is not left to init as an orphan. */
	for (int i = 0; i < 100 && zygote > 0; i++) {
		if (waitpid(zygote, NULL, WNOHANG) != 0) break;
		usleep(10000);
	}
	zygote = 0;
}

void sbx_page_init(sbx_page *p, int64_t tenant, const char *tz)
{
	memset(p, 0, sizeof *p);
	p->fd = -1;
	p->tenant = tenant;
	snprintf(p->tz, sizeof p->tz, "%s", tz && *tz ? tz : "UTC");
	/* the zone's POSIX rule, for the child; the last one is kept */
	static char last_tz[SBX_TZ_MAX], last_rule[SBX_RULE_MAX];
	if (strcmp(last_tz, p->tz)) {
		if (tz_rule(p->tz, last_rule, sizeof last_rule) < 0) snprintf(last_rule, sizeof last_rule, "UTC0");
		snprintf(last_tz, sizeof last_tz, "%s", p->tz);
	}
	snprintf(p->rule, sizeof p->rule, "%s", last_rule);
	/* A page finds a lost zygote before its first block: then every block
	 * of it renders as failed (sbx_submit, sbx_collect). */
	if (sbx_available() && kept.pid && kept.tenant == tenant && tenant && !strcmp(kept.tz, p->tz)) {
		p->fd = kept.fd;
		p->pid = kept.pid;
		p->pages = kept.pages;
		kept.pid = 0;
		kept.fd = -1;
	} else {
		sbx_drop_kept();
	}
}

static void zygote_lost(void)
{
	if (!broken) vibe_log("error", "the render sandbox's zygote is gone: this request's blocks render as failed "
				"and the worker exits after it (a fresh worker brings a fresh zygote)");
	broken = 1;
}

/* The zygote's answer to 'S': its spare's pid and our end of its socket. */
static int recv_spare(int32_t *pidp, int *fdp)
{
	int32_t pid = -1;
	int fd = -1;
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &pid, 4 };
	struct msghdr msg = { 0 };
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof cbuf;
	struct pollfd pfd = { ctl, POLLIN, 0 };
	ssize_t r = poll(&pfd, 1, 2000) == 1 ? recvmsg(ctl, &msg, MSG_CMSG_CLOEXEC) : -1;
	struct cmsghdr *cm = r == 4 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (cm && cm->cmsg_type == SCM_RIGHTS) memcpy(&fd, CMSG_DATA(cm), sizeof fd);
	if (r != 4 || pid <= 0 || fd < 0) {
		if (fd >= 0) close(fd);
		zygote_lost();
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	*pidp = pid;
	*fdp = fd;
	return 0;
}

static int spawn(sbx_page *p)
{
	int32_t pid = -1;
	int fd = -1;
	if (settle() < 0) return -1;
	if (next.fd >= 0) {
		/* asked for when the last page ended */
		pid = next.pid;
		fd = next.fd;
		next.fd = -1;
		next.pid = 0;
	} else {
		char cmd = 'S';
		if (write_all(ctl, &cmd, 1) < 0) { zygote_lost(); return -1; }
		if (recv_spare(&pid, &fd) < 0) return -1;
	}
	p->fd = fd;
	p->pid = pid;
	p->pages = 0;
	sb_reset(&p->outq);
	p->outpos = 0;
	sb_reset(&p->inbuf);
	return 0;
}

/* Close the child's socket and reap it; returns its wait status. */
static int reap(sbx_page *p, int kill_it)
{
	if (!p->pid) return 0;
	if (kill_it) kill(p->pid, SIGKILL);
	if (p->fd >= 0) close(p->fd);
	p->fd = -1;
	char cmd = 'W';
	int32_t pid = p->pid, status = 0;
	p->pid = 0;
	if (settle() < 0) return 0;             /* answers come in the order asked */
	if (write_all(ctl, &cmd, 1) < 0 || write_all(ctl, &pid, 4) < 0 ||
	    read_all(ctl, &status, 4, now_usec() + 5000000) < 0)
		zygote_lost();
	return status;
}

static void set_err(vibe_error *e, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_err(vibe_error *e, const char *kind, const char *fmt, ...)
{
	memset(e, 0, sizeof *e);
	snprintf(e->kind, sizeof e->kind, "%s", kind);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
}

/* Queue job i's frame for the current child (starting one if needed). */
static int queue(sbx_page *p, int i)
{
	if (p->fd < 0 && spawn(p) < 0) return -1;
	uint32_t len = (uint32_t)p->jobs[i].frame.len;
	sb_put(&p->outq, &len, 4);
	sb_put(&p->outq, p->jobs[i].frame.s, p->jobs[i].frame.len);
	return 0;
}

/* Move bytes both ways until a whole answer is buffered or the deadline
 * passes (deadline 0: only what is possible now). 1 answer ready, 0 not
 * yet, -1 the child is gone, -2 timed out. */
static int pump(sbx_page *p, int64_t deadline)
{
	for (;;) {
		if (p->inbuf.len >= 4) {
			uint32_t len;
			memcpy(&len, p->inbuf.s, 4);
			if (len > (64u << 20)) return -1;
			if (p->inbuf.len >= 4 + (size_t)len) return 1;
		}
		struct pollfd pfd = { p->fd, POLLIN | (p->outpos < p->outq.len ? POLLOUT : 0), 0 };
		int timeout = 0;
		if (deadline) {
			int64_t left = deadline - now_usec();
			if (left <= 0) return -2;
			timeout = (int)((left + 999) / 1000);
		}
		int n = poll(&pfd, 1, timeout);
		if (n < 0 && errno == EINTR) continue;
		if (n == 0) return deadline ? -2 : 0;
		if (pfd.revents & POLLOUT) {
			ssize_t w = write(p->fd, p->outq.s + p->outpos, p->outq.len - p->outpos);
			if (w > 0) p->outpos += (size_t)w;
			else if (w < 0 && errno != EAGAIN && errno != EINTR) return -1;
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			char buf[65536];
			ssize_t r = read(p->fd, buf, sizeof buf);
			if (r > 0) sb_put(&p->inbuf, buf, (size_t)r);
			else if (r == 0 || (errno != EAGAIN && errno != EINTR)) return -1;
		}
		if (!deadline && !(pfd.revents & (POLLIN | POLLOUT))) return 0;
	}
}

int sbx_submit(sbx_page *p, const char *code, const vibe_entry *entry, const char *inputs_json)
{
	if (p->njobs == SBX_MAX_JOBS) return -1;
	int i = p->njobs++;
	sbx_job *j = &p->jobs[i];
	memset(j, 0, sizeof *j);
	char line[16];
	snprintf(line, sizeof line, "%d", entry->line);
	sbuf params = SBUF_INIT;
	for (int k = 0; k < entry->nparams; k++) {
		if (k) sb_putc(&params, '\n');
		sb_puts(&params, entry->params[k]);
	}
	put_field(&j->frame, code, strlen(code));
	put_field(&j->frame, inputs_json, strlen(inputs_json));
	put_field(&j->frame, entry->name, strlen(entry->name));
	put_field(&j->frame, line, strlen(line));
	put_field(&j->frame, sb_str(&params), params.len);
	put_field(&j->frame, p->rule, strlen(p->rule));
	sb_free(&params);
	if (broken || ctl < 0) return i;       /* answered as unavailable when collected */
	int64_t t0 = now_usec();
	int fresh = p->fd < 0;
	if (queue(p, i) < 0) return i;
	if (fresh && p->timing) p->timing->spawn += (long)(now_usec() - t0);
	pump(p, 0);                            /* start the child on it now */
	return i;
}

void sbx_page_measure(sbx_page *p, sbx_timing *st, vibe_timing *vt)
{
	p->timing = st;
	p->vibe = vt;
}

int sbx_collect(sbx_page *p, int i, sbuf *out, vibe_error *err)
{
	if (i != p->collected || i >= p->njobs) {
		set_err(err, "sandbox", "blocks collected out of order");
		return -1;
	}
	p->collected++;
	if (broken || ctl < 0 || p->fd < 0) {
		set_err(err, "sandbox", "the render sandbox is not available");
		return -1;
	}
	int64_t t0 = now_usec();
	/* Wall clock: generous over the CPU limit (the CPU timer in the child
	 * is the real bound); it catches a child that is stuck or starved. */
	long wall = vibe_conf.cpu_ms * 4 + 250;
	int got = pump(p, t0 + wall * 1000);
	if (p->timing) p->timing->wait += (long)(now_usec() - t0);
	if (got != 1) {
		int status = reap(p, 1);
		if (got == -2) {
			set_err(err, "time", "block ran longer than %ld ms (wall clock) and was stopped", wall);
		} else if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGKILL || WTERMSIG(status) == SIGXCPU)) {
			set_err(err, "cpu", "block used more than %ld ms of CPU time and was stopped", vibe_conf.cpu_ms);
		} else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) {
			set_err(err, "sandbox", "block attempted a forbidden system call and was stopped");
		} else if (WIFSIGNALED(status)) {
			set_err(err, "crash", "the block's render process died (signal %d)", WTERMSIG(status));
		} else {
			set_err(err, "crash", "the block's render process exited (status %d)", WEXITSTATUS(status));
		}
		/* The blocks after this one go to a fresh child. */
		for (int k = i + 1; k < p->njobs; k++)
			if (queue(p, k) < 0) break;
		if (p->fd >= 0) pump(p, 0);
		return -1;
	}
	uint32_t len;
	memcpy(&len, p->inbuf.s, 4);
	const char *q = p->inbuf.s + 4, *end = q + len, *num, *kind, *msg, *html;
	uint32_t nnum, nkind, nmsg, nhtml;
	int rc = -1;
	if (get_field(&q, end, &num, &nnum) || get_field(&q, end, &kind, &nkind) ||
	    get_field(&q, end, &msg, &nmsg) || get_field(&q, end, &html, &nhtml)) {
		reap(p, 1);
		set_err(err, "crash", "the block's render process sent a malformed answer");
		for (int k = i + 1; k < p->njobs; k++)
			if (queue(p, k) < 0) break;
		return -1;
	}
	char nb[136];
	snprintf(nb, sizeof nb, "%.*s", (int)nnum, num);
	memset(err, 0, sizeof *err);
	vibe_timing vt = { 0 };
	sscanf(nb, "%d %d %d %ld %ld %ld %ld", &rc, &err->line, &err->column, &vt.compile, &vt.data, &vt.run,
	       &vt.cached);
	if (p->vibe) {
		p->vibe->compile += vt.compile;
		p->vibe->data += vt.data;
		p->vibe->run += vt.run;
		p->vibe->cached += vt.cached;
	}
	snprintf(err->kind, sizeof err->kind, "%.*s", (int)nkind, kind);
	snprintf(err->message, sizeof err->message, "%.*s", (int)nmsg, msg);
	if (rc == 0) sb_put(out, html, nhtml);
	/* drop the answer from the buffer */
	size_t used = 4 + (size_t)len;
	memmove(p->inbuf.s, p->inbuf.s + used, p->inbuf.len - used);
	p->inbuf.len -= used;
	return rc == 0 ? 0 : -1;
}

int sbx_render(sbx_page *p, const char *code, const vibe_entry *entry, const char *inputs_json,
	       sbuf *out, vibe_error *err)
{
	int i = sbx_submit(p, code, entry, inputs_json);
	if (i < 0) {
		set_err(err, "sandbox", "too many blocks on one page (limit %d)", SBX_MAX_JOBS);
		return -1;
	}
	return sbx_collect(p, i, out, err);
}

void sbx_page_end(sbx_page *p)
{
	/* Keep a healthy, idle child for the store's next page. */
	int idle = p->collected == p->njobs && p->inbuf.len == 0 && p->outpos == p->outq.len;
	if (p->pid && idle && p->tenant && ++p->pages < KEEP_PAGES && !broken) {
		kept.fd = p->fd;
		kept.pid = p->pid;
		kept.tenant = p->tenant;
		kept.pages = p->pages;
		snprintf(kept.tz, sizeof kept.tz, "%s", p->tz);
		p->pid = 0;
		p->fd = -1;
	}
	if (p->pid) reap(p, 1);
	/* The next page's child, if it needs a fresh one, is asked for now. */
	if (!broken) ask_ahead();
	for (int i = 0; i < p->njobs; i++) sb_free(&p->jobs[i].frame);
	sb_free(&p->outq);
	sb_free(&p->inbuf);
	p->njobs = p->collected = 0;
}
