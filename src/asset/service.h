// AssetService: the rules and workflows of asset cards (资产卡片) — register,
// edit, assign (交接), relocate, idle / back in use — plus finding cards and
// the dashboard rollups. Every state change goes through lifecycle.h's
// Transition(); every write commits in one transaction together with its
// asset_events row, its audit row and the asset_rollups deltas.
//
// The importer (exchange/) uses the bulk path:
//
//   auto tx = db.Write();
//   dirs.ResolveOrCreate(*tx, caller, org_id, names)       // directory_service.h
//   auto ctx = assets.LoadValidationContext(*tx, org_id)    // once per unit
//   for each row: AssetService::ValidateInput(row, *ctx, &card)  // errors, or the card
//   assets.RegisterPrepared(*tx, caller, org_id, cards, opts)    // in chunks
//   AssetService::WriteRollups(*tx, org_id, deltas)  // when opts.pending_rollups
//   tx.Commit()                        // (RegisterMany = validate + RegisterPrepared)
//
// Scoping: a caller sees the cards of the orgs in its asset.read scope and
// nothing else; a card outside it is NotFound (404), never Forbidden, and is
// absent from lists, totals, histories and stats.
//
// Thread-safe: holds the thread-safe Database and services; ValidationContext
// is per caller and not thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "asset/category.h"
#include "asset/lifecycle.h"
#include "asset/model.h"
#include "auth/access.h"
#include "auth/model.h"
#include "core/compress.h"
#include "core/generation_cache.h"
#include "core/result.h"
#include "db/database.h"
#include "org/service.h"

namespace minsheng::asset {

struct StoreScope;   // asset/store.h
struct StoreFilter;  // asset/store.h

// Settings of the asset register (Config::asset).
struct AssetSettings {
  std::string public_base_url = "http://127.0.0.1:8080";  // QR payload = <base>/a/<number>
  DepreciationStart depreciation_start = DepreciationStart::kSameMonth;
  size_t stats_cache_bytes = 16u << 20;  // asset.stats_cache_mb; 0 = no cache
  size_t list_cache_bytes = 16u << 20;   // asset.list_cache_mb (compressed unit pages); 0 = no cache
  size_t card_cache_bytes = 64u << 20;   // asset.card_cache_mb (cards by number, PostgreSQL); 0 = no cache
  // asset.pg_text_window: PostgreSQL, free text in registration order over a
  // subtree — the cards from a page's start read off the primary key before
  // the trigram index is asked for the rest (AssetService::ListTextParts).
  int64_t pg_text_window = 4096;
  // asset.text_index_mb: PostgreSQL, the memory the in-memory text index
  // may take (TextIndex; AssetService::StartTextIndex); 0 = none.
  size_t text_index_bytes = 0;
  // Imports (Config::asset import_*; exchange/asset_import.h reads them here).
  double import_rebuild_ratio = 1.0;
  int import_pg_gin_pending_mb = 64;
  int import_pg_maintenance_mb = 256;
};

// What validation needs besides the input: the owning unit, today's date in
// Asia/Shanghai, the unit's active directory entries, the categories and the
// depreciation classes (each looked up once per distinct code and
// remembered). Build it once per unit with AssetService::LoadValidationContext;
// tests may fill it by hand. Not thread-safe.
class ValidationContext {
 public:
  using CategoryLookup = std::function<std::optional<Category>(std::string_view code)>;
  using ClassLookup = std::function<std::optional<DepreciationClass>(std::string_view code)>;

  ValidationContext() = default;
  // Without a class lookup, building cards keep their category's class
  // whatever their structure.
  ValidationContext(int64_t unit_id, Date today_date, CategoryLookup lookup, ClassLookup classes = {})
      : org_id(unit_id), today(today_date), lookup_(std::move(lookup)), class_lookup_(std::move(classes)) {}

  int64_t org_id = 0;
  Date today;
  std::unordered_set<int64_t> departments;  // active, of org_id
  std::unordered_set<int64_t> staff;
  std::unordered_set<int64_t> locations;

  // The category with this code (2022 or legacy 2010 code); null when none.
  const Category* FindCategory(std::string_view code);
  // The depreciation class with this code; null when none.
  const DepreciationClass* FindClass(std::string_view code);

