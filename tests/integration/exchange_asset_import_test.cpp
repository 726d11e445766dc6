// The asset import and export glue (src/exchange/asset_import, asset_export)
// against the real asset services on both engines.
#include <iconv.h>
#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "asset/store.h"
#include "asset_fixture.h"
#include "exchange/asset_export.h"
#include "exchange/asset_import.h"

namespace minsheng::testing {
namespace {

using exchange::AssetImportOptions;
using exchange::AssetImportResult;

constexpr const char* kHeader =
    "资产名称,资产分类代码,会计科目,取得方式,经费来源,取得日期,入账日期,原值（元）,数量,计量单位,"
    "使用部门,使用人,存放地点,品牌,使用年限（月）,资产状态,纬度,经度\r\n";

// Column of each field in kHeader, as the report must name it.
struct Bad {
  const char* column;  // header as in the file
  const char* code;
};

// A valid row; i varies the name, the serial and the directory names.
std::vector<std::string> ValidRow(int i) {
  return {"课桌椅 " + std::to_string(i),
          kComputer,
          "1601",
          "购置",
          "财政拨款",
          "2024-09-01",
          "2024-09-05",
          std::to_string(100 + i % 900) + ".50",
          "1",
          "套",
          i % 2 == 0 ? "教务处" : "信息中心",
          i % 3 == 0 ? "张三" : "赵六",
          i % 5 == 0 ? "教学楼/3层/302" : "图书馆/1层/阅览室",
          "联想",
          "72",
          "在用",
          "",
          ""};
}

// 37 bad rows, each with exactly one problem, of different kinds.
struct Mutation {
  size_t field;
  const char* value;
  Bad expect;
};
const std::vector<Mutation>& Mutations() {
  static const std::vector<Mutation> k = {
      {7, "12.345", {"原值（元）", "invalid_money"}},
      {7, "-5", {"原值（元）", "negative"}},
      {7, "一千元", {"原值（元）", "invalid_money"}},
      {5, "2024-13-01", {"取得日期", "invalid_date"}},
      {6, "2027-01-01", {"入账日期", "in_future"}},
      {6, "2024-08-01", {"入账日期", "before_acquired"}},
      {1, "A99999999", {"资产分类代码", "not_found"}},
      {1, kEquipment, {"资产分类代码", "not_leaf"}},
      {0, "", {"资产名称", "required"}},
      {8, "0", {"数量", "out_of_range"}},
      {8, "两台", {"数量", "invalid_integer"}},
      {14, "12", {"使用年限（月）", "below_minimum"}},
      {3, "偷来的", {"取得方式", "invalid"}},
      {4, "自筹", {"经费来源", "invalid"}},
      {12, "", {"存放地点", "required"}},
      {15, "失踪", {"资产状态", "invalid_value"}},
      {16, "30.5", {"经度", "required"}},
      {2, "16", {"会计科目", "invalid"}},
      {9, "", {"计量单位", "required"}},
  };
  return k;
}

struct Ledger {
  std::string csv;
  std::vector<int> bad_rows;  // 0-based data row indexes
};

// rows valid rows except those in bad (0-based), each with the next problem
// of Mutations().
Ledger LedgerWithBadRows(int rows, const std::set<int>& bad) {
  Ledger l;
  l.csv = kHeader;
  l.bad_rows.assign(bad.begin(), bad.end());
  size_t m = 0;
  for (int i = 0; i < rows; ++i) {
    auto row = ValidRow(i);
    if (bad.count(i) > 0) {
      const auto& mu = Mutations()[m++ % Mutations().size()];
      row[mu.field] = mu.value;
    }
    for (size_t c = 0; c < row.size(); ++c) l.csv += (c ? "," : "") + row[c];
    l.csv += "\r\n";
  }
  return l;
}

Ledger MakeLedger(int rows, int bad) {
  std::set<int> bad_set;
  for (int k = 0; k < bad; ++k) bad_set.insert(17 + k * (rows / bad));
  return LedgerWithBadRows(rows, bad_set);
}

std::string ToGb18030(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  std::string out(utf8.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* dst = out.data();
  size_t dst_left = out.size();
  iconv(cd, &in, &in_left, &dst, &dst_left);
  iconv_close(cd);
  out.resize(out.size() - dst_left);
  return out;
}

class ExchangeAssetImportTest : public AssetTest {
 protected:
  exchange::AssetImportServices Services() { return {*db_, *assets_, *dirs_}; }
  Result<AssetImportResult> Import(const std::string& bytes, bool dry_run = false) {
    AssetImportOptions o;
    o.org_id = school_a_.id;
    o.dry_run = dry_run;
    o.batch_id = "job-test";
    o.chunk_rows = 1000;
    return exchange::ImportAssets(Services(), clerk_a_caller_, bytes, o);
  }
  int64_t Cards() { return CountRows("SELECT COUNT(*) FROM assets"); }
  int64_t Locations() { return CountRows("SELECT COUNT(*) FROM locations"); }
};

TEST_F(ExchangeAssetImportTest, TenThousandRowsWith37BadOnesWriteNothingAndReportEach) {
  const Ledger ledger = MakeLedger(10000, 37);
  const int64_t locations_before = Locations();
  int64_t last_progress = 0;
  AssetImportOptions o;
  o.org_id = school_a_.id;
  o.on_progress = [&](exchange::ImportPhase phase, int64_t done, int64_t total) {
    if (phase == exchange::ImportPhase::kValidating) {
      EXPECT_EQ(total, 10000);
      last_progress = done;
    }
  };
  auto r = exchange::ImportAssets(Services(), clerk_a_caller_, ledger.csv, o);
  ASSERT_TRUE(r.ok()) << r.error().en << " " << r.error().log_detail;
  EXPECT_EQ(last_progress, 10000);
  EXPECT_EQ(r->rows, 10000);
  EXPECT_EQ(r->imported, 0);
  EXPECT_EQ(r->error_count, 37);
  ASSERT_EQ(r->errors.size(), 37u);
  for (size_t k = 0; k < 37; ++k) {
    const auto& e = r->errors[k];
    const auto& want = Mutations()[k % Mutations().size()].expect;
    EXPECT_EQ(e.row, ledger.bad_rows[k] + 2) << k;  // header is row 1
    EXPECT_EQ(e.column, want.column) << k << " " << e.code;
    EXPECT_EQ(e.code, want.code) << k << " " << e.column;
    EXPECT_FALSE(e.message_zh.empty());
    EXPECT_FALSE(e.message_en.empty());
  }
  EXPECT_EQ(r->errors[0].value, "12.345");
  // Nothing written: no cards, and not even the new directory entries.
  EXPECT_EQ(Cards(), 0);
  EXPECT_EQ(Locations(), locations_before);
  EXPECT_FALSE(r->added.locations.empty());  // what would have been added

  // The report round-trips as a file.
  std::string report;
  ASSERT_TRUE(exchange::WriteErrorReport(r->errors, exchange::FileFormat::kXlsx,
                                         exchange::OutputTarget::String(&report))
                  .ok());
  auto back = exchange::ReadErrorReport(report);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->size(), 37u);
}

TEST_F(ExchangeAssetImportTest, AValidLedgerIsWrittenInOneGoWithItsNewDirectories) {
  const Ledger ledger = MakeLedger(2500, 0);
  auto dry = Import(ledger.csv, true);
  ASSERT_TRUE(dry.ok()) << dry.error().en;
  EXPECT_TRUE(dry->ok());
  EXPECT_EQ(dry->imported, 0);
  EXPECT_EQ(Cards(), 0);

  auto r = Import(ledger.csv);
  ASSERT_TRUE(r.ok()) << r.error().en << " " << r.error().log_detail;
  ASSERT_TRUE(r->ok()) << r->errors.front().column << " " << r->errors.front().message_en;
  EXPECT_EQ(r->imported, 2500);
  EXPECT_EQ(Cards(), 2500);
  EXPECT_EQ(r->added.departments, std::vector<std::string>{"信息中心"});
  EXPECT_EQ(r->added.staff, std::vector<std::string>{"赵六"});
  EXPECT_EQ(r->added.locations, std::vector<std::string>{"图书馆/1层/阅览室"});
  EXPECT_FALSE(r->first_number.empty());
  EXPECT_NE(r->first_number, r->last_number);
  const std::string json = exchange::AssetImportResultJson(*r);
  EXPECT_NE(json.find(R"("imported":2500)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("locations":["图书馆/1层/阅览室"])"), std::string::npos) << json;

  // Export what the clerk sees, read it back.
  std::string xlsx;
  asset::CardFilter filter;
  auto n = exchange::ExportAssets(*assets_, Who(clerk_a_), filter, exchange::FileFormat::kXlsx,
                                  exchange::OutputTarget::String(&xlsx));
  ASSERT_TRUE(n.ok()) << n.error().en;
  EXPECT_EQ(*n, 2500);
  auto grid = exchange::ReadXlsx(xlsx);
  ASSERT_TRUE(grid.ok());
  ASSERT_EQ(grid->size(), 2501u);
  EXPECT_EQ(grid->Cell(0, 0), "资产编号");
  EXPECT_EQ(grid->Cell(1, 0), r->first_number);
  EXPECT_EQ(grid->Cell(1, 2), "课桌椅 0");
  EXPECT_EQ(grid->Cell(1, 10), "100.5");  // money cells are numbers (shown 100.50)
  EXPECT_EQ(grid->Cell(1, 28), "在用");

  // Out of scope: school B's clerk exports nothing of school A.
  std::string csv;
  n = exchange::ExportAssets(*assets_, Who(clerk_b_), filter, exchange::FileFormat::kCsv,
                             exchange::OutputTarget::String(&csv));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1);  // the header only
  EXPECT_EQ(exchange::AssetExportFileName(exchange::FileFormat::kXlsx, MakeDate(2026, 11, 22)),
            "资产清单-20261122.xlsx");
}

// An import is one bulk insert: on SQLite the search index is filled for the
// new cards in one statement (the per-card trigger is dropped and re-created
// inside the transaction), on PostgreSQL the cards go in by COPY. The cards
// are found by their text, values COPY's text format treats specially come
// back unchanged, and cards registered afterwards are indexed as before.
TEST_F(ExchangeAssetImportTest, ImportedCardsAreSearchableAndKeepEveryCharacter) {
  asset::CardInput first = ValidInput();
  first.name = "档案密集架 MJ-4410";
  const asset::Card earlier = MustRegister(first);

  std::string csv = kHeader;
  const std::vector<std::pair<std::string, std::string>> names_brands = {
      {"磁盘阵列 RD-5501", "\\N"},            // COPY's NULL if left unescaped
      {"扫描仪 QX-7731", "C:\\temp\\new"},    // \t and \n if left unescaped
      {"碎纸机 SZ-1203", "联想\\\\双"}};       // two backslashes
  for (size_t i = 0; i < names_brands.size(); ++i) {
    auto row = ValidRow(static_cast<int>(i));
    row[0] = names_brands[i].first;
    row[13] = names_brands[i].second;
    for (size_t c = 0; c < row.size(); ++c) csv += (c ? "," : "") + row[c];
    csv += "\r\n";
  }
  auto r = Import(csv);
  ASSERT_TRUE(r.ok()) << r.error().en << " " << r.error().log_detail;
  ASSERT_TRUE(r->ok()) << r->errors.front().column << " " << r->errors.front().message_en;
  ASSERT_EQ(r->imported, 3);

  auto find = [&](const std::string& q) {
    asset::CardFilter f;
    f.q = q;
    auto page = assets_->List(Who(clerk_a_), f);
    EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().en + " " + page.error().log_detail);
    return page.ok() ? page->items : std::vector<asset::Card>{};
  };
  for (const auto& [name, brand] : names_brands) {
    const auto hits = find(name.substr(name.find(' ') + 1));  // the model-like part of the name
    ASSERT_EQ(hits.size(), 1u) << name;
    EXPECT_EQ(hits[0].name, name);
    ASSERT_TRUE(hits[0].brand.has_value()) << name;
    EXPECT_EQ(*hits[0].brand, brand);
  }
  EXPECT_EQ(find("temp\\new").size(), 1u);  // the brand is indexed too
  EXPECT_EQ(find("碎纸").size(), 1u);        // 1–2 characters: assets_short on SQLite
  EXPECT_EQ(find("QX").size(), 1u);
  EXPECT_EQ(find("双").size(), 1u);          // brand
  EXPECT_EQ(find("MJ-4410").size(), 1u);    // the card from before the import
  EXPECT_EQ(find("MJ-4410")[0].number, earlier.number);

