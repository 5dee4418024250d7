-- 014_customers: shoppers' accounts, one set per store (a shopper of store
-- A is unknown to store B): email + password (argon2id) or one-time codes
-- by email, sessions (cookie token stored hashed), saved addresses, the
-- merchant's tags and note, and the link from an order to its customer.
-- Emails are stored lower-cased. Deleting a customer keeps their orders,
-- anonymised (customer.c).

CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  password_hash TEXT,                        -- NULL: signs in with codes only
  email_verified_at INTEGER,                 -- a code sent to it was entered
  tags_json TEXT NOT NULL DEFAULT '[]',      -- the merchant's
  note TEXT NOT NULL DEFAULT '',             -- the merchant's
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX customers_email ON customers(tenant_id, email);
CREATE INDEX customers_created ON customers(tenant_id, created_at);

CREATE TABLE customer_sessions (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,           -- sha256 of the cookie's token
  csrf TEXT NOT NULL,                        -- sent back as X-CSRF-Token on writes
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX customer_sessions_customer ON customer_sessions(customer_id);

-- One-time codes (sign-in, password reset), stored hashed; a code dies
-- after customer_code_attempts wrong tries, its ttl, or its use.
CREATE TABLE customer_codes (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  email TEXT NOT NULL,
  purpose TEXT NOT NULL CHECK (purpose IN ('login', 'reset')),
  code_hash TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX customer_codes_email ON customer_codes(tenant_id, email, purpose);

CREATE TABLE customer_addresses (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  name TEXT NOT NULL DEFAULT '',
  line1 TEXT NOT NULL,
  line2 TEXT NOT NULL DEFAULT '',
  city TEXT NOT NULL,
  region TEXT NOT NULL DEFAULT '',
  postal_code TEXT NOT NULL,
  country TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX customer_addresses_customer ON customer_addresses(customer_id);

ALTER TABLE orders ADD COLUMN customer_id INTEGER REFERENCES customers(id) ON DELETE SET NULL;
CREATE INDEX orders_customer ON orders(customer_id);
CREATE INDEX orders_email ON orders(tenant_id, lower(email));

-- A signed-in shopper's wishlist (guests keep theirs in the browser and it
-- joins the account on sign-in). notify: email me when it is back in
-- stock (opt-in); notified_at: that email was queued.
CREATE TABLE wishlist_items (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  variant_id INTEGER NOT NULL DEFAULT 0,
  notify INTEGER NOT NULL DEFAULT 0 CHECK (notify IN (0, 1)),
  notified_at INTEGER,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (customer_id, product_id, variant_id)
) WITHOUT ROWID;
CREATE INDEX wishlist_product ON wishlist_items(product_id);
CREATE INDEX wishlist_waiting ON wishlist_items(tenant_id, notify, notified_at);

-- A store's own text for a shopper email (templates/email/ has the
-- defaults): subject, plain text and HTML, Mustache like the defaults.
CREATE TABLE email_templates (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  text_body TEXT NOT NULL,
  html_body TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, kind)
) WITHOUT ROWID;

-- Abandoned checkout: the email a shopper typed at checkout, the one
-- reminder sent (store setting abandonedCheckout, default off), and the
-- hash of the link that restores the cart.
ALTER TABLE carts ADD COLUMN email TEXT;
ALTER TABLE carts ADD COLUMN reminded_at INTEGER;
ALTER TABLE carts ADD COLUMN recover_hash TEXT;
CREATE INDEX carts_waiting ON carts(email, reminded_at) WHERE email IS NOT NULL AND reminded_at IS NULL;
CREATE UNIQUE INDEX carts_recover ON carts(recover_hash) WHERE recover_hash IS NOT NULL;

-- Multi-currency: what a shopper saw and agreed to when the order was
-- placed in another currency than the shop's (NULL: the shop's own).
-- The order's money columns stay in the shop's currency.
ALTER TABLE orders ADD COLUMN presentment_currency TEXT;
ALTER TABLE orders ADD COLUMN presentment_rate TEXT;
ALTER TABLE orders ADD COLUMN presentment_total INTEGER;

-- The POS's own id of a customer (POST /api/cms/sync/customers upserts by it).
ALTER TABLE customers ADD COLUMN pos_id TEXT;
CREATE UNIQUE INDEX customers_pos_id ON customers(tenant_id, pos_id) WHERE pos_id IS NOT NULL;
