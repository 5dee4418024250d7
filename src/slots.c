/* slots: concurrency slots as byte-range locks on one file (see slots.h). */
#include "slots.h"
#include "config.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define STORE_BASE (1L << 20)    /* bytes [0, STORE_BASE): the overall slots; then each store's */
#define STORE_MAX 64             /* slots of one store at most */

static int fd = -1;

static int file(void)
{
	if (fd >= 0) return fd;
	char path[sizeof cfg.db + 8];
	snprintf(path, sizeof path, "%s-slots", cfg.db);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) log_error("slots: cannot open %s: %s; no limit on streamed answers", path, strerror(errno));
	return fd;
}

/* Lock byte at (OFD lock: this open file's, released with it or the process). 1 taken, 0 busy. */
static int lock(long at, int type)
{
	struct flock l;
	memset(&l, 0, sizeof l);
	l.l_type = (short)type;
	l.l_whence = SEEK_SET;
	l.l_start = at;
	l.l_len = 1;
	return fcntl(fd, F_OFD_SETLK, &l) == 0;
}

/* The first free byte of [from, from + n): its offset, or -1. */
static long take_one(long from, long n)
{
	for (long i = 0; i < n; i++)
		if (lock(from + i, F_WRLCK)) return from + i;
	return -1;
}

int slot_take(int64_t tid, long per_store, long total, slot *s)
{
	memset(s, 0, sizeof *s);
	s->at = s->store_at = -1;
	if (file() < 0) return SLOT_OK;
	if (per_store > 0) {
		if (per_store > STORE_MAX) per_store = STORE_MAX;
		s->store_at = take_one(STORE_BASE + (long)tid * STORE_MAX, per_store);
		if (s->store_at < 0) return SLOT_STORE_FULL;
	}
	if (total > 0) {
		if (total > STORE_BASE) total = STORE_BASE;
		s->at = take_one(0, total);
		if (s->at < 0) {
			if (s->store_at >= 0) lock(s->store_at, F_UNLCK);
			s->store_at = -1;
			return SLOT_ALL_FULL;
		}
	}
	s->held = 1;
	return SLOT_OK;
}

void slot_release(slot *s)
{
	if (!s->held || fd < 0) return;
	if (s->at >= 0) lock(s->at, F_UNLCK);
	if (s->store_at >= 0) lock(s->store_at, F_UNLCK);
	s->held = 0;
}
