-- The web editor (htdocs/admin/): unsaved edits of a page's blocks that its
-- live preview renders. The editor POSTs them and points its sandboxed
-- frame at GET /api/cms/pages/:id/preview?edits=TOKEN, so the preview
-- document is served with the preview's own CSP, not the editor's. Rows
-- live preview_ttl seconds; nothing else reads them.
CREATE TABLE preview_edits (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
  user_id INTEGER,
  token TEXT NOT NULL UNIQUE,
  edits_json TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX preview_edits_tenant ON preview_edits(tenant_id, expires_at);

-- Block-level history: every saved content of a draft block (its type,
-- code, config and visibility at each version), written by triggers so
-- every write path records it (the block API, a page rollback). A change
-- of position alone records nothing; a version already recorded (a
-- store file's import) is kept. Trimmed to block_history_keep
-- versions per block by pages.c; removed with the block.
CREATE TABLE block_history (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  block_id INTEGER NOT NULL,
  page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  type TEXT NOT NULL,
  vibe_code TEXT NOT NULL,
  config_json TEXT NOT NULL,
  visibility_json TEXT NOT NULL,
  modified_by INTEGER,
  modified_at INTEGER NOT NULL,
  UNIQUE (block_id, version)
);
CREATE INDEX block_history_tenant ON block_history(tenant_id, block_id, version);
INSERT INTO block_history (tenant_id, block_id, page_id, version, type, vibe_code, config_json, visibility_json,
                           modified_by, modified_at)
  SELECT tenant_id, id, page_id, version, type, vibe_code, config_json, visibility_json, modified_by, updated_at
  FROM draft_blocks;
CREATE TRIGGER draft_blocks_history_insert AFTER INSERT ON draft_blocks BEGIN
  INSERT OR IGNORE INTO block_history (tenant_id, block_id, page_id, version, type, vibe_code, config_json,
                                        visibility_json, modified_by, modified_at)
  VALUES (NEW.tenant_id, NEW.id, NEW.page_id, NEW.version, NEW.type, NEW.vibe_code, NEW.config_json,
          NEW.visibility_json, NEW.modified_by, NEW.updated_at);
END;
CREATE TRIGGER draft_blocks_history_update AFTER UPDATE ON draft_blocks
WHEN OLD.type IS NOT NEW.type OR OLD.vibe_code IS NOT NEW.vibe_code OR OLD.config_json IS NOT NEW.config_json
  OR OLD.visibility_json IS NOT NEW.visibility_json BEGIN
  INSERT OR IGNORE INTO block_history (tenant_id, block_id, page_id, version, type, vibe_code, config_json,
                                        visibility_json, modified_by, modified_at)
  VALUES (NEW.tenant_id, NEW.id, NEW.page_id, NEW.version, NEW.type, NEW.vibe_code, NEW.config_json,
          NEW.visibility_json, NEW.modified_by, NEW.updated_at);
END;
CREATE TRIGGER draft_blocks_history_delete AFTER DELETE ON draft_blocks BEGIN
  DELETE FROM block_history WHERE tenant_id = OLD.tenant_id AND block_id = OLD.id;
END;

-- Who has a page open in the web editor: one row per signed-in user and
-- page, its heartbeat time; the editor shows those seen in the last
-- presence_ttl seconds.
CREATE TABLE editor_presence (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL,
  block_id INTEGER,
  seen_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, page_id, user_id)
);