  asset::CardInput later = ValidInput();
  later.name = "投影仪 TY-8802";
  MustRegister(later);
  EXPECT_EQ(find("TY-8802").size(), 1u);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM assets"), 5);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM asset_events WHERE event = 'register'"), 5);
  if (TestEngine() == db::Engine::kSqlite) {
    EXPECT_EQ(CountRows("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'assets_fts_insert'"),
              1);
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    // FTS5 compares its index with the content table: a missing or extra
    // entry is SQLITE_CORRUPT_VTAB.
    EXPECT_TRUE((*tx)->ExecScript("INSERT INTO assets_fts (assets_fts) VALUES ('integrity-check')").ok());
    EXPECT_EQ(CountRows("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'assets_short_insert'"),
              1);
    EXPECT_TRUE((*tx)->ExecScript("INSERT INTO assets_short (assets_short) VALUES ('integrity-check')").ok());
  }
}

// Every index of assets as the catalog describes it: name and definition.
std::vector<std::pair<std::string, std::string>> AssetIndexes(db::Connection& c) {
  const db::Sql sql{"test.asset_indexes",
                    "SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' AND tbl_name = 'assets' "
                    "ORDER BY name",
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'assets' ORDER BY indexname"};
  std::vector<std::pair<std::string, std::string>> out;
  EXPECT_TRUE(c.ForEach(sql, {}, [&](const db::Row& r) {
                 out.emplace_back(r.Text(0), r.Text(1));
                 return true;
               }).ok());
  return out;
}

std::vector<std::pair<std::string, std::string>> AssetIndexes(db::Database& db) {
  auto lease = db.Read();
  EXPECT_TRUE(lease.ok());
  return lease.ok() ? AssetIndexes(**lease) : std::vector<std::pair<std::string, std::string>>{};
}

// PostgreSQL: the foreign keys a bulk import drops and adds again (none on SQLite).
std::vector<std::string> BulkForeignKeys(db::Database& db) {
  auto lease = db.Read();
  EXPECT_TRUE(lease.ok());
  if (!lease.ok()) return {};
  auto keys = asset::AssetStore::BulkForeignKeys(**lease);
  EXPECT_TRUE(keys.ok());
  std::vector<std::string> out;  // "table.name definition"
  if (keys.ok()) {
    for (const auto& k : *keys) out.push_back(k.table + "." + k.name + " " + k.definition);
  }
  return out;
}

// --bulk / a large file: the secondary indexes of assets are dropped for the
// import and built again before the commit, on both engines when asked. The
// catalog then holds every index with the same definition, the indexes
// answer (list, search, number), and cards registered later are indexed.
TEST_F(ExchangeAssetImportTest, ARebuildingImportLeavesEveryIndexAsItWas) {
  const auto before = AssetIndexes(*db_);
  ASSERT_GE(before.size(), 9u);  // 0002 + 0003 (SQLite lists the unique one too)
  const auto keys_before = BulkForeignKeys(*db_);
  // assets: org, category, department, custodian, manager, location; asset_events: asset.
  ASSERT_EQ(keys_before.size(), TestEngine() == db::Engine::kPostgres ? 7u : 0u);
  {
    auto lease = db_->Read();
    ASSERT_TRUE(lease.ok());
    auto dropped = asset::AssetStore::RebuiltIndexes(**lease);
    ASSERT_TRUE(dropped.ok()) << dropped.error().log_detail;
    std::set<std::string> names;
    for (const auto& [name, create] : *dropped) names.insert(name);
    EXPECT_EQ(names.count("assets_org_state"), 1u);
    EXPECT_EQ(names.count("assets_location"), 1u);
    EXPECT_EQ(names.count("assets_number"), 0u);      // unique: kept
    EXPECT_EQ(names.count("assets_org_number"), 0u);  // the events of each chunk are found by it
    EXPECT_EQ(names.count("assets_search_trgm"), TestEngine() == db::Engine::kPostgres ? 1u : 0u);
  }

  Ledger ledger = MakeLedger(2500, 0);
  ledger.csv += "扫描仪 QX-7731," + std::string(kComputer) + ",1601,购置,财政拨款,2024-09-01,2024-09-05,999.00,1,台,"
                "教务处,张三,教学楼/3层/302,联想,72,在用,,\r\n";
  AssetImportOptions o;
  o.org_id = school_a_.id;
  o.batch_id = "job-bulk";
  o.chunk_rows = 1000;
  o.rebuild_indexes = AssetImportOptions::Rebuild::kAlways;
  auto r = exchange::ImportAssets(Services(), clerk_a_caller_, ledger.csv, o);
  ASSERT_TRUE(r.ok()) << r.error().en << " " << r.error().log_detail;
  ASSERT_TRUE(r->ok()) << r->errors.front().column << " " << r->errors.front().message_en;
  EXPECT_EQ(r->imported, 2501);
  EXPECT_TRUE(r->rebuilt_indexes);
  EXPECT_EQ(AssetIndexes(*db_), before);
  EXPECT_EQ(BulkForeignKeys(*db_), keys_before);

  asset::CardFilter f;
  f.q = "QX-7731";
  auto hits = assets_->List(Who(clerk_a_), f);
  ASSERT_TRUE(hits.ok()) << hits.error().log_detail;
  ASSERT_EQ(hits->items.size(), 1u);
  EXPECT_EQ(hits->items[0].name, "扫描仪 QX-7731");
  EXPECT_EQ(hits->items[0].number, r->last_number);
  asset::CardFilter by_value;
  by_value.sort = asset::SortKey::kOriginalValue;
  auto page = assets_->List(Who(clerk_a_), by_value);
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->items.empty());
  EXPECT_EQ(page->items[0].original_value.value, 10050);  // rows 0, 900, 1800: 100.50 yuan
  EXPECT_LE(page->items[0].original_value.value, page->items.back().original_value.value);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM asset_events WHERE event = 'register'"), 2501);
  EXPECT_EQ(CountRows("SELECT COALESCE(SUM(count), 0) FROM asset_rollups"), 2501);

  asset::CardInput later = ValidInput();
  later.name = "投影仪 TY-8802";
  MustRegister(later);
  f.q = "TY-8802";
  hits = assets_->List(Who(clerk_a_), f);
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ(hits->items.size(), 1u);
  if (TestEngine() == db::Engine::kSqlite) {
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    EXPECT_TRUE((*tx)->ExecScript("INSERT INTO assets_fts (assets_fts) VALUES ('integrity-check')").ok());
    EXPECT_TRUE((*tx)->ExecScript("INSERT INTO assets_short (assets_short) VALUES ('integrity-check')").ok());
    EXPECT_TRUE((*tx)->ExecScript("PRAGMA integrity_check").ok());
  }
}

