-- 011_ops: cookieless analytics (doc/analytics.md) and the health check's
-- scratch row (doc/operations.md).

-- The salt of one calendar day: visitors are counted as
-- sha256(salt || store || IP || user agent), never stored raw. A salt is
-- deleted (with the day's visitor hashes) once no time zone is still in
-- its day, so yesterday's hashes cannot be recomputed from anything kept.
CREATE TABLE analytics_salt (
  day TEXT PRIMARY KEY,                     -- 'YYYY-MM-DD'
  salt BLOB NOT NULL
) WITHOUT ROWID;

-- Visitors already counted today, by store-local day (day first: the
-- whole day is dropped with its salt).
CREATE TABLE analytics_visitors (
  day TEXT NOT NULL,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  hash BLOB NOT NULL,                       -- 16 bytes of the salted hash
  PRIMARY KEY (day, tenant_id, hash)
) WITHOUT ROWID;
CREATE INDEX analytics_visitors_tenant ON analytics_visitors(tenant_id);

-- Per store and day: views and unique visitors.
CREATE TABLE analytics_daily (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  day TEXT NOT NULL,
  views INTEGER NOT NULL DEFAULT 0,
  visitors INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, day)
) WITHOUT ROWID;

-- Per store, day and dimension: views by page path, referrer host, device.
CREATE TABLE analytics_keys (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  day TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('page','referrer','device')),
  key TEXT NOT NULL,
  views INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, day, kind, key)
) WITHOUT ROWID;

-- /healthz proves the database takes writes by writing this one row.
CREATE TABLE health_probe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at INTEGER NOT NULL
);

-- Custom fields (doc/custom-fields.md; Shopify's metafields): typed
-- fields a store defines per resource kind; values live with each
-- product, collection, page and post as a JSON object (key -> value),
-- checked against these definitions on every write.
CREATE TABLE custom_fields (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  resource TEXT NOT NULL CHECK (resource IN ('product','collection','page','post')),
  key TEXT NOT NULL,                        -- [A-Za-z_][A-Za-z0-9_]*: product.customFields.key
  type TEXT NOT NULL CHECK (type IN ('text','number','boolean','date','url','media','product','json')),
  label TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  UNIQUE (tenant_id, resource, key)
);
ALTER TABLE products ADD COLUMN custom_json TEXT NOT NULL DEFAULT '{}';
-- The seed's relatedProducts: the merchant's own list of product ids.
ALTER TABLE products ADD COLUMN related_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE collections ADD COLUMN custom_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE pages ADD COLUMN custom_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE posts ADD COLUMN custom_json TEXT NOT NULL DEFAULT '{}';
