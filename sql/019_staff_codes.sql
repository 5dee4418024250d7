-- 019_staff_codes: staff sign-in with a one-time code by email (issue 14):
-- POST /api/cms/login/code mails one, /api/cms/login/code/verify turns it
-- into the same session or token a password gives (staffcode.c). Stored
-- hashed (otcode.c: SHA-256 over "staff:email:code", so a shopper's code
-- from customer_codes never matches here, nor one of these there); one
-- live code per email, dead after staff_code_ttl, its use or
-- staff_code_attempts wrong tries. A staff email may be a user of several
-- stores: tenant_id is the store the code was asked for, 0 for any of the
-- email's stores (chosen at verify). Not any one store's data: a store's
-- export leaves it out (tenantfile.c), like login_failures.
CREATE TABLE staff_codes (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL,                 -- lower-cased
  tenant_id INTEGER NOT NULL DEFAULT 0,
  code_hash TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX staff_codes_email ON staff_codes(email, used_at);