// A bulk insert that does not commit leaves the indexes as they were: DDL is
// part of the transaction on both engines.
TEST_F(ExchangeAssetImportTest, ABulkInsertRolledBackKeepsEveryIndex) {
  const auto before = AssetIndexes(*db_);
  const auto keys_before = BulkForeignKeys(*db_);
  {
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    asset::AssetStore::BulkOptions bo;
    bo.rebuild_indexes = true;
    auto bulk = asset::AssetStore::BeginBulk(**tx, bo);
    ASSERT_TRUE(bulk.ok()) << bulk.error().log_detail;
    EXPECT_FALSE(bulk->indexes.empty());
    auto inside = asset::AssetStore::RebuiltIndexes(**tx);
    ASSERT_TRUE(inside.ok());
    EXPECT_TRUE(inside->empty());  // dropped inside the transaction
    EXPECT_LT(AssetIndexes(**tx).size(), before.size());
    EXPECT_EQ(bulk->foreign_keys.size(), keys_before.size());
    auto keys_inside = asset::AssetStore::BulkForeignKeys(**tx);
    ASSERT_TRUE(keys_inside.ok());
    EXPECT_TRUE(keys_inside->empty());
    asset::AssetStore::EndBulkCache(**tx, *bulk);
  }  // rolled back
  EXPECT_EQ(AssetIndexes(*db_), before);
  EXPECT_EQ(BulkForeignKeys(*db_), keys_before);
  // And an import with errors never reaches the writes: nothing changes.
  AssetImportOptions o;
  o.org_id = school_a_.id;
  o.rebuild_indexes = AssetImportOptions::Rebuild::kAlways;
  auto r = exchange::ImportAssets(Services(), clerk_a_caller_, MakeLedger(200, 3).csv, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->error_count, 3);
  EXPECT_FALSE(r->rebuilt_indexes);
  EXPECT_EQ(Cards(), 0);
  EXPECT_EQ(AssetIndexes(*db_), before);
}

