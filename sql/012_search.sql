-- 012_search: the search index (doc/search.md). One row per searchable
-- item of a store (active product, collection, published post, live page)
-- in search_docs, indexed by two FTS5 tables over it: words (BM25, with
-- diacritics removed by the tokenizer) and trigrams of the folded title and
-- codes (substrings, SKU fragments, typos). The C side (search.c) writes
-- search_docs; the triggers below only note what changed (search_dirty),
-- so every write path -- admin API, POS sync, CSV import, the CLI, even a
-- hand-made UPDATE -- is seen. Every FTS query joins search_docs on the
-- store's id, and carries the store's token (column tk, '|<tenant id>|':
-- '|' is a token character, and indexed text never holds one) so FTS5
-- walks only that store's postings.

CREATE TABLE search_docs (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('product','collection','page','post')),
  item_id INTEGER NOT NULL,
  tk TEXT NOT NULL,                      -- '|<tenant id>|': the store's token in every MATCH
  title TEXT NOT NULL,
  codes TEXT NOT NULL DEFAULT '',        -- SKUs of the product and its variants, its handle
  meta TEXT NOT NULL DEFAULT '',         -- vendor, tags, option values, collections; excerpt
  body TEXT NOT NULL DEFAULT '',         -- description / published text, plain
  tri TEXT NOT NULL DEFAULT '',          -- folded title + codes + meta for the trigram index
  url TEXT NOT NULL,
  text_hash INTEGER NOT NULL DEFAULT 0,  -- of the text embedded: re-embed when it changes
  updated_at INTEGER NOT NULL,
  UNIQUE (tenant_id, kind, item_id)
);

CREATE VIRTUAL TABLE search_fts USING fts5(tk, title, codes, meta, body,
  content='search_docs', content_rowid='id', tokenize="unicode61 remove_diacritics 2 tokenchars '|'", prefix='2 3');
CREATE VIRTUAL TABLE search_tri USING fts5(tk, tri,
  content='search_docs', content_rowid='id', tokenize='trigram');

CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
  INSERT INTO search_fts(rowid, tk, title, codes, meta, body) VALUES (new.id, new.tk, new.title, new.codes, new.meta, new.body);
  INSERT INTO search_tri(rowid, tk, tri) VALUES (new.id, new.tk, new.tri);
END;
CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
  INSERT INTO search_fts(search_fts, rowid, tk, title, codes, meta, body) VALUES ('delete', old.id, old.tk, old.title, old.codes, old.meta, old.body);
  INSERT INTO search_tri(search_tri, rowid, tk, tri) VALUES ('delete', old.id, old.tk, old.tri);
END;
CREATE TRIGGER search_docs_au AFTER UPDATE OF tk, title, codes, meta, body, tri ON search_docs BEGIN
  INSERT INTO search_fts(search_fts, rowid, tk, title, codes, meta, body) VALUES ('delete', old.id, old.tk, old.title, old.codes, old.meta, old.body);
  INSERT INTO search_tri(search_tri, rowid, tk, tri) VALUES ('delete', old.id, old.tk, old.tri);
  INSERT INTO search_fts(rowid, tk, title, codes, meta, body) VALUES (new.id, new.tk, new.title, new.codes, new.meta, new.body);
  INSERT INTO search_tri(rowid, tk, tri) VALUES (new.id, new.tk, new.tri);
END;

-- Items whose text changed since the index last saw them. No foreign key:
-- a store's deletion cascades through these triggers too, and the flush
-- drops rows of items (or stores) that are gone.
CREATE TABLE search_dirty (
  tenant_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  item_id INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, kind, item_id)
) WITHOUT ROWID;

CREATE TRIGGER search_products_ai AFTER INSERT ON products BEGIN
  INSERT OR IGNORE INTO search_dirty VALUES (new.tenant_id, 'product', new.id); END;
CREATE TRIGGER search_products_au AFTER UPDATE OF slug, name, description, sku, vendor, tags_json, options_json, status ON products BEGIN
  INSERT OR IGNORE INTO search_dirty VALUES (new.tenant_id, 'product', new.id); END;
CREATE TRIGGER search_products_ad AFTER DELETE ON products BEGIN
  INSERT OR IGNORE INTO search_dirty VALUES (old.tenant_id, 'product', old.id); END;
CREATE TRIGGER search_variants_ai AFTER INSERT ON variants BEGIN
  INSERT OR IGNORE INTO search_dirty VALUES (new.tenant_id, 'product', new.product_id); END;
CREATE TRIGGER search_variants_au AFTER UPDATE OF title, option1, option2, option3, sku ON variants BEGIN
  INSERT OR IGNORE INTO search_dirty VALUES (new.tenant_id, 'product', new.product_id); END;
CREATE TRIGGER search_variants_ad AFTER DELETE ON variants BEGIN
  INSERT OR IGNORE INTO search_dirty VALUES (old.tenant_id, 'product', old.product_id); END;
CREATE TRIGGER search_collections_ai AFTER INSERT ON collections BEGIN
  INSERT OR IGNORE INTO search_dirty VALUES (new.tenant_id, 'collection', new.id); END;
