// Throughput of the import path (ValidateInput + RegisterMany) on the test
// engine. Disabled by default: run with --gtest_also_run_disabled_tests
// --gtest_filter='*AssetBulkPerf*'. MINSHENG_PERF_ROWS sets the row count;
// MINSHENG_PERF_DROP, SQL run first (e.g. "DROP TRIGGER assets_fts_insert"),
// measures what one index or trigger costs.
#include <chrono>
#include <cstdlib>

#include "asset_fixture.h"

namespace minsheng::testing {
namespace {

class AssetBulkPerfTest : public AssetTest {};

TEST_F(AssetBulkPerfTest, DISABLED_ValidateAndRegisterMany) {
  const char* env = std::getenv("MINSHENG_PERF_ROWS");
  const int rows = env ? std::atoi(env) : 100'000;
  constexpr int kChunk = 10'000;
  std::vector<asset::CardInput> chunk(kChunk, ValidInput());
  for (int i = 0; i < kChunk; ++i) {
    chunk[static_cast<size_t>(i)].name = "课桌椅 " + std::to_string(i);
    chunk[static_cast<size_t>(i)].serial_no = "SN-" + std::to_string(i * 7919);
  }
  if (const char* drop = std::getenv("MINSHENG_PERF_DROP")) {
    auto t = db_->Write();
    ASSERT_TRUE((*t)->ExecScript(drop).ok());
    ASSERT_TRUE(t->Commit().ok());
  }
  const auto start = std::chrono::steady_clock::now();
  auto tx = db_->Write();
  ASSERT_TRUE(tx.ok());
  auto ctx = assets_->LoadValidationContext(tx->conn(), school_a_.id);
  ASSERT_TRUE(ctx.ok());
  std::chrono::duration<double> validate{0};
  for (int done = 0; done < rows; done += kChunk) {
    const auto v0 = std::chrono::steady_clock::now();
    for (const auto& in : chunk) ASSERT_TRUE(asset::AssetService::ValidateInput(in, *ctx).empty());
    validate += std::chrono::steady_clock::now() - v0;
    auto r = assets_->RegisterMany(tx->conn(), clerk_a_caller_, school_a_.id, chunk);
    ASSERT_TRUE(r.ok()) << r.error().en << r.error().log_detail;
  }
  ASSERT_TRUE(tx->Commit().ok());
  const std::chrono::duration<double> total = std::chrono::steady_clock::now() - start;
  std::printf("%s: %d rows in %.2f s = %.0f rows/s (validation alone %.2f s)\n",
              std::string(db::EngineName(db_->engine())).c_str(), rows, total.count(), rows / total.count(),
              validate.count());
  EXPECT_EQ(CountRows("SELECT COUNT(*) FROM assets"), rows);
  EXPECT_EQ(Rollups(), GroupByAssets());
}

}  // namespace
}  // namespace minsheng::testing