// A bulk write still checks every foreign key: a card whose location does not
// exist is refused — by its insert on SQLite, by the key added again at the
// end on PostgreSQL — and nothing of the transaction stays.
TEST_F(ExchangeAssetImportTest, ABulkWriteThatBreaksAForeignKeyIsRefused) {
  const auto keys_before = BulkForeignKeys(*db_);
  {
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    auto ctx = assets_->LoadValidationContext(**tx, school_a_.id);
    ASSERT_TRUE(ctx.ok());
    std::vector<asset::Card> cards(1);
    ASSERT_TRUE(asset::AssetService::ValidateInput(ValidInput(), *ctx, &cards[0]).empty());
    cards[0].number = "BULK-FK-1";
    cards[0].location_id = 987654321;
    asset::AssetStore::BulkOptions bo;
    bo.rebuild_indexes = true;
    auto bulk = asset::AssetStore::BeginBulk(**tx, bo);
    ASSERT_TRUE(bulk.ok()) << bulk.error().log_detail;
    auto inserted = asset::AssetStore::InsertMany(**tx, cards);
    if (TestEngine() == db::Engine::kSqlite) {
      EXPECT_FALSE(inserted.ok());
    } else {
      ASSERT_TRUE(inserted.ok()) << inserted.error().log_detail;
      auto finished = asset::AssetStore::FinishBulk(**tx, *bulk);
      ASSERT_FALSE(finished.ok());
      EXPECT_NE(finished.error().log_detail.find("location"), std::string::npos) << finished.error().log_detail;
    }
    asset::AssetStore::EndBulkCache(**tx, *bulk);
  }  // rolled back
  EXPECT_EQ(Cards(), 0);
  EXPECT_EQ(BulkForeignKeys(*db_), keys_before);
}

