#include "exchange/jobs.h"

#include <chrono>
#include <cstdio>
#include <exception>

#include "core/crypto.h"

namespace minsheng::exchange {

std::string_view JobStateName(JobState s) {
  switch (s) {
    case JobState::kQueued: return "queued";
    case JobState::kRunning: return "running";
    case JobState::kSucceeded: return "succeeded";
    case JobState::kFailed: return "failed";
  }
  return "failed";
}

template <typename F>
void JobRegistry::Update(const std::string& id, F&& f) {
  std::lock_guard lock(mutex_);
  const auto it = jobs_.find(id);
  if (it != jobs_.end()) f(it->second->snap);
}

void JobProgress::SetTotal(int64_t total) {
  registry_->Update(id_, [&](JobSnapshot& s) { s.total = total; });
}
void JobProgress::SetDone(int64_t done) {
  registry_->Update(id_, [&](JobSnapshot& s) { s.done = done; });
}
void JobProgress::Advance(int64_t n) {
  registry_->Update(id_, [&](JobSnapshot& s) { s.done += n; });
}
void JobProgress::SetMessage(std::string zh, std::string en) {
  registry_->Update(id_, [&](JobSnapshot& s) {
    s.message = std::move(zh);
    s.message_en = std::move(en);
  });
}
void JobProgress::SetResultJson(std::string json) {
  registry_->Update(id_, [&](JobSnapshot& s) { s.result_json = std::move(json); });
}
void JobProgress::AddReportFile(std::string path) {
  registry_->Update(id_, [&](JobSnapshot& s) { s.report_files.push_back(std::move(path)); });
}

JobRegistry::JobRegistry(Options options) : options_(options) { InitCrypto(); }

JobRegistry::~JobRegistry() {
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    workers.swap(workers_);
  }
  work_cv_.notify_all();
  for (auto& t : workers) t.join();
}

Result<std::string> JobRegistry::Start(std::string kind, int64_t owner_user_id, JobFn fn) {
  std::lock_guard lock(mutex_);
  ExpireLocked();
  if (queue_.size() >= options_.max_queued) {
    return MakeError(ErrorCode::kRateLimited, "exchange.too_many_jobs",
                     "后台任务太多，请等当前的导入或导出完成后再试",
                     "Too many background jobs; try again when the current imports or exports finish");
  }
  auto job = std::make_unique<Job>();
  job->snap.id = RandomToken(16);
  job->snap.kind = std::move(kind);
  job->snap.owner_user_id = owner_user_id;
  job->snap.created_at = Now();
  job->fn = std::move(fn);
  const std::string id = job->snap.id;
  jobs_.emplace(id, std::move(job));
  queue_.push_back(id);
  // Threads are started on demand, up to the bound; they then stay.
  if (workers_.size() < options_.max_concurrent) {
    workers_.emplace_back([this] { Worker(); });
  }
  work_cv_.notify_one();
  return id;
}

void JobRegistry::Worker() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    const std::string id = queue_.front();
    queue_.pop_front();
    const auto it = jobs_.find(id);
    if (it == jobs_.end()) continue;
    Job& job = *it->second;
    job.snap.state = JobState::kRunning;
    job.snap.started_at = Now();
    JobFn fn = std::move(job.fn);
    lock.unlock();

    JobProgress progress(this, id);
    Result<void> result = Ok();
    try {
      result = fn(progress);
    } catch (const std::exception& e) {
      result = InternalError(std::string("job threw: ") + e.what());
    } catch (...) {
      result = InternalError("job threw a non-standard exception");
    }
    fn = nullptr;  // release what the job captured before reporting it done

    lock.lock();
    const auto again = jobs_.find(id);
    if (again != jobs_.end()) {
      JobSnapshot& s = again->second->snap;
      s.finished_at = Now();
      if (result.ok()) {
        s.state = JobState::kSucceeded;
      } else {
        const Error& e = result.error();
        s.state = JobState::kFailed;
        s.error_code = e.code;
        s.message = e.zh;
        s.message_en = e.en;
      }
    }
    done_cv_.notify_all();
  }
}

void JobRegistry::ExpireLocked() {
  const UtcTime now = Now();
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    const JobSnapshot& s = it->second->snap;
    const bool finished = s.state == JobState::kSucceeded || s.state == JobState::kFailed;
    if (finished && s.finished_at.PlusSeconds(options_.ttl_seconds) <= now) {
      for (const auto& f : s.report_files) std::remove(f.c_str());
      it = jobs_.erase(it);
    } else {
      ++it;
    }
  }
}

Result<JobSnapshot> JobRegistry::Get(std::string_view id, int64_t user_id) {
  std::lock_guard lock(mutex_);
  ExpireLocked();
  const auto it = jobs_.find(std::string(id));
  if (it == jobs_.end() || it->second->snap.owner_user_id != user_id) {
    return NotFoundError("任务", "Job");
  }
  return it->second->snap;
}

bool JobRegistry::WaitFor(std::string_view id, int64_t timeout_ms) {
  std::unique_lock lock(mutex_);
  const std::string key(id);
  return done_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
    const auto it = jobs_.find(key);
    if (it == jobs_.end()) return true;
    const JobState s = it->second->snap.state;
    return s == JobState::kSucceeded || s == JobState::kFailed;
  });
}

}  // namespace minsheng::exchange
