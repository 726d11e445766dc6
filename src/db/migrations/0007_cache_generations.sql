-- Generations of the in-memory caches of data that another process may
-- change (the command line writes the same database a running server reads).
-- Whoever changes the data bumps its row in the same transaction; a cache
-- remembers the generation it loaded and reloads when the row is newer.
--   categories: the category table and depreciation classes (CategoryService),
--               bumped by seeding and by `minsheng categories import`.

-- @both
CREATE TABLE cache_generations (
  name TEXT PRIMARY KEY,
  generation BIGINT NOT NULL
);
INSERT INTO cache_generations (name, generation) VALUES ('categories', 0);
