// SQL of the asset module: the unit directories, cards, events, serials and
// rollups. Named constants with $n parameters; optional filters are
// `CAST($n AS type) IS NULL OR …`.
//
// The card list is a family of statements rather than one: which index can
// serve a page depends on the scope (one unit, or a subtree), the sort key and
// direction, whether a keyset cursor is given and whether free text is
// searched. store.cpp assembles each member once, at start-up, from the
// constant fragments below (never from input), and names it after its shape
// ("asset.list.unit.number.asc.after.text") so logs and prepared-statement
// caches see a fixed set.
#pragma once

#include "db/database.h"

namespace minsheng::asset::sql {

// ---- directories ------------------------------------------------------------

inline constexpr db::Sql kDepartmentList{
    "asset.department.list",
    "SELECT id, org_id, name, active, created_at FROM unit_departments "
    "WHERE org_id = $1 AND ($2 = 1 OR active = 1) "
    "AND (CAST($3 AS TEXT) IS NULL OR lower(name) LIKE $3 ESCAPE '!') "
    "AND (CAST($4 AS BIGINT) IS NULL OR id > $4) ORDER BY id LIMIT $5"};
inline constexpr db::Sql kDepartmentGet{
    "asset.department.get", "SELECT id, org_id, name, active, created_at FROM unit_departments WHERE id = $1"};
inline constexpr db::Sql kDepartmentInsert{
    "asset.department.insert",
    "INSERT INTO unit_departments (org_id, name, active, created_at) VALUES ($1, $2, 1, $3) RETURNING id"};
inline constexpr db::Sql kDepartmentUpdate{
    "asset.department.update", "UPDATE unit_departments SET name = $2, active = $3 WHERE id = $1"};
inline constexpr db::Sql kDepartmentNames{
    "asset.department.names", "SELECT id, name, active FROM unit_departments WHERE org_id = $1"};

#define MS_STAFF_COLUMNS \
  "s.id, s.org_id, s.name, s.department_id, d.name, s.phone, s.active, s.created_at FROM staff s " \
  "LEFT JOIN unit_departments d ON d.id = s.department_id "
inline constexpr db::Sql kStaffList{
    "asset.staff.list",
    "SELECT " MS_STAFF_COLUMNS
    "WHERE s.org_id = $1 AND ($2 = 1 OR s.active = 1) "
    "AND (CAST($3 AS TEXT) IS NULL OR lower(s.name) LIKE $3 ESCAPE '!') "
    "AND (CAST($4 AS BIGINT) IS NULL OR s.id > $4) ORDER BY s.id LIMIT $5"};
inline constexpr db::Sql kStaffGet{"asset.staff.get", "SELECT " MS_STAFF_COLUMNS "WHERE s.id = $1"};
#undef MS_STAFF_COLUMNS
inline constexpr db::Sql kStaffInsert{
    "asset.staff.insert",
    "INSERT INTO staff (org_id, name, department_id, phone, active, created_at) "
    "VALUES ($1, $2, $3, $4, 1, $5) RETURNING id"};
inline constexpr db::Sql kStaffUpdate{
    "asset.staff.update",
    "UPDATE staff SET name = $2, active = $3, department_id = $4, phone = $5 WHERE id = $1"};
inline constexpr db::Sql kStaffNames{"asset.staff.names",
                                     "SELECT id, name, active FROM staff WHERE org_id = $1"};

inline constexpr db::Sql kLocationList{
    "asset.location.list",
    "SELECT id, org_id, name, latitude, longitude, active, created_at FROM locations "
    "WHERE org_id = $1 AND ($2 = 1 OR active = 1) "
    "AND (CAST($3 AS TEXT) IS NULL OR lower(name) LIKE $3 ESCAPE '!') "
    "AND (CAST($4 AS BIGINT) IS NULL OR id > $4) ORDER BY id LIMIT $5"};
inline constexpr db::Sql kLocationGet{
    "asset.location.get",
    "SELECT id, org_id, name, latitude, longitude, active, created_at FROM locations WHERE id = $1"};
inline constexpr db::Sql kLocationInsert{
    "asset.location.insert",
    "INSERT INTO locations (org_id, name, latitude, longitude, active, created_at) "
    "VALUES ($1, $2, $3, $4, 1, $5) RETURNING id"};
inline constexpr db::Sql kLocationUpdate{
    "asset.location.update",
    "UPDATE locations SET name = $2, active = $3, latitude = $4, longitude = $5 WHERE id = $1"};
inline constexpr db::Sql kLocationNames{"asset.location.names",
                                        "SELECT id, name, active FROM locations WHERE org_id = $1"};
inline constexpr db::Sql kReactivate[3] = {
    {"asset.department.reactivate", "UPDATE unit_departments SET active = 1 WHERE id = $1"},
    {"asset.staff.reactivate", "UPDATE staff SET active = 1 WHERE id = $1"},
    {"asset.location.reactivate", "UPDATE locations SET active = 1 WHERE id = $1"},
};

// ---- cards ------------------------------------------------------------------

// Columns of a card read, with display names; CardFromRow reads them in this
// order (0 … 41). The optional names are scalar subqueries, not LEFT JOINs:
// the same index lookups, but PostgreSQL then plans a join of three tables
// instead of seven (planning a page took 14–17 ms, executing it 1.3 ms).
#define MS_CARD_SELECT                                                                                      \
  "SELECT a.id, a.org_id, a.number, a.name, a.category_code, a.subject_code, a.acquisition_method, "        \
  "a.funding_source, a.acquired_on, a.booked_on, a.original_value, a.quantity, a.unit_of_measure, "         \
  "a.usage_direction, a.department_id, a.custodian_id, a.manager_id, a.location_id, a.latitude, "           \
  "a.longitude, a.model, a.spec, a.brand, a.serial_no, a.depreciation_method, a.life_months, "              \
  "a.certificate_no, a.project_ref, a.ext_json, a.value_status, a.state, a.version, a.created_at, "        \
  "a.updated_at, o.code, o.name, (SELECT c.name FROM categories c WHERE c.code = a.category_code), "        \
  "(SELECT d.name FROM unit_departments d WHERE d.id = a.department_id), "                                  \
  "(SELECT cu.name FROM staff cu WHERE cu.id = a.custodian_id), "                                           \
  "(SELECT m.name FROM staff m WHERE m.id = a.manager_id), l.name, o.path "                                 \
  "FROM assets a JOIN orgs o ON o.id = a.org_id JOIN locations l ON l.id = a.location_id "

inline constexpr const char* kCardSelect = MS_CARD_SELECT;
inline constexpr db::Sql kCardByNumber{"asset.card.by_number", MS_CARD_SELECT "WHERE a.number = $1"};
inline constexpr db::Sql kCardById{"asset.card.by_id", MS_CARD_SELECT "WHERE a.id = $1"};
// Cards by id, $1 a JSON array of ids (any order).
inline constexpr db::Sql kCardsByIds{
    "asset.card.by_ids", MS_CARD_SELECT "WHERE a.id IN (SELECT value FROM json_each($1))",
    MS_CARD_SELECT
    "WHERE a.id = ANY(ARRAY(SELECT CAST(t.v AS BIGINT) FROM json_array_elements_text(CAST($1 AS JSON)) AS t(v)))"};
#undef MS_CARD_SELECT

// The 32 values of one new card, in this order: org_id, number, name,
// category_code, subject_code, acquisition_method, funding_source,
// acquired_on, booked_on, original_value, quantity, unit_of_measure,
// usage_direction, department_id, custodian_id, manager_id, location_id,
// latitude, longitude, model, spec, brand, serial_no, depreciation_method,
// life_months, certificate_no, project_ref, ext_json, value_status, state,
// created_at (= updated_at), version is 1.
inline constexpr int kInsertColumns = 31;
inline constexpr const char* kInsertHead =
    "INSERT INTO assets (org_id, number, name, category_code, subject_code, acquisition_method, "
    "funding_source, acquired_on, booked_on, original_value, quantity, unit_of_measure, usage_direction, "
    "department_id, custodian_id, manager_id, location_id, latitude, longitude, model, spec, brand, "
    "serial_no, depreciation_method, life_months, certificate_no, project_ref, ext_json, value_status, "
    "state, created_at, updated_at, version) VALUES ";
// One row's placeholders are generated: ($k+1, …, $k+31, $k+31, 1).
inline constexpr int kBatchRows = 100;  // rows per multi-row INSERT of RegisterMany
// The same columns for COPY (PostgreSQL): the 31 values, then updated_at
// (= created_at) and version.
inline constexpr std::string_view kCopyColumns[] = {
    "org_id", "number", "name", "category_code", "subject_code", "acquisition_method", "funding_source",
    "acquired_on", "booked_on", "original_value", "quantity", "unit_of_measure", "usage_direction",
    "department_id", "custodian_id", "manager_id", "location_id", "latitude", "longitude", "model", "spec",
    "brand", "serial_no", "depreciation_method", "life_months", "certificate_no", "project_ref", "ext_json",
    "value_status", "state", "created_at", "updated_at", "version"};

// A bulk insert on SQLite (AssetStore::BeginBulk): the full-text tables'
// insert triggers (0003, 0010), dropped for the insert, and for each the fill
// of its table for the cards after the last id before — exactly what the
// trigger would have written for each.
inline constexpr db::Sql kFullTextTriggers{
    "asset.bulk.fts_triggers",
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
    "AND name IN ('assets_fts_insert', 'assets_short_insert') ORDER BY name"};
struct FullTextFill {
  const char* trigger;
  const char* table;
  db::Sql fill;  // $1: the last id before
};
inline constexpr FullTextFill kFullTextFills[] = {
    {"assets_fts_insert", "assets_fts",
     {"asset.bulk.fts_fill",
      "INSERT INTO assets_fts (rowid, name, number, model, serial_no, brand) "
      "SELECT id, name, number, model, serial_no, brand FROM assets WHERE id > $1 ORDER BY id"}},
    {"assets_short_insert", "assets_short",
     {"asset.bulk.short_fill",
      "INSERT INTO assets_short (rowid, name, number, model, serial_no, brand) "
      "SELECT id, name, number, model, serial_no, brand FROM assets WHERE id > $1 ORDER BY id"}},
};
// FTS5's segment merging during a fill of a large import
// (AssetStore::BulkOptions::merge_full_text_once): none while the table is
// filled (automerge 0; crisismerge raised so that only a pile of 64 segments
// on one level is merged), then one 'optimize'; the settings go back to
// FTS5's defaults, which every other write keeps using
// (sqlite.org/fts5.html, "Configuration Options").
inline constexpr int kFtsBulkCrisismerge = 64;
inline constexpr int kFtsDefaultAutomerge = 4;
inline constexpr int kFtsDefaultCrisismerge = 16;
inline constexpr db::Sql kMaxAssetId{"asset.bulk.max_id", "SELECT COALESCE(MAX(id), 0) FROM assets"};
inline constexpr db::Sql kMinAssetId{"asset.min_id", "SELECT COALESCE(MIN(id), 0) FROM assets"};
inline constexpr db::Sql kCacheSize{"asset.bulk.cache_size", "PRAGMA cache_size"};
// The secondary indexes of assets an import may drop and build again
// (AssetStore::BulkOptions::rebuild_indexes): not unique, not the primary
// key, not assets_org_number (the register events of each chunk are found by
// it). SQLite lists unique indexes as "CREATE UNIQUE INDEX …".
inline constexpr db::Sql kBulkIndexes{
    "asset.bulk.indexes",
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'assets' "
    "AND sql LIKE 'CREATE INDEX %' AND name <> 'assets_org_number' ORDER BY name",
    "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
    "WHERE i.indrelid = 'assets'::regclass AND NOT i.indisunique AND NOT i.indisprimary "
    "AND c.relname <> 'assets_org_number' ORDER BY c.relname"};

// PostgreSQL: the foreign keys a bulk import drops and adds again. Dropping
// one locks the table it refers to until the commit (docs/import-assets.md).
inline constexpr db::Sql kBulkForeignKeys{
    "asset.bulk.foreign_keys",
    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), confrelid::regclass::text FROM pg_constraint "
    "WHERE contype = 'f' AND (conrelid = 'assets'::regclass "
    "OR (conrelid = 'asset_events'::regclass AND confrelid = 'assets'::regclass)) ORDER BY 1, 2"};