// PostgreSQL: a bulk write locks the tables the cards refer to before the
// cards themselves. A reader that has read a unit and goes on to read cards
// (as every request does) finishes first: no deadlock, and the bulk write
// goes on after it. Locking `assets` first would deadlock the two.
TEST_F(ExchangeAssetImportTest, ABulkWriteWaitsForAReaderOfUnitsWithoutDeadlock) {
  if (TestEngine() != db::Engine::kPostgres) GTEST_SKIP() << "SQLite readers never block a writer";
  auto reader = db_->Read();
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->ExecScript("BEGIN; SELECT COUNT(*) FROM orgs").ok());
  std::optional<Result<void>> bulk_result;
  std::thread writer([&] {
    auto tx = db_->Write();
    if (!tx.ok()) {
      bulk_result = std::move(tx).error();
      return;
    }
    asset::AssetStore::BulkOptions bo;
    bo.rebuild_indexes = true;
    auto bulk = asset::AssetStore::BeginBulk(**tx, bo);
    if (!bulk.ok()) {
      bulk_result = std::move(bulk).error();
      return;
    }
    bulk_result = Ok();
  });  // rolled back
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the writer waits for `orgs` by now
  auto cards = (*reader)->QueryInt({"test.count_cards", "SELECT COUNT(*) FROM assets"}, {});
  EXPECT_TRUE(cards.ok()) << cards.error().log_detail;
  ASSERT_TRUE((*reader)->ExecScript("COMMIT").ok());
  writer.join();
  ASSERT_TRUE(bulk_result.has_value());
  EXPECT_TRUE(bulk_result->ok()) << bulk_result->error().log_detail;
}

// Rows are validated once, on a worker thread, while the chunks validated so
// far are written; a bad row in the last chunk comes after two chunks were
// written, and they are rolled back: no card, event, rollup, audit row,
// serial, directory entry or index change stays.
TEST_F(ExchangeAssetImportTest, ABadRowInTheLastChunkRollsBackTheChunksWrittenBeforeIt) {
  const auto indexes_before = AssetIndexes(*db_);
  const int64_t locations_before = Locations();
  const int64_t audits_before = CountRows("SELECT COUNT(*) FROM audit_log");
  const Ledger ledger = LedgerWithBadRows(2500, {2499});
  std::vector<std::pair<exchange::ImportPhase, int64_t>> progress;
  AssetImportOptions o;
  o.org_id = school_a_.id;
  o.chunk_rows = 1000;
  o.on_progress = [&](exchange::ImportPhase phase, int64_t done, int64_t total) {
    if (phase == exchange::ImportPhase::kReading) return;
    EXPECT_EQ(total, 2500);
    progress.emplace_back(phase, done);
  };
  auto r = exchange::ImportAssets(Services(), clerk_a_caller_, ledger.csv, o);
  ASSERT_TRUE(r.ok()) << r.error().en << " " << r.error().log_detail;
  ASSERT_EQ(r->error_count, 1);
  EXPECT_EQ(r->errors[0].row, 2501);
  EXPECT_EQ(r->errors[0].column, "原值（元）");
  EXPECT_EQ(r->errors[0].code, "invalid_money");
  EXPECT_EQ(r->imported, 0);
  EXPECT_TRUE(r->first_number.empty());
  EXPECT_FALSE(r->rebuilt_indexes);
  EXPECT_EQ(r->total_value, Fen{});
  // Written, then validated to the end: the writer took chunks 1 and 2.
  using P = exchange::ImportPhase;
  const std::vector<std::pair<P, int64_t>> want = {{P::kWriting, 1000}, {P::kWriting, 2000}, {P::kValidating, 2500}};
  EXPECT_EQ(progress, want);
  EXPECT_EQ(Cards(), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM asset_events"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM asset_rollups WHERE count <> 0"), 0);
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM audit_log"), audits_before);
  EXPECT_EQ(Locations(), locations_before);
  EXPECT_EQ(AssetIndexes(*db_), indexes_before);
  EXPECT_EQ(r->added.locations, std::vector<std::string>{"图书馆/1层/阅览室"});  // would have been added

  // The serials the written chunks took were rolled back with them.
  auto good = Import(MakeLedger(10, 0).csv);
  ASSERT_TRUE(good.ok() && good->ok());
  EXPECT_EQ(good->first_number, school_a_.code + "2026000001");
  EXPECT_EQ(good->last_number, school_a_.code + "2026000010");
  EXPECT_EQ(Cards(), 10);
}

