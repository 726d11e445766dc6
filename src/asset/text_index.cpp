#include "asset/text_index.h"

#include <roaring/roaring.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "core/text.h"

namespace minsheng::asset {

namespace {

constexpr uint64_t kIdLimit = uint64_t{1} << 32;

struct FreeBitmap {
  void operator()(roaring_bitmap_t* b) const { roaring_bitmap_free(b); }
};
using Bitmap = std::unique_ptr<roaring_bitmap_t, FreeBitmap>;

constexpr int kBits = 21;  // a code point
constexpr uint64_t kCodeMask = (uint64_t{1} << kBits) - 1;
// Past Unicode, so no term holds them: the end of a card's text, and a byte
// that is not UTF-8 (which the database's text never has).
constexpr uint32_t kEnd = 0x110000;
constexpr uint32_t kStrayByte = 0x110001;  // + the byte

// The distinct trigrams of code points of `text`, each packed in 63 bits.
// A card's text counts as ending in two kEnd (`ended`), so that each of
// its code points and pairs of them starts a trigram: the trigrams that
// start with a term of one or two code points are then exactly the cards
// that hold it.
void Grams(std::string_view text, bool ended, std::vector<uint64_t>* out) {
  out->clear();
  uint64_t window = 0;
  size_t seen = 0;
  const auto push = [&](uint32_t cp) {
    window = ((window << kBits) | cp) & ((uint64_t{1} << (3 * kBits)) - 1);
    if (++seen >= 3) out->push_back(window);
  };
  for (size_t i = 0; i < text.size();) {
    if (const auto decoded = DecodeUtf8(text, &i)) {
      push(*decoded);
    } else {
      push(kStrayByte + static_cast<unsigned char>(text[i++]));
    }
  }
  if (ended && seen > 0) {
    push(kEnd);
    push(kEnd);
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

// Code points no lower() changes: none of them is a letter with case.
bool Caseless(uint32_t cp) {
  struct Range {
    uint32_t first, last;
  };
  static constexpr Range kRanges[] = {
      {0x00B0, 0x00B1}, {0x00B7, 0x00B7}, {0x00D7, 0x00D7}, {0x00F7, 0x00F7},  // ° ± · × ÷
      {0x2000, 0x206F},                                                        // general punctuation
      {0x2190, 0x21FF},                                                        // arrows
      {0x2460, 0x249B},                                                        // ①… ⑴… ⒈… (digits)
      {0x2E80, 0x2FDF},                                                        // CJK radicals
      {0x3000, 0x33FF},       // CJK punctuation, kana, bopomofo, enclosed CJK, CJK compatibility
      {0x3400, 0x4DBF},       // CJK extension A
      {0x4E00, 0x9FFF},       // CJK unified ideographs
      {0xAC00, 0xD7A3},       // Hangul syllables
      {0xF900, 0xFAFF},       // CJK compatibility ideographs
      {0xFE30, 0xFE4F},       // CJK compatibility forms
      {0xFF01, 0xFF20},       // fullwidth punctuation and digits
      {0xFF3B, 0xFF40},       // fullwidth ［＼］＾＿｀
      {0xFF5B, 0xFF65},       // fullwidth ｛｜｝～ and halfwidth CJK punctuation
      {0x20000, 0x3134F},     // CJK extensions B …
  };
  for (const auto& r : kRanges) {
    if (cp >= r.first && cp <= r.last) return true;
  }
  return false;
}

}  // namespace

TextIndex::TextIndex(uint64_t id_limit) : id_limit_(std::min(id_limit, kIdLimit)) {}

TextIndex::~TextIndex() { Clear(); }

uint64_t TextIndex::IdLimitFor(size_t bytes) { return std::max<uint64_t>(bytes / sizeof(Slot), 1); }

std::optional<std::string> TextIndex::FoldTerm(std::string_view term) {
  std::string out;
  out.reserve(term.size());
  for (size_t i = 0; i < term.size();) {
    const size_t start = i;
    const auto decoded = DecodeUtf8(term, &i);
    if (!decoded) return std::nullopt;
    const uint32_t cp = *decoded;
    if (cp < 0x20 || cp == 0x7F) {
      return std::nullopt;  // (control characters: the separator U+001F among them)
    } else if (cp < 0x80) {
      out.push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp));
    } else if (Caseless(cp)) {
      out.append(term.substr(start, i - start));
    } else {
      return std::nullopt;
    }
  }
  return out;
}

uint32_t TextIndex::UnitIndex(int64_t unit) {
  if (const auto it = unit_index_.find(unit); it != unit_index_.end()) return it->second;
  const auto index = static_cast<uint32_t>(units_.size());
  Unit u;
  u.id = unit;
  u.cards = roaring_bitmap_create();
  units_.push_back(u);
  unit_index_.emplace(unit, index);
  return index;
}

void TextIndex::AddCard(uint32_t id, uint32_t unit, uint8_t state, std::string_view text) {
  if (slots_.size() <= id) {
    slots_.resize(std::min<size_t>(id_limit_, std::max<size_t>(size_t{id} + 1, slots_.size() + slots_.size() / 4)));
  }
  Slot& s = slots_[id];
  s.offset = static_cast<uint32_t>(arena_.size());
  s.length = static_cast<uint32_t>(text.size());
  s.unit = unit;
  s.state = state;
  s.used = true;
  arena_.append(text);
  ++cards_;
  roaring_bitmap_add(units_[unit].cards, id);
  thread_local std::vector<uint64_t> grams;
  Grams(text, true, &grams);
  for (const uint64_t g : grams) {
    auto [it, added] = grams_.try_emplace(g, nullptr);
    if (added) {
      it->second = roaring_bitmap_create();
      gram_order_.insert(g);
    }
    roaring_bitmap_add(it->second, id);
  }
}

void TextIndex::RemoveCard(uint32_t id) {
  Slot& s = slots_[id];
  if (!s.used) return;
  thread_local std::vector<uint64_t> grams;
  Grams(TextOf(s), true, &grams);
  for (const uint64_t g : grams) {
    const auto it = grams_.find(g);
    if (it == grams_.end()) continue;
    roaring_bitmap_remove(it->second, id);
    if (roaring_bitmap_is_empty(it->second)) {
      roaring_bitmap_free(it->second);
      grams_.erase(it);
      gram_order_.erase(g);
    }
  }
  roaring_bitmap_remove(units_[s.unit].cards, id);
  garbage_ += s.length;
  --cards_;
  s = Slot{};
}

bool TextIndex::Load(int64_t unit, int64_t token, std::vector<Card> cards) {
  uint64_t text_bytes = 0;
  for (const Card& c : cards) {
    if (c.id < 0 || static_cast<uint64_t>(c.id) >= id_limit_) return false;
    text_bytes += c.text.size();
  }
  std::sort(cards.begin(), cards.end(), [](const Card& a, const Card& b) { return a.id < b.id; });
  std::unique_lock lock(mu_);
  // Texts are found by 32-bit offsets into the arena.
  if (arena_.size() + text_bytes >= kIdLimit) return false;
  const uint32_t u = UnitIndex(unit);
  // The unit's cards that are gone or changed leave; unchanged ones stay.
  std::vector<uint32_t> before;
  before.resize(roaring_bitmap_get_cardinality(units_[u].cards));
  roaring_bitmap_to_uint32_array(units_[u].cards, before.data());
  size_t next = 0;
  std::vector<bool> keep(cards.size(), false);
  for (const uint32_t id : before) {
    while (next < cards.size() && cards[next].id < id) ++next;
    const Slot& s = slots_[id];
    if (next < cards.size() && cards[next].id == id && s.state == cards[next].state &&
        TextOf(s) == cards[next].text) {
      keep[next] = true;
    } else {
      RemoveCard(id);
    }
  }
  for (size_t i = 0; i < cards.size(); ++i) {
    if (keep[i]) continue;
    const auto id = static_cast<uint32_t>(cards[i].id);
    if (id < slots_.size() && slots_[id].used) RemoveCard(id);  // held by another unit until now
    AddCard(id, u, cards[i].state, cards[i].text);
  }
  units_[u].token = token;
  units_[u].loaded = true;
  std::lock_guard tokens(tokens_mu_);
  tokens_[unit] = token;
  return true;
}

void TextIndex::Forget(int64_t unit) {
  std::unique_lock lock(mu_);
  const auto it = unit_index_.find(unit);
  if (it == unit_index_.end()) return;
  Unit& u = units_[it->second];
  std::vector<uint32_t> ids(roaring_bitmap_get_cardinality(u.cards));
  roaring_bitmap_to_uint32_array(u.cards, ids.data());
  for (const uint32_t id : ids) RemoveCard(id);
  u.loaded = false;
  u.token = 0;
  std::lock_guard tokens(tokens_mu_);
  tokens_.erase(unit);
}

void TextIndex::Clear() {
  std::unique_lock lock(mu_);
  for (auto& [g, b] : grams_) roaring_bitmap_free(b);
  grams_.clear();
  gram_order_.clear();
  for (Unit& u : units_) roaring_bitmap_free(u.cards);
  units_.clear();
  unit_index_.clear();
  slots_.clear();
  slots_.shrink_to_fit();
  arena_.clear();
  arena_.shrink_to_fit();
  garbage_ = 0;
  cards_ = 0;
  std::lock_guard tokens(tokens_mu_);
  tokens_.clear();
}

std::optional<int64_t> TextIndex::Token(int64_t unit) const {
  std::lock_guard lock(tokens_mu_);
  const auto it = tokens_.find(unit);
  if (it == tokens_.end()) return std::nullopt;
  return it->second;
}

std::vector<int64_t> TextIndex::Units() const {
  std::shared_lock lock(mu_);
  std::vector<int64_t> out;
  for (const Unit& u : units_) {
    if (u.loaded) out.push_back(u.id);
  }
  return out;
}

size_t TextIndex::Cards() const {
  std::shared_lock lock(mu_);
  return cards_;
}

size_t TextIndex::Bytes() const {
  std::shared_lock lock(mu_);
  size_t n = arena_.capacity() + slots_.capacity() * sizeof(Slot) + units_.capacity() * sizeof(Unit);
  // A map node: the key, the pointer, the next pointer, the cached hash; the
  // bucket array; the bitmap's header.
  n += grams_.size() * (sizeof(uint64_t) + 3 * sizeof(void*) + sizeof(roaring_bitmap_t)) +
       grams_.bucket_count() * sizeof(void*);
  n += gram_order_.size() * (sizeof(uint64_t) + 4 * sizeof(void*));  // a tree node
  for (const auto& [g, b] : grams_) n += roaring_bitmap_size_in_bytes(b);
  for (const Unit& u : units_) n += roaring_bitmap_size_in_bytes(u.cards);
  return n;
}

void TextIndex::Compact() {
  std::unique_lock lock(mu_);
  for (auto& [g, b] : grams_) {
    roaring_bitmap_run_optimize(b);
    roaring_bitmap_shrink_to_fit(b);
  }
  for (Unit& u : units_) {
    roaring_bitmap_run_optimize(u.cards);
    roaring_bitmap_shrink_to_fit(u.cards);
  }
  if (garbage_ * 2 > arena_.size()) {
    std::string arena;
    arena.reserve(arena_.size() - garbage_);
    for (Slot& s : slots_) {
      if (!s.used) continue;
      const std::string_view text = TextOf(s);
      s.offset = static_cast<uint32_t>(arena.size());
      arena.append(text);
    }
    arena_ = std::move(arena);
    garbage_ = 0;
  }
}

std::optional<TextIndex::Answer> TextIndex::Find(const Query& q) const {
  std::shared_lock lock(mu_, std::try_to_lock);
  if (!lock.owns_lock()) return std::nullopt;
  Answer answer;
  if (q.term.empty()) return answer;
  // Candidates: the cards holding every trigram of the term; for a term of
  // one or two code points, those holding a trigram that starts with it.
  std::vector<uint64_t> keys;
  std::vector<const roaring_bitmap_t*> lists;
  Grams(q.term, false, &keys);
  Bitmap candidates;
  if (keys.empty()) {
    uint64_t low = 0;
    int n = 0;
    for (size_t i = 0; i < q.term.size(); ++n) {
      const auto cp = DecodeUtf8(q.term, &i);
      if (!cp) return answer;
      low = (low << kBits) | *cp;
    }
    low <<= kBits * (3 - n);
    const uint64_t high = low | ((uint64_t{1} << (kBits * (3 - n))) - 1);
    for (auto it = gram_order_.lower_bound(low); it != gram_order_.end() && *it <= high; ++it) {
      lists.push_back(grams_.at(*it));
    }
    if (lists.empty()) return answer;
    candidates.reset(roaring_bitmap_or_many(lists.size(), lists.data()));
  } else {
    for (const uint64_t k : keys) {
      const auto it = grams_.find(k);
      if (it == grams_.end()) return answer;  // a trigram no card holds
      lists.push_back(it->second);
    }
    std::sort(lists.begin(), lists.end(), [](const roaring_bitmap_t* a, const roaring_bitmap_t* b) {
      return roaring_bitmap_get_cardinality(a) < roaring_bitmap_get_cardinality(b);
    });
    candidates.reset(lists.size() == 1 ? roaring_bitmap_copy(lists[0]) : roaring_bitmap_and(lists[0], lists[1]));
    for (size_t i = 2; i < lists.size(); ++i) roaring_bitmap_and_inplace(candidates.get(), lists[i]);
  }
  // Every candidate holds the term when it is one trigram or shorter.
  const bool exact = keys.size() <= 1 && CodePointCount(q.term) <= 3;

  // The scope: every loaded unit (no test), or its cards intersected when
  // they are fewer than the candidates, else a test per candidate.
  std::vector<char> allowed(units_.size(), 0);
  std::vector<const roaring_bitmap_t*> scope_lists;
  uint64_t scope_cards = 0;
  for (const int64_t unit : q.units) {
    const auto it = unit_index_.find(unit);
    if (it == unit_index_.end() || !units_[it->second].loaded || allowed[it->second]) continue;
    allowed[it->second] = 1;
    scope_lists.push_back(units_[it->second].cards);
    scope_cards += roaring_bitmap_get_cardinality(units_[it->second].cards);
  }
  bool test_unit = scope_cards < cards_;
  if (test_unit && scope_cards < roaring_bitmap_get_cardinality(candidates.get())) {
    Bitmap scope(roaring_bitmap_or_many(scope_lists.size(), scope_lists.data()));
    roaring_bitmap_and_inplace(candidates.get(), scope.get());
    test_unit = false;
  }
  const auto matches = [&](uint32_t id) {
    const Slot& s = slots_[id];
    if (!s.used || (test_unit && !allowed[s.unit]) || (q.state && s.state != *q.state)) return false;
    return TextOf(s).find(q.term) != std::string_view::npos;
  };

  if (q.count_cap > 0) {
    if (exact && !test_unit && !q.state) {
      answer.count = static_cast<int64_t>(
          std::min<uint64_t>(roaring_bitmap_get_cardinality(candidates.get()), uint64_t(q.count_cap) + 1));
    } else {
      roaring_uint32_iterator_t it;
      roaring_init_iterator_last(candidates.get(), &it);
      while (it.has_value && answer.count <= q.count_cap) {
        if (matches(it.current_value)) ++answer.count;
        roaring_previous_uint32_iterator(&it);
      }
    }
  }

  if (q.want == 0 || slots_.empty()) return answer;
  // The page's first id in its direction, within the slots.
  const int64_t last = static_cast<int64_t>(slots_.size()) - 1;
  int64_t first = q.descending ? last : 0;
  if (q.from) first = q.descending ? std::min(*q.from, last) : std::max<int64_t>(*q.from, 0);
  if (first < 0 || first > last) return answer;
  const auto take = [&](uint32_t id) {
    if (matches(id)) answer.ids.push_back(id);
    return answer.ids.size() < q.want;
  };
  if (q.descending) {
    roaring_bitmap_remove_range(candidates.get(), static_cast<uint64_t>(first) + 1, kIdLimit);
  } else {
    roaring_bitmap_remove_range(candidates.get(), 0, static_cast<uint64_t>(first));
  }
  roaring_uint32_iterator_t it;
  if (q.descending) {
    roaring_init_iterator_last(candidates.get(), &it);
  } else {
    roaring_init_iterator(candidates.get(), &it);
  }
  while (it.has_value && take(it.current_value)) {
    if (q.descending) {
      roaring_previous_uint32_iterator(&it);
    } else {
      roaring_advance_uint32_iterator(&it);
    }
  }
  return answer;
}

}  // namespace minsheng::asset
