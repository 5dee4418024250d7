-- 020_search_version: the version of a store's search index (search_docs,
-- its FTS rows and vectors), bumped in every transaction that changes them
-- (search_flush, reindex, a model's vectors: embed_changed). The workers'
-- copies of a store's vectors and titles (embed.c, search.c) are checked
-- against it rather than content_version, which every order moves (stock)
-- without touching the index: a busy store's searches no longer reload
-- their copies after each sale.
ALTER TABLE tenants ADD COLUMN search_version INTEGER NOT NULL DEFAULT 0;
