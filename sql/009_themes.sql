-- 009_themes: a store's theme draft. The published theme stays in
-- tenants.theme_json (every request loads that row already); the draft is
-- edited here and copied there on publish (POST /api/cms/themes/publish),
-- which also bumps tenants.content_version so every cached page goes.
CREATE TABLE themes (
  tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  draft_json TEXT NOT NULL,                 -- a full theme (theme.c fields), checked on save
  version INTEGER NOT NULL DEFAULT 1,       -- the draft's version: a stale PUT gets 409
  updated_at INTEGER NOT NULL,
  updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  published_at INTEGER,
  published_by INTEGER REFERENCES users(id) ON DELETE SET NULL
);
