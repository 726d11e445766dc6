-- Finding assets without scanning: the sort orders of the card list as
-- indexes within one unit, and free-text search over name / number / model /
-- serial number / brand (SQLite FTS5 trigram; PostgreSQL pg_trgm GIN), kept in
-- step with assets in the writing transaction.

-- @both
-- One unit's cards in number / name order (a page of 50 comes off the index).
CREATE INDEX assets_org_number ON assets(org_id, number);
CREATE INDEX assets_org_name ON assets(org_id, name, id);
-- The rollups of a subtree and the per-unit directories.
CREATE INDEX asset_rollups_category ON asset_rollups(category_code);
CREATE INDEX staff_department ON staff(department_id);

-- @sqlite
-- External-content FTS5 table over assets; the trigram tokenizer matches any
-- substring of three or more characters (case-insensitive), Chinese included.
-- SQLite indexes carry the rowid (id) last, so (org_id, acquired_on) and
-- (org_id, original_value) from 0002 already give stable keyset order.
CREATE VIRTUAL TABLE assets_fts USING fts5(
  name, number, model, serial_no, brand,
  content = 'assets', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER assets_fts_insert AFTER INSERT ON assets BEGIN
  INSERT INTO assets_fts (rowid, name, number, model, serial_no, brand)
  VALUES (new.id, new.name, new.number, new.model, new.serial_no, new.brand);
END;
CREATE TRIGGER assets_fts_delete AFTER DELETE ON assets BEGIN
  INSERT INTO assets_fts (assets_fts, rowid, name, number, model, serial_no, brand)
  VALUES ('delete', old.id, old.name, old.number, old.model, old.serial_no, old.brand);
END;
CREATE TRIGGER assets_fts_update AFTER UPDATE OF name, number, model, serial_no, brand ON assets BEGIN
  INSERT INTO assets_fts (assets_fts, rowid, name, number, model, serial_no, brand)
  VALUES ('delete', old.id, old.name, old.number, old.model, old.serial_no, old.brand);
  INSERT INTO assets_fts (rowid, name, number, model, serial_no, brand)
  VALUES (new.id, new.name, new.number, new.model, new.serial_no, new.brand);
END;

-- @postgres
-- pg_trgm is a trusted extension shipped with postgresql-15 (contrib).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
-- The searched text: the five fields joined by U+001F, a character no query
-- can contain (control characters are refused), so a match never spans two
-- fields. The list statements repeat this exact expression (asset/sql.h).
CREATE INDEX assets_search_trgm ON assets USING gin (
  (name || chr(31) || number || chr(31) || COALESCE(model, '') || chr(31) || COALESCE(serial_no, '') ||
   chr(31) || COALESCE(brand, '')) gin_trgm_ops
);
-- PostgreSQL indexes do not end in the row id: keyset pages sorted by date or
-- value need the id in the index to stay on it. These replace 0002's.
DROP INDEX assets_org_acquired;
DROP INDEX assets_org_value;
CREATE INDEX assets_org_acquired ON assets(org_id, acquired_on, id);
CREATE INDEX assets_org_value ON assets(org_id, original_value, id);
-- Subtree scopes compare org paths with LIKE 'prefix%': byte order whatever
-- the database collation is.
CREATE INDEX orgs_path_pattern ON orgs(path text_pattern_ops);
-- Names sort by code point on both engines (the list statements say
-- COLLATE "C"), so pages merged across units keep the database's order.
DROP INDEX assets_org_name;
CREATE INDEX assets_org_name ON assets(org_id, name COLLATE "C", id);
