// AssetStore: persistence of asset cards, their events, the per-unit serials
// and the rollups. SQL lives here and in sql.h only. Each call runs on the
// connection the service supplies (its transaction for writes).
// Stateless; thread-safe (the statement family is built once, under a
// function-local static).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "asset/model.h"
#include "asset/text_index.h"
#include "core/result.h"
#include "db/database.h"

namespace minsheng::asset {

// Where a list or total looks: one unit (by id) or an org subtree (by
// path). `ordered` asks a subtree list to walk the global sort index (big
// subtrees, number order) rather than gather the subtree and sort it.
struct StoreScope {
  bool unit = true;
  int64_t org_id = 0;
  std::string path;  // "/1/4/" for a subtree
  bool ordered = false;
};

// A keyset position: the sort value of the last row seen and its id.
struct ListCursor {
  std::string text_value;  // number / name sorts
  int64_t int_value = 0;   // date / value sorts (registered: the id)
  int64_t id = 0;
};

// Filters as the store binds them.
struct StoreFilter {
  std::optional<std::string> category_prefix;
  std::optional<std::string> state;
  std::optional<int64_t> custodian_id;
  std::optional<std::string> location_pattern;  // LIKE pattern, lower-case
  std::optional<int64_t> min_value;
  std::optional<int64_t> max_value;
  std::optional<int64_t> acquired_from;
  std::optional<int64_t> acquired_to;
  // PostgreSQL, 1–2 characters: a LIKE pattern over a bounded scan (no index).
  std::optional<std::string> short_text_pattern;
  std::optional<std::string> text;  // indexed free text, raw
  // SQLite: `text` has 1–2 characters and goes through assets_short (0010)
  // instead of the trigram table assets_fts, with the same plans.
  bool short_index = false;
  // SQLite, number order, many hits (AssetStore::TextHits): walk the number
  // index and test each card against the hits instead of sorting every hit.
  // kWalkProbe asks the full-text index per card (fewer cards to walk than
  // hits to gather: very common text); kWalkSet gathers the hits first.
  // SQLite, registration order, many hits: kFtsOrder reads the full-text
  // index itself in rowid order and stops at the page's end.
  enum class TextPlan { kHits, kWalkSet, kWalkProbe, kFtsOrder };
  TextPlan text_plan = TextPlan::kHits;
  // PostgreSQL, registration order, a subtree (AssetStore::ListTextPart):
  // the page read in two parts split at a card id. kRecent: the cards from
  // the page's start up to the bound, by the primary key; kRest: those past
  // it, by the trigram index (its hits sorted). kAll: no split.
  enum class TextPart { kAll, kRecent, kRest };
  TextPart text_part = TextPart::kAll;
  int64_t text_bound = 0;  // the first id of kRest's side is past this one
  SortKey sort = SortKey::kNumber;
  bool descending = false;
  std::optional<ListCursor> after;
};

// One event row to write.
struct NewEvent {
  int64_t org_id = 0;
  int64_t asset_id = 0;
  Event event = Event::kRegister;
  std::optional<State> state_before;
  State state_after = State::kInUse;
  UtcTime at;
  std::optional<int64_t> actor_user_id;
  std::string actor_name;
  std::optional<std::string> before_json;
  std::optional<std::string> after_json;
  std::optional<std::string> note;
  std::optional<std::string> request_id;
};

class AssetStore {
 public:
  // NotFound when no card has this number / id. The card's org path comes
  // back in *org_path when asked for (scope checks).
  static Result<Card> GetByNumber(db::Connection& c, std::string_view number, std::string* org_path = nullptr);
  static Result<Card> GetById(db::Connection& c, int64_t id, std::string* org_path = nullptr);
  // The cards of these ids that exist, in the order of `ids`.
  static Result<std::vector<Card>> GetByIds(db::Connection& c, std::span<const int64_t> ids);
  // One unit's cards with their searched text as the database's lower()
  // folds it (TextIndex::Card), and that lower() of any text.
  static Result<std::vector<TextIndex::Card>> UnitTexts(db::Connection& c, int64_t unit_id);
  static Result<std::string> Lower(db::Connection& c, std::string_view text);

