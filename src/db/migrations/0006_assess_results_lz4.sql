-- Writing a period's results: 3,000 objects carry ≈ 30 MB of scores_json,
-- which PostgreSQL moves to TOAST and compresses. Its default compressor
-- (pglz) took most of a run's time — 3.0 s against 0.8 s with lz4 for the
-- same 47 MB COPY (bench/RESULTS.md, issue 4). lz4 needs PostgreSQL 14+ built
-- with lz4 (Debian's is); anywhere else the column keeps pglz and the
-- results are the same, only slower to write. SQLite stores the text as is.

-- @postgres
DO $$
BEGIN
  ALTER TABLE assess_results ALTER COLUMN scores_json SET COMPRESSION lz4;
EXCEPTION WHEN others THEN
  RAISE NOTICE 'assess_results.scores_json keeps the default compression: %', SQLERRM;
END
$$;