// Every mutable column of a card, written from the service's merged card.
inline constexpr db::Sql kCardUpdate{
    "asset.card.update",
    "UPDATE assets SET name = $3, category_code = $4, subject_code = $5, acquisition_method = $6, "
    "funding_source = $7, acquired_on = $8, booked_on = $9, original_value = $10, quantity = $11, "
    "unit_of_measure = $12, usage_direction = $13, department_id = $14, custodian_id = $15, "
    "manager_id = $16, location_id = $17, latitude = $18, longitude = $19, model = $20, spec = $21, "
    "brand = $22, serial_no = $23, depreciation_method = $24, life_months = $25, certificate_no = $26, "
    "project_ref = $27, ext_json = $28, value_status = $29, state = $30, updated_at = $31, "
    "version = version + 1 WHERE id = $1 AND version = $2"};

// Reserves n serials for (org, year) in one step; returns the next free one
// after the reservation, so the range is [returned - n, returned).
inline constexpr db::Sql kReserveSerials{
    "asset.serial.reserve",
    "INSERT INTO asset_serials (org_id, year, next_serial) VALUES ($1, $2, 1 + $3) "
    "ON CONFLICT (org_id, year) DO UPDATE SET next_serial = asset_serials.next_serial + $3 "
    "RETURNING next_serial"};
