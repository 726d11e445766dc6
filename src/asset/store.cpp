#include "asset/store.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <deque>

#include "asset/sql.h"

namespace minsheng::asset {

namespace json = boost::json;

// ---- extension fields -------------------------------------------------------

std::optional<std::string> EncodeExt(const CardExt& e) {
  if (e.empty()) return std::nullopt;
  json::object o;
  if (e.area_m2) o["area_m2"] = *e.area_m2;
  if (e.structure) o["structure"] = *e.structure;
  if (e.certificate) o["certificate"] = *e.certificate;
  if (e.plate) o["plate"] = *e.plate;
  if (e.vin) o["vin"] = *e.vin;
  if (e.engine_no) o["engine_no"] = *e.engine_no;
  if (e.displacement_l) o["displacement_l"] = *e.displacement_l;
  if (e.land_class) o["land_class"] = *e.land_class;
  return json::serialize(o);
}

CardExt DecodeExt(std::string_view text) {
  CardExt e;
  if (text.empty()) return e;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return e;
  const auto& o = v.as_object();
  auto str = [&](const char* k, std::optional<std::string>& out) {
    if (const auto* x = o.if_contains(k); x && x->is_string()) out = std::string(x->as_string());
  };
  auto num = [&](const char* k, std::optional<double>& out) {
    if (const auto* x = o.if_contains(k); x && x->is_number()) out = x->to_number<double>();
  };
  num("area_m2", e.area_m2);
  str("structure", e.structure);
  str("certificate", e.certificate);
  str("plate", e.plate);
  str("vin", e.vin);
  str("engine_no", e.engine_no);
  num("displacement_l", e.displacement_l);
  str("land_class", e.land_class);
  return e;
}

namespace {

// ---- rows -------------------------------------------------------------------

Card CardFromRow(const db::Row& r, std::string* org_path) {
  Card c;
  c.id = r.Int(0);
  c.org_id = r.Int(1);
  c.number = r.Text(2);
  c.name = r.Text(3);
  c.category_code = r.Text(4);
  c.subject_code = r.Text(5);
  c.acquisition_method = r.Text(6);
  c.funding_source = r.Text(7);
  c.acquired_on = Date{static_cast<int32_t>(r.Int(8))};
  c.booked_on = Date{static_cast<int32_t>(r.Int(9))};
  c.original_value = Fen{r.Int(10)};
  c.quantity = r.Int(11);
  c.unit_of_measure = r.Text(12);
  c.usage_direction = r.OptText(13);
  c.department_id = r.OptInt(14);
  c.custodian_id = r.OptInt(15);
  c.manager_id = r.OptInt(16);
  c.location_id = r.Int(17);
  if (!r.IsNull(18)) c.latitude = r.Real(18);
  if (!r.IsNull(19)) c.longitude = r.Real(19);
  c.model = r.OptText(20);
  c.spec = r.OptText(21);
  c.brand = r.OptText(22);
  c.serial_no = r.OptText(23);
  c.depreciation_method = ParseDepreciationMethod(r.Text(24)).value_or(DepreciationMethod::kNone);
  c.life_months = static_cast<int>(r.Int(25));
  c.certificate_no = r.OptText(26);
  c.project_ref = r.OptText(27);
  if (!r.IsNull(28)) c.ext = DecodeExt(r.Text(28));
  c.value_status = r.Text(29);
  c.state = ParseState(r.Text(30)).value_or(State::kInUse);
  c.version = r.Int(31);
  c.created_at = UtcTime{r.Int(32)};
  c.updated_at = UtcTime{r.Int(33)};
  c.org_code = r.Text(34);
  c.org_name = r.Text(35);
  c.category_name = r.Text(36);
  c.department_name = r.OptText(37);
  c.custodian_name = r.OptText(38);
  c.manager_name = r.OptText(39);
  c.location_name = r.Text(40);
  if (org_path != nullptr) *org_path = r.Text(41);
  return c;
}

Result<Card> OneCard(Result<db::Rows> rows, std::string* org_path) {
  if (!rows.ok()) return std::move(rows).error();
  if (rows->empty()) return NotFoundError("资产", "Asset");
  return CardFromRow((*rows)[0], org_path);
}

// The 31 bound values of one card for INSERT (sql.h kInsertHead order). The
// ext_json text lives in *ext so the string views stay valid.
void AppendInsertParams(const Card& c, std::optional<std::string>* ext, std::vector<db::Param>& p) {
  *ext = EncodeExt(c.ext);
  p.emplace_back(c.org_id);
  p.emplace_back(c.number);
  p.emplace_back(c.name);
  p.emplace_back(c.category_code);
  p.emplace_back(c.subject_code);
  p.emplace_back(c.acquisition_method);
  p.emplace_back(c.funding_source);
  p.emplace_back(static_cast<int64_t>(c.acquired_on.days));
  p.emplace_back(static_cast<int64_t>(c.booked_on.days));
  p.emplace_back(c.original_value.value);
  p.emplace_back(c.quantity);
  p.emplace_back(c.unit_of_measure);
  p.emplace_back(c.usage_direction);
  p.emplace_back(c.department_id);
  p.emplace_back(c.custodian_id);
  p.emplace_back(c.manager_id);
  p.emplace_back(c.location_id);
  p.emplace_back(c.latitude);
  p.emplace_back(c.longitude);
  p.emplace_back(c.model);
  p.emplace_back(c.spec);
  p.emplace_back(c.brand);
  p.emplace_back(c.serial_no);
  p.emplace_back(DepreciationMethodName(c.depreciation_method));
  p.emplace_back(c.life_months);
  p.emplace_back(c.certificate_no);
  p.emplace_back(c.project_ref);
  p.emplace_back(*ext);
  p.emplace_back(c.value_status);
  p.emplace_back(StateName(c.state));
  p.emplace_back(c.created_at.micros);
}

// Statements assembled once from sql.h's constant fragments. Strings live in
// deques, so the Sql pointers into them stay valid.
class Statements {
 public:
  static const Statements& Get() {
    static const Statements kStatements;
    return kStatements;
  }