 private:
  CategoryLookup lookup_;
  ClassLookup class_lookup_;
  std::unordered_map<std::string, std::optional<Category>> memo_;
  std::unordered_map<std::string, std::optional<DepreciationClass>> class_memo_;
};

// Count and original value (fen) a rollup row changes by, per category × state.
using RollupDeltas = std::map<std::pair<std::string, State>, std::pair<int64_t, int64_t>>;

// Options of one RegisterMany call.
struct BatchOptions {
  std::string batch_id;     // e.g. the import job id; recorded in events and audit
  std::string note;         // recorded on each register event
  // When set, the batch adds its rollup deltas here instead of writing them:
  // a caller writing many batches in one transaction writes them once, with
  // AssetService::WriteRollups, before its commit.
  RollupDeltas* pending_rollups = nullptr;
};

struct BatchResult {
  int64_t count = 0;
  Fen total_value;
  std::vector<std::string> numbers;  // in input order
};

class AssetService {
 public:
  AssetService(db::Database& db, CategoryService& categories, org::OrgService& orgs, AssetSettings settings);
  ~AssetService();
  AssetService(const AssetService&) = delete;
  AssetService& operator=(const AssetService&) = delete;

  // ---- free text from memory (PostgreSQL) ----------------------------------
  //
  // pg_trgm's GIN index hands out every hit unordered and rechecks each card,
  // so a page of free text newest first costs tens of milliseconds. With
  // asset.text_index_mb > 0 the searched text of every card is kept in a
  // TextIndex, unit by unit, each unit labelled with the token of its pushed
  // generation (db::Database::Pushed, migrations 0009/0011) when it was read.
  // A page of free text (any length) in registration order, filtered by
  // nothing but scope and state, is answered from it when every unit of the scope is current
  // and nothing is pushed while the page's cards are read; otherwise (a unit
  // stale or not loaded yet, the feed down, a term whose case the database
  // might fold its own way) the SQL path answers, and the index is told to
  // catch up. Answers are the SQL path's, item for item and total for total.
  //
  // StartTextIndex: a thread of its own loads every unit and reloads the
  // ones whose generation moved (woken by a stale page, else every second).
  // The server calls it before it serves; a no-op on SQLite or with no
  // memory allowed. EnableTextIndex only makes the index (no thread): pages
  // use it once RefreshTextIndex has loaded it. Neither is thread-safe
  // against pages being read.
  void StartTextIndex();
  void EnableTextIndex();
  // One pass of that thread on the caller's (tests need no thread): true
  // when every unit that owns cards was current at its end. The index turns
  // itself off, for good, when it would outgrow its memory, when a card id
  // does not fit it, or when the database's lower() does not fold ASCII as
  // ASCII (a Turkish collation, say).
  Result<bool> RefreshTextIndex();
  // Pages the index answered since start (tests, logs).
  uint64_t TextIndexAnswers() const;

  // ---- validation (pure: reads only the input and the context) -----------

  // Field errors of one card input for a new card (empty when valid). Field
  // names are CardInput's ("original_value", "ext.vin"); messages zh and en.
  // The minimum (and maximum) life and the default life come from the
  // category's depreciation class, except for a building whose category's
  // class follows the structure (ClassFollowsStructure) and whose
  // ext.structure names a class (BuildingClassForStructure): then from that
  // class, and a life below it is an error on life_months naming the structure.
  // card: when given, filled with the card to register (number, times and
  // id not yet set); meaningful only when no error is returned.
  static std::vector<FieldError> ValidateInput(const CardInput& input, ValidationContext& ctx,
                                               Card* card = nullptr);
  // The context for cards of org_id, read on c (inside the caller's
  // transaction when directories were just added). NotFound for an unknown
  // org; InvalidArgument when the org may not own assets (a region).
  Result<ValidationContext> LoadValidationContext(db::Connection& c, int64_t org_id);

  // ---- writes (asset.write on the owning org) ----------------------------