// Every bad row is reported with its row and column whichever chunk it is in,
// before or after the first bad one, on an import and on a dry run alike;
// the cap on kept errors counts across chunks.
TEST_F(ExchangeAssetImportTest, EveryBadRowIsReportedWhicheverChunkItIsIn) {
  const std::set<int> bad = {0, 999, 1000, 1999, 2000, 2499};
  const Ledger ledger = LedgerWithBadRows(2500, bad);
  const int64_t locations_before = Locations();
  for (const bool dry_run : {false, true}) {
    auto r = Import(ledger.csv, dry_run);  // chunks of 1,000 rows
    ASSERT_TRUE(r.ok()) << r.error().en << " " << r.error().log_detail;
    EXPECT_EQ(r->dry_run, dry_run);
    ASSERT_EQ(r->error_count, 6) << dry_run;
    ASSERT_EQ(r->errors.size(), 6u);
    for (size_t k = 0; k < 6; ++k) {
      const auto& want = Mutations()[k].expect;
      EXPECT_EQ(r->errors[k].row, ledger.bad_rows[k] + 2) << k;
      EXPECT_EQ(r->errors[k].column, want.column) << k;
      EXPECT_EQ(r->errors[k].code, want.code) << k;
    }
    EXPECT_EQ(r->imported, 0);
    EXPECT_EQ(r->total_value, Fen{});
    EXPECT_EQ(r->added.departments, std::vector<std::string>{"信息中心"});
    EXPECT_EQ(r->added.staff, std::vector<std::string>{"赵六"});
    EXPECT_EQ(Cards(), 0);
    EXPECT_EQ(Locations(), locations_before);
  }

  AssetImportOptions o;
  o.org_id = school_a_.id;
  o.chunk_rows = 1000;
  o.max_errors = 4;
  auto r = exchange::ImportAssets(Services(), clerk_a_caller_, ledger.csv, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->error_count, 6);
  ASSERT_EQ(r->errors.size(), 5u);  // four kept, and the line counting the rest
  EXPECT_EQ(r->errors[3].row, 2001);
  EXPECT_EQ(r->errors[4].code, "exchange.more_errors");
  EXPECT_NE(r->errors[4].message_en.find("2 more errors"), std::string::npos) << r->errors[4].message_en;
  EXPECT_EQ(Cards(), 0);
}

// A valid file split into chunks of every size gives the same cards: the
// total value of the result is the sum of the file's values, and the numbers
// follow the file's order across chunks.
TEST_F(ExchangeAssetImportTest, ChunksOfAnySizeWriteTheFileInOrder) {
  const Ledger ledger = MakeLedger(25, 0);
  int64_t want_fen = 0;
  for (int i = 0; i < 25; ++i) want_fen += (100 + i % 900) * 100 + 50;
  int64_t written = 0;
  for (const size_t chunk : {size_t{1}, size_t{7}, size_t{25}, size_t{1000}}) {
    AssetImportOptions o;
    o.org_id = school_a_.id;
    o.chunk_rows = chunk;
    auto r = exchange::ImportAssets(Services(), clerk_a_caller_, ledger.csv, o);
    ASSERT_TRUE(r.ok() && r->ok()) << chunk;
    EXPECT_EQ(r->imported, 25);
    EXPECT_EQ(r->total_value.value, want_fen) << chunk;
    char first[32];
    std::snprintf(first, sizeof first, "2026%06lld", static_cast<long long>(written + 1));
    EXPECT_EQ(r->first_number, school_a_.code + first) << chunk;
    written += 25;
    // The first row of the file got the first number of the import.
    auto card = assets_->Get(Who(clerk_a_), r->first_number);
    ASSERT_TRUE(card.ok());
    EXPECT_EQ(card->name, "课桌椅 0");
    card = assets_->Get(Who(clerk_a_), r->last_number);
    ASSERT_TRUE(card.ok());
    EXPECT_EQ(card->name, "课桌椅 24");
  }
  EXPECT_EQ(Cards(), 100);
  EXPECT_EQ(Rollups(), GroupByAssets());
}

// Automatic choice: SQLite rebuilds when the file has at least
// import_rebuild_ratio (1) rows per card already registered; PostgreSQL
// only when asked.
TEST_F(ExchangeAssetImportTest, TheIndexesAreRebuiltOnlyForAFileLargeNextToTheRegister) {
  const bool sqlite = TestEngine() == db::Engine::kSqlite;
  auto r = Import(MakeLedger(40, 0).csv);  // 40 rows, 0 cards
  ASSERT_TRUE(r.ok() && r->ok());
  EXPECT_EQ(r->rebuilt_indexes, sqlite);
  r = Import(MakeLedger(40, 0).csv);  // 40 >= 1 × 40
  ASSERT_TRUE(r.ok() && r->ok());
  EXPECT_EQ(r->rebuilt_indexes, sqlite);
  r = Import(MakeLedger(79, 0).csv);  // 79 < 1 × 80
  ASSERT_TRUE(r.ok() && r->ok());
  EXPECT_FALSE(r->rebuilt_indexes);
  EXPECT_EQ(Cards(), 159);
}