  // Inserts one card (number already set); returns its id.
  static Result<int64_t> Insert(db::Connection& c, const Card& card);
  // Inserts cards with multi-row prepared INSERTs (sql::kBatchRows per
  // statement); on PostgreSQL with one COPY.
  static Result<void> InsertMany(db::Connection& c, std::span<const Card> cards);
  // A bulk insert (the import) inside one write transaction, between
  // BeginBulk and FinishBulk. Between them the transaction may only insert
  // cards (and their events, rollups and audit).
  // SQLite: the full-text indexes (assets_fts, assets_short) are filled for
  // the new cards by one statement each in FinishBulk instead of by the
  // per-row triggers (dropped and re-created inside the transaction, so a
  // rollback restores them), and the writer's page cache is cache_mb until
  // EndBulkCache (after the commit: shrinking it earlier would spill the
  // dirty pages).
  // PostgreSQL: SET LOCAL gin_pending_list_limit (pg_gin_pending_mb), so the
  // trigram index merges its pending entries in fewer, larger steps.
  // rebuild_indexes (both engines): the secondary indexes of `assets` (not
  // the unique ones, nor assets_org_number, which the register events of each
  // chunk are found by) are dropped in BeginBulk and created again, with the
  // same definitions, in FinishBulk — one sort each instead of one b-tree
  // insert per card and index. DDL is transactional on both engines, so a
  // rollback leaves them as they were; but on PostgreSQL DROP INDEX takes an
  // ACCESS EXCLUSIVE lock on `assets`: every reader of the cards waits until
  // the import commits or rolls back (SQLite readers in WAL mode keep reading
  // the committed state). The foreign keys stay: dropping one locks the
  // referenced table (orgs, staff, …) against every reader until the commit.
  // merge_full_text_once (SQLite): the fills of FinishBulk run without
  // FTS5's automatic segment merging, and each full-text table is then merged
  // into one segment ('optimize'); the merge settings are back at FTS5's
  // defaults before the commit (a rollback restores them too). Merging the
  // new terms as they are flushed rewrites them once per level, each merge
  // again; one merge at the end writes every term once, but of the whole
  // table, old cards included — so, like rebuild_indexes, it pays for a file
  // large next to the register (ImportAssets decides both the same way).
  // Queries read one segment per table afterwards.
  struct BulkOptions {
    int sqlite_cache_mb = 512;
    bool rebuild_indexes = false;
    bool merge_full_text_once = false;
    int pg_gin_pending_mb = 64;
    int pg_maintenance_mb = 256;  // CREATE INDEX memory when rebuilding
  };
  struct Bulk {
    bool active = false;
    int64_t max_id_before = 0;
    // The dropped full-text insert triggers: name and CREATE statement.
    std::vector<std::pair<std::string, std::string>> fts_triggers;
    int64_t cache_size = 0;   // PRAGMA cache_size before
    bool merge_full_text_once = false;
    // The dropped indexes: name and CREATE statement, created again in this order.
    std::vector<std::pair<std::string, std::string>> indexes;
    // PostgreSQL: the dropped foreign keys of the written tables, added again
    // (and so checked, one join each instead of a lookup per row) before the commit.
    struct ForeignKey {
      std::string table, name, definition;
      std::string referred;  // the table it refers to
    };
    std::vector<ForeignKey> foreign_keys;
  };
  static Result<Bulk> BeginBulk(db::Connection& c, const BulkOptions& options);
  static Result<void> FinishBulk(db::Connection& c, Bulk& bulk);
  // The secondary indexes of `assets` that rebuild_indexes drops: name and
  // CREATE statement, by name (tests compare them before and after).
  static Result<std::vector<std::pair<std::string, std::string>>> RebuiltIndexes(db::Connection& c);
  // PostgreSQL: the foreign keys that rebuild_indexes drops (those of
  // `assets`, and of `asset_events` to `assets`), by table and name; none on SQLite.
  static Result<std::vector<Bulk::ForeignKey>> BulkForeignKeys(db::Connection& c);
  // Puts the writer's page cache back (also after a rollback); idempotent.
  static void EndBulkCache(db::Connection& c, Bulk& bulk);
  // Writes every mutable column; Conflict "version_conflict" when the stored
  // version is not expected_version.
  static Result<void> Update(db::Connection& c, const Card& card, int64_t expected_version);

  // Reserves n serials of (org, year) in one statement; returns the first.
  static Result<int64_t> ReserveSerials(db::Connection& c, int64_t org_id, int year, int64_t n);
  // The serial the next reservation would start at; nothing is reserved.
  static Result<int64_t> NextSerial(db::Connection& c, int64_t org_id, int year);