CREATE TRIGGER search_collections_au AFTER UPDATE OF slug, title, description ON collections BEGIN
  INSERT OR IGNORE INTO search_dirty VALUES (new.tenant_id, 'collection', new.id); END;
CREATE TRIGGER search_collections_ad AFTER DELETE ON collections BEGIN
  INSERT OR IGNORE INTO search_dirty VALUES (old.tenant_id, 'collection', old.id); END;
CREATE TRIGGER search_cp_ai AFTER INSERT ON collection_products BEGIN
  INSERT OR IGNORE INTO search_dirty VALUES (new.tenant_id, 'product', new.product_id); END;
CREATE TRIGGER search_cp_ad AFTER DELETE ON collection_products BEGIN
  INSERT OR IGNORE INTO search_dirty VALUES (old.tenant_id, 'product', old.product_id); END;
CREATE TRIGGER search_posts_ai AFTER INSERT ON posts BEGIN
  INSERT OR IGNORE INTO search_dirty VALUES (new.tenant_id, 'post', new.id); END;
CREATE TRIGGER search_posts_au AFTER UPDATE OF slug, title, content, excerpt, status ON posts BEGIN
  INSERT OR IGNORE INTO search_dirty VALUES (new.tenant_id, 'post', new.id); END;
CREATE TRIGGER search_posts_ad AFTER DELETE ON posts BEGIN
  INSERT OR IGNORE INTO search_dirty VALUES (old.tenant_id, 'post', old.id); END;
CREATE TRIGGER search_pages_ai AFTER INSERT ON pages BEGIN
  INSERT OR IGNORE INTO search_dirty VALUES (new.tenant_id, 'page', new.id); END;
CREATE TRIGGER search_pages_au AFTER UPDATE OF slug, live_version ON pages BEGIN
  INSERT OR IGNORE INTO search_dirty VALUES (new.tenant_id, 'page', new.id); END;
CREATE TRIGGER search_pages_ad AFTER DELETE ON pages BEGIN
  INSERT OR IGNORE INTO search_dirty VALUES (old.tenant_id, 'page', old.id); END;

-- Everything that exists now is dirty once: the first flush indexes it.
INSERT OR IGNORE INTO search_dirty SELECT tenant_id, 'product', id FROM products;       -- scan
INSERT OR IGNORE INTO search_dirty SELECT tenant_id, 'collection', id FROM collections; -- scan
INSERT OR IGNORE INTO search_dirty SELECT tenant_id, 'post', id FROM posts;             -- scan
INSERT OR IGNORE INTO search_dirty SELECT tenant_id, 'page', id FROM pages;             -- scan

-- Per-store synonyms: the terms of one group stand for each other.
CREATE TABLE search_synonyms (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  term TEXT NOT NULL,                    -- folded (lower-case, no diacritics)
  grp INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, term)
) WITHOUT ROWID;
CREATE INDEX search_synonyms_grp ON search_synonyms(tenant_id, grp);

-- What shoppers searched for: the merchant's top queries and misses.
CREATE TABLE search_log (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  query TEXT NOT NULL,                   -- folded, at most search_query_max bytes
  results INTEGER NOT NULL,
  clicked TEXT NOT NULL DEFAULT '',      -- the result's URL, when one was chosen
  at INTEGER NOT NULL
);
CREATE INDEX search_log_tenant ON search_log(tenant_id, at);
CREATE INDEX search_log_query ON search_log(tenant_id, query);

-- One embedding per document and model: float32 little-endian, dim floats.
-- A rowid table: a 1 KB vector would overflow an index page (WITHOUT ROWID).
CREATE TABLE search_vectors (
  id INTEGER PRIMARY KEY,
  doc_id INTEGER NOT NULL REFERENCES search_docs(id) ON DELETE CASCADE,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  model TEXT NOT NULL,
  dim INTEGER NOT NULL,
  vec BLOB NOT NULL,
  text_hash INTEGER NOT NULL,            -- search_docs.text_hash it was made from
  UNIQUE (tenant_id, model, doc_id)      -- a store's vectors of one model: one index range
);
CREATE INDEX search_vectors_doc ON search_vectors(doc_id);

-- The shopping assistant's conversations (POST /api/chat): a random id
-- the browser keeps, never valid in another store; removed chat_ttl
-- seconds after their last message (the deliverer).
CREATE TABLE chat_conversations (
  id TEXT PRIMARY KEY,                   -- 32 hex characters, random
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX chat_conversations_age ON chat_conversations(updated_at);
CREATE TABLE chat_messages (
  id INTEGER PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES chat_conversations(id) ON DELETE CASCADE,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('user','assistant')),
  content TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX chat_messages_conversation ON chat_messages(conversation_id, id);

-- Model tokens the assistant used, per store and month ('YYYY-MM'): the
-- monthly budget (chat_monthly_tokens).
CREATE TABLE chat_usage (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  month TEXT NOT NULL,
  tokens INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, month)
) WITHOUT ROWID;
