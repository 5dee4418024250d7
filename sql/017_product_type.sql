-- 017_product_type: a product's type (Shopify's productType, CSV "Type")
-- and a variant's barcode (Shopify's barcode, CSV "Variant Barcode": ISBN,
-- UPC, GTIN...). A product without variants carries its one barcode
-- itself, as it carries its SKU, price and stock. The type is a filter
-- (filter.p.product_type=) and a search facet, so it is indexed within
-- the store; barcodes are searched through the search index (codes), like
-- SKUs. The search triggers are made again so a change of any of them
-- marks the product for the index.

ALTER TABLE products ADD COLUMN product_type TEXT NOT NULL DEFAULT '';
ALTER TABLE products ADD COLUMN barcode TEXT NOT NULL DEFAULT '';
ALTER TABLE variants ADD COLUMN barcode TEXT NOT NULL DEFAULT '';
CREATE INDEX products_type ON products(tenant_id, product_type);
-- a POS sets stock by a scanned barcode (POST /api/cms/sync/inventory)
CREATE INDEX variants_barcode ON variants(tenant_id, barcode);
CREATE INDEX products_barcode ON products(tenant_id, barcode);

DROP TRIGGER search_products_au;
CREATE TRIGGER search_products_au AFTER UPDATE OF slug, name, description, sku, barcode, vendor, product_type, tags_json, options_json, status ON products BEGIN
  INSERT OR IGNORE INTO search_dirty VALUES (new.tenant_id, 'product', new.id); END;
DROP TRIGGER search_variants_au;
CREATE TRIGGER search_variants_au AFTER UPDATE OF title, option1, option2, option3, sku, barcode ON variants BEGIN
  INSERT OR IGNORE INTO search_dirty VALUES (new.tenant_id, 'product', new.product_id); END;
