-- 003_access: browser sessions, rate limits and login throttling, usernames
-- held after a store is deleted or renamed, per-tenant limits, and the
-- bookkeeping of custom-domain verification.

-- A browser session: the cookie holds a random id, stored here only as its
-- SHA-256. Every cookie-authenticated write must carry csrf_token.
CREATE TABLE sessions (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_tenant ON sessions(tenant_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

-- Generic rate limits (GCRA): one row per bucket and key (an IP, a store).
-- tat_ms is the theoretical arrival time of the next request.
CREATE TABLE rate_limits (
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  tat_ms INTEGER NOT NULL,
  PRIMARY KEY (bucket, key)
) WITHOUT ROWID;
CREATE INDEX rate_limits_tat ON rate_limits(tat_ms);

-- Failed logins per account ('acct:' || email) and per IP ('ip:' || addr),
-- known accounts or not, for exponential backoff.
CREATE TABLE login_failures (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  blocked_until INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Usernames of deleted or renamed stores, held so nobody else takes over
-- their subdomain (and the links and trust that point at it) at once.
CREATE TABLE retired_usernames (
  username TEXT PRIMARY KEY,
  former_tenant_id INTEGER,                 -- the store that had it (gone, or renamed)
  retired_at INTEGER NOT NULL,
  held_until INTEGER NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('deleted','renamed'))
) WITHOUT ROWID;

-- Per-store overrides of the configured seed limits: {"pages":N,...}.
ALTER TABLE tenants ADD COLUMN limits_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE tenants ADD COLUMN suspended_at INTEGER;

-- Custom-domain verification attempts: when, how, what went wrong.
ALTER TABLE domains ADD COLUMN checked_at INTEGER;
ALTER TABLE domains ADD COLUMN check_error TEXT NOT NULL DEFAULT '';
ALTER TABLE domains ADD COLUMN verified_by TEXT NOT NULL DEFAULT '';
CREATE INDEX domains_primary ON domains(tenant_id, is_primary);

CREATE INDEX api_tokens_user ON api_tokens(user_id);
CREATE INDEX audit_log_tenant_id ON audit_log(tenant_id, id);
