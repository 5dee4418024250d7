-- 002_commerce: variants and stock, POS ids, carts, orders, discounts,
-- per-store commerce settings, payments and the delivery outbox (emails,
-- POS webhooks). Stock lives on the variant when a product has variants,
-- else on the product; CHECK (stock >= 0) makes overselling impossible even
-- if a code path forgot its guard. Money is integer minor units.

ALTER TABLE products ADD COLUMN options_json TEXT NOT NULL DEFAULT '[]';  -- [{name, values[]}]
ALTER TABLE products ADD COLUMN pos_id TEXT;                             -- the POS's own id
ALTER TABLE products ADD COLUMN import_handle TEXT;                      -- Shopify Handle
CREATE UNIQUE INDEX products_pos_id ON products(tenant_id, pos_id) WHERE pos_id IS NOT NULL;
CREATE INDEX products_sku ON products(tenant_id, sku);

CREATE TABLE variants (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  title TEXT NOT NULL DEFAULT '',           -- "M / Blue"
  option1 TEXT NOT NULL DEFAULT '',
  option2 TEXT NOT NULL DEFAULT '',
  option3 TEXT NOT NULL DEFAULT '',
  sku TEXT NOT NULL DEFAULT '',
  price INTEGER NOT NULL CHECK (price >= 0),
  compare_at_price INTEGER CHECK (compare_at_price >= 0),
  stock INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
  image TEXT NOT NULL DEFAULT '',
  position INTEGER NOT NULL DEFAULT 0,
  pos_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX variants_product ON variants(product_id, position);
CREATE INDEX variants_sku ON variants(tenant_id, sku);
CREATE UNIQUE INDEX variants_pos_id ON variants(tenant_id, pos_id) WHERE pos_id IS NOT NULL;

-- A shopper's cart: the cookie holds a random token, the table its hash.
CREATE TABLE carts (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX carts_updated ON carts(updated_at);

CREATE TABLE cart_items (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  cart_id INTEGER NOT NULL REFERENCES carts(id) ON DELETE CASCADE,
  product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  variant_id INTEGER NOT NULL DEFAULT 0,    -- 0 = the product itself (no variants)
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  created_at INTEGER NOT NULL,
  UNIQUE (cart_id, product_id, variant_id)
);

-- Per-store commerce settings (shipping methods, tax, payment, notify
-- address, POS webhook) as one JSON object; absent = built-in defaults.
CREATE TABLE commerce_settings (
  tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  settings_json TEXT NOT NULL DEFAULT '{}',
  updated_at INTEGER NOT NULL
);

CREATE TABLE discounts (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  code TEXT NOT NULL COLLATE NOCASE,
  kind TEXT NOT NULL CHECK (kind IN ('percent','fixed')),
  value INTEGER NOT NULL CHECK (value > 0),   -- percent: 1-100; fixed: minor units
  min_subtotal INTEGER NOT NULL DEFAULT 0,
  starts_at INTEGER,
  expires_at INTEGER,
  usage_limit INTEGER,
  used INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  CHECK (usage_limit IS NULL OR used <= usage_limit),
  UNIQUE (tenant_id, code)
);

CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  number INTEGER NOT NULL,                  -- per store: 1001, 1002, ...
  secret TEXT NOT NULL,                     -- confirmation page key (random)
  idempotency_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,               -- sha256 of the checkout body
  email TEXT NOT NULL,
  name TEXT NOT NULL,
  phone TEXT NOT NULL DEFAULT '',
  shipping_address_json TEXT NOT NULL DEFAULT '{}',
  shipping_method TEXT NOT NULL,
  shipping_method_name TEXT NOT NULL DEFAULT '',
  payment_method TEXT NOT NULL,
  currency TEXT NOT NULL,
  subtotal INTEGER NOT NULL,
  discount INTEGER NOT NULL DEFAULT 0,
  shipping INTEGER NOT NULL DEFAULT 0,
  tax INTEGER NOT NULL DEFAULT 0,
  tax_inclusive INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL CHECK (total >= 0),
  discount_code TEXT,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','cancelled')),
  payment_status TEXT NOT NULL DEFAULT 'pending'
    CHECK (payment_status IN ('pending','paid','refunded','partially_refunded','failed')),
  fulfillment_status TEXT NOT NULL DEFAULT 'unfulfilled' CHECK (fulfillment_status IN ('unfulfilled','fulfilled')),
  refunded INTEGER NOT NULL DEFAULT 0,
  tracking_number TEXT NOT NULL DEFAULT '',
  tracking_url TEXT NOT NULL DEFAULT '',
  payment_ref TEXT NOT NULL DEFAULT '',     -- gateway payment intent id
  payment_client_secret TEXT NOT NULL DEFAULT '',
  restocked INTEGER NOT NULL DEFAULT 0,
  note TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  paid_at INTEGER,
  fulfilled_at INTEGER,
  cancelled_at INTEGER,
  UNIQUE (tenant_id, idempotency_key),
  UNIQUE (tenant_id, number)
);
CREATE INDEX orders_created ON orders(tenant_id, created_at);
CREATE INDEX orders_payment_ref ON orders(payment_ref) WHERE payment_ref != '';

CREATE TABLE order_items (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  product_id INTEGER,                       -- kept if the product is deleted later
  variant_id INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL,
  variant_title TEXT NOT NULL DEFAULT '',
  sku TEXT NOT NULL DEFAULT '',
  unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  line_total INTEGER NOT NULL
);
CREATE INDEX order_items_order ON order_items(order_id);
CREATE INDEX order_items_product ON order_items(product_id);

-- Gateway events already applied (webhook replay protection).
CREATE TABLE payment_events (
  event_id TEXT PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  order_id INTEGER,
  type TEXT NOT NULL,
  at INTEGER NOT NULL
) WITHOUT ROWID;

-- Emails and POS webhooks waiting to go out; written in the transaction
-- that made them necessary, sent by `storefront deliver` with backoff.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('email','webhook')),
  target TEXT NOT NULL,                     -- email address or URL
  subject TEXT NOT NULL DEFAULT '',         -- email subject or webhook event name
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  sent_at INTEGER,
  failed_at INTEGER,                        -- gave up after the last attempt
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox(next_at) WHERE sent_at IS NULL AND failed_at IS NULL;