  const db::Sql& insert_one() const { return sqls_[insert_one_]; }
  const db::Sql& insert_returning() const { return sqls_[insert_returning_]; }
  const db::Sql& insert_batch() const { return sqls_[insert_batch_]; }
  // shape: 0 one unit, 1 a subtree, 2 a subtree walked in global index order.
  // text: kNoText, kFtsText (the trigram table), kShortText (assets_short).
  const db::Sql& list(int shape, SortKey sort, bool desc, bool after, int text) const {
    return sqls_[list_[Index(shape, sort, desc, after, text)]];
  }
  const db::Sql& walk(bool subtree, bool desc, bool after, bool probe, bool short_text) const {
    return sqls_[walk_[WalkIndex(subtree, desc, after, probe) + (short_text ? 16u : 0u)]];
  }
  const db::Sql& keys(SortKey sort, bool desc, bool after) const {
    return sqls_[keys_[(static_cast<size_t>(sort) * 2 + (desc ? 1u : 0u)) * 2 + (after ? 1u : 0u)]];
  }
  const db::Sql& fts_order(bool subtree, bool desc, bool after, bool short_text) const {
    return sqls_[fts_order_[(short_text ? 8 : 0) + (subtree ? 4 : 0) + (desc ? 2 : 0) + (after ? 1 : 0)]];
  }
  const db::Sql& text_part(bool desc, bool after, bool rest) const {
    return sqls_[text_part_[(desc ? 4 : 0) + (after ? 2 : 0) + (rest ? 1 : 0)]];
  }
  const db::Sql& count_short(bool subtree) const { return sqls_[count_short_[subtree ? 1 : 0]]; }
  const db::Sql& count(bool subtree, int text) const {
    return sqls_[count_[(subtree ? 3 : 0) + static_cast<size_t>(text)]];
  }

  static int Shape(const StoreScope& scope) { return scope.unit ? 0 : scope.ordered ? 2 : 1; }
  static int Text(const StoreFilter& f) { return !f.text ? kNoText : f.short_index ? kShortText : kFtsText; }

  static constexpr int kNoText = 0, kFtsText = 1, kShortText = 2, kTextKinds = 3;

 private:
  static size_t Index(int shape, SortKey sort, bool desc, bool after, int text) {
    return (((static_cast<size_t>(shape) * kSortKeys + static_cast<size_t>(sort)) * 2 + (desc ? 1u : 0u)) * 2 +
            (after ? 1u : 0u)) *
               kTextKinds +
           static_cast<size_t>(text);
  }

  static void Replace(std::string& s, std::string_view token, const std::string& with) {
    for (size_t at = s.find(token); at != std::string::npos; at = s.find(token, at + with.size()))
      s.replace(at, token.size(), with);
  }

  // plan_each_time: free text on PostgreSQL, whose best plan depends on the
  // pattern (db::Sql::pg_plan_each_time).
  size_t Add(std::string name, std::string sqlite_text, std::string pg_text, bool plan_each_time = false) {
    names_.push_back(std::move(name));
    texts_.push_back(std::move(sqlite_text));
    const char* pg = nullptr;
    if (!pg_text.empty()) {
      texts_.push_back(std::move(pg_text));
      pg = texts_.back().c_str();
      sqls_.push_back({names_.back().c_str(), texts_[texts_.size() - 2].c_str(), pg, plan_each_time});
    } else {
      sqls_.push_back({names_.back().c_str(), texts_.back().c_str(), nullptr, plan_each_time});
    }
    return sqls_.size() - 1;
  }

  static std::string RowPlaceholders(int first) {
    std::string s = "(";
    for (int i = 0; i < sql::kInsertColumns; ++i) s += "$" + std::to_string(first + i) + ", ";
    s += "$" + std::to_string(first + sql::kInsertColumns - 1) + ", 1)";
    return s;
  }

  Statements() {
    const std::string head = sql::kInsertHead;
    insert_one_ = Add("asset.card.insert", head + RowPlaceholders(1), "");
    insert_returning_ = Add("asset.card.insert_returning", head + RowPlaceholders(1) + " RETURNING id", "");
    std::string batch = head;
    for (int r = 0; r < sql::kBatchRows; ++r) {
      if (r > 0) batch += ", ";
      batch += RowPlaceholders(1 + r * sql::kInsertColumns);
    }
    insert_batch_ = Add("asset.card.insert_batch", batch, "");

    for (int subtree = 0; subtree < 2; ++subtree) {
      const std::string scope_name = subtree ? "subtree" : "unit";
      const std::string where = std::string(subtree ? sql::kScopeSubtree : sql::kScopeUnit) + sql::kFilters;
      for (int text = 0; text < kTextKinds; ++text) {
        std::string sqlite = std::string(sql::kCountHead) + where;
        std::string pg = sqlite;
        int next = sql::kFilterParams + 1;
        if (text != kNoText) AddText(sqlite, pg, next, text == kShortText);
        const std::string tail = " LIMIT $" + std::to_string(next) + ") t";
        count_[(subtree ? 3 : 0) + text] = Add("asset.count." + scope_name + kTextNames[text],
                                               SqliteLike(sqlite + tail), text == kShortText ? "" : pg + tail,
                                               text == kFtsText);
      }
      const std::string short_count = std::string(sql::kShortCountHead) + where + sql::kShortCountTail;
      count_short_[subtree] = Add("asset.count." + scope_name + ".short", SqliteLike(short_count), short_count);
    }
    const char* kScopes[3] = {sql::kScopeUnit, sql::kScopeSubtree, sql::kScopeSubtreeOrdered};
    const char* kShapeNames[3] = {"unit", "subtree", "ordered"};
    for (int shape = 0; shape < 3; ++shape) {
      const std::string where = std::string(kScopes[shape]) + sql::kFilters;
      for (int sort = 0; sort < kSortKeys; ++sort) {
        for (int desc = 0; desc < 2; ++desc) {
          for (int after = 0; after < 2; ++after) {
            for (int text = 0; text < kTextKinds; ++text) {
              std::string sqlite = std::string(sql::kCardSelect) + "WHERE " + where;
              std::string pg = sqlite;
              int next = sql::kFilterParams + 1;
              if (text != kNoText) AddText(sqlite, pg, next, text == kShortText);
              const int after_param = next;
              const bool unique = Unique(static_cast<SortKey>(sort));
              if (after) next += unique ? 1 : 2;
              sqlite += OrderTail(sql::kSortColumns[sort], unique, desc != 0, after != 0, after_param, next);
              pg += OrderTail(sql::kSortColumnsPg[sort], unique, desc != 0, after != 0, after_param, next);
              if (text) {
                // SQLite: the hits are sorted by their key alone and only the
                // page's cards are read with their names.
                std::string ids = std::string(sql::kIdsHead) + where;
                std::string unused;
                int n = sql::kFilterParams + 1;
                AddText(ids, unused, n, text == kShortText);
                ids += OrderTail(sql::kSortColumns[sort], unique, desc != 0, after != 0, after_param, next);
                sqlite = PageOf(ids, sql::kSortColumns[sort], unique, desc != 0);
              }
              const std::string name = std::string("asset.list.") + kShapeNames[shape] + "." + sql::kSortNames[sort] +
                                       (desc ? ".desc" : ".asc") + (after ? ".after" : "") + kTextNames[text];
              list_[Index(shape, static_cast<SortKey>(sort), desc != 0, after != 0, text)] =
                  Add(name, SqliteLike(sqlite), text == kShortText ? "" : pg, text == kFtsText);
            }
          }
        }
      }
    }
    for (const bool short_text : {false, true}) {
      AddWalks(short_text);
      AddFtsOrder(short_text);
    }
    AddKeys();
    AddTextParts();
  }

