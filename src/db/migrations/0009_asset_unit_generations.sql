-- Generations of one unit's card list, for the cache of rendered unit pages
-- (AssetService::ListBody): a page is reused only while the generation of
-- its unit (and the 'categories' and 'orgs' rows of cache_generations) is
-- unchanged. Bumped by triggers in the same transaction as every change a
-- page shows, whichever process writes:
--   - a card registered, removed, or changing unit, category, state or value
--     changes the unit's rollups (asset_rollups is written in the same
--     transaction as the card), so the rollup triggers bump the unit — a
--     bulk import pays one bump per rollup row, not one per card;
--   - any other edit of a card (name, custodian, location, …) bumps the
--     units before and after;
--   - a renamed department, staff member or location bumps its unit;
--   - a renamed or moved org bumps 'orgs' (its code, name and path are shown).
-- A unit without a row is at generation 0.

-- @both
CREATE TABLE asset_unit_generations (
  org_id BIGINT PRIMARY KEY,
  generation BIGINT NOT NULL
);
INSERT INTO cache_generations (name, generation) VALUES ('orgs', 0);

-- @sqlite
CREATE TRIGGER asset_unit_rollups_insert AFTER INSERT ON asset_rollups BEGIN
  INSERT INTO asset_unit_generations (org_id, generation) VALUES (new.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
CREATE TRIGGER asset_unit_rollups_update AFTER UPDATE ON asset_rollups BEGIN
  INSERT INTO asset_unit_generations (org_id, generation) VALUES (new.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
CREATE TRIGGER asset_unit_rollups_delete AFTER DELETE ON asset_rollups BEGIN
  INSERT INTO asset_unit_generations (org_id, generation) VALUES (old.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
CREATE TRIGGER asset_unit_assets_update AFTER UPDATE ON assets BEGIN
  INSERT INTO asset_unit_generations (org_id, generation) VALUES (old.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
  INSERT INTO asset_unit_generations (org_id, generation) VALUES (new.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
CREATE TRIGGER asset_unit_departments_update AFTER UPDATE ON unit_departments BEGIN
  INSERT INTO asset_unit_generations (org_id, generation) VALUES (new.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
CREATE TRIGGER asset_unit_staff_update AFTER UPDATE ON staff BEGIN
  INSERT INTO asset_unit_generations (org_id, generation) VALUES (new.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
CREATE TRIGGER asset_unit_locations_update AFTER UPDATE ON locations BEGIN
  INSERT INTO asset_unit_generations (org_id, generation) VALUES (new.org_id, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = generation + 1;
END;
CREATE TRIGGER orgs_generation_update AFTER UPDATE ON orgs BEGIN
  UPDATE cache_generations SET generation = generation + 1 WHERE name = 'orgs';
END;
CREATE TRIGGER orgs_generation_delete AFTER DELETE ON orgs BEGIN
  UPDATE cache_generations SET generation = generation + 1 WHERE name = 'orgs';
END;

-- @postgres
-- Row triggers on the rollups and the directories (a few rows per write);
-- card updates once per statement over the units it touched.
CREATE FUNCTION asset_unit_bump(unit BIGINT) RETURNS void LANGUAGE sql AS $$
  INSERT INTO asset_unit_generations (org_id, generation) VALUES (unit, 1)
    ON CONFLICT (org_id) DO UPDATE SET generation = asset_unit_generations.generation + 1;
$$;
CREATE FUNCTION asset_unit_bump_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM asset_unit_bump(OLD.org_id);
  ELSE
    PERFORM asset_unit_bump(NEW.org_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER asset_unit_rollups AFTER INSERT OR UPDATE OR DELETE ON asset_rollups
  FOR EACH ROW EXECUTE FUNCTION asset_unit_bump_row();
CREATE TRIGGER asset_unit_departments AFTER UPDATE ON unit_departments
  FOR EACH ROW EXECUTE FUNCTION asset_unit_bump_row();
CREATE TRIGGER asset_unit_staff AFTER UPDATE ON staff
  FOR EACH ROW EXECUTE FUNCTION asset_unit_bump_row();
CREATE TRIGGER asset_unit_locations AFTER UPDATE ON locations
  FOR EACH ROW EXECUTE FUNCTION asset_unit_bump_row();
CREATE FUNCTION asset_unit_bump_cards() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO asset_unit_generations (org_id, generation)
    SELECT u.org_id, 1 FROM (SELECT org_id FROM old_cards UNION SELECT org_id FROM new_cards) u
    ORDER BY u.org_id
    ON CONFLICT (org_id) DO UPDATE SET generation = asset_unit_generations.generation + 1;
  RETURN NULL;
END $$;
CREATE TRIGGER asset_unit_assets AFTER UPDATE ON assets
  REFERENCING OLD TABLE AS old_cards NEW TABLE AS new_cards
  FOR EACH STATEMENT EXECUTE FUNCTION asset_unit_bump_cards();
CREATE FUNCTION orgs_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cache_generations SET generation = generation + 1 WHERE name = 'orgs';
  RETURN NULL;
END $$;
CREATE TRIGGER orgs_generation AFTER UPDATE OR DELETE ON orgs
  FOR EACH STATEMENT EXECUTE FUNCTION orgs_generation_bump();