// SQLite: a file large next to the register (the rule of the index rebuild
// above) fills the two full-text tables without FTS5's automatic segment
// merging and then merges each into one segment; a smaller file leaves them
// as automatic merging makes them. Either way the merge settings are FTS5's
// defaults afterwards, both indexes are consistent and find the new cards.
TEST_F(ExchangeAssetImportTest, AFileLargeNextToTheRegisterLeavesOneFullTextSegmentPerTable) {
  if (TestEngine() != db::Engine::kSqlite) GTEST_SKIP() << "FTS5 segments: SQLite only";
  const auto segments = [&](const std::string& table) {
    return CountRows("SELECT COUNT(DISTINCT segid) FROM " + table + "_idx");
  };
  // One card a transaction: each commit flushes FTS5's pending terms as a
  // segment of its own. Two, and the import's fill a third, stay below
  // automerge's four: without the merge at the end there would be three.
  for (int i = 0; i < 2; ++i) MustRegister(ValidInput());
  EXPECT_EQ(segments("assets_fts"), 2);
  EXPECT_EQ(segments("assets_short"), 2);

  auto r = Import(MakeLedger(40, 0).csv);  // 40 >= 1 × 2 cards: large
  ASSERT_TRUE(r.ok() && r->ok());
  EXPECT_EQ(segments("assets_fts"), 1);
  EXPECT_EQ(segments("assets_short"), 1);
  const std::string large_last = r->last_number;

  r = Import(MakeLedger(20, 0).csv);  // 20 < 1 × 42 cards: one more segment, merged as usual
  ASSERT_TRUE(r.ok() && r->ok());
  EXPECT_EQ(segments("assets_fts"), 2);
  EXPECT_EQ(segments("assets_short"), 2);

  for (const std::string table : {"assets_fts", "assets_short"}) {
    EXPECT_EQ(CountRows("SELECT COUNT(*) FROM " + table + "_config WHERE k = 'automerge'"), 1) << table;
    EXPECT_EQ(CountRows("SELECT v FROM " + table + "_config WHERE k = 'automerge'"), 4) << table;
    EXPECT_EQ(CountRows("SELECT v FROM " + table + "_config WHERE k = 'crisismerge'"), 16) << table;
  }
  for (const auto& number : {large_last, r->last_number}) {
    asset::CardFilter f;
    f.q = number;
    auto hits = assets_->List(Who(clerk_a_), f);
    ASSERT_TRUE(hits.ok()) << hits.error().log_detail;
    ASSERT_EQ(hits->items.size(), 1u) << number;
    EXPECT_EQ(hits->items[0].number, number);
  }
  asset::CardFilter short_text;
  short_text.q = "桌椅";  // every imported card (课桌椅 N), through assets_short
  auto hits = assets_->List(Who(clerk_a_), short_text);
  ASSERT_TRUE(hits.ok()) << hits.error().log_detail;
  EXPECT_EQ(hits->items.size(), 50u);
  EXPECT_EQ(hits->total, 60);
  auto tx = db_->Write();
  ASSERT_TRUE(tx.ok());
  EXPECT_TRUE((*tx)->ExecScript("INSERT INTO assets_fts (assets_fts) VALUES ('integrity-check')").ok());
  EXPECT_TRUE((*tx)->ExecScript("INSERT INTO assets_short (assets_short) VALUES ('integrity-check')").ok());
}

TEST_F(ExchangeAssetImportTest, AnExportImportsAgain) {
  ASSERT_TRUE(Import(MakeLedger(30, 0).csv).ok());
  std::string csv;
  ASSERT_TRUE(exchange::ExportAssets(*assets_, Who(clerk_a_), {}, exchange::FileFormat::kCsv,
                                     exchange::OutputTarget::String(&csv))
                  .ok());
  auto again = Import(csv);
  ASSERT_TRUE(again.ok()) << again.error().en;
  ASSERT_TRUE(again->ok()) << again->errors.front().column << ": " << again->errors.front().message_en;
  EXPECT_EQ(again->imported, 30);
  std::set<std::string> unknown;
  for (const auto& u : again->unknown_columns) unknown.insert(u.name);
  EXPECT_EQ(unknown, (std::set<std::string>{"资产编号", "所属单位", "资产分类名称", "累计折旧（元）", "净值（元）"}));
  EXPECT_EQ(Cards(), 60);
}

// An export reads page by page and holds no connection between pages: a
// card registered while it is under way (a write committed between two
// pages) is written at its place in number order, every card exactly once;
// the count stays the one of the first page.
TEST_F(ExchangeAssetImportTest, AnExportReadsPageByPageWithAWriteInBetween) {
  ASSERT_TRUE(Import(MakeLedger(30, 0).csv).ok());
  exchange::AssetExportOptions options;
  options.page_size = 7;
  auto reader = exchange::AssetExportReader::Open(*assets_, Who(clerk_a_), {}, options);
  ASSERT_TRUE(reader.ok()) << reader.error().en;
  EXPECT_EQ((*reader)->total(), 30);
  EXPECT_FALSE((*reader)->total_capped());
  std::string csv;
  auto writer = exchange::OpenTableWriter(exchange::FileFormat::kCsv, exchange::OutputTarget::String(&csv),
                                          exchange::AssetExportColumns());
  ASSERT_TRUE(writer.ok());
  int calls = 0;
  std::string added;
  for (bool more = true; more;) {
    auto next = (*reader)->WritePage(**writer);
    ASSERT_TRUE(next.ok()) << next.error().en << " " << next.error().log_detail;
    more = *next;
    if (++calls == 2) added = MustRegister(ValidInput()).number;  // pages 1–3 read, 2 written
  }
  ASSERT_TRUE((*writer)->Finish().ok());
  EXPECT_EQ(calls, 5);  // 31 cards in pages of 7: 7 7 7 7 3
  EXPECT_EQ((*reader)->written(), 31);
  EXPECT_EQ((*reader)->total(), 30);

  std::vector<std::string> numbers;
  for (size_t start = csv.find("\r\n") + 2; start < csv.size();) {
    const size_t end = csv.find("\r\n", start);
    numbers.push_back(csv.substr(start, csv.find(',', start) - start));
    start = end + 2;
  }
  ASSERT_EQ(numbers.size(), 31u);
  for (size_t i = 1; i < numbers.size(); ++i) EXPECT_LT(numbers[i - 1], numbers[i]) << i;
  EXPECT_EQ(numbers.back(), added);

  // A bad filter fails on Open, before anything is written.
  asset::CardFilter bad;
  bad.org_id = 999999;
  auto refused = exchange::AssetExportReader::Open(*assets_, Who(clerk_a_), bad, options);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorCode::kNotFound);
}