  // Registration-ordered free text over a subtree in two parts
  // (StoreFilter::TextPart; PostgreSQL only, planned per pattern). The
  // bound follows the limit. Recent: the cards between the page's start and
  // the bound, newest (oldest) first off the primary key. Rest: the cards
  // past the bound; `a.id + 0` keeps the primary key from ordering them, so
  // the trigram index finds them and only their hits are sorted.
  void AddTextParts() {
    for (int desc = 0; desc < 2; ++desc) {
      for (int after = 0; after < 2; ++after) {
        for (int rest = 0; rest < 2; ++rest) {
          const int text_param = sql::kFilterParams + 1;
          const int after_param = text_param + 1;
          const int limit_param = after_param + (after ? 1 : 0);
          const std::string bound = "$" + std::to_string(limit_param + 1);
          // Recent walks the window with the text hidden from the trigram
          // index; the rest is found through it.
          std::string where =
              std::string(sql::kScopeSubtree) + sql::kFilters + (rest ? sql::kTextPg : sql::kTextPgUnindexed);
          Replace(where, "$T", "$" + std::to_string(text_param));
          // desc: recent is id >= bound, the rest id < bound; asc mirrored.
          where += std::string(" AND a.id ") + (rest ? (desc ? "< " : "> ") : (desc ? ">= " : "<= ")) + bound;
          if (after) where += std::string(" AND a.id ") + (desc ? "< $" : "> $") + std::to_string(after_param);
          std::string ids = std::string(sql::kIdsHead) + where + " ORDER BY " + (rest ? "(a.id + 0)" : "a.id") +
                            (desc ? " DESC" : "") + " LIMIT $" + std::to_string(limit_param);
          const std::string name = std::string("asset.list.text_part.") + (rest ? "rest" : "recent") +
                                   (desc ? ".desc" : ".asc") + (after ? ".after" : "");
          const std::string page = PageOf(ids, "a.id", true, desc != 0);
          text_part_[(desc ? 4 : 0) + (after ? 2 : 0) + (rest ? 1 : 0)] = Add(name, page, page, true);
        }
      }
    }
  }

  // One unit's ids and sort values in each order (AssetStore::ListKeys).
  void AddKeys() {
    for (int sort = 0; sort < kSortKeys; ++sort) {
      const bool unique = Unique(static_cast<SortKey>(sort));
      for (int desc = 0; desc < 2; ++desc) {
        for (int after = 0; after < 2; ++after) {
          const int after_param = sql::kFilterParams + 1;
          const int limit_param = after_param + (after ? (unique ? 1 : 2) : 0);
          const std::string head = std::string("SELECT a.id, ");
          const std::string where = std::string(" FROM assets a JOIN locations l ON l.id = a.location_id WHERE ") +
                                    sql::kScopeUnit + sql::kFilters;
          const std::string sqlite = head + sql::kSortColumns[sort] + where +
                                     OrderTail(sql::kSortColumns[sort], unique, desc != 0, after != 0, after_param,
                                               limit_param);
          const std::string pg = head + sql::kSortColumnsPg[sort] + where +
                                 OrderTail(sql::kSortColumnsPg[sort], unique, desc != 0, after != 0, after_param,
                                           limit_param);
          const std::string name = std::string("asset.keys.") + sql::kSortNames[sort] + (desc ? ".desc" : ".asc") +
                                   (after ? ".after" : "");
          keys_[(static_cast<size_t>(sort) * 2 + static_cast<size_t>(desc)) * 2 + static_cast<size_t>(after)] =
              Add(name, SqliteLike(sqlite), pg);
        }
      }
    }
  }

  // Sorts whose value alone orders the cards (no id tie-break).
  static bool Unique(SortKey s) { return s == SortKey::kNumber || s == SortKey::kRegistered; }

  // Registration-ordered pages driven by the full-text index (SQLite).
  // short_text: over assets_short (1–2 characters).
  void AddFtsOrder(bool short_text) {
    const char* kScopes[2] = {sql::kScopeUnit, sql::kScopeSubtree};
    for (int scope = 0; scope < 2; ++scope) {
      for (int desc = 0; desc < 2; ++desc) {
        for (int after = 0; after < 2; ++after) {
          const int text_param = sql::kFilterParams + 1;
          std::string ids = std::string(sql::kFtsOrderHead) + kScopes[scope] + sql::kFilters;
          Replace(ids, "$T", "$" + std::to_string(text_param));
          if (short_text) Replace(ids, sql::kFtsTable, sql::kShortTable);
          const int after_param = text_param + 1;
          const int limit_param = after_param + (after ? 1 : 0);
          if (after) ids += std::string(" AND f.rowid ") + (desc ? "< $" : "> $") + std::to_string(after_param);
          ids += std::string(" ORDER BY f.rowid") + (desc ? " DESC" : "") + " LIMIT $" + std::to_string(limit_param);
          const std::string name = std::string("asset.list.fts_order.") + (scope ? "subtree" : "unit") +
                                   (desc ? ".desc" : ".asc") + (after ? ".after" : "") + (short_text ? ".short" : "");
          fts_order_[(short_text ? 8 : 0) + scope * 4 + desc * 2 + after] =
              Add(name, SqliteLike(PageOf(ids, "a.id", true, desc != 0)), "");
        }
      }
    }
  }

