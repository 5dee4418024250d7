/* t.h: the smallest unit-test harness. CHECK records a failure and goes
 * on; each test file's main() ends with T_DONE(), which prints
 * "N passed, N failed" for its checks and exits non-zero on failure. */
#ifndef T_H
#define T_H
#include <stdio.h>
#include <stdint.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

static int t_pass, t_fail;

#define CHECK(cond) do { if (cond) t_pass++; else { t_fail++; \
	fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_STR(a, b) do { const char *_a = (a), *_b = (b); \
	if (_a && _b && strcmp(_a, _b) == 0) t_pass++; else { t_fail++; \
	fprintf(stderr, "%s:%d: CHECK_STR failed:\n  got:  %s\n  want: %s\n", \
		__FILE__, __LINE__, _a ? _a : "(null)", _b ? _b : "(null)"); } } while (0)
#define CHECK_INT(a, b) do { long long _a = (long long)(a), _b = (long long)(b); \
	if (_a == _b) t_pass++; else { t_fail++; \
	fprintf(stderr, "%s:%d: CHECK_INT failed: %s = %lld, want %lld\n", \
		__FILE__, __LINE__, #a, _a, _b); } } while (0)
/* Under valgrind (tests/unit/run.sh with VALGRIND=1 sets T_VALGRIND=1)
 * code runs 20 to 50 times slower, and the render sandbox cannot start
 * (valgrind's own system calls break seccomp): t_valgrind() lets a test
 * skip what needs the sandbox, T_TIME() scales a time bound. */
static inline int t_valgrind(void)
{
	const char *v = getenv("T_VALGRIND");
	return v && v[0] == '1';
}
/* The sanitizers make code several times slower too. */
#if defined(__SANITIZE_ADDRESS__)
#define T_SAN_SLOWER 5
#else
#define T_SAN_SLOWER 1
#endif
#define T_TIME(usec) ((usec) * (t_valgrind() ? 50 : T_SAN_SLOWER))
/* CPU time of this process, microseconds: a bound on the work a call
 * does, which neighbours on a busy machine do not stretch (wall time does). */
static inline int64_t t_cpu_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

#define T_DONE() do { printf("%s: %d passed, %d failed\n", __FILE__, t_pass, t_fail); \
	return t_fail ? 1 : 0; } while (0)
#endif