  static Result<void> InsertEvent(db::Connection& c, const NewEvent& e);
  // Register events for every card of org_id numbered first … last.
  static Result<void> InsertRegisterEvents(db::Connection& c, int64_t org_id, std::string_view first,
                                           std::string_view last, const NewEvent& common);
  static Result<std::vector<CardEvent>> History(db::Connection& c, int64_t asset_id);

  // Adds (count, value) to one org × category × state bucket; drops the
  // bucket when its count reaches zero.
  static Result<void> AddRollup(db::Connection& c, int64_t org_id, std::string_view category, State state,
                                int64_t count, int64_t value);

  // Up to limit cards of the scope matching the filter, in sort order after
  // the cursor.
  static Result<std::vector<Card>> List(db::Connection& c, const StoreScope& scope, const StoreFilter& f, int limit);
  // The same order for one unit (scope.org_id; no free text), as the cards'
  // ids and sort values only — what a page merged across units compares
  // before it reads the few cards it shows (GetById).
  struct CardKey {
    int64_t id = 0;
    std::string text;   // number / name sorts
    int64_t value = 0;  // date / value sorts (registered: the id)
  };
  static Result<std::vector<CardKey>> ListKeys(db::Connection& c, int64_t unit_id, const StoreFilter& f, int limit);
  // Cards whose indexed text contains `text`, counting at most cap (SQLite:
  // the full-text index alone, no card read — assets_short when
  // short_index; PostgreSQL: -1, not counted).
  static Result<int64_t> TextHits(db::Connection& c, std::string_view text, bool short_index, int64_t cap);
  // Every card of the register, from the folded rollups.
  static Result<int64_t> TotalCards(db::Connection& c);
  // Short text on PostgreSQL (f.short_text_pattern): of the scope's first
  // `rows` cards under the other filters, how many were read and how many
  // match.
  static Result<std::pair<int64_t, int64_t>> CountShortText(db::Connection& c, const StoreScope& scope,
                                                            const StoreFilter& f, int64_t rows);
  // Matching cards, counting at most cap + 1. by_text_index (PostgreSQL,
  // indexed text): the planner may only read the trigram index's hits,
  // for text whose cards are too rare to find by walking the table.
  static Result<int64_t> Count(db::Connection& c, const StoreScope& scope, const StoreFilter& f, int64_t cap,
                               bool by_text_index = false);
  // The register's largest (newest) or smallest card id; 0 when empty.
  static Result<int64_t> IdEnd(db::Connection& c, bool newest);
  // Count and value from the rollups (filters: category prefix, state only).
  static Result<std::pair<int64_t, int64_t>> RollupTotal(db::Connection& c, const StoreScope& scope,
                                                         const std::optional<std::string>& category_prefix,
                                                         const std::optional<std::string>& state);
  struct RollupRow {
    int64_t org_id = 0;
    std::string org_path;
    std::string category_code;
    std::string category_name;
    std::string state;
    int64_t count = 0;
    int64_t value = 0;
    std::string org_name;  // of org_id
  };
  static Result<std::vector<RollupRow>> Rollups(db::Connection& c, const StoreScope& scope);
  // The generation of what Rollups reads, with the org and category names
  // (sql::kStatsGeneration): unchanged means the same stats.
  static Result<int64_t> StatsGeneration(db::Connection& c);
  // The generation of one unit's card list (sql::kUnitPageGeneration):
  // unchanged means the same pages.
  static Result<int64_t> UnitPageGeneration(db::Connection& c, int64_t org_id);

  // The orgs under a path that own at least one card.
  static Result<std::vector<int64_t>> OwnersUnder(db::Connection& c, std::string_view path);

  // The list statement of one shape (tests check its query plan).
  static const db::Sql& ListStatementForTest(const StoreScope& scope, SortKey sort, bool desc, bool after, bool text);
  // The registration-ordered page read off the full-text index (SQLite;
  // short_text: assets_short).
  static const db::Sql& FtsOrderStatementForTest(bool subtree, bool desc, bool after, bool short_text = false);
};

// ext_json of a card (empty optional when the card has no extension fields)
// and back; unreadable text gives an empty CardExt.
std::optional<std::string> EncodeExt(const CardExt& ext);
CardExt DecodeExt(std::string_view text);

}  // namespace minsheng::asset
