-- Multi-currency, fixed prices: the merchant's own price of a product or
-- variant in one of the store's other currencies (commerce setting
-- "currencies"), in that currency's minor units. A fixed price wins over
-- the rate conversion and is never rounded (src/currency.c,
-- currency_price). variant_id 0 is the product itself (a product without
-- variants), as in cart_items. Written by PUT /api/cms/products/{id}/prices.
CREATE TABLE variant_prices (
  id INTEGER PRIMARY KEY,
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
  variant_id INTEGER NOT NULL DEFAULT 0,
  currency TEXT NOT NULL,
  price INTEGER NOT NULL CHECK (price >= 0),
  compare_at_price INTEGER CHECK (compare_at_price >= 0),
  UNIQUE (tenant_id, product_id, variant_id, currency)
);

-- A variant's fixed prices go with it (a variant list saved without it).
CREATE TRIGGER variant_prices_gone AFTER DELETE ON variants BEGIN
  DELETE FROM variant_prices WHERE tenant_id = old.tenant_id AND product_id = old.product_id AND variant_id = old.id;
END;

-- What the gateway was asked to charge: the order's presentment currency
-- when the store charges in it (commerce setting currencies[].charge),
-- else NULL (the shop's currency, orders.total). Refunds are in it too.
ALTER TABLE orders ADD COLUMN charge_currency TEXT;
ALTER TABLE orders ADD COLUMN charge_total INTEGER;

-- Each line's unit price as the shopper saw it in the order's presentment
-- currency (minor units of orders.presentment_currency; NULL: none).
ALTER TABLE order_items ADD COLUMN presentment_price INTEGER;
