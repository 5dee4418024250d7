/* slots: how many of one kind of long request (the assistant's streamed
 * answers) run at once across all of a program's workers, per store and
 * overall. A slot is a byte-range lock (fcntl) on one file beside the
 * database (DB-slots): taking one never blocks, and a worker that dies
 * frees its slots with its process, so none leaks. */
#ifndef SLOTS_H
#define SLOTS_H
#include <stdint.h>

typedef struct slot { int held; long at, store_at; } slot;

enum { SLOT_OK = 0, SLOT_STORE_FULL = 1, SLOT_ALL_FULL = 2 };

/* A slot of store tid: at most per_store for the store and total overall
 * (either <= 0: no limit of that kind). SLOT_OK with s held, or which
 * limit was reached. Without the lock file: SLOT_OK, unlimited (logged). */
int slot_take(int64_t tid, long per_store, long total, slot *s);
void slot_release(slot *s);
#endif