  // The cards of the ids statement `ids` (ORDER BY … LIMIT included), with
  // their names, in the same order.
  static std::string PageOf(const std::string& ids, const std::string& col, bool unique, bool desc) {
    std::string out = sql::kCardSelect;
    Replace(out, "FROM assets a ", "FROM (" + ids + ") p JOIN assets a ON a.id = p.id ");
    const char* dir = desc ? " DESC" : "";
    return out + "ORDER BY " + col + dir + (unique ? "" : std::string(", a.id") + dir);
  }

  // Number-ordered pages walked off the number index (StoreFilter::TextPlan):
  // scope 0 one unit (assets_org_number), 1 a subtree (assets_number).
  // short_text: over assets_short (1–2 characters).
  void AddWalks(bool short_text) {
    const char* kScopes[2] = {sql::kScopeUnit, sql::kScopeSubtreeOrdered};
    for (int scope = 0; scope < 2; ++scope) {
      for (int desc = 0; desc < 2; ++desc) {
        for (int after = 0; after < 2; ++after) {
          for (int probe = 0; probe < 2; ++probe) {
            std::string ids = std::string(sql::kIdsHead) + kScopes[scope] + sql::kFilters +
                              (probe ? sql::kTextWalkProbe : sql::kTextWalkSet);
            const int text_param = sql::kFilterParams + 1;
            Replace(ids, "$T", "$" + std::to_string(text_param));
            if (short_text) Replace(ids, sql::kFtsTable, sql::kShortTable);
            const int after_param = text_param + 1;
            const int limit_param = after_param + (after ? 1 : 0);
            ids += OrderTail(sql::kSortColumns[0], true, desc != 0, after != 0, after_param, limit_param);
            const std::string name = std::string("asset.list.walk.") + (scope ? "subtree" : "unit") +
                                     (desc ? ".desc" : ".asc") + (after ? ".after" : "") +
                                     (probe ? ".probe" : ".set") + (short_text ? ".short" : "");
            walk_[WalkIndex(scope != 0, desc != 0, after != 0, probe != 0) + (short_text ? 16u : 0u)] =
                Add(name, SqliteLike(PageOf(ids, sql::kSortColumns[0], true, desc != 0)), "");
          }
        }
      }
    }
  }
  static size_t WalkIndex(bool subtree, bool desc, bool after, bool probe) {
    return ((static_cast<size_t>(subtree) * 2 + desc) * 2 + after) * 2 + probe;
  }

  // SQLite's LIKE already ignores ASCII case, and its lower() folds ASCII
  // only: the same match without a lower-cased copy of every value.
  static std::string SqliteLike(std::string text) {
    for (const char* col : {"a.name", "a.number", "a.model", "a.serial_no", "a.brand", "l.name"}) {
      Replace(text, std::string("lower(") + col + ")", col);
    }
    return text;
  }

  // Free text; short_text: 1–2 characters through assets_short (SQLite only:
  // the PostgreSQL text is then unused).
  static void AddText(std::string& sqlite, std::string& pg, int& next, bool short_text) {
    sqlite += sql::kTextSqlite;
    if (short_text) Replace(sqlite, sql::kFtsTable, sql::kShortTable);
    pg += sql::kTextPg;
    Replace(sqlite, "$T", "$" + std::to_string(next));
    Replace(pg, "$T", "$" + std::to_string(next));
    ++next;
  }

  // Keyset condition, order and limit. Numbers are unique: they need no id
  // to break ties, and PostgreSQL then sorts straight off the number index.
  static std::string OrderTail(const std::string& col, bool unique, bool desc, bool after, int after_param,
                               int limit_param) {
    std::string tail;
    if (after && unique) {
      tail += " AND " + col + (desc ? " < $" : " > $") + std::to_string(after_param);
    } else if (after) {
      tail += " AND (" + col + ", a.id) " + (desc ? "<" : ">") + " ($" + std::to_string(after_param) + ", $" +
              std::to_string(after_param + 1) + ")";
    }
    const char* dir = desc ? " DESC" : "";
    tail += " ORDER BY " + col + dir + (unique ? "" : std::string(", a.id") + dir) + " LIMIT $" +
            std::to_string(limit_param);
    return tail;
  }

