/* embed: vectors for semantic search. The built-in offline embedder
 * (hashed words, word pairs and character trigrams with sublinear
 * weighting, L2-normalised: doc/search.md), the SQL function
 * sf_dot(a, b) over float32 BLOBs, storing a document's vector and
 * finding a store's nearest documents over the worker's copy of the
 * store's vectors (one float32 array per store and model, checked against
 * a fingerprint of the rows before each use, least recently used dropped
 * past search_vector_cache bytes). No network here: a remote model's
 * vectors come in through embed_store (the deliverer) and as a query
 * vector from the caller. */
#ifndef EMBED_H
#define EMBED_H
#include <stdint.h>
#include <stddef.h>
#include "util.h"

#define EMBED_OFFLINE_MODEL "offline-hash-v1"
#define EMBED_OFFLINE_DIM 128
#define EMBED_DIM_MAX 4096

/* Text -> out[dim], unit length (all zeros for text without words). */
void embed_offline(const char *text, float *out, int dim);
/* Register sf_dot on the current connection (once per handle). */
void embed_register(void);
/* Store doc's vector for model. 0 or -1 (storage error). */
int embed_store(int64_t tid, int64_t doc, const char *model, const float *v, int dim, int64_t text_hash);
/* The store's documents nearest to q (kind NULL: any; exclude: a doc id
 * to leave out, 0 none) with similarity >= min: doc ids and scores into
 * ids/scores, best first. The number found. */
int embed_nearest(int64_t tid, const char *model, const float *q, int dim, const char *kind, int64_t exclude,
		  double min, int64_t *ids, double *scores, int max);
/* Similarity of q to each of the store's documents docs[0..n) into sims
 * (-2 where a document has no vector of this model). */
void embed_similarities(int64_t tid, const char *model, const float *q, int dim, const int64_t *docs, int n,
			double *sims);
/* After changing the store's search index or vectors (inside the same
 * transaction): bump its search_version, which the workers' copies of its
 * vectors and titles are checked against; also its content_version when
 * content: 1 (a change no content write announced). 0 or -1. */
MUST_USE int embed_changed(int64_t tid, int content);
/* The worker's copies of stores' vectors (embed.c, doc/search.md): drop
 * them all (tests, a new database); the bytes they hold now; how many
 * times a store's copy was loaded (tests, bench). */
void embed_cache_clear(void);
size_t embed_cache_bytes(void);
long embed_cache_loads(void);
/* A 64-bit FNV-1a hash of text (what text_hash holds). */
int64_t embed_hash(const char *text);
#endif
