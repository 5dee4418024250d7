-- 008_media: the media library (doc/media.md). One row per uploaded file;
-- the files themselves are content-addressed under the media directory
-- (media_dir/<store id>/<2 hex>/<sha256>...), written by the image helper
-- (bin/storefront-image) and served by the web server, never by a worker.
CREATE TABLE media (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name TEXT NOT NULL,                       -- the file name the merchant sees (editable)
  alt TEXT NOT NULL DEFAULT '',             -- alternative text (editable)
  kind TEXT NOT NULL CHECK (kind IN ('image','svg')),
  type TEXT NOT NULL CHECK (type IN ('png','jpeg','webp','gif','avif','svg')),  -- from the bytes
  sha256 TEXT NOT NULL,                     -- of the uploaded bytes: the files' address
  bytes INTEGER NOT NULL,                   -- uploaded size: what counts against the store's quota
  stored_bytes INTEGER NOT NULL DEFAULT 0,  -- every file written for it (original + renditions)
  width INTEGER NOT NULL DEFAULT 0,         -- after orientation was applied
  height INTEGER NOT NULL DEFAULT 0,
  url TEXT NOT NULL,                        -- the full-size file, metadata stripped
  renditions_json TEXT NOT NULL DEFAULT '[]',  -- [{width, height, url, webp}] narrow to wide
  source_url TEXT NOT NULL DEFAULT '',      -- the remote URL it was fetched from (storefront media fetch)
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX media_tenant ON media(tenant_id, id);
CREATE INDEX media_url ON media(tenant_id, url);
CREATE INDEX media_sha ON media(tenant_id, sha256);
CREATE INDEX media_source ON media(tenant_id, source_url) WHERE source_url != '';

-- A product image may be a library item: its renditions come with it.
ALTER TABLE product_images ADD COLUMN media_id INTEGER REFERENCES media(id) ON DELETE SET NULL;
CREATE INDEX product_images_media ON product_images(tenant_id, media_id);
CREATE INDEX product_images_url ON product_images(tenant_id, url);

-- Stores whose products name remote images (Shopify CSV import, POS sync):
-- the deliverer downloads them into the library (`storefront media fetch`
-- does the same at once), with backoff when a round leaves some behind.
CREATE TABLE media_fetch_queue (
  tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  queued_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL
);
CREATE INDEX media_fetch_queue_due ON media_fetch_queue(next_at);