  size_t text_part_[8] = {};
  std::deque<std::string> names_;
  std::deque<std::string> texts_;
  std::deque<db::Sql> sqls_;
  size_t insert_one_ = 0, insert_returning_ = 0, insert_batch_ = 0;
  static constexpr const char* kTextNames[kTextKinds] = {"", ".text", ".short"};
  size_t list_[3 * kSortKeys * 4 * kTextKinds] = {};
  size_t fts_order_[16] = {};
  size_t keys_[kSortKeys * 4] = {};
  size_t walk_[32] = {};
  size_t count_short_[2] = {};
  size_t count_[2 * kTextKinds] = {};
};

// An FTS5 phrase (the text quoted, quotes doubled: `*`, `-`, `(` … are text
// inside it): the trigram tokenizer matches it as a substring; ms_gram
// (assets_short) takes the whole of it as one term.
std::string FtsPhrase(std::string_view text) {
  std::string phrase = "\"";
  for (char ch : text) {
    phrase.push_back(ch);
    if (ch == '"') phrase.push_back('"');
  }
  phrase.push_back('"');
  return phrase;
}

// Scope and filter parameters $1 … $10 (+ text) shared by list and count.
void AppendFilterParams(db::Connection& c, const StoreScope& scope, const StoreFilter& f, std::string* text_param,
                        std::vector<db::Param>& p) {
  if (scope.unit) {
    p.emplace_back(scope.org_id);
  } else {
    p.emplace_back(scope.path);
  }
  p.emplace_back(f.category_prefix);
  p.emplace_back(f.state);
  p.emplace_back(f.custodian_id);
  p.emplace_back(f.location_pattern);
  p.emplace_back(f.min_value);
  p.emplace_back(f.max_value);
  p.emplace_back(f.acquired_from);
  p.emplace_back(f.acquired_to);
  p.emplace_back(f.short_text_pattern);
  if (f.text) {
    if (c.engine() == db::Engine::kSqlite) {
      *text_param = FtsPhrase(*f.text);
    } else {
      std::string pattern = "%";
      for (char ch : *f.text) {
        if (ch == '%' || ch == '_' || ch == '!') pattern.push_back('!');
        pattern.push_back(ch);
      }
      pattern.push_back('%');
      *text_param = std::move(pattern);
    }
    p.emplace_back(*text_param);
  }
}

// The keyset cursor's parameters (the sort value, and the id unless the value
// is unique) and the limit, after the filter's.
void AppendPageParams(const StoreFilter& f, int limit, std::vector<db::Param>& p) {
  if (f.after) {
    if (f.sort == SortKey::kNumber || f.sort == SortKey::kName) {
      p.emplace_back(f.after->text_value);
    } else {
      p.emplace_back(f.after->int_value);
    }
    if (f.sort != SortKey::kNumber && f.sort != SortKey::kRegistered) p.emplace_back(f.after->id);
  }
  p.emplace_back(limit);
}

// The org id a subtree path ends in ("/1/4/" → 4); none for "/" (every
// org), whose stats are summed from the buckets themselves.
std::optional<int64_t> RootId(std::string_view path) {
  if (path.size() < 3 || path.back() != '/') return std::nullopt;
  path.remove_suffix(1);
  const auto s = path.substr(path.rfind('/') + 1);
  int64_t id = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc() || end != s.data() + s.size() || id <= 0) return std::nullopt;
  return id;
}

// An FTS5 special INSERT on one of our own tables (kFullTextFills): a
// command ('optimize') or a configuration option with its value.
std::string FtsCommand(std::string_view table, std::string_view command) {
  std::string t(table);
  return "INSERT INTO " + t + " (" + t + ") VALUES ('" + std::string(command) + "');";
}

std::string FtsSetting(std::string_view table, std::string_view option, int value) {
  std::string t(table);
  return "INSERT INTO " + t + " (" + t + ", rank) VALUES ('" + std::string(option) + "', " + std::to_string(value) +
         ");";
}

}  // namespace

Result<Card> AssetStore::GetByNumber(db::Connection& c, std::string_view number, std::string* org_path) {
  return OneCard(c.Query(sql::kCardByNumber, {number}), org_path);
}

Result<Card> AssetStore::GetById(db::Connection& c, int64_t id, std::string* org_path) {
  return OneCard(c.Query(sql::kCardById, {id}), org_path);
}

Result<std::vector<Card>> AssetStore::GetByIds(db::Connection& c, std::span<const int64_t> ids) {
  std::vector<Card> out;
  if (ids.empty()) return out;
  MS_ASSIGN_OR_RETURN(const auto rows, c.Query(sql::kCardsByIds, {db::IdListJson(ids)}));
  std::unordered_map<int64_t, size_t> at;
  at.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) at.emplace(rows[i].Int(0), i);
  out.reserve(rows.size());
  for (const int64_t id : ids) {
    if (const auto it = at.find(id); it != at.end()) out.push_back(CardFromRow(rows[it->second], nullptr));
  }
  return out;
}

Result<std::vector<TextIndex::Card>> AssetStore::UnitTexts(db::Connection& c, int64_t unit_id) {
  std::vector<TextIndex::Card> out;
  MS_TRY(c.ForEach(sql::kUnitTexts, std::initializer_list<db::Param>{unit_id}, [&](const db::Row& r) {
    // (A state this build does not know matches no state filter.)
    const auto state = ParseState(r.Text(1));
    out.push_back({r.Int(0), state ? static_cast<uint8_t>(*state) : uint8_t{0xFF}, r.Text(2)});
    return true;
  }));
  return out;
}

Result<std::string> AssetStore::Lower(db::Connection& c, std::string_view text) {
  MS_ASSIGN_OR_RETURN(const auto rows, c.Query(sql::kLower, {text}));
  if (rows.empty()) return std::string();
  return rows[0].Text(0);
}

Result<int64_t> AssetStore::Insert(db::Connection& c, const Card& card) {
  std::vector<db::Param> p;
  p.reserve(sql::kInsertColumns);
  std::optional<std::string> ext;
  AppendInsertParams(card, &ext, p);
  int64_t id = 0;
  MS_TRY(c.ForEach(Statements::Get().insert_returning(), p, [&](const db::Row& r) {
    id = r.Int(0);
    return false;
  }));
  return id;
}

Result<void> AssetStore::InsertMany(db::Connection& c, std::span<const Card> cards) {
  if (c.engine() == db::Engine::kPostgres && !cards.empty()) {
    constexpr size_t kColumns = std::size(sql::kCopyColumns);
    std::vector<std::optional<std::string>> ext(cards.size());
    std::vector<db::Param> p;
    p.reserve(cards.size() * kColumns);
    for (size_t i = 0; i < cards.size(); ++i) {
      AppendInsertParams(cards[i], &ext[i], p);
      p.emplace_back(cards[i].created_at.micros);  // updated_at
      p.emplace_back(int64_t{1});                  // version
    }
    MS_ASSIGN_OR_RETURN(const int64_t n, c.CopyIn("assets", sql::kCopyColumns, p));
    if (n != static_cast<int64_t>(cards.size())) {
      return InternalError("COPY assets wrote " + std::to_string(n) + " of " + std::to_string(cards.size()));
    }
    return Ok();
  }
  const auto& st = Statements::Get();
  std::vector<db::Param> p;
  std::vector<std::optional<std::string>> ext(static_cast<size_t>(sql::kBatchRows));
  p.reserve(static_cast<size_t>(sql::kBatchRows * sql::kInsertColumns));
  size_t i = 0;
  for (; i + sql::kBatchRows <= cards.size(); i += sql::kBatchRows) {
    p.clear();
    for (size_t r = 0; r < static_cast<size_t>(sql::kBatchRows); ++r) AppendInsertParams(cards[i + r], &ext[r], p);
    MS_TRY(c.Exec(st.insert_batch(), p));
  }
  for (; i < cards.size(); ++i) {
    p.clear();
    AppendInsertParams(cards[i], &ext[0], p);
    MS_TRY(c.Exec(st.insert_one(), p));
  }
  return Ok();
}

