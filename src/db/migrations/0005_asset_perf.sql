-- Dashboard totals of a subtree without summing every unit's rollups: the
-- asset_rollups buckets folded up the org tree. For every org A on the path
-- of a bucket's owner U (U included), one row (A, C, category, state) where C
-- is A's child on the way to U (U itself when A = U). A county's stats read
-- its children's rows only (hundreds), not the ~23,000 buckets of its units.
-- Kept equal to asset_rollups by triggers in the same transaction as every
-- rollup write, and rebuilt when an org changes parent.

-- @both
CREATE TABLE asset_rollup_tree (
  ancestor_id BIGINT NOT NULL,
  child_id BIGINT NOT NULL,
  category_code TEXT NOT NULL,
  state TEXT NOT NULL,
  count BIGINT NOT NULL,
  value BIGINT NOT NULL,
  PRIMARY KEY (ancestor_id, child_id, category_code, state)
);

-- @sqlite
-- Each org U with every org A on its path and A's child on the way to U
-- (SQLite's instr is PostgreSQL's strpos).
CREATE VIEW org_ancestry AS
SELECT u.id AS org_id, a.id AS ancestor_id,
       CASE WHEN a.id = u.id THEN u.id
            ELSE CAST(substr(u.path, length(a.path) + 1,
                             instr(substr(u.path, length(a.path) + 1), '/') - 1) AS BIGINT) END AS child_id
FROM orgs u JOIN orgs a ON substr(u.path, 1, length(a.path)) = a.path;

-- @postgres
CREATE VIEW org_ancestry AS
SELECT u.id AS org_id, a.id AS ancestor_id,
       CASE WHEN a.id = u.id THEN u.id
            ELSE CAST(substr(u.path, length(a.path) + 1,
                             strpos(substr(u.path, length(a.path) + 1), '/') - 1) AS BIGINT) END AS child_id
FROM orgs u JOIN orgs a ON substr(u.path, 1, length(a.path)) = a.path;

-- @both
INSERT INTO asset_rollup_tree (ancestor_id, child_id, category_code, state, count, value)
SELECT p.ancestor_id, p.child_id, r.category_code, r.state, SUM(r.count), SUM(r.value)
FROM asset_rollups r JOIN org_ancestry p ON p.org_id = r.org_id
GROUP BY p.ancestor_id, p.child_id, r.category_code, r.state;

-- @sqlite
-- (SQLite triggers cannot share a function: each repeats the upsert.)
CREATE TRIGGER asset_rollup_tree_insert AFTER INSERT ON asset_rollups BEGIN
  INSERT INTO asset_rollup_tree (ancestor_id, child_id, category_code, state, count, value)
  SELECT p.ancestor_id, p.child_id, new.category_code, new.state, new.count, new.value
  FROM org_ancestry p WHERE p.org_id = new.org_id
  ON CONFLICT (ancestor_id, child_id, category_code, state) DO UPDATE
  SET count = asset_rollup_tree.count + excluded.count, value = asset_rollup_tree.value + excluded.value;
END;
CREATE TRIGGER asset_rollup_tree_delete AFTER DELETE ON asset_rollups BEGIN
  INSERT INTO asset_rollup_tree (ancestor_id, child_id, category_code, state, count, value)
  SELECT p.ancestor_id, p.child_id, old.category_code, old.state, -old.count, -old.value
  FROM org_ancestry p WHERE p.org_id = old.org_id
  ON CONFLICT (ancestor_id, child_id, category_code, state) DO UPDATE
  SET count = asset_rollup_tree.count + excluded.count, value = asset_rollup_tree.value + excluded.value;
END;
-- An update is the old bucket out and the new one in, as one signed row each.
CREATE TRIGGER asset_rollup_tree_update AFTER UPDATE ON asset_rollups BEGIN
  INSERT INTO asset_rollup_tree (ancestor_id, child_id, category_code, state, count, value)
  SELECT p.ancestor_id, p.child_id, b.category_code, b.state, b.count, b.value
  FROM (SELECT old.org_id AS org_id, old.category_code AS category_code, old.state AS state,
               -old.count AS count, -old.value AS value
        UNION ALL SELECT new.org_id, new.category_code, new.state, new.count, new.value) b
  JOIN org_ancestry p ON p.org_id = b.org_id WHERE true
  ON CONFLICT (ancestor_id, child_id, category_code, state) DO UPDATE
  SET count = asset_rollup_tree.count + excluded.count, value = asset_rollup_tree.value + excluded.value;
END;
-- An org move (org/store.cpp) rewrites the paths of the subtree, then sets
-- the parent: by then every path is final, so the fold is redone from scratch.
CREATE TRIGGER asset_rollup_tree_reparent AFTER UPDATE OF parent_id ON orgs BEGIN
  DELETE FROM asset_rollup_tree;
  INSERT INTO asset_rollup_tree (ancestor_id, child_id, category_code, state, count, value)
  SELECT p.ancestor_id, p.child_id, r.category_code, r.state, SUM(r.count), SUM(r.value)
  FROM asset_rollups r JOIN org_ancestry p ON p.org_id = r.org_id
  GROUP BY p.ancestor_id, p.child_id, r.category_code, r.state;
END;

-- @postgres
CREATE FUNCTION asset_rollup_tree_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.org_id = NEW.org_id AND OLD.category_code = NEW.category_code
     AND OLD.state = NEW.state AND OLD.count = NEW.count AND OLD.value = NEW.value THEN
    RETURN NULL;
  END IF;
  INSERT INTO asset_rollup_tree (ancestor_id, child_id, category_code, state, count, value)
  SELECT p.ancestor_id, p.child_id, b.category_code, b.state, SUM(b.count), SUM(b.value)
  FROM (SELECT OLD.org_id AS org_id, OLD.category_code AS category_code, OLD.state AS state,
               -OLD.count AS count, -OLD.value AS value WHERE TG_OP IN ('UPDATE', 'DELETE')
        UNION ALL SELECT NEW.org_id, NEW.category_code, NEW.state, NEW.count, NEW.value
        WHERE TG_OP IN ('UPDATE', 'INSERT')) b
  JOIN org_ancestry p ON p.org_id = b.org_id
  GROUP BY p.ancestor_id, p.child_id, b.category_code, b.state
  ON CONFLICT (ancestor_id, child_id, category_code, state) DO UPDATE
  SET count = asset_rollup_tree.count + excluded.count, value = asset_rollup_tree.value + excluded.value;
  RETURN NULL;
END $$;
CREATE TRIGGER asset_rollup_tree_sync AFTER INSERT OR UPDATE OR DELETE ON asset_rollups
  FOR EACH ROW EXECUTE FUNCTION asset_rollup_tree_sync();
CREATE FUNCTION asset_rollup_tree_rebuild() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM asset_rollup_tree;
  INSERT INTO asset_rollup_tree (ancestor_id, child_id, category_code, state, count, value)
  SELECT p.ancestor_id, p.child_id, r.category_code, r.state, SUM(r.count), SUM(r.value)
  FROM asset_rollups r JOIN org_ancestry p ON p.org_id = r.org_id
  GROUP BY p.ancestor_id, p.child_id, r.category_code, r.state;
  RETURN NULL;
END $$;
CREATE TRIGGER asset_rollup_tree_reparent AFTER UPDATE OF parent_id ON orgs
  FOR EACH ROW EXECUTE FUNCTION asset_rollup_tree_rebuild();
