// TextIndex: the cards' searched text held in memory, unit by unit, so free
// text in registration order on PostgreSQL is answered like FTS5 answers it
// on SQLite — exact, newest first, stopping at the page's end. pg_trgm's GIN
// index can do neither: it hands out every hit unordered and rechecks each
// card (bench/RESULTS.md, "Issue 3 — session 7").
//
// What it holds, per card id: its unit, its state and its text as the
// database's lower() folds it (name, number, model, serial number and brand
// joined by U+001F, the expression ILIKE reads — sql::kUnitTexts); per
// trigram of code points, a compressed bitmap (CRoaring) of the cards whose
// text holds it; per unit, its cards and the token (db::PushedToken) its
// cards were read under. A match is then the bitmaps of the term's trigrams
// intersected and each candidate's text searched for the term: exactly
// `lower(text) LIKE '%' || lower(term) || '%'`, which is what PostgreSQL's
// ILIKE computes. A card's grams count its text as ending in two code points
// past Unicode, so a term of one or two code points is the union of the
// trigrams it starts.
//
// It knows nothing about currency: AssetService loads units, checks their
// tokens against the pushed generations before it asks, and falls back to
// SQL when one is stale. Its slots are an array by card id, so ids are kept
// below a limit the owner sets from its memory budget (at most 2^32).
//
// Thread-safe: Find takes a shared lock and gives up (nullopt) rather than
// wait for a Load, and Token reads apart, so a query never waits on a reload.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct roaring_bitmap_s;

namespace minsheng::asset {

class TextIndex {
 public:
  struct Card {
    int64_t id = 0;
    uint8_t state = 0;  // static_cast of asset::State
    std::string text;   // as the database's lower() gives it
  };
  struct Query {
    // Folded (FoldTerm): three code points or more are found through their
    // trigrams, one or two through the trigrams that start with them.
    std::string_view term;
    std::span<const int64_t> units;
    std::optional<uint8_t> state;
    // The page's first id in its direction (inclusive); nullopt: the end.
    std::optional<int64_t> from;
    bool descending = true;
    size_t want = 0;        // ids for the page
    int64_t count_cap = 0;  // count matches up to count_cap + 1; 0: not counted
  };
  struct Answer {
    std::vector<int64_t> ids;  // in the page's order
    int64_t count = 0;         // of every match in the scope, up to count_cap + 1
  };

  explicit TextIndex(uint64_t id_limit = uint64_t{1} << 32);
  // The id limit whose slot array alone takes `bytes` (at least 1).
  static uint64_t IdLimitFor(size_t bytes);
  ~TextIndex();
  TextIndex(const TextIndex&) = delete;
  TextIndex& operator=(const TextIndex&) = delete;

  // Makes `cards` the unit's cards, labelled `token`. A card another unit
  // held moves here. False, and nothing changed, when an id is not below
  // the limit or the texts would pass 4 GiB.
  bool Load(int64_t unit, int64_t token, std::vector<Card> cards);
  // Drops the unit and its cards.
  void Forget(int64_t unit);
  void Clear();
  std::optional<int64_t> Token(int64_t unit) const;
  std::vector<int64_t> Units() const;
  // The matches of `q` over the units of q.units that are loaded; nullopt
  // when a Load holds the index at this moment.
  std::optional<Answer> Find(const Query& q) const;
  // Heap bytes held (arena, slots, bitmaps), for asset.text_index_mb.
  size_t Bytes() const;
  size_t Cards() const;
  // After a round of loads: bitmaps run-compressed and trimmed, the text
  // arena rewritten when over half of it is replaced text.
  void Compact();

  // `term` folded as lower() folds the cards' text: ASCII letters lowered;
  // nullopt when it holds a character whose case the database may fold in
  // its own way (letters outside ASCII that have case), a control
  // character, or is not UTF-8.
  static std::optional<std::string> FoldTerm(std::string_view term);

 private:
  struct Slot {
    uint32_t offset = 0;
    uint32_t length = 0;
    uint32_t unit = 0;  // index into units_
    uint8_t state = 0;
    bool used = false;
  };
  struct Unit {
    int64_t id = 0;
    int64_t token = 0;
    bool loaded = false;
    roaring_bitmap_s* cards = nullptr;
  };

  void AddCard(uint32_t id, uint32_t unit, uint8_t state, std::string_view text);
  void RemoveCard(uint32_t id);
  std::string_view TextOf(const Slot& s) const { return std::string_view(arena_).substr(s.offset, s.length); }
  uint32_t UnitIndex(int64_t unit);

  const uint64_t id_limit_;
  mutable std::shared_mutex mu_;
  // The loaded units' tokens, apart: asking for one never waits on a Load.
  mutable std::mutex tokens_mu_;
  std::unordered_map<int64_t, int64_t> tokens_;  // GUARDED_BY(tokens_mu_)
  std::vector<Slot> slots_;  // by card id
  std::string arena_;        // the texts, one after another
  size_t garbage_ = 0;       // arena bytes of replaced texts
  size_t cards_ = 0;
  std::unordered_map<uint64_t, roaring_bitmap_s*> grams_;
  std::set<uint64_t> gram_order_;  // grams_'s keys in order, for prefixes
  std::vector<Unit> units_;
  std::unordered_map<int64_t, uint32_t> unit_index_;
};

}  // namespace minsheng::asset