// The next free serial of (org, year) without reserving it (1 when none used).
inline constexpr db::Sql kNextSerial{
    "asset.serial.next",
    "SELECT COALESCE(MAX(next_serial), 1) FROM asset_serials WHERE org_id = $1 AND year = $2"};

// ---- events -----------------------------------------------------------------

inline constexpr db::Sql kEventInsert{
    "asset.event.insert",
    "INSERT INTO asset_events (org_id, asset_id, event, state_before, state_after, at, actor_user_id, "
    "actor_name, before_json, after_json, note, request_id) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"};
// The register events of a RegisterMany chunk: its numbers are one
// contiguous range of one unit and year, so a range of assets_org_number.
inline constexpr db::Sql kEventInsertRange{
    "asset.event.insert_range",
    "INSERT INTO asset_events (org_id, asset_id, event, state_before, state_after, at, actor_user_id, "
    "actor_name, before_json, after_json, note, request_id) "
    "SELECT org_id, id, 'register', NULL, state, $3, $4, $5, NULL, NULL, $6, $7 FROM assets "
    "WHERE org_id = $1 AND number >= $2 AND number <= $8"};
inline constexpr db::Sql kHistory{
    "asset.event.history",
    "SELECT id, event, state_before, state_after, at, actor_user_id, actor_name, before_json, after_json, "
    "note, request_id FROM asset_events WHERE asset_id = $1 ORDER BY at, id"};

