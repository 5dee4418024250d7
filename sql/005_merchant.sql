-- 005_merchant: page metadata belongs to the published version, edit
-- counters for pages and posts (409 on a stale save, as for blocks), block
-- ids that are never handed out twice, and inventory that may be untracked
-- or sold past zero (Shopify's Variant Inventory Tracker / Policy).

-- The draft metadata lives on pages; each published version keeps its own
-- copy, which is what the live site shows (title was already kept).
ALTER TABLE page_versions ADD COLUMN meta_description TEXT NOT NULL DEFAULT '';
ALTER TABLE page_versions ADD COLUMN seo_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE page_versions ADD COLUMN show_in_nav INTEGER NOT NULL DEFAULT 1;
UPDATE page_versions SET
  meta_description = (SELECT p.meta_description FROM pages p WHERE p.id = page_versions.page_id),
  seo_json = (SELECT p.seo_json FROM pages p WHERE p.id = page_versions.page_id),
  show_in_nav = (SELECT p.show_in_nav FROM pages p WHERE p.id = page_versions.page_id);
-- The live version's title is what visitors saw so far: keep it.

-- Optimistic locks for PUT /pages/{id} and PUT /posts/{id}.
ALTER TABLE pages ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE posts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- draft_blocks again, with AUTOINCREMENT: an id once used (by a draft or
-- in any published snapshot) is never given to another block.
ALTER TABLE draft_blocks RENAME TO draft_blocks_004;
CREATE TABLE draft_blocks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO draft_blocks(id, tenant_id, page_id, type, vibe_code, config_json, visibility_json, position, version,
                         modified_by, created_at, updated_at)
  SELECT id, tenant_id, page_id, type, vibe_code, config_json, visibility_json, position, version,
         modified_by, created_at, updated_at FROM draft_blocks_004;
DROP TABLE draft_blocks_004;
CREATE INDEX draft_blocks_page ON draft_blocks(page_id, position);
CREATE INDEX draft_blocks_tenant ON draft_blocks(tenant_id);
DELETE FROM sqlite_sequence WHERE name = 'draft_blocks';
INSERT INTO sqlite_sequence(name, seq) SELECT 'draft_blocks', max(
  coalesce((SELECT max(id) FROM draft_blocks), 0),
  coalesce((SELECT max(CAST(json_extract(j.value, '$.id') AS INTEGER))
            FROM page_versions v, json_each(v.blocks_json) j), 0));

-- Inventory: tracked (stock counts down, checkout refuses past zero unless
-- the policy is 'continue') or untracked (always sellable, stock unused).
-- Per product; its variants follow it.
ALTER TABLE products ADD COLUMN track_inventory INTEGER NOT NULL DEFAULT 1 CHECK (track_inventory IN (0, 1));
ALTER TABLE products ADD COLUMN inventory_policy TEXT NOT NULL DEFAULT 'deny' CHECK (inventory_policy IN ('deny', 'continue'));
