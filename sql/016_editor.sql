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