// ---- rollups ----------------------------------------------------------------

inline constexpr db::Sql kRollupAdd{
    "asset.rollup.add",
    "INSERT INTO asset_rollups (org_id, category_code, state, count, value) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (org_id, category_code, state) DO UPDATE SET count = asset_rollups.count + excluded.count, "
    "value = asset_rollups.value + excluded.value"};
inline constexpr db::Sql kRollupPrune{
    "asset.rollup.prune",
    "DELETE FROM asset_rollups WHERE org_id = $1 AND category_code = $2 AND state = $3 AND count = 0"};

// Rollup totals of a scope: $1 org id (unit) or path prefix (subtree),
// $2 category prefix, $3 state.
#define MS_ROLLUP_FILTER                                                                 \
  " AND (CAST($2 AS TEXT) IS NULL OR r.category_code LIKE CAST($2 AS TEXT) || '%') "    \
  "AND (CAST($3 AS TEXT) IS NULL OR r.state = $3)"
inline constexpr db::Sql kRollupTotalUnit{
    "asset.rollup.total.unit",
    "SELECT COALESCE(SUM(r.count), 0), COALESCE(SUM(r.value), 0) FROM asset_rollups r WHERE r.org_id = $1"
    MS_ROLLUP_FILTER};
inline constexpr db::Sql kRollupTotalSubtree{
    "asset.rollup.total.subtree",
    "SELECT COALESCE(SUM(r.count), 0), COALESCE(SUM(r.value), 0) FROM asset_rollups r "
    "WHERE r.org_id IN (SELECT id FROM orgs WHERE path LIKE CAST($1 AS TEXT) || '%')" MS_ROLLUP_FILTER};
