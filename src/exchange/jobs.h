// JobRegistry: long imports and exports run as in-process background jobs
// (后台任务) so no web time-out ever kills them; the console polls Get.
//
// Start queues fn; at most Options::max_concurrent jobs run at once (2 by
// default: the machine has two cores and the HTTP server needs some). fn
// reports through its JobProgress; it returns Ok → succeeded, an Error →
// failed (the Error's code and messages are kept), an exception → failed with
// an internal error. Only the user who started a job sees it: Get for anyone
// else is NotFound, as for an unknown id. Finished jobs expire ttl_seconds
// after they finish; expiry removes the job and the report files it listed.
//
// Thread-safe: every method may be called from any thread. The destructor
// waits for running jobs; queued jobs that never started are dropped.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "core/time.h"

namespace minsheng::exchange {

enum class JobState { kQueued, kRunning, kSucceeded, kFailed };
// "queued" | "running" | "succeeded" | "failed"
std::string_view JobStateName(JobState s);

// What Get returns: a copy taken under the lock.
struct JobSnapshot {
  std::string id;
  std::string kind;  // "asset_import", "asset_export", …
  int64_t owner_user_id = 0;
  JobState state = JobState::kQueued;
  int64_t total = 0;  // 0 while unknown
  int64_t done = 0;
  std::string message;      // latest progress note, or the failure's message
  std::string message_en;
  std::string error_code;   // set when failed
  std::string result_json;  // set by the job, e.g. {"imported":1200}
  std::vector<std::string> report_files;
  UtcTime created_at;
  UtcTime started_at;   // zero until running
  UtcTime finished_at;  // zero until finished
};

class JobRegistry;

// The job's handle on its own progress. Thread-safe; cheap enough to call
// per row (one uncontended mutex).
class JobProgress {
 public:
  void SetTotal(int64_t total);
  void SetDone(int64_t done);
  void Advance(int64_t n = 1);
  void SetMessage(std::string zh, std::string en = {});
  void SetResultJson(std::string json);
  // A file the job produced (an error report). Removed when the job expires.
  void AddReportFile(std::string path);

 private:
  friend class JobRegistry;
  JobProgress(JobRegistry* registry, std::string id) : registry_(registry), id_(std::move(id)) {}
  JobRegistry* registry_;
  std::string id_;
};

using JobFn = std::function<Result<void>(JobProgress&)>;

class JobRegistry {
 public:
  struct Options {
    size_t max_concurrent = 2;
    size_t max_queued = 64;  // jobs waiting; beyond this Start refuses
    int64_t ttl_seconds = 3600;
  };

  JobRegistry() : JobRegistry(Options{}) {}
  explicit JobRegistry(Options options);
  JobRegistry(const JobRegistry&) = delete;
  JobRegistry& operator=(const JobRegistry&) = delete;
  ~JobRegistry();

  // Queues fn and returns the job id (random, unguessable). Error
  // "exchange.too_many_jobs" (kRateLimited) when the queue is full.
  Result<std::string> Start(std::string kind, int64_t owner_user_id, JobFn fn);
  // The job as its owner sees it; NotFound for other users, unknown or
  // expired ids.
  Result<JobSnapshot> Get(std::string_view id, int64_t user_id);
  // Blocks until the job has finished or timeout_ms passed; true when finished.
  bool WaitFor(std::string_view id, int64_t timeout_ms);

 private:
  friend class JobProgress;
  struct Job {
    JobSnapshot snap;
    JobFn fn;
  };

  void Worker();
  void ExpireLocked();  // requires mutex_
  template <typename F>
  void Update(const std::string& id, F&& f);

  const Options options_;
  std::mutex mutex_;
  std::condition_variable work_cv_;  // queue_ gained a job, or stopping_
  std::condition_variable done_cv_;  // a job finished
  std::unordered_map<std::string, std::unique_ptr<Job>> jobs_;  // GUARDED_BY(mutex_)
  std::deque<std::string> queue_;                               // GUARDED_BY(mutex_)
  bool stopping_ = false;                                       // GUARDED_BY(mutex_)
  std::vector<std::thread> workers_;                            // GUARDED_BY(mutex_), started lazily
};

}  // namespace minsheng::exchange