TEST_F(ExchangeAssetImportTest, GbkCsvAndMergedHeaderXlsx) {
  auto gbk = Import(ToGb18030(MakeLedger(20, 0).csv));
  ASSERT_TRUE(gbk.ok()) << gbk.error().en;
  EXPECT_EQ(gbk->imported, 20);

  // An XLSX with a merged title row above the header and blank rows after.
  const auto path = std::filesystem::temp_directory_path() / ("ms-import-" + std::to_string(getpid()) + ".xlsx");
  lxw_workbook* wb = workbook_new(path.c_str());
  lxw_worksheet* ws = workbook_add_worksheet(wb, "台账");
  worksheet_merge_range(ws, 0, 0, 0, 5, "示范县第一中学资产台账", nullptr);
  const char* headers[] = {"资产名称", "资产分类代码", "会计科目", "取得方式", "经费来源", "取得日期",
                           "原值（元）", "计量单位", "存放地点"};
  for (lxw_col_t c = 0; c < 9; ++c) worksheet_write_string(ws, 1, c, headers[c], nullptr);
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy-mm-dd");
  lxw_datetime when{2024, 9, 1, 0, 0, 0};
  for (lxw_row_t r = 2; r < 7; ++r) {
    worksheet_write_string(ws, r, 0, ("投影仪 " + std::to_string(r)).c_str(), nullptr);
    worksheet_write_string(ws, r, 1, kComputer, nullptr);
    worksheet_write_number(ws, r, 2, 1601, nullptr);
    worksheet_write_string(ws, r, 3, "购置", nullptr);
    worksheet_write_string(ws, r, 4, "财政拨款", nullptr);
    worksheet_write_datetime(ws, r, 5, &when, date);
    worksheet_write_number(ws, r, 6, 3200.07, nullptr);
    worksheet_write_string(ws, r, 7, "台", nullptr);
    worksheet_write_string(ws, r, 8, "教学楼/3层/302", nullptr);
  }
  for (lxw_row_t r = 7; r < 30; ++r) worksheet_write_blank(ws, r, 0, date);
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::filesystem::remove(path);
  auto xlsx = Import(bytes.str());
  ASSERT_TRUE(xlsx.ok()) << xlsx.error().en;
  ASSERT_TRUE(xlsx->ok()) << xlsx->errors.front().column << ": " << xlsx->errors.front().message_en;
  EXPECT_EQ(xlsx->imported, 5);
  EXPECT_EQ(xlsx->total_value, Fen{5 * 320007});
}

TEST_F(ExchangeAssetImportTest, FileLevelProblemsAreErrors) {
  auto r = Import("资产名称,存放地点\r\n台式计算机,教学楼\r\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "exchange.missing_columns");
  EXPECT_NE(r.error().zh.find("资产分类代码"), std::string::npos) << r.error().zh;
  const auto report = exchange::ReportOfFileError(r.error());
  ASSERT_GE(report.size(), 5u);
  EXPECT_EQ(report[0].row, 0);
  EXPECT_EQ(report[0].code, "missing_column");

  r = Import(std::string(kHeader));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "exchange.no_rows");

  r = Import("PK\x03\x04 truncated");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "exchange.bad_file");

  // A unit outside the clerk's scope.
  AssetImportOptions o;
  o.org_id = school_b_.id;
  r = exchange::ImportAssets(Services(), clerk_a_caller_, MakeLedger(3, 0).csv, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Cards(), 0);
}

TEST_F(ExchangeAssetImportTest, TemplateHasEveryColumnAndItsExampleImports) {
  for (const auto f : {exchange::FileFormat::kXlsx, exchange::FileFormat::kCsv}) {
    std::string bytes;
    ASSERT_TRUE(exchange::WriteAssetImportTemplate(f, exchange::OutputTarget::String(&bytes)).ok());
    auto grid = exchange::ReadGrid(bytes);
    ASSERT_TRUE(grid.ok());
    EXPECT_EQ(grid->RowStrings(0).size(), exchange::AssetImportColumns().size());
    EXPECT_EQ(grid->Cell(0, 0), "*资产名称");
    auto r = Import(bytes, true);
    ASSERT_TRUE(r.ok()) << r.error().en;
    EXPECT_TRUE(r->ok()) << r->errors.front().column << ": " << r->errors.front().message_en;
    EXPECT_EQ(r->rows, 1);
  }
  std::string xlsx;
  ASSERT_TRUE(exchange::WriteAssetImportTemplate(exchange::FileFormat::kXlsx, exchange::OutputTarget::String(&xlsx)).ok());
  auto names = exchange::XlsxSheetNames(xlsx);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"资产", "说明"}));
}

}  // namespace
}  // namespace minsheng::testing