Result<std::vector<std::pair<std::string, std::string>>> AssetStore::RebuiltIndexes(db::Connection& c) {
  std::vector<std::pair<std::string, std::string>> out;
  MS_TRY(c.ForEach(sql::kBulkIndexes, {}, [&](const db::Row& r) {
    out.emplace_back(r.Text(0), r.Text(1));
    return true;
  }));
  return out;
}

Result<AssetStore::Bulk> AssetStore::BeginBulk(db::Connection& c, const BulkOptions& o) {
  Bulk b;
  if (c.engine() == db::Engine::kSqlite) {
    MS_ASSIGN_OR_RETURN(b.cache_size, c.QueryInt(sql::kCacheSize, {}));
    MS_ASSIGN_OR_RETURN(b.max_id_before, c.QueryInt(sql::kMaxAssetId, {}));
    MS_TRY(c.ForEach(sql::kFullTextTriggers, {}, [&](const db::Row& r) {
      b.fts_triggers.emplace_back(r.Text(0), r.Text(1));
      return true;
    }));
    b.active = true;
    b.merge_full_text_once = o.merge_full_text_once;
    MS_TRY(c.ExecScript("PRAGMA cache_size = -" + std::to_string(int64_t{o.sqlite_cache_mb} * 1024)));
    // Names from the catalog of our own schema (one of kFullTextFills).
    for (const auto& [name, create] : b.fts_triggers) MS_TRY(c.ExecScript("DROP TRIGGER \"" + name + "\""));
  } else {
    b.active = true;
    MS_TRY(c.ExecScript("SET LOCAL gin_pending_list_limit = '" + std::to_string(o.pg_gin_pending_mb) + "MB'"));
    if (o.rebuild_indexes) {
      MS_TRY(c.ExecScript("SET LOCAL maintenance_work_mem = '" + std::to_string(o.pg_maintenance_mb) + "MB'"));
    }
  }
  if (o.rebuild_indexes) {
    if (c.engine() == db::Engine::kPostgres) {
      // Each foreign key checks every new row with a lookup of its own (~5 µs,
      // six a card); added again at the end, each checks all rows with one join.
      MS_ASSIGN_OR_RETURN(b.foreign_keys, BulkForeignKeys(c));
      // Dropping the keys locks the tables they refer to. Requests read those
      // (the caller's units) before the cards, so they are locked first, and
      // the import waits for such a request instead of deadlocking with it.
      std::vector<std::string> referred;  // orgs, categories, directories
      for (const auto& k : b.foreign_keys) {
        if (k.referred != "assets" && std::find(referred.begin(), referred.end(), k.referred) == referred.end()) {
          referred.push_back(k.referred);
        }
      }
      std::string tables;
      for (const auto& t : referred) tables += t + ", ";
      MS_TRY(c.ExecScript("LOCK TABLE " + tables + "assets, asset_events IN ACCESS EXCLUSIVE MODE"));
    }
    MS_ASSIGN_OR_RETURN(b.indexes, RebuiltIndexes(c));
    // Names come from the catalog of our own schema; quoted all the same.
    for (const auto& [name, create] : b.indexes) MS_TRY(c.ExecScript("DROP INDEX \"" + name + "\""));
    for (const auto& k : b.foreign_keys) {
      MS_TRY(c.ExecScript("ALTER TABLE " + k.table + " DROP CONSTRAINT \"" + k.name + "\""));
    }
  }
  return b;
}

Result<std::vector<AssetStore::Bulk::ForeignKey>> AssetStore::BulkForeignKeys(db::Connection& c) {
  std::vector<Bulk::ForeignKey> out;
  if (c.engine() != db::Engine::kPostgres) return out;
  MS_TRY(c.ForEach(sql::kBulkForeignKeys, {}, [&](const db::Row& r) {
    out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3)});
    return true;
  }));
  return out;
}

Result<void> AssetStore::FinishBulk(db::Connection& c, Bulk& b) {
  if (!b.active) return Ok();
  for (const auto& [name, create] : b.indexes) MS_TRY(c.ExecScript(create));
  b.indexes.clear();
  // One ALTER a table: its keys in one statement (kBulkForeignKeys sorts by table).
  for (size_t i = 0; i < b.foreign_keys.size();) {
    std::string alter = "ALTER TABLE " + b.foreign_keys[i].table;
    const char* sep = " ";
    size_t j = i;
    for (; j < b.foreign_keys.size() && b.foreign_keys[j].table == b.foreign_keys[i].table; ++j) {
      alter += sep + std::string("ADD CONSTRAINT \"") + b.foreign_keys[j].name + "\" " + b.foreign_keys[j].definition;
      sep = ", ";
    }
    MS_TRY(c.ExecScript(alter));
    i = j;
  }
  b.foreign_keys.clear();
  for (const auto& [name, create] : b.fts_triggers) {
    for (const auto& table : sql::kFullTextFills) {
      if (name != table.trigger) continue;
      if (b.merge_full_text_once) {
        MS_TRY(c.ExecScript(FtsSetting(table.table, "automerge", 0) + FtsSetting(table.table, "crisismerge",
                                                                                   sql::kFtsBulkCrisismerge)));
      }
      MS_TRY(c.Exec(table.fill, {b.max_id_before}));
      if (b.merge_full_text_once) {
        MS_TRY(c.ExecScript(FtsCommand(table.table, "optimize") +
                            FtsSetting(table.table, "automerge", sql::kFtsDefaultAutomerge) +
                            FtsSetting(table.table, "crisismerge", sql::kFtsDefaultCrisismerge)));
      }
    }
    MS_TRY(c.ExecScript(create));
  }
  b.fts_triggers.clear();
  return Ok();
}