// The same from the folded rollups (0005): $1 the subtree's root org id.
inline constexpr db::Sql kRollupTotalTree{
    "asset.rollup.total.tree",
    "SELECT COALESCE(SUM(r.count), 0), COALESCE(SUM(r.value), 0) FROM asset_rollup_tree r "
    "WHERE r.ancestor_id = $1" MS_ROLLUP_FILTER};
#undef MS_ROLLUP_FILTER

// Stats: rollups of a scope grouped by org, category and state (the service
// folds orgs into the chosen org's children). $1 unit id / path prefix.
#define MS_STATS_SELECT                                                                          \
  "SELECT r.org_id, o.path, r.category_code, COALESCE(c.name, ''), r.state, SUM(r.count), "      \
  "SUM(r.value), o.name FROM asset_rollups r JOIN orgs o ON o.id = r.org_id "                    \
  "LEFT JOIN categories c ON c.code = r.category_code "
inline constexpr db::Sql kStatsUnit{
    "asset.stats.unit",
    MS_STATS_SELECT "WHERE r.org_id = $1 AND r.count <> 0 GROUP BY r.org_id, o.path, o.name, r.category_code, c.name, r.state"};
inline constexpr db::Sql kStatsSubtree{
    "asset.stats.subtree",
    MS_STATS_SELECT "WHERE o.path LIKE CAST($1 AS TEXT) || '%' AND r.count <> 0 "
    "GROUP BY r.org_id, o.path, o.name, r.category_code, c.name, r.state"};
// A subtree's stats from the folded rollups (0005): one row per child of
// the root org $1 (the root itself for its own cards) × category × state;
// the child's path stands in for the owner's, which the service only reads
// down to the root's child.
inline constexpr db::Sql kStatsTree{
    "asset.stats.tree",
    "SELECT t.child_id, o.path, t.category_code, COALESCE(c.name, ''), t.state, t.count, t.value, o.name "
    "FROM asset_rollup_tree t JOIN orgs o ON o.id = t.child_id "
    "LEFT JOIN categories c ON c.code = t.category_code WHERE t.ancestor_id = $1 AND t.count <> 0"};
#undef MS_STATS_SELECT
// The generation of everything stats read (0008, and the category table's):
// a sum of counters that only grow, so it changes whenever one does.
inline constexpr db::Sql kStatsGeneration{
    "asset.stats.generation",
    "SELECT COALESCE(SUM(generation), 0) FROM cache_generations WHERE name IN ('asset_stats', 'categories')"};

// The generation of one unit's pages (0009): the unit's own, and the
// category and org tables' (names, codes and paths a page shows).
inline constexpr db::Sql kUnitPageGeneration{
    "asset.list.unit.generation",
    "SELECT COALESCE((SELECT generation FROM asset_unit_generations WHERE org_id = $1), 0) + "
    "(SELECT COALESCE(SUM(generation), 0) FROM cache_generations WHERE name IN ('categories', 'orgs'))"};

// ---- the card list family (see the top of this file) ------------------------

// Scope, first parameter: one unit by id, or every org under a path. The
// "ordered" subtree form hides org_id from the planner (unary +), so a big
// subtree's page is read in order off the global number index and filtered,
// instead of gathering and sorting the whole subtree.
inline constexpr const char* kScopeUnit = "a.org_id = $1";
inline constexpr const char* kScopeSubtree =
    "a.org_id IN (SELECT id FROM orgs WHERE path LIKE CAST($1 AS TEXT) || '%')";
inline constexpr const char* kScopeSubtreeOrdered =
    "+a.org_id IN (SELECT id FROM orgs WHERE path LIKE CAST($1 AS TEXT) || '%')";
