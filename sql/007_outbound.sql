-- 007_outbound: outbound calls leave the request path, and each store gets
-- a fair share of the workers' time.

-- The outbox also holds payment intents the checkout could not make within
-- its budget ('intent': target = the gateway URL, subject = the order id);
-- the deliverer makes them with the same backoff as emails and webhooks.
CREATE TABLE outbox_new (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('email','webhook','intent')),
  target TEXT NOT NULL,                     -- email address or URL
  subject TEXT NOT NULL DEFAULT '',         -- email subject, webhook event name, or order id
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  sent_at INTEGER,
  failed_at INTEGER,                        -- gave up after the last attempt
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
INSERT INTO outbox_new SELECT id, tenant_id, kind, target, subject, body, attempts, next_at, sent_at, failed_at,
  last_error, created_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(next_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- The last good HTML of each published block, keyed by the block's id and
-- a hash of its compiled code and config (so a new publish starts afresh).
-- A store over its share of worker time is served from here.
CREATE TABLE block_cache (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  block_id TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  html TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, block_id)
) WITHOUT ROWID;
