-- 010_seo: what search engines and feed readers see. Collections get the
-- SEO object pages, posts and products already have; posts get an author
-- name and tags (post_tags indexes /blog/tagged/{tag}); redirects (manual
-- ones and the 301s slug changes leave); scheduled publishing of page
-- versions and posts (publish_schedule: one indexed look-up per request
-- finds a store's due work, no cron); the store's robots.txt rules.

ALTER TABLE collections ADD COLUMN seo_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE posts ADD COLUMN author_name TEXT NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN tags_json TEXT NOT NULL DEFAULT '[]';   -- tags as the merchant wrote them

-- One row per post and tag; tag is the tag's slug (the /blog/tagged/ part).
CREATE TABLE post_tags (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
  PRIMARY KEY (tenant_id, tag, post_id)
) WITHOUT ROWID;
CREATE INDEX post_tags_post ON post_tags(post_id);

-- A path of the store that answers 301 (or 302/307/308) elsewhere on the
-- store, consulted only when nothing else answers the path. source 'slug':
-- left by a slug change; 'manual': the merchant's.
CREATE TABLE redirects (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  from_path TEXT NOT NULL,                  -- percent-decoded path, as requests are matched
  to_path TEXT NOT NULL,                    -- a path on the same store (query allowed)
  status INTEGER NOT NULL DEFAULT 301 CHECK (status IN (301, 302, 307, 308)),
  source TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'slug')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (tenant_id, from_path)
);
CREATE INDEX redirects_to ON redirects(tenant_id, to_path);

-- Work that becomes live at due_at: a page's published version (the
-- version exists, the page's live pointer moves at due_at) or a post
-- (published with a future published_at; the row only makes caches
-- notice). One pending row per page or post.
CREATE TABLE publish_schedule (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('page', 'post')),
  entity_id INTEGER NOT NULL,
  version INTEGER,                          -- the page version that goes live
  due_at INTEGER NOT NULL,
  created_by INTEGER,
  created_at INTEGER NOT NULL,
  UNIQUE (tenant_id, kind, entity_id)
);
CREATE INDEX publish_schedule_due ON publish_schedule(tenant_id, due_at);
CREATE INDEX publish_schedule_all ON publish_schedule(due_at);
-- A deleted page or post has nothing left to publish.
CREATE TRIGGER pages_unschedule AFTER DELETE ON pages BEGIN
  DELETE FROM publish_schedule WHERE tenant_id = old.tenant_id AND kind = 'page' AND entity_id = old.id;
END;
CREATE TRIGGER posts_unschedule AFTER DELETE ON posts BEGIN
  DELETE FROM publish_schedule WHERE tenant_id = old.tenant_id AND kind = 'post' AND entity_id = old.id;
END;

-- A store's SEO settings: robots.txt rules of its own, and the like.
CREATE TABLE seo_settings (
  tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  settings_json TEXT NOT NULL DEFAULT '{}',
  updated_at INTEGER NOT NULL
);