  // Registers one card: validates, allocates the number, writes the card, its
  // register event, the rollup delta and the audit row in one transaction.
  Result<Card> Register(const auth::Caller& caller, int64_t org_id, const CardInput& input);
  // Bulk registration inside the caller's open transaction (all or nothing:
  // on any error nothing of this call is written and the caller must roll
  // back). Validates every input (errors named "rows[i].field", i = index in
  // inputs), allocates all serials in one step, inserts with prepared
  // statements, updates the rollups by aggregate deltas, writes one register
  // event per card and one audit row for the call. Call it in chunks (e.g.
  // 10,000 inputs) to bound memory; chunks may share one transaction.
  Result<BatchResult> RegisterMany(db::Connection& tx, const auth::Caller& caller, int64_t org_id,
                                   const std::vector<CardInput>& inputs, const BatchOptions& options = {});
  // RegisterMany of cards already validated: each filled by ValidateInput
  // with a context of org_id (LoadValidationContext) and no error — the
  // importer validates every row once, on another thread, and writes the
  // cards it got. Checks the caller's asset.write on org_id, allocates the
  // numbers (cards[i].number, created_at, updated_at are set) and writes as
  // RegisterMany does; the cards are not validated again.
  Result<BatchResult> RegisterPrepared(db::Connection& tx, const auth::Caller& caller, int64_t org_id,
                                       std::vector<Card>& cards, const BatchOptions& options = {});
  // Writes the rollup deltas that batches kept in BatchOptions::pending_rollups.
  static Result<void> WriteRollups(db::Connection& tx, int64_t org_id, const RollupDeltas& deltas);
  // Conflict "serials_exhausted" (as RegisterMany would give) when org_id has
  // fewer than n asset numbers left this year; reserves nothing, so an
  // import's dry run can tell.
  Result<void> CheckSerialsLeft(db::Connection& c, int64_t org_id, int64_t n);
  // PATCH semantics with optimistic locking: Conflict "version_conflict"
  // when patch.version is stale; validation as for a new card on the result.
  Result<Card> Edit(const auth::Caller& caller, std::string_view number, const CardPatch& patch);
  // 交接: custodian / department / manager; the event keeps before, after and note.
  Result<Card> Assign(const auth::Caller& caller, std::string_view number, const Assignment& a);
  Result<Card> Relocate(const auth::Caller& caller, std::string_view number, const Relocation& r);
  // Conflict "invalid_transition" (409) when the state does not allow it.
  Result<Card> MarkIdle(const auth::Caller& caller, std::string_view number, const StateChange& c);
  Result<Card> BackInUse(const auth::Caller& caller, std::string_view number, const StateChange& c);

  // ---- reads (asset.read; out of scope = NotFound) ----------------------

  // On PostgreSQL a card read again is taken from a cache of cards by
  // number while the generations the database pushes (db::Database::Pushed)
  // for its unit, the orgs and the categories are unchanged (0009, 0011):
  // no query. The caller's scope is checked on every read.
  Result<Card> Get(const auth::Principal& who, std::string_view number);
  // Get from the card cache, or on an idle read connection without waiting
  // (db::Database::TryRead); nullopt when neither, and the caller asks Get
  // where it may block.
  Result<std::optional<Card>> TryGet(const auth::Principal& who, std::string_view number);
  // Accepts "<public_base_url>/a/<number>", any URL ending in /a/<number>,
  // or the bare number.
  Result<Card> GetByQr(const auth::Principal& who, std::string_view payload);
  Result<std::vector<CardEvent>> History(const auth::Principal& who, std::string_view number);
  Result<CardPage> List(const auth::Principal& who, const CardFilter& filter);
  // List rendered by `render` (the API's JSON). One unit's page without
  // free text (`org` a unit) is reused from a cache of rendered pages keyed
  // by who's asset.read scope and the filter while the unit's generation and
  // the 'categories' and 'orgs' generations are unchanged (0009): a page
  // read again is a generation read and a copy. Other lists are computed.
  using PageRender = std::function<std::string(const CardPage&)>;
  Result<std::shared_ptr<const std::string>> ListBody(const auth::Principal& who, const CardFilter& filter,
                                                      const PageRender& render);
  // One unit's page without free text, cached or computed, on an idle reader
  // without waiting (db::Database::TryRead); null for any other list, when
  // no reader is idle, or when the org is not a unit — then ask ListBody
  // where it may block.
  Result<std::shared_ptr<const std::string>> TryListUnitBody(const auth::Principal& who, const CardFilter& filter,
                                                             const PageRender& render);
  // Whether free text q is searched through a full-text index: 3+ characters
  // on both engines, 1–2 on SQLite too (assets_short) and on PostgreSQL with
  // the text index (StartTextIndex). A list of such text without a chosen
  // sort shows the newest matches first (ReadCardFilter).
  bool TextIndexed(std::string_view q) const;
  Result<Stats> Statistics(const auth::Principal& who, const StatsQuery& query);
  // Statistics rendered by `render` (the API's JSON), reused from a cache of
  // rendered answers keyed by who's asset.read scope and the query while the
  // 'asset_stats' and 'categories' generations are unchanged (0008): a
  // dashboard over a million cards is a generation read and a copy.
  using StatsRender = std::function<std::string(const Stats&)>;
  Result<std::shared_ptr<const std::string>> StatisticsBody(const auth::Principal& who, const StatsQuery& query,
                                                           const StatsRender& render);
  // The cached answer on an idle reader without waiting (db::Database::TryRead);
  // null when there is no idle reader or no current answer, and the caller
  // asks StatisticsBody where it may block.
  Result<std::shared_ptr<const std::string>> TryStatisticsBody(const auth::Principal& who, const StatsQuery& query);

