-- The generation of everything GET /api/v1/stats/assets reads besides the
-- category names (which have their own 'categories' row): the rollups and the
-- org tree. Bumped by triggers in the same transaction as every change, so
-- a cached stats answer (AssetService::StatisticsBody) is reused only while
-- its generation is current, whichever process wrote.

-- @both
INSERT INTO cache_generations (name, generation) VALUES ('asset_stats', 0);

-- @sqlite
CREATE TRIGGER asset_stats_rollups_insert AFTER INSERT ON asset_rollups BEGIN
  UPDATE cache_generations SET generation = generation + 1 WHERE name = 'asset_stats';
END;
CREATE TRIGGER asset_stats_rollups_update AFTER UPDATE ON asset_rollups BEGIN
  UPDATE cache_generations SET generation = generation + 1 WHERE name = 'asset_stats';
END;
CREATE TRIGGER asset_stats_rollups_delete AFTER DELETE ON asset_rollups BEGIN
  UPDATE cache_generations SET generation = generation + 1 WHERE name = 'asset_stats';
END;
CREATE TRIGGER asset_stats_orgs_update AFTER UPDATE ON orgs BEGIN
  UPDATE cache_generations SET generation = generation + 1 WHERE name = 'asset_stats';
END;
CREATE TRIGGER asset_stats_orgs_delete AFTER DELETE ON orgs BEGIN
  UPDATE cache_generations SET generation = generation + 1 WHERE name = 'asset_stats';
END;

-- @postgres
-- Once per statement: a bulk rollup update bumps once.
CREATE FUNCTION asset_stats_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cache_generations SET generation = generation + 1 WHERE name = 'asset_stats';
  RETURN NULL;
END $$;
CREATE TRIGGER asset_stats_rollups AFTER INSERT OR UPDATE OR DELETE ON asset_rollups
  FOR EACH STATEMENT EXECUTE FUNCTION asset_stats_bump();
CREATE TRIGGER asset_stats_orgs AFTER UPDATE OR DELETE ON orgs
  FOR EACH STATEMENT EXECUTE FUNCTION asset_stats_bump();
