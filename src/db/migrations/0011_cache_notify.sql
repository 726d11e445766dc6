-- Cache generations pushed to every server process (PostgreSQL): each bump
-- of a cache_generations row or of a unit's asset_unit_generations row
-- (0007–0009, written by triggers in the writing transaction) also sends
-- NOTIFY minsheng_cache with the key and its new generation — 'u<org id>:<n>'
-- for a unit, '<name>:<n>' for the others. PostgreSQL delivers it at commit:
-- to the writing connection before its COMMIT returns (every pool connection
-- listens), and to the listener thread of every other process. A cache there
-- can then tell whether what it holds is current without a query
-- (db::Database::Pushed). Several bumps of one key in a transaction send
-- several payloads; the listener keeps the largest generation per key.
-- SQLite: nothing (its caches read the generation rows; a read there is a
-- page-cache lookup, not a network round trip).

-- @postgres
CREATE FUNCTION cache_notify_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('minsheng_cache', 'u' || NEW.org_id || ':' || NEW.generation);
  RETURN NULL;
END $$;
CREATE TRIGGER asset_unit_generations_notify AFTER INSERT OR UPDATE ON asset_unit_generations
  FOR EACH ROW EXECUTE FUNCTION cache_notify_unit();
CREATE FUNCTION cache_notify_named() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('minsheng_cache', NEW.name || ':' || NEW.generation);
  RETURN NULL;
END $$;
CREATE TRIGGER cache_generations_notify AFTER INSERT OR UPDATE ON cache_generations
  FOR EACH ROW EXECUTE FUNCTION cache_notify_named();