// Residual filters $2 … $10: category prefix, state, custodian, location
// pattern, min value, max value, acquired from, acquired to, short-text
// pattern (PostgreSQL: queries too short for the trigram index; SQLite
// searches them through assets_short).
inline constexpr const char* kFilters =
    " AND (CAST($2 AS TEXT) IS NULL OR a.category_code LIKE CAST($2 AS TEXT) || '%')"
    " AND (CAST($3 AS TEXT) IS NULL OR a.state = $3)"
    " AND (CAST($4 AS BIGINT) IS NULL OR a.custodian_id = $4)"
    " AND (CAST($5 AS TEXT) IS NULL OR lower(l.name) LIKE $5 ESCAPE '!')"
    " AND (CAST($6 AS BIGINT) IS NULL OR a.original_value >= $6)"
    " AND (CAST($7 AS BIGINT) IS NULL OR a.original_value <= $7)"
    " AND (CAST($8 AS BIGINT) IS NULL OR a.acquired_on >= $8)"
    " AND (CAST($9 AS BIGINT) IS NULL OR a.acquired_on <= $9)"
    " AND (CAST($10 AS TEXT) IS NULL OR lower(a.name) LIKE $10 ESCAPE '!' OR lower(a.number) LIKE $10 "
    "ESCAPE '!' OR lower(a.model) LIKE $10 ESCAPE '!' OR lower(a.serial_no) LIKE $10 ESCAPE '!' OR "
    "lower(a.brand) LIKE $10 ESCAPE '!')";
inline constexpr int kFilterParams = 10;  // $1 … $10
// Short text on PostgreSQL (1–2 characters, no index; SQLite has
// assets_short) counted over a bounded scan: the
// scope's first $12 cards under the other filters ($10 is NULL), with how
// many of them match the pattern $11: examined, matched.
inline constexpr const char* kShortCountHead =
    "SELECT COUNT(*), COALESCE(SUM(t.m), 0) FROM (SELECT CASE WHEN lower(a.name) LIKE $11 ESCAPE '!' OR "
    "lower(a.number) LIKE $11 ESCAPE '!' OR lower(a.model) LIKE $11 ESCAPE '!' OR lower(a.serial_no) LIKE $11 "
    "ESCAPE '!' OR lower(a.brand) LIKE $11 ESCAPE '!' THEN 1 ELSE 0 END AS m FROM assets a "
    "JOIN locations l ON l.id = a.location_id WHERE ";
inline constexpr const char* kShortCountTail = " LIMIT $12) t";
// Free text through the index, parameter $T: an FTS5 phrase on SQLite, a
// LIKE pattern over the pg_trgm-indexed expression on PostgreSQL. The SQLite
// statements below name the trigram table; store.cpp builds each a second
// time over kShortTable for 1–2 characters (the same columns and rowids).
inline constexpr const char* kFtsTable = "assets_fts";
inline constexpr const char* kShortTable = "assets_short";
inline constexpr const char* kTextSqlite = " AND a.id IN (SELECT rowid FROM assets_fts WHERE assets_fts MATCH $T)";
// The walks of a number-ordered page (StoreFilter::TextPlan): the hits as a
// set, or the index asked per card; `+` keeps the planner on the number index.
inline constexpr const char* kTextWalkSet =
    " AND +a.id IN (SELECT rowid FROM assets_fts WHERE assets_fts MATCH $T)";
// Registration order over many hits (StoreFilter::TextPlan::kFtsOrder): the
// full-text index drives the loop in rowid order (CROSS JOIN keeps it
// outermost), so a page reads about as many hits as it shows.
inline constexpr const char* kFtsOrderHead =
    "SELECT a.id FROM assets_fts f CROSS JOIN assets a ON a.id = f.rowid JOIN locations l ON l.id = a.location_id "
    "WHERE assets_fts MATCH $T AND ";
inline constexpr const char* kTextWalkProbe =
    " AND EXISTS (SELECT 1 FROM assets_fts f WHERE assets_fts MATCH $T AND f.rowid = a.id)";
// Hits of the full-text index, up to a cap: $1 the phrase, $2 the cap.
inline constexpr db::Sql kTextHits{
    "asset.text.hits", "SELECT COUNT(*) FROM (SELECT 1 FROM assets_fts WHERE assets_fts MATCH $1 LIMIT $2) t"};
