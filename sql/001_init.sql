-- 001_init: tenants, domains, people and access, pages with drafts and
-- published versions, posts, catalogue, change feed and audit log.
-- Every table holding tenant data carries tenant_id; money is integer minor
-- units; times are unix seconds; *_json columns hold JSON text.

CREATE TABLE tenants (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,            -- one DNS label: {username}.{base_domain}
  name TEXT NOT NULL,
  tagline TEXT NOT NULL DEFAULT '',
  currency TEXT NOT NULL DEFAULT 'USD',
  logo TEXT NOT NULL DEFAULT '',
  theme_json TEXT NOT NULL DEFAULT '{}',
  settings_json TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','suspended','deleted')),
  content_version INTEGER NOT NULL DEFAULT 1,  -- bumped on every publish/catalogue change (cache key)
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE domains (
  domain TEXT PRIMARY KEY,                  -- lower-case, no port, no trailing dot
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  kind TEXT NOT NULL DEFAULT 'custom' CHECK (kind IN ('custom')),
  verify_token TEXT NOT NULL,
  verified_at INTEGER,
  is_primary INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX domains_tenant ON domains(tenant_id);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  email TEXT NOT NULL,                      -- stored lower-case
  password_hash TEXT NOT NULL,              -- argon2id encoded (parameters inside)
  role TEXT NOT NULL DEFAULT 'owner' CHECK (role IN ('owner','editor','staff')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (tenant_id, email)
);
CREATE INDEX users_email ON users(email);

CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL DEFAULT '',
  token_hash TEXT NOT NULL UNIQUE,          -- sha256 hex of the token; the token itself is shown once
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  expires_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX api_tokens_tenant ON api_tokens(tenant_id);

CREATE TABLE pages (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  slug TEXT NOT NULL,
  title TEXT NOT NULL,
  meta_description TEXT NOT NULL DEFAULT '',
  seo_json TEXT NOT NULL DEFAULT '{}',
  show_in_nav INTEGER NOT NULL DEFAULT 1,
  nav_position INTEGER NOT NULL DEFAULT 0,
  live_version INTEGER,                     -- page_versions.version that is live; NULL = not published
  published_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (tenant_id, slug)
);

CREATE TABLE draft_blocks (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  vibe_code TEXT NOT NULL DEFAULT '',
  config_json TEXT NOT NULL DEFAULT '{}',
  visibility_json TEXT NOT NULL DEFAULT '{}',
  position INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 1,       -- optimistic lock for PUT
  modified_by INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX draft_blocks_page ON draft_blocks(page_id, position);
CREATE INDEX draft_blocks_tenant ON draft_blocks(tenant_id);

-- A published snapshot of a page's blocks; pages.live_version points at one.
CREATE TABLE page_versions (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  blocks_json TEXT NOT NULL,                -- [{id,type,vibeCode,config,visibility,position}]
  title TEXT NOT NULL,
  published_at INTEGER NOT NULL,
  published_by INTEGER,
  rollback_of INTEGER,                      -- version this one restored, if a rollback
  UNIQUE (page_id, version)
);
CREATE INDEX page_versions_tenant ON page_versions(tenant_id);

CREATE TABLE posts (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  slug TEXT NOT NULL,
  title TEXT NOT NULL,
  content TEXT NOT NULL DEFAULT '',         -- Markdown
  excerpt TEXT NOT NULL DEFAULT '',
  featured_image TEXT NOT NULL DEFAULT '',
  author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published')),
  published_at INTEGER,
  seo_json TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (tenant_id, slug)
);
CREATE INDEX posts_published ON posts(tenant_id, status, published_at);

CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  slug TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  price INTEGER NOT NULL DEFAULT 0 CHECK (price >= 0),        -- minor units
  compare_at_price INTEGER CHECK (compare_at_price >= 0),
  sku TEXT NOT NULL DEFAULT '',
  stock INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','draft','archived')),
  vendor TEXT NOT NULL DEFAULT '',
  tags_json TEXT NOT NULL DEFAULT '[]',
  image TEXT NOT NULL DEFAULT '',
  seo_json TEXT NOT NULL DEFAULT '{}',
  position INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (tenant_id, slug)
);
CREATE INDEX products_status ON products(tenant_id, status, position);

CREATE TABLE product_images (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  alt TEXT NOT NULL DEFAULT '',
  position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX product_images_product ON product_images(product_id, position);

CREATE TABLE collections (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  slug TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  image TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (tenant_id, slug)
);

CREATE TABLE collection_products (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
  product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  position INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (collection_id, product_id)
) WITHOUT ROWID;
CREATE INDEX collection_products_product ON collection_products(product_id);

-- The change feed editors and the POS poll: GET /api/cms/changes?since=SEQ.
CREATE TABLE changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('create','update','delete','publish','rollback')),
  at INTEGER NOT NULL
);
CREATE INDEX changes_tenant ON changes(tenant_id, seq);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER REFERENCES tenants(id) ON DELETE CASCADE,
  user_id INTEGER,
  actor TEXT NOT NULL DEFAULT '',           -- email, 'cli', 'platform'
  action TEXT NOT NULL,                     -- e.g. page.create, block.update, login
  entity TEXT NOT NULL DEFAULT '',
  entity_id TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '',
  ip TEXT NOT NULL DEFAULT '',
  at INTEGER NOT NULL
);
CREATE INDEX audit_log_tenant ON audit_log(tenant_id, at);