void AssetStore::EndBulkCache(db::Connection& c, Bulk& b) {
  if (!b.active || c.engine() != db::Engine::kSqlite) return;
  b.active = false;
  (void)c.ExecScript("PRAGMA cache_size = " + std::to_string(b.cache_size));
}

Result<void> AssetStore::Update(db::Connection& c, const Card& k, int64_t expected_version) {
  const auto ext = EncodeExt(k.ext);
  MS_ASSIGN_OR_RETURN(
      const int64_t n,
      c.Exec(sql::kCardUpdate,
             {k.id, expected_version, k.name, k.category_code, k.subject_code, k.acquisition_method, k.funding_source,
              static_cast<int64_t>(k.acquired_on.days), static_cast<int64_t>(k.booked_on.days), k.original_value.value,
              k.quantity, k.unit_of_measure, k.usage_direction, k.department_id, k.custodian_id, k.manager_id,
              k.location_id, k.latitude, k.longitude, k.model, k.spec, k.brand, k.serial_no,
              DepreciationMethodName(k.depreciation_method), k.life_months, k.certificate_no, k.project_ref, ext,
              k.value_status, StateName(k.state), k.updated_at.micros}));
  if (n == 0) {
    return MakeError(ErrorCode::kConflict, "version_conflict", "数据已被他人修改，请刷新后重试",
                     "The record was changed by someone else; reload and try again");
  }
  return Ok();
}

Result<int64_t> AssetStore::ReserveSerials(db::Connection& c, int64_t org_id, int year, int64_t n) {
  MS_ASSIGN_OR_RETURN(const int64_t next, c.QueryInt(sql::kReserveSerials, {org_id, year, n}));
  return next - n;
}

Result<int64_t> AssetStore::NextSerial(db::Connection& c, int64_t org_id, int year) {
  return c.QueryInt(sql::kNextSerial, {org_id, year});
}

Result<void> AssetStore::InsertEvent(db::Connection& c, const NewEvent& e) {
  std::optional<std::string_view> before;
  if (e.state_before) before = StateName(*e.state_before);
  MS_TRY(c.Exec(sql::kEventInsert, {e.org_id, e.asset_id, EventName(e.event), before, StateName(e.state_after),
                                    e.at.micros, e.actor_user_id, e.actor_name, e.before_json, e.after_json, e.note,
                                    e.request_id}));
  return Ok();
}

Result<void> AssetStore::InsertRegisterEvents(db::Connection& c, int64_t org_id, std::string_view first,
                                              std::string_view last, const NewEvent& e) {
  MS_TRY(c.Exec(sql::kEventInsertRange,
                {org_id, first, e.at.micros, e.actor_user_id, e.actor_name, e.note, e.request_id, last}));
  return Ok();
}

Result<std::vector<CardEvent>> AssetStore::History(db::Connection& c, int64_t asset_id) {
  std::vector<CardEvent> out;
  MS_TRY(c.ForEach(sql::kHistory, {asset_id}, [&](const db::Row& r) {
    CardEvent e;
    e.id = r.Int(0);
    e.event = ParseEvent(r.Text(1)).value_or(Event::kEdit);
    if (!r.IsNull(2)) e.state_before = ParseState(r.Text(2));
    e.state_after = ParseState(r.Text(3)).value_or(State::kInUse);
    e.at = UtcTime{r.Int(4)};
    e.actor_user_id = r.OptInt(5);
    e.actor_name = r.Text(6);
    e.before_json = r.OptText(7);
    e.after_json = r.OptText(8);
    e.note = r.OptText(9);
    e.request_id = r.OptText(10);
    out.push_back(std::move(e));
    return true;
  }));
  return out;
}

Result<void> AssetStore::AddRollup(db::Connection& c, int64_t org_id, std::string_view category, State state,
                                   int64_t count, int64_t value) {
  if (count == 0 && value == 0) return Ok();
  MS_TRY(c.Exec(sql::kRollupAdd, {org_id, category, StateName(state), count, value}));
  if (count < 0) MS_TRY(c.Exec(sql::kRollupPrune, {org_id, category, StateName(state)}));
  return Ok();
}

Result<std::vector<Card>> AssetStore::List(db::Connection& c, const StoreScope& scope, const StoreFilter& f,
                                           int limit) {
  std::vector<db::Param> p;
  p.reserve(16);
  std::string text_param;
  AppendFilterParams(c, scope, f, &text_param, p);
  AppendPageParams(f, limit, p);
  const bool walk = f.text && f.text_plan != StoreFilter::TextPlan::kHits && f.sort == SortKey::kNumber &&
                    c.engine() == db::Engine::kSqlite && (scope.unit || scope.ordered);
  const bool fts_order = f.text && f.text_plan == StoreFilter::TextPlan::kFtsOrder &&
                         f.sort == SortKey::kRegistered && c.engine() == db::Engine::kSqlite;
  const bool part = f.text && f.text_part != StoreFilter::TextPart::kAll && f.sort == SortKey::kRegistered &&
                    c.engine() == db::Engine::kPostgres && !scope.unit;
  if (part) p.emplace_back(f.text_bound);
  const auto& sql =
      part        ? Statements::Get().text_part(f.descending, f.after.has_value(),
                                                f.text_part == StoreFilter::TextPart::kRest)
      : fts_order ? Statements::Get().fts_order(!scope.unit, f.descending, f.after.has_value(), f.short_index)
      : walk      ? Statements::Get().walk(!scope.unit, f.descending, f.after.has_value(),
                                           f.text_plan == StoreFilter::TextPlan::kWalkProbe, f.short_index)
                  : Statements::Get().list(Statements::Shape(scope), f.sort, f.descending, f.after.has_value(),
                                           Statements::Text(f));
  std::vector<Card> out;
  out.reserve(static_cast<size_t>(limit));
  MS_TRY(c.ForEach(sql, p, [&](const db::Row& r) {
    out.push_back(CardFromRow(r, nullptr));
    return true;
  }));
  return out;
}