  // Accumulated depreciation and net value of a card at a date.
  CardValueAt ValueAt(const Card& card, Date at) const;
  // "<public_base_url>/a/<number>".
  std::string QrPayload(const Card& card) const;
  const AssetSettings& settings() const { return settings_; }

 private:
  db::Database& db_;
  CategoryService& categories_;
  org::OrgService& orgs_;
  // A card by number through the card cache. `feed` is db_.Pushed({}) taken
  // before both: no feed, no cache. ReadCard reads a miss and keeps it when
  // nothing was pushed since `feed`.
  struct CachedCard {
    Card card;
    std::string org_path;
  };
  std::shared_ptr<const CachedCard> CachedCardOf(std::string_view number,
                                                 const std::optional<db::PushedToken>& feed);
  Result<Card> ReadCard(db::Connection& c, const auth::Principal& who, std::string_view number,
                        const std::optional<db::PushedToken>& feed);
  Result<CardPage> ListOn(db::Connection& c, const auth::Principal& who, const CardFilter& filter,
                          const std::optional<org::Org>& org);
  // One unit's page through the page cache on `c`; null when `filter` does
  // not ask for one unit's page without free text.
  Result<std::shared_ptr<const std::string>> UnitPageOn(db::Connection& c, const auth::Principal& who,
                                                        const CardFilter& filter, const PageRender& render);
  // Facts of the rollups a list needs, remembered per rollup generation:
  // the units under a path that own cards, a scope's (count, value) under a
  // category prefix and state, and whether a scope holds every card of the
  // register (then a free-text total is the index's hit count).
  struct RollupReader {
    db::Connection& c;
    std::optional<int64_t> generation;  // read on first use
    Result<int64_t> Generation();
  };
  Result<std::vector<int64_t>> OwnersUnder(RollupReader& r, const std::string& path);
  // A page of free text from the TextIndex, nullopt when it cannot answer.
  Result<std::optional<CardPage>> ListFromTextIndex(db::Connection& c, RollupReader& rollups,
                                                    const std::vector<auth::ScopeRoot>& roots,
                                                    const CardFilter& filter, const StoreFilter& f, int limit);
  // A page of registration-ordered free text over a subtree on PostgreSQL
  // (StoreFilter::TextPart): up to `want` cards; *dense tells whether they
  // came thick enough off the primary key for a count to walk it too.
  Result<std::vector<Card>> ListTextParts(db::Connection& c, const StoreScope& scope, const StoreFilter& f,
                                          int want, bool* dense) const;
  Result<std::pair<int64_t, int64_t>> RollupTotal(RollupReader& r, const StoreScope& scope,
                                                  const std::optional<std::string>& category_prefix,
                                                  const std::optional<std::string>& state);
  Result<int64_t> TotalCards(RollupReader& r);  // every card of the register
  Result<bool> HoldsEveryCard(RollupReader& r, const StoreScope& scope);

  AssetSettings settings_;
  // Rendered stats answers (asset.stats_cache_mb), and an eighth of that
  // each for the rollup facts above.
  std::unique_ptr<GenerationCache<>> stats_cache_;
  std::unique_ptr<GenerationCache<std::vector<int64_t>>> owners_cache_;
  std::unique_ptr<GenerationCache<std::pair<int64_t, int64_t>>> totals_cache_;
  // Rendered unit pages, LZ4-compressed (asset.list_cache_mb).
  std::unique_ptr<GenerationCache<Compressed>> page_cache_;
  // Cards by number (asset.card_cache_mb), used while db_.Pushed answers.
  std::unique_ptr<GenerationCache<CachedCard>> card_cache_;
  // The in-memory text index, its thread and what it knows (StartTextIndex).
  struct TextSearch;
  std::unique_ptr<TextSearch> text_;
};

// The JSON form of a card for the API and the audit log (without the
// computed values; routes add depreciation and QR).
std::string CardJson(const Card& c);
std::string CardExtJson(const CardExt& e);

}  // namespace minsheng::asset
