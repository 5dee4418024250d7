-- 015_pods: a store's short read-only window while it moves between pods
-- (doc/scale.md). Until read_only_until (unix seconds) the store serves
-- pages, and its writes (cart, checkout, the admin's changes) answer 503
-- with Retry-After. The trigger is the fence for a checkout that passed the
-- request's check just before the window opened: an order is never written
-- into a copy that has already been exported.
ALTER TABLE tenants ADD COLUMN read_only_until INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER orders_read_only BEFORE INSERT ON orders
  WHEN (SELECT read_only_until FROM tenants WHERE id = NEW.tenant_id) > CAST(strftime('%s','now') AS INTEGER)
BEGIN
  SELECT RAISE(ABORT, 'store_read_only: the store is moving');
END;

-- The same fence for the shopper's cart: an item added after the export
-- would be missing on the new pod.
CREATE TRIGGER carts_read_only BEFORE INSERT ON carts
  WHEN (SELECT read_only_until FROM tenants WHERE id = NEW.tenant_id) > CAST(strftime('%s','now') AS INTEGER)
BEGIN
  SELECT RAISE(ABORT, 'store_read_only: the store is moving');
END;
CREATE TRIGGER cart_items_read_only BEFORE INSERT ON cart_items
  WHEN (SELECT read_only_until FROM tenants WHERE id = NEW.tenant_id) > CAST(strftime('%s','now') AS INTEGER)
BEGIN
  SELECT RAISE(ABORT, 'store_read_only: the store is moving');
END;
CREATE TRIGGER cart_items_read_only_update BEFORE UPDATE ON cart_items
  WHEN (SELECT read_only_until FROM tenants WHERE id = NEW.tenant_id) > CAST(strftime('%s','now') AS INTEGER)
BEGIN
  SELECT RAISE(ABORT, 'store_read_only: the store is moving');
END;
