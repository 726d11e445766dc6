-- Free text of one or two characters through an index (SQLite): the trigram
-- table of 0003 needs three. assets_short holds, per field, every character
-- and every pair of adjacent characters as a term (tokenizer ms_gram,
-- src/db/sqlite/fts5_gram_tokenizer.h, registered on every connection the
-- app opens), so a 1–2 character query is one term lookup. detail = none:
-- only which cards hold a term, no positions or columns (a query is one
-- term, never a phrase); columnsize = 0: no per-card token counts (no
-- ranking). Kept in step with assets by triggers as assets_fts is; an import
-- fills it in one statement (AssetStore::FinishBulk).
-- PostgreSQL: nothing (1–2 characters stay a bounded scan there).

-- @sqlite
CREATE VIRTUAL TABLE assets_short USING fts5(
  name, number, model, serial_no, brand,
  content = 'assets', content_rowid = 'id', tokenize = 'ms_gram', detail = none, columnsize = 0
);
CREATE TRIGGER assets_short_insert AFTER INSERT ON assets BEGIN
  INSERT INTO assets_short (rowid, name, number, model, serial_no, brand)
  VALUES (new.id, new.name, new.number, new.model, new.serial_no, new.brand);
END;
CREATE TRIGGER assets_short_delete AFTER DELETE ON assets BEGIN
  INSERT INTO assets_short (assets_short, rowid, name, number, model, serial_no, brand)
  VALUES ('delete', old.id, old.name, old.number, old.model, old.serial_no, old.brand);
END;
CREATE TRIGGER assets_short_update AFTER UPDATE OF name, number, model, serial_no, brand ON assets BEGIN
  INSERT INTO assets_short (assets_short, rowid, name, number, model, serial_no, brand)
  VALUES ('delete', old.id, old.name, old.number, old.model, old.serial_no, old.brand);
  INSERT INTO assets_short (rowid, name, number, model, serial_no, brand)
  VALUES (new.id, new.name, new.number, new.model, new.serial_no, new.brand);
END;
INSERT INTO assets_short (assets_short) VALUES ('rebuild');
