// assess_bench: an assessment run end to end over many objects and leaves,
// from precomputed metric_values (no metric is registered, so the run reads
// what is stored), and the recomputation of one object after one manual value
// changes. Prints medians; figures go to bench/RESULTS.md ("Issue 4").
//
//   assess_bench [--db URL] [--objects 3000] [--indicators 150] [--repeat 5] [--threads 2]
//
// The database must be empty (a new SQLite file by default). Each timed run
// builds a new RunService, so the template is loaded and compiled again.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "app/app.h"
#include "assessment/run_service.h"
#include "assessment/template.h"
#include "core/crypto.h"
#include "db/database.h"

namespace {

using namespace minsheng;  // NOLINT(google-build-using-namespace): a small program
using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

void Check(const Result<void>& r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "%s: %s %s\n", what, r.error().en.c_str(), r.error().log_detail.c_str());
    std::exit(1);
  }
}

template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "%s: %s %s\n", what, r.error().en.c_str(), r.error().log_detail.c_str());
    for (const auto& f : r.error().fields) std::fprintf(stderr, "  %s: %s\n", f.field.c_str(), f.en.c_str());
    std::exit(1);
  }
  return std::move(r).value();
}

// 5 first-level nodes × 5 second-level × (indicators / 25) leaves, 1 point each.
std::string TemplateText(int indicators) {
  const int per = std::max(1, indicators / 25);
  const int leaves = per * 25;
  std::string ind, nodes;
  int n = 0;
  for (int a = 0; a < 5; ++a) {
    std::string kids;
    for (int b = 0; b < 5; ++b) {
      std::string leafs;
      for (int c = 0; c < per; ++c, ++n) {
        char code[32];
        std::snprintf(code, sizeof code, "b.i%03d", n);
        const bool linear = n % 3 == 0;
        ind += std::string(ind.empty() ? "" : ",") + R"({"code":")" + code + R"(","name_zh":"指标)" +
               std::to_string(n) + R"(","name_en":"Indicator )" + std::to_string(n) +
               R"(","unit":"%","direction":">=","type":"management","source":"metric","metric":"bench.m)" +
               std::to_string(n) + R"(","method":)" +
               (linear ? R"({"method":"linear","floor":40,"target":95})" : R"({"method":"ratio","target":90})") + "}";
        leafs += std::string(leafs.empty() ? "" : ",") + R"({"code":"N)" + std::to_string(a) + "." +
                 std::to_string(b) + "." + std::to_string(c) + R"(","name_zh":"叶)" + std::to_string(n) +
                 R"(","name_en":"Leaf","points":1,"indicator":")" + code + R"("})";
      }
      kids += std::string(kids.empty() ? "" : ",") + R"({"code":"N)" + std::to_string(a) + "." + std::to_string(b) +
              R"(","name_zh":"二级","name_en":"Level 2","points":)" + std::to_string(per) + R"(,"children":[)" +
              leafs + "]}";
    }
    nodes += std::string(nodes.empty() ? "" : ",") + R"({"code":"N)" + std::to_string(a) +
             R"(","name_zh":"一级","name_en":"Level 1","points":)" + std::to_string(per * 5) +
             R"(,"children":[)" + kids + "]}";
  }
  return R"({"code":"BENCH","name_zh":"基准模板","name_en":"Bench","object_class":"unit","total_points":)" +
         std::to_string(leaves) + R"(,"group_by":"field","grades":{"excellent":)" + std::to_string(leaves * 9 / 10) +
         R"(,"good":)" + std::to_string(leaves * 8 / 10) + R"(,"fair":)" + std::to_string(leaves * 6 / 10) +
         R"(},"colours":{"red_below":)" + std::to_string(leaves * 6 / 10) + R"(,"yellow_below":)" +
         std::to_string(leaves * 8 / 10) + R"(},"indicators":[)" + ind + R"(],"nodes":[)" + nodes + "]}";
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  int objects = 3000;
  int indicators = 150;
  int repeat = 5;
  int threads_arg = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--db") url = argv[i + 1];
    if (k == "--objects") objects = std::atoi(argv[i + 1]);
    if (k == "--indicators") indicators = std::atoi(argv[i + 1]);
    if (k == "--repeat") repeat = std::atoi(argv[i + 1]);
    if (k == "--threads") threads_arg = std::atoi(argv[i + 1]);
  }
  std::filesystem::path tmp;
  if (url.empty()) {
    tmp = std::filesystem::temp_directory_path() / ("assess_bench_" + std::to_string(::getpid()));
    std::filesystem::create_directories(tmp);
    url = "sqlite:" + (tmp / "bench.db").string();
  }
  InitCrypto();
  auto db = Must(db::Database::Open(url), "open");
  Must(db::Migrate(*db), "migrate");
  std::printf("engine %s, %d objects × %d indicators, median of %d\n", std::string(db::EngineName(db->engine())).c_str(),
              objects, indicators, repeat);

  // Orgs: one region, `objects` units in five fields.
  const auto t_setup = Clock::now();
  {
    auto tx = Must(db->Write(), "tx");
    const db::Sql region{"bench.region",
                         "INSERT INTO orgs (parent_id, code, name, level, region_level, org_kind, path, depth, created_at, "
                         "updated_at) VALUES (NULL, 'B-REGION', '基准县', 'region', 'county', 'admin', '/1/', 0, 1, 1) "
                         "RETURNING id"};
    const int64_t region_id = Must((*tx).QueryInt(region), "region");
    Check((*tx).Exec({"bench.region.path", "UPDATE orgs SET path = '/' || CAST(id AS TEXT) || '/' WHERE id = $1"},
                     {region_id})
              .ok()
              ? Ok()
              : Result<void>(InternalError("path")),
          "path");
    const char* fields[] = {"education", "health", "civil_affairs", "water", "housing"};
    const db::Sql unit{"bench.unit",
                       "INSERT INTO orgs (parent_id, code, name, level, org_kind, field, path, depth, created_at, "
                       "updated_at) VALUES ($1, $2, $3, 'unit', 'institution', $4, '', 1, 1, 1) RETURNING id"};
    const db::Sql unit_path{"bench.unit.path", "UPDATE orgs SET path = $2 WHERE id = $1"};
    for (int i = 0; i < objects; ++i) {
      char code[32];
      std::snprintf(code, sizeof code, "B-U%05d", i);
      const int64_t id =
          Must((*tx).QueryInt(unit, {region_id, code, std::string("单位") + code, fields[i % 5]}), "unit");
      (void)Must((*tx).Exec(unit_path, {id, "/" + std::to_string(region_id) + "/" + std::to_string(id) + "/"}),
                 "unit path");
    }
    // The template, published.
    auto file = Must(assessment::ParseTemplateFile(TemplateText(indicators), [](std::string_view) { return nullptr; }),
                     "template");
    (void)Must((*tx).Exec({"bench.template",
                           "INSERT INTO assess_templates (code, version, name_zh, name_en, object_class, status, frozen, "
                           "doc_json, created_at, updated_at) VALUES ('BENCH', 1, '基准模板', 'Bench', 'unit', "
                           "'published', 0, $1, 1, 1)"},
                          {assessment::TemplateDocJson(file.doc)}),
               "template insert");
    Check(tx.Commit(), "commit");
  }
  // metric_values: objects × indicators, in multi-row INSERTs.
  {
    auto tx = Must(db->Write(), "tx");
    std::vector<int64_t> ids;
    Check((*tx).ForEach({"bench.ids", "SELECT id FROM orgs WHERE level = 'unit' ORDER BY id"}, {},
                        [&](const db::Row& r) {
                          ids.push_back(r.Int(0));
                          return true;
                        }),
          "ids");
    constexpr int kRows = 200;
    std::string text = "INSERT INTO metric_values (period, metric_key, object_id, value, numerator, denominator, "
                       "computed_at) VALUES ";
    for (int r = 0; r < kRows; ++r) {
      const int b = r * 4;
      text += (r ? ", " : "") + std::string("('2026Q3', $") + std::to_string(b + 1) + ", $" + std::to_string(b + 2) +
              ", $" + std::to_string(b + 3) + ", $" + std::to_string(b + 4) + ", 100, 1)";
    }
    const db::Sql batch{"bench.values", text.c_str()};
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> dist(30, 100);
    std::vector<std::string> keys;
    for (int m = 0; m < indicators; ++m) keys.push_back("bench.m" + std::to_string(m));
    std::vector<db::Param> p;
    std::vector<double> values;
    int pending = 0;
    auto flush = [&] {
      Check((*tx).Exec(batch, p).ok() ? Ok() : Result<void>(InternalError("values")), "values");
      p.clear();
      pending = 0;
    };
    values.reserve(static_cast<size_t>(kRows));
    for (const auto& key : keys) {
      for (const int64_t id : ids) {
        const double v = dist(rng);
        p.emplace_back(std::string_view(key));
        p.emplace_back(id);
        p.emplace_back(v);
        p.emplace_back(v);
        if (++pending == kRows) flush();
      }
    }
    // The tail: single rows.
    const db::Sql one{"bench.value", "INSERT INTO metric_values (period, metric_key, object_id, value, numerator, "
                                     "denominator, computed_at) VALUES ('2026Q3', $1, $2, $3, $4, 100, 1)"};
    for (size_t i = 0; i + 3 < p.size(); i += 4) {
      Check((*tx).Exec(one, std::span<const db::Param>(p.data() + i, 4)).ok() ? Ok() : Result<void>(InternalError("v")),
            "value");
    }
    Check(tx.Commit(), "commit");
  }
  std::printf("setup %.0f ms\n", Ms(Clock::now() - t_setup));

  const auth::Caller caller{&CliPrincipal(), "bench", "local"};
  assessment::RunSettings settings;
  if (threads_arg > 0) settings.score_threads = threads_arg;
  {
    assessment::RunService runs(*db, assessment::MetricLink{}, settings);
    assessment::NewAssessment in;
    in.period = "2026Q3";
    in.template_code = "BENCH";
    const auto t0 = Clock::now();
    auto a = Must(runs.Create(caller, in), "create");
    std::printf("create: %lld objects in %.1f ms\n", static_cast<long long>(a.object_count), Ms(Clock::now() - t0));
  }
  // Runs alternate between one scoring thread and settings.score_threads, so
  // both are measured under the same machine load; the stored totals of the
  // two must be identical.
  const int threads = settings.score_threads;
  auto total_sum = [&] {  // every object's total, rank and scores_json, folded
    auto c = Must(db->Read(), "read");
    std::string all;
    Check((*c).ForEach({"bench.results", "SELECT object_id, total, rank_in_group, scores_json FROM assess_results "
                                         "ORDER BY object_id"},
                       {},
                       [&](const db::Row& r) {
                         all += std::to_string(r.Int(0)) + ':' + std::to_string(r.Real(1)) + ':' +
                                std::to_string(r.Int(2)) + ':' + r.Text(3) + ';';
                         return true;
                       }),
          "results");
    return std::to_string(all.size()) + " bytes, hash " + std::to_string(std::hash<std::string>{}(all));
  };
  std::vector<double> run_ms;
  std::vector<double> run_ms_one;
  std::string sum_one;
  std::string sum_many;
  for (int i = 0; i < repeat; ++i) {
    for (const int t : {1, threads}) {
      assessment::RunSettings s = settings;
      s.score_threads = t;
      assessment::RunService runs(*db, assessment::MetricLink{}, s);  // cold template cache
      const auto t0 = Clock::now();
      auto r = Must(runs.Run(caller, "2026Q3", "BENCH"), "run");
      (t == 1 ? run_ms_one : run_ms).push_back(Ms(Clock::now() - t0));
      std::printf("  run %d, %d thread(s): %.1f ms (%lld objects)\n", i + 1, t, (t == 1 ? run_ms_one : run_ms).back(),
                  static_cast<long long>(r.objects));
      (t == 1 ? sum_one : sum_many) = total_sum();
    }
  }
  if (sum_one != sum_many) {
    std::fprintf(stderr, "results differ: 1 thread %s, %d threads %s\n", sum_one.c_str(), threads, sum_many.c_str());
    return 1;
  }
  std::printf("run: median %.1f ms with %d scoring threads, %.1f ms with 1 (same totals: %s)\n", Median(run_ms), threads,
              Median(run_ms_one), sum_many.c_str());

  // One manual value changes → RecomputeObject (in its own transaction, as an input decision would).
  assessment::RunService runs(*db, assessment::MetricLink{}, settings);
  auto conn = Must(db->Read(), "read");
  const int64_t assessment_id =
      Must((*conn).QueryInt({"bench.aid", "SELECT id FROM assess_assessments WHERE template_code = 'BENCH'"}), "aid");
  std::vector<int64_t> some;
  Check((*conn).ForEach({"bench.some", "SELECT object_id FROM assess_objects WHERE assessment_id = $1 ORDER BY "
                                       "object_id LIMIT 7"},
                        {assessment_id},
                        [&](const db::Row& r) {
                          some.push_back(r.Int(0));
                          return true;
                        }),
        "objects");
  std::vector<double> recompute_ms;
  for (int i = 0; i < repeat + 1; ++i) {
    const int64_t object = some[static_cast<size_t>(i) % some.size()];
    auto tx = Must(db->Write(), "tx");
    (void)Must((*tx).Exec({"bench.input",
                           "INSERT INTO assess_inputs (assessment_id, object_id, indicator_code, role, value, "
                           "not_applicable, status, submitted_at) VALUES ($1, $2, 'b.i001', 'supervisor', $3, 0, "
                           "'accepted', 1) ON CONFLICT (assessment_id, object_id, indicator_code, role) DO UPDATE SET "
                           "value = excluded.value"},
                          {assessment_id, object, 10.0 + i}),
               "input");
    const auto t0 = Clock::now();
    auto r = Must(runs.RecomputeObject(*tx, assessment_id, object), "recompute");
    Check(tx.Commit(), "commit");
    const double ms = Ms(Clock::now() - t0);
    if (i > 0) recompute_ms.push_back(ms);  // the first one loads the template
    std::printf("  recompute %d: %.2f ms (total %.2f, rank %d → %d)\n", i, ms, r.after.total,
                r.rank_before.value_or(0), r.after.rank);
  }
  std::printf("recompute: median %.2f ms (template cached)\n", Median(recompute_ms));
  if (!tmp.empty()) std::filesystem::remove_all(tmp);
  return 0;
}
