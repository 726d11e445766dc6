#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "exchange/jobs.h"
#include "exchange/progress_bar.h"

namespace minsheng::exchange {
namespace {

// A gate a job waits on until the test opens it.
struct Gate {
  std::mutex m;
  std::condition_variable cv;
  bool open = false;
  void Open() {
    std::lock_guard l(m);
    open = true;
    cv.notify_all();
  }
  void Wait() {
    std::unique_lock l(m);
    cv.wait(l, [&] { return open; });
  }
};

TEST(ExchangeJobsTest, ReportsProgressToItsOwnerOnly) {
  JobRegistry jobs;
  Gate halfway, finish;
  auto id = jobs.Start("asset_import", 42, [&](JobProgress& p) -> Result<void> {
    p.SetTotal(1000);
    p.SetDone(500);
    p.SetMessage("正在校验", "Validating");
    halfway.Open();
    finish.Wait();
    p.Advance(500);
    p.SetResultJson(R"({"imported":1000})");
    return Ok();
  });
  ASSERT_TRUE(id.ok());
  halfway.Wait();
  auto s = jobs.Get(*id, 42);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->state, JobState::kRunning);
  EXPECT_EQ(s->kind, "asset_import");
  EXPECT_EQ(s->total, 1000);
  EXPECT_EQ(s->done, 500);
  EXPECT_EQ(s->message, "正在校验");
  EXPECT_EQ(s->message_en, "Validating");

  // Someone else, or a made-up id: as if it did not exist.
  auto other = jobs.Get(*id, 43);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().kind, ErrorCode::kNotFound);
  EXPECT_FALSE(jobs.Get("no-such-job", 42).ok());

  finish.Open();
  ASSERT_TRUE(jobs.WaitFor(*id, 5000));
  s = jobs.Get(*id, 42);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->state, JobState::kSucceeded);
  EXPECT_EQ(s->done, 1000);
  EXPECT_EQ(s->result_json, R"({"imported":1000})");
  EXPECT_GE(s->finished_at, s->started_at);
  EXPECT_EQ(JobStateName(s->state), "succeeded");
}

TEST(ExchangeJobsTest, FailuresKeepTheErrorAndExceptionsAreContained) {
  JobRegistry jobs;
  auto failed = jobs.Start("asset_import", 1, [](JobProgress&) -> Result<void> {
    return MakeError(ErrorCode::kInvalidArgument, "exchange.missing_columns", "缺少必填列：资产名称",
                     "Missing required columns: Asset name");
  });
  auto threw = jobs.Start("asset_import", 1, [](JobProgress&) -> Result<void> {
    throw std::runtime_error("boom");
  });
  ASSERT_TRUE(failed.ok() && threw.ok());
  ASSERT_TRUE(jobs.WaitFor(*failed, 5000));
  ASSERT_TRUE(jobs.WaitFor(*threw, 5000));
  auto s = jobs.Get(*failed, 1);
  EXPECT_EQ(s->state, JobState::kFailed);
  EXPECT_EQ(s->error_code, "exchange.missing_columns");
  EXPECT_EQ(s->message, "缺少必填列：资产名称");
  s = jobs.Get(*threw, 1);
  EXPECT_EQ(s->state, JobState::kFailed);
  EXPECT_EQ(s->error_code, "internal");
}

TEST(ExchangeJobsTest, AtMostTwoRunAtOnce) {
  JobRegistry jobs;
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  Gate release;
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto id = jobs.Start("export", 7, [&](JobProgress&) -> Result<void> {
      const int now = ++running;
      int p = peak.load();
      while (now > p && !peak.compare_exchange_weak(p, now)) {
      }
      release.Wait();
      --running;
      return Ok();
    });
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  int queued = 0;
  for (const auto& id : ids) queued += jobs.Get(id, 7)->state == JobState::kQueued ? 1 : 0;
  EXPECT_EQ(queued, 3);
  EXPECT_EQ(running.load(), 2);
  release.Open();
  for (const auto& id : ids) ASSERT_TRUE(jobs.WaitFor(id, 5000));
  EXPECT_EQ(peak.load(), 2);
}