Result<std::vector<AssetStore::CardKey>> AssetStore::ListKeys(db::Connection& c, int64_t unit_id,
                                                             const StoreFilter& f, int limit) {
  StoreScope scope;
  scope.unit = true;
  scope.org_id = unit_id;
  std::vector<db::Param> p;
  p.reserve(14);
  std::string unused;
  StoreFilter no_text = f;
  no_text.text.reset();
  AppendFilterParams(c, scope, no_text, &unused, p);
  AppendPageParams(f, limit, p);
  const bool text_key = f.sort == SortKey::kNumber || f.sort == SortKey::kName;
  std::vector<CardKey> out;
  out.reserve(static_cast<size_t>(limit));
  MS_TRY(c.ForEach(Statements::Get().keys(f.sort, f.descending, f.after.has_value()), p, [&](const db::Row& r) {
    CardKey k;
    k.id = r.Int(0);
    if (text_key) {
      k.text = r.Text(1);
    } else {
      k.value = r.Int(1);
    }
    out.push_back(std::move(k));
    return true;
  }));
  return out;
}

Result<std::pair<int64_t, int64_t>> AssetStore::CountShortText(db::Connection& c, const StoreScope& scope,
                                                               const StoreFilter& f, int64_t rows) {
  StoreFilter others = f;
  others.short_text_pattern.reset();
  others.text.reset();
  std::vector<db::Param> p;
  std::string unused;
  AppendFilterParams(c, scope, others, &unused, p);
  p.emplace_back(f.short_text_pattern);
  p.emplace_back(rows);
  std::pair<int64_t, int64_t> out{0, 0};
  MS_TRY(c.ForEach(Statements::Get().count_short(!scope.unit), p, [&](const db::Row& r) {
    out = {r.Int(0), r.Int(1)};
    return false;
  }));
  return out;
}

Result<int64_t> AssetStore::TextHits(db::Connection& c, std::string_view text, bool short_index, int64_t cap) {
  if (c.engine() != db::Engine::kSqlite) return -1;
  const std::string phrase = FtsPhrase(text);
  return c.QueryInt(short_index ? sql::kShortHits : sql::kTextHits, {phrase, cap});
}

Result<int64_t> AssetStore::TotalCards(db::Connection& c) { return c.QueryInt(sql::kTotalCards, {}); }

Result<int64_t> AssetStore::Count(db::Connection& c, const StoreScope& scope, const StoreFilter& f, int64_t cap,
                                   bool by_text_index) {
  std::vector<db::Param> p;
  std::string text_param;
  AppendFilterParams(c, scope, f, &text_param, p);
  p.emplace_back(cap + 1);
  int64_t n = 0;
  const auto count = [&]() {
    return c.ForEach(Statements::Get().count(!scope.unit, Statements::Text(f)), p, [&](const db::Row& r) {
      n = r.Int(0);
      return false;
    });
  };
  if (!by_text_index || !f.text || c.engine() != db::Engine::kPostgres) {
    MS_TRY(count());
    return n;
  }
  // Session settings on a pooled connection: reset whatever the count did.
  // (Inside a transaction that failed, the rollback undoes them instead.)
  MS_TRY(c.ExecScript(sql::kTextIndexOnly));
  const auto counted = count();
  const auto reset = c.ExecScript(sql::kTextIndexReset);
  MS_TRY(counted);
  MS_TRY(reset);
  return n;
}

Result<int64_t> AssetStore::IdEnd(db::Connection& c, bool newest) {
  return c.QueryInt(newest ? sql::kMaxAssetId : sql::kMinAssetId, {});
}

Result<std::pair<int64_t, int64_t>> AssetStore::RollupTotal(db::Connection& c, const StoreScope& scope,
                                                            const std::optional<std::string>& category_prefix,
                                                            const std::optional<std::string>& state) {
  std::pair<int64_t, int64_t> out{0, 0};
  auto read = [&](const db::Row& r) {
    out = {r.Int(0), r.Int(1)};
    return false;
  };
  if (scope.unit) {
    MS_TRY(c.ForEach(sql::kRollupTotalUnit, {scope.org_id, category_prefix, state}, read));
  } else if (const auto root = RootId(scope.path)) {
    MS_TRY(c.ForEach(sql::kRollupTotalTree, {*root, category_prefix, state}, read));
  } else {
    MS_TRY(c.ForEach(sql::kRollupTotalSubtree, {scope.path, category_prefix, state}, read));
  }
  return out;
}

const db::Sql& AssetStore::ListStatementForTest(const StoreScope& scope, SortKey sort, bool desc, bool after,
                                                bool text) {
  return Statements::Get().list(Statements::Shape(scope), sort, desc, after,
                                text ? Statements::kFtsText : Statements::kNoText);
}

const db::Sql& AssetStore::FtsOrderStatementForTest(bool subtree, bool desc, bool after, bool short_text) {
  return Statements::Get().fts_order(subtree, desc, after, short_text);
}

Result<std::vector<int64_t>> AssetStore::OwnersUnder(db::Connection& c, std::string_view path) {
  std::vector<int64_t> out;
  MS_TRY(c.ForEach(sql::kOwnersUnder, {path}, [&](const db::Row& r) {
    out.push_back(r.Int(0));
    return true;
  }));
  return out;
}

Result<int64_t> AssetStore::StatsGeneration(db::Connection& c) { return c.QueryInt(sql::kStatsGeneration); }
Result<int64_t> AssetStore::UnitPageGeneration(db::Connection& c, int64_t org_id) {
  return c.QueryInt(sql::kUnitPageGeneration, {org_id});
}

Result<std::vector<AssetStore::RollupRow>> AssetStore::Rollups(db::Connection& c, const StoreScope& scope) {
  std::vector<RollupRow> out;
  auto read = [&](const db::Row& r) {
    out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5), r.Int(6), r.Text(7)});
    return true;
  };
  if (scope.unit) {
    MS_TRY(c.ForEach(sql::kStatsUnit, {scope.org_id}, read));
  } else if (const auto root = RootId(scope.path)) {
    MS_TRY(c.ForEach(sql::kStatsTree, {*root}, read));
  } else {
    MS_TRY(c.ForEach(sql::kStatsSubtree, {scope.path}, read));
  }
  return out;
}

}  // namespace minsheng::asset
