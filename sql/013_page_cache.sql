-- 013_page_cache: the full-page cache's index (src/pagecache.c). The
-- pages themselves are files under page_cache_dir; each row names one
-- (relative to it: HOST/PATH/index.html) and page_cache_deps what it
-- showed ("page:3", "product:5", "products" for a list of products...),
-- so a change removes only the pages that depend on it. Every page also
-- depends on its store (theme, settings, navigation): that is all rows
-- of the tenant, no dep row needed.
CREATE TABLE page_cache (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  file TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (tenant_id, file)
);
CREATE TABLE page_cache_deps (
  tenant_id INTEGER NOT NULL,
  dep TEXT NOT NULL,
  entry_id INTEGER NOT NULL REFERENCES page_cache(id) ON DELETE CASCADE,
  PRIMARY KEY (tenant_id, dep, entry_id)
) WITHOUT ROWID;
CREATE INDEX page_cache_deps_entry ON page_cache_deps(entry_id);
