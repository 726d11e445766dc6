// metric_bench: times MetricService::ComputePeriod for every unit and every
// registered metric (issue 4: asset metrics over the 1,000,000-card demo in
// ≤ 10 s on both engines).
//
//   metric_bench --db URL [--period 2026Q3] [--runs 3] [--keys a,b]
//
// Opens the database like `minsheng serve` (App::Open: migrations applied),
// takes every org of level unit as an object, and runs ComputePeriod inside a
// write transaction `runs` times (each run commits, replacing the previous
// run's rows). Prints each run's wall time and per-metric times, then the
// median. Run it alone: the figure is the database's set queries.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "app/app.h"
#include "core/period.h"

using namespace minsheng;  // NOLINT(google-build-using-namespace): a small program

namespace {

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t comma = s.find(',', start);
    std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// CPU seconds (user + system) of this process so far: with SQLite the set
// queries run in-process, so this is their cost apart from other load.
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return sec(u.ru_utime) + sec(u.ru_stime);
}

int Fail(const Error& e) {
  std::fprintf(stderr, "metric_bench: %s %s\n", e.en.c_str(), e.log_detail.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  std::string period_text = "2026Q3";
  int runs = 3;
  std::vector<std::string> keys;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--db") {
      config.db = value;
    } else if (flag == "--period") {
      period_text = value;
    } else if (flag == "--runs") {
      runs = std::max(1, std::atoi(value.c_str()));
    } else if (flag == "--keys") {
      keys = Split(value);
    } else {
      std::fprintf(stderr, "usage: metric_bench --db URL [--period P] [--runs N] [--keys k1,k2]\n");
      return 2;
    }
  }
  config.log_level = "warn";
  auto period = ParsePeriod(period_text);
  if (!period.ok()) return Fail(period.error());
  auto app = App::Open(config);
  if (!app.ok()) return Fail(app.error());
  db::Database& db = *(*app)->db;

  std::vector<int64_t> units;
  int64_t cards = 0;
  {
    auto conn = db.Read();
    if (!conn.ok()) return Fail(conn.error());
    auto r = (*conn)->ForEach({"bench.metric.units", "SELECT id FROM orgs WHERE level = 'unit' ORDER BY id"}, {},
                              [&](const db::Row& row) {
                                units.push_back(row.Int(0));
                                return true;
                              });
    if (!r.ok()) return Fail(r.error());
    auto n = (*conn)->QueryInt({"bench.metric.cards", "SELECT COUNT(*) FROM assets"});
    if (!n.ok()) return Fail(n.error());
    cards = *n;
  }
  std::printf("%s: %zu units, %lld cards, period %s, %s\n", db.Describe().c_str(), units.size(),
              static_cast<long long>(cards), period->ToString().c_str(),
              keys.empty() ? "all metrics" : "selected metrics");

  std::vector<double> totals;
  for (int run = 1; run <= runs; ++run) {
    const auto t0 = std::chrono::steady_clock::now();
    const double cpu0 = CpuSeconds();
    auto tx = db.Write();
    if (!tx.ok()) return Fail(tx.error());
    auto summary = (*app)->metric_service->ComputePeriod(tx->conn(), *period, units, keys);
    if (!summary.ok()) return Fail(summary.error());
    auto committed = tx->Commit();
    if (!committed.ok()) return Fail(committed.error());
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    totals.push_back(ms);
    std::printf("run %d: %.0f ms wall, %.0f ms CPU in this process, %lld values (%lld not applicable)\n", run, ms,
                (CpuSeconds() - cpu0) * 1000, static_cast<long long>(summary->values),
                static_cast<long long>(summary->not_applicable));
    for (const auto& m : summary->metrics) std::printf("  %-32s %8.1f ms\n", m.key.c_str(), m.millis);
  }
  std::sort(totals.begin(), totals.end());
  std::printf("median of %d: %.0f ms\n", runs, totals[totals.size() / 2]);
  return 0;
}