inline constexpr db::Sql kShortHits{
    "asset.text.short_hits",
    "SELECT COUNT(*) FROM (SELECT 1 FROM assets_short WHERE assets_short MATCH $1 LIMIT $2) t"};
inline constexpr db::Sql kTotalCards{
    "asset.rollup.total.all",
    "SELECT COALESCE(SUM(t.count), 0) FROM asset_rollup_tree t JOIN orgs o ON o.id = t.ancestor_id "
    "WHERE o.parent_id IS NULL"};
// A page's ids are chosen first (the statement below in place of $IDS, its
// ORDER BY and LIMIT included) and only those cards read with their names.
inline constexpr const char* kIdsHead = "SELECT a.id FROM assets a JOIN locations l ON l.id = a.location_id WHERE ";
#define MS_PG_SEARCHED                                                                     \
  "a.name || chr(31) || a.number || chr(31) || COALESCE(a.model, '') || chr(31) || " \
  "COALESCE(a.serial_no, '') || chr(31) || COALESCE(a.brand, '')"
inline constexpr const char* kTextPg = " AND (" MS_PG_SEARCHED ") ILIKE $T ESCAPE '!'";
// The same test with the text hidden from the trigram index (`|| ''`: no
// longer the indexed expression), for a walk over a bounded range of cards —
// for common trigrams, as in number fragments, the index scan alone can cost
// more than the walk (~60 ms).
inline constexpr const char* kTextPgUnindexed = " AND (" MS_PG_SEARCHED " || '') ILIKE $T ESCAPE '!'";
// A unit's cards with the searched text as lower() folds it — what ILIKE
// compares — for the in-memory text index (TextIndex; PostgreSQL's text,
// SQLite's the same columns joined by char(31)).
inline constexpr db::Sql kUnitTexts{
    "asset.text.unit",
    "SELECT a.id, a.state, lower(a.name || char(31) || a.number || char(31) || COALESCE(a.model, '') || char(31) "
    "|| COALESCE(a.serial_no, '') || char(31) || COALESCE(a.brand, '')) FROM assets a WHERE a.org_id = $1",
    "SELECT a.id, a.state, lower(" MS_PG_SEARCHED ") FROM assets a WHERE a.org_id = $1"};
#undef MS_PG_SEARCHED
// The database's lower() of a text.
inline constexpr db::Sql kLower{"asset.text.lower", "SELECT lower(CAST($1 AS TEXT))"};
// Sort columns by SortKey (number, name, acquired_on, original_value, registered). Names
// sort by code point on both engines (PostgreSQL: COLLATE "C", matching
// assets_org_name there), so pages merged across units agree with the
// database's own order.
inline constexpr const char* kSortColumns[5] = {"a.number", "a.name", "a.acquired_on", "a.original_value", "a.id"};
inline constexpr const char* kSortColumnsPg[5] = {"a.number", "a.name COLLATE \"C\"", "a.acquired_on",
                                                  "a.original_value", "a.id"};
inline constexpr const char* kSortNames[5] = {"number", "name", "acquired_on", "original_value", "registered"};

// The orgs under a path that own cards (rollup buckets), for per-unit paging.
inline constexpr db::Sql kOwnersUnder{
    "asset.rollup.owners_under",
    "SELECT o.id FROM orgs o WHERE o.path LIKE CAST($1 AS TEXT) || '%' "
    "AND EXISTS (SELECT 1 FROM asset_rollups r WHERE r.org_id = o.id AND r.count > 0) ORDER BY o.id"};

// PostgreSQL planner settings for a statement that must read the trigram
// index's hits (AssetStore::Count by_text_index), and their reset.
inline constexpr const char* kTextIndexOnly = "SET enable_seqscan = off; SET enable_indexscan = off";
inline constexpr const char* kTextIndexReset = "RESET enable_seqscan; RESET enable_indexscan";

// Counting stops at the cap (total_capped); $C is the cap + 1.
inline constexpr const char* kCountHead =
    "SELECT COUNT(*) FROM (SELECT 1 FROM assets a JOIN locations l ON l.id = a.location_id WHERE ";

}  // namespace minsheng::asset::sql