TEST(ExchangeJobsTest, QueueIsBounded) {
  JobRegistry::Options o;
  o.max_concurrent = 1;
  o.max_queued = 1;
  JobRegistry jobs(o);
  Gate release;
  auto blocker = [&](JobProgress&) -> Result<void> {
    release.Wait();
    return Ok();
  };
  auto a = jobs.Start("x", 1, blocker);
  ASSERT_TRUE(a.ok());
  // Wait until the first one runs, so exactly one can queue behind it.
  for (int i = 0; i < 200 && jobs.Get(*a, 1)->state != JobState::kRunning; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(jobs.Start("x", 1, blocker).ok());
  auto c = jobs.Start("x", 1, blocker);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "exchange.too_many_jobs");
  EXPECT_EQ(c.error().kind, ErrorCode::kRateLimited);
  release.Open();
}

TEST(ExchangeJobsTest, FinishedJobsExpireAfterAnHourWithTheirReports) {
  SetClockForTesting(UtcTime{1'800'000'000'000'000});
  const auto report = std::filesystem::temp_directory_path() / ("ms-job-report-" + std::to_string(getpid()));
  std::ofstream(report) << "行号,列\n";
  {
    JobRegistry jobs;
    auto id = jobs.Start("asset_import", 5, [&](JobProgress& p) -> Result<void> {
      p.AddReportFile(report.string());
      return Ok();
    });
    ASSERT_TRUE(id.ok());
    ASSERT_TRUE(jobs.WaitFor(*id, 5000));
    AdvanceClockForTesting(3599);
    ASSERT_TRUE(jobs.Get(*id, 5).ok());
    EXPECT_EQ(jobs.Get(*id, 5)->report_files, std::vector<std::string>{report.string()});
    EXPECT_TRUE(std::filesystem::exists(report));
    AdvanceClockForTesting(2);
    const auto gone = jobs.Get(*id, 5);
    ASSERT_FALSE(gone.ok());
    EXPECT_EQ(gone.error().kind, ErrorCode::kNotFound);
    EXPECT_FALSE(std::filesystem::exists(report));
  }
  SetClockForTesting(std::nullopt);
}

TEST(ExchangeProgressTest, FormatsTheLine) {
  EXPECT_EQ(GroupThousands(0), "0");
  EXPECT_EQ(GroupThousands(1000000), "1,000,000");
  EXPECT_EQ(GroupThousands(-1234), "-1,234");
  EXPECT_EQ(FormatProgressLine(520000, 1000000, 104000, "rows", 10),
            "[#####     ] 52% 520,000/1,000,000 rows 104,000 rows/s");
  EXPECT_EQ(FormatProgressLine(1000000, 1000000, 0, "rows", 4), "[####] 100% 1,000,000/1,000,000 rows");
  EXPECT_EQ(FormatProgressLine(1234, 0, 99.6, "rows"), "1,234 rows 100 rows/s");
  EXPECT_EQ(FormatProgressLine(5, 3, 0, "rows", 2), "[##] 100% 5/3 rows");
}

std::string Captured(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

TEST(ExchangeProgressTest, RedrawsInPlaceOnATtyAndPrintsLinesOtherwise) {
  auto t = std::chrono::steady_clock::time_point{};
  auto clock = [&] { return t; };

  std::FILE* tty = std::tmpfile();
  ProgressBar bar("rows", tty, true, clock);
  bar.SetTotal(1000);
  t += std::chrono::milliseconds(50);
  bar.Update(100);  // too soon: nothing drawn
  t += std::chrono::milliseconds(60);
  bar.Update(200);
  t += std::chrono::seconds(1);
  bar.Update(1000);
  bar.Finish();
  std::string out = Captured(tty);
  std::fclose(tty);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\r'), 3) << out;
  EXPECT_TRUE(out.starts_with("\r[######                        ] 20% 200/1,000 rows 1,818 rows/s")) << out;
  EXPECT_TRUE(out.ends_with("100% 1,000/1,000 rows 901 rows/s\x1b[K\n")) << out;

  std::FILE* log = std::tmpfile();
  t = {};
  ProgressBar plain("rows", log, false, clock);
  plain.SetTotal(1000);
  for (int i = 1; i <= 100; ++i) {
    t += std::chrono::milliseconds(100);
    plain.Update(i * 10);
  }
  plain.Finish();
  out = Captured(log);
  std::fclose(log);
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 3) << out;  // at 5 s, 10 s, and the end
}

}  // namespace
}  // namespace minsheng::exchange
