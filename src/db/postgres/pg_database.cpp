#include "db/postgres/pg_database.h"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <poll.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "db/driver.h"

namespace minsheng::db {
namespace {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

std::string_view TrimNewline(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
  return s;
}

// The URL with its password (user:PASSWORD@ or password=…) replaced by "***".
std::string RedactUrl(std::string_view url) {
  std::string_view head = url.substr(0, url.find('?'));
  std::string_view query = url.substr(head.size());
  std::string out;
  size_t scheme = head.find("://");
  size_t at = head.rfind('@');
  size_t colon = scheme == std::string_view::npos ? at : head.find(':', scheme + 3);
  if (at != std::string_view::npos && colon < at) {
    out.append(head.substr(0, colon + 1)).append("***").append(head.substr(at));
  } else {
    out.append(head);
  }
  for (size_t pos = 0; pos < query.size();) {
    size_t end = std::min(query.find('&', pos + 1), query.size());
    std::string_view part = query.substr(pos, end - pos);  // "?k=v" or "&k=v"
    if (part.substr(1).starts_with("password=")) {
      out.append(part.substr(0, 10)).append("***");
    } else {
      out.append(part);
    }
    pos = end;
  }
  return out;
}

void LogNotice(void* /*arg*/, const char* message) {
  spdlog::debug("postgresql: {}", TrimNewline(message));
}

// One row of a result.
class PgRow final : public Row {
 public:
  PgRow(const PGresult* res, int row) : res_(res), row_(row) {}
  int size() const override { return PQnfields(res_); }
  bool IsNull(int col) const override { return PQgetisnull(res_, row_, col) != 0; }
  int64_t Int(int col) const override { return driver::ParseInt(View(col)); }
  double Real(int col) const override { return driver::ParseReal(View(col)); }
  std::string Text(int col) const override { return std::string(View(col)); }

 private:
  std::string_view View(int col) const {
    return {PQgetvalue(res_, row_, col), static_cast<size_t>(PQgetlength(res_, row_, col))};
  }
  const PGresult* res_;
  int row_;
};

// Parameters in PostgreSQL's text format; NULL as a null pointer.
class TextParams {
 public:
  explicit TextParams(Params params) {
    texts_.reserve(params.size());  // no reallocation: values_ points into texts_
    for (const Param& p : params) {
      if (p.is_null()) {
        values_.push_back(nullptr);
      } else {
        values_.push_back(texts_.emplace_back(p.ToText()).c_str());
      }
    }
  }
  int size() const { return static_cast<int>(values_.size()); }
  const char* const* values() const { return values_.data(); }

 private:
  std::vector<std::string> texts_;
  std::vector<const char*> values_;
};

// One value of COPY's text format: NULL as \N; backslash, tab, newline and
// carriage return escaped (the only characters the format treats specially).
void AppendCopyField(std::string& out, const Param& p) {
  if (p.is_null()) {
    out += "\\N";
    return;
  }
  if (!p.is_text()) {
    out += p.ToText();
    return;
  }
  const std::string_view v = p.as_text();
  size_t plain = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    const char ch = v[i];
    if (ch != '\\' && ch != '\t' && ch != '\n' && ch != '\r') continue;
    out.append(v.data() + plain, i - plain);
    plain = i + 1;
    out.push_back('\\');
    out.push_back(ch == '\\' ? '\\' : ch == '\t' ? 't' : ch == '\n' ? 'n' : 'r');
  }
  out.append(v.data() + plain, v.size() - plain);
}

// The channel of migration 0011's generation triggers.
constexpr const char* kCacheChannel = "minsheng_cache";

// The generations pushed on kCacheChannel as far as this process has read
// them: the largest generation seen per key (a payload may arrive twice —
// through the listener and through the connection that wrote it — or late,
// from a connection that sat idle). Thread-safe.
class PushedGenerations {
 public:
  // A payload "key:generation"; others are ignored.
  void Apply(std::string_view payload) {
    const size_t colon = payload.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return;
    int64_t generation = 0;
    const char* end = payload.data() + payload.size();
    if (std::from_chars(payload.data() + colon + 1, end, generation).ptr != end) return;
    const std::string_view key = payload.substr(0, colon);
    std::unique_lock lock(mu_);
    auto it = generations_.find(key);
    if (it == generations_.end()) {
      generations_.emplace(std::string(key), generation);
    } else if (it->second < generation) {
      it->second = generation;
    } else {
      return;
    }
    ++sequence_;
  }

  // The listener (re)connected: whatever was pushed before may have been
  // missed, so every token changes.
  void Restart() {
    std::unique_lock lock(mu_);
    ++epoch_;
    ++sequence_;
  }

  PushedToken Token(std::span<const std::string> keys) const {
    std::shared_lock lock(mu_);
    int64_t sum = 0;
    for (const std::string& k : keys) {
      if (const auto it = generations_.find(k); it != generations_.end()) sum += it->second;
    }
    // The epoch in the top bits: a restart changes every token.
    return {sequence_, static_cast<int64_t>((epoch_ << kEpochShift) + (static_cast<uint64_t>(sum) & kSumMask))};
  }

 private:
  static constexpr int kEpochShift = 44;
  static constexpr uint64_t kSumMask = (uint64_t{1} << kEpochShift) - 1;
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, int64_t, Hash, std::equal_to<>> generations_;  // GUARDED_BY(mu_)
  uint64_t epoch_ = 0;                                                           // GUARDED_BY(mu_)
  uint64_t sequence_ = 0;                                                        // GUARDED_BY(mu_)
};

class PgConnection final : public Connection {
 public:
  PgConnection(PGconn* conn, const std::string& where) : conn_(conn), where_(where) {}
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection() override { PQfinish(conn_); }

  Engine engine() const override { return Engine::kPostgres; }
  PGconn* handle() const { return conn_; }

  Result<Rows> Query(const Sql& sql, Params params) override {
    MS_ASSIGN_OR_RETURN(PgResult res, Run(sql, params));
    Rows rows;
    const int nrows = PQntuples(res.get());
    const int ncols = PQnfields(res.get());
    for (int r = 0; r < nrows; ++r) {
      std::vector<Rows::Cell> cells;
      cells.reserve(static_cast<size_t>(ncols));
      for (int c = 0; c < ncols; ++c) {
        if (PQgetisnull(res.get(), r, c) != 0) {
          cells.emplace_back(std::nullopt);
        } else {
          cells.emplace_back(std::string(PQgetvalue(res.get(), r, c),
                                         static_cast<size_t>(PQgetlength(res.get(), r, c))));
        }
      }
      rows.Add(std::move(cells));
    }
    return rows;
  }

  // Reads the whole result before calling fn, so fn may run other statements
  // on this connection (as it may on SQLite). Bulk reads page with LIMIT.
  Result<void> ForEach(const Sql& sql, Params params,
                       const std::function<bool(const Row&)>& fn) override {
    MS_ASSIGN_OR_RETURN(PgResult res, Run(sql, params));
    const int nrows = PQntuples(res.get());
    for (int r = 0; r < nrows; ++r) {
      if (!fn(PgRow(res.get(), r))) break;
    }
    return Ok();
  }

  Result<int64_t> Exec(const Sql& sql, Params params) override {
    MS_ASSIGN_OR_RETURN(PgResult res, Run(sql, params));
    return driver::ParseInt(PQcmdTuples(res.get()));
  }

  Result<int64_t> CopyIn(std::string_view table, std::span<const std::string_view> columns,
                         Params values) override {
    const std::string what = "copy " + std::string(table);
    if (columns.empty() || values.size() % columns.size() != 0) {
      return InternalError(what + ": values are not whole rows");
    }
    std::string sql = "COPY " + std::string(table) + " (";
    for (size_t i = 0; i < columns.size(); ++i) sql.append(i > 0 ? ", " : "").append(columns[i]);
    sql += ") FROM STDIN";
    PgResult start(PQexec(conn_, sql.c_str()));
    if (PQresultStatus(start.get()) != PGRES_COPY_IN) return MapError(what, start.get());
    constexpr size_t kFlushBytes = size_t{1} << 20;
    std::string buf;
    buf.reserve(kFlushBytes + 4096);
    bool sent = true;
    for (size_t i = 0; i < values.size() && sent; ++i) {
      AppendCopyField(buf, values[i]);
      buf.push_back((i + 1) % columns.size() == 0 ? '\n' : '\t');
      if (buf.size() >= kFlushBytes) {
        sent = PQputCopyData(conn_, buf.data(), static_cast<int>(buf.size())) == 1;
        buf.clear();
      }
    }
    if (sent && !buf.empty()) sent = PQputCopyData(conn_, buf.data(), static_cast<int>(buf.size())) == 1;
    // On a failed send the COPY is ended with an error so the server aborts it.
    const bool ended = PQputCopyEnd(conn_, sent ? nullptr : "client failed to send the rows") == 1;
    PgResult end(PQgetResult(conn_));
    while (PGresult* more = PQgetResult(conn_)) PQclear(more);
    DrainPushed();
    if (!sent || !ended || PQresultStatus(end.get()) != PGRES_COMMAND_OK) return MapError(what, end.get());
    return driver::ParseInt(PQcmdTuples(end.get()));
  }

  Result<void> ExecScript(std::string_view script) override {
    PgResult res(PQexec(conn_, std::string(script).c_str()));
    DrainPushed();
    switch (PQresultStatus(res.get())) {
      case PGRES_COMMAND_OK:
      case PGRES_TUPLES_OK:
      case PGRES_EMPTY_QUERY:
        return Ok();
      default:
        return MapError("script \"" + std::string(script.substr(0, 80)) + "\"", res.get());
    }
  }

  // Reads what the server sent while the connection sat idle; false when the
  // connection is broken. A terminated backend sends a message and closes:
  // the first read takes the message, the second meets end-of-file.
  bool Alive() {
    for (int i = 0; i < 2 && PQstatus(conn_) == CONNECTION_OK; ++i) PQconsumeInput(conn_);
    return PQstatus(conn_) == CONNECTION_OK;
  }

  // Listens on kCacheChannel from now on and hands what arrives to pushed:
  // a write on this connection then reaches pushed before its COMMIT returns
  // (PostgreSQL sends a session its own notifications ahead of the reply).
  Result<void> Listen(PushedGenerations* pushed) {
    if (pushed_ != nullptr) return Ok();
    MS_TRY(ExecScript(std::string("LISTEN ") + kCacheChannel));
    pushed_ = pushed;
    return Ok();
  }

  // Hands the notifications libpq has read to pushed_.
  void DrainPushed() {
    while (PGnotify* n = PQnotifies(conn_)) {
      if (pushed_ != nullptr && n->extra != nullptr) pushed_->Apply(n->extra);
      PQfreemem(n);
    }
  }

  // Whether the pool may lend this connection again: it must be healthy and
  // outside any transaction. A transaction left open is rolled back.
  bool Reusable() {
    if (PQstatus(conn_) != CONNECTION_OK) return false;
    switch (PQtransactionStatus(conn_)) {
      case PQTRANS_IDLE:
        return true;
      case PQTRANS_INTRANS:
      case PQTRANS_INERROR:
        return ExecScript("ROLLBACK").ok() && PQtransactionStatus(conn_) == PQTRANS_IDLE;
      default:  // a query still running, or the state is unknown
        return false;
    }
  }

 private:
  struct Prepared {
    std::string statement;  // server-side name: Sql::name may exceed 63 bytes
    const char* source;     // Sql::text it was prepared from
  };

  // The server-side name of sql's prepared statement, preparing it first.
  Result<const char*> Prepare(const Sql& sql) {
    auto it = prepared_.find(sql.name);
    if (it == prepared_.end()) {
      std::string statement = "ms_" + std::to_string(prepared_.size() + 1);
      PgResult res(PQprepare(conn_, statement.c_str(),
                             sql.pg_text != nullptr ? sql.pg_text : sql.text, 0, nullptr));
      if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) return MapError(sql.name, res.get());
      it = prepared_.emplace(sql.name, Prepared{std::move(statement), sql.text}).first;
    } else if (it->second.source != sql.text && std::strcmp(it->second.source, sql.text) != 0) {
      return InternalError(std::string("two statements are named ") + sql.name);
    }
    return it->second.statement.c_str();
  }

  Result<PgResult> Run(const Sql& sql, Params params) {
    TextParams text(params);
    PgResult res;
    if (sql.pg_plan_each_time) {
      res = PgResult(PQexecParams(conn_, sql.pg_text != nullptr ? sql.pg_text : sql.text, text.size(), nullptr,
                                  text.values(), nullptr, nullptr, 0));
    } else {
      MS_ASSIGN_OR_RETURN(const char* stmt, Prepare(sql));
      res = PgResult(PQexecPrepared(conn_, stmt, text.size(), text.values(), nullptr, nullptr, 0));
    }
    DrainPushed();
    ExecStatusType status = PQresultStatus(res.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      return MapError(sql.name, res.get());
    }
    return res;
  }

  // Maps a failed result (or, when res is null, the connection's last error).
  Error MapError(std::string_view what, const PGresult* res) {
    std::string message(TrimNewline(res != nullptr ? PQresultErrorMessage(res) : ""));
    if (message.empty()) message = TrimNewline(PQerrorMessage(conn_));
    std::string log = std::string(what) + ": " + message;
    if (PQstatus(conn_) != CONNECTION_OK) return driver::UnavailableError(where_, std::move(log));

    const char* field = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    const std::string_view state = field != nullptr ? field : "";
    field = res != nullptr ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : nullptr;
    const std::string constraint = field != nullptr ? field : "";
    if (!constraint.empty()) log += " [constraint " + constraint + "]";
    log += " (sqlstate " + std::string(state) + ")";

    if (state == "23505") return driver::DuplicateError(constraint, std::move(log));
    if (state == "23503") return driver::ReferenceError(std::move(log));
    if (state == "23514") return driver::CheckError(std::move(log));
    if (state == "40001" || state == "40P01") return driver::BusyError(std::move(log));
    if (state == "P0001") return driver::RejectedError(std::move(log));
    if (state.starts_with("08") || state.starts_with("57P")) {
      return driver::UnavailableError(where_, std::move(log));
    }
    return InternalError(std::move(log));
  }

  PGconn* const conn_;
  const std::string where_;                             // the redacted URL
  std::unordered_map<std::string, Prepared> prepared_;  // by Sql::name
  PushedGenerations* pushed_ = nullptr;                 // set once it listens
};

Result<std::unique_ptr<PgConnection>> Connect(const std::string& url, const std::string& where) {
  // Settings before dbname are defaults the URL may override; after it, forced.
  const char* const keys[] = {"connect_timeout", "application_name", "dbname", "client_encoding",
                              nullptr};
  const char* const values[] = {"10", "minsheng", url.c_str(), "UTF8", nullptr};
  auto conn = std::make_unique<PgConnection>(PQconnectdbParams(keys, values, 1), where);
  if (PQstatus(conn->handle()) != CONNECTION_OK) {
    return driver::UnavailableError(
        where,
        "connect " + where + ": " + std::string(TrimNewline(PQerrorMessage(conn->handle()))));
  }
  PQsetNoticeProcessor(conn->handle(), LogNotice, nullptr);
  MS_TRY(conn->ExecScript("SET TimeZone TO 'UTC'"));
  return conn;
}

class PgDatabase final : public Database, public Pool {
 public:
  PgDatabase(std::string url, size_t max_open)
      : url_(std::move(url)), where_(RedactUrl(url_)), max_open_(max_open) {}
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;
  ~PgDatabase() override {
    {
      std::lock_guard lock(listener_mu_);
      stopping_ = true;
    }
    listener_wake_.notify_all();
    if (listener_.joinable()) listener_.join();
  }

  std::optional<PushedToken> Pushed(std::span<const std::string> keys) override {
    if (!feed_started_.load(std::memory_order_acquire)) StartFeed();
    if (!live_.load(std::memory_order_acquire)) return std::nullopt;
    return pushed_.Token(keys);
  }

  Engine engine() const override { return Engine::kPostgres; }
  std::string Describe() const override { return "postgresql " + where_; }

  Result<Lease> Read() override {
    MS_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, Acquire());
    return Lease(this, std::move(conn));
  }

  Result<Tx> Write() override {
    MS_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, Acquire());
    Lease lease(this, std::move(conn));
    MS_TRY(lease->ExecScript("BEGIN"));
    return Tx(std::move(lease));
  }

  void Return(std::unique_ptr<Connection> conn) override {
    std::unique_ptr<PgConnection> c(static_cast<PgConnection*>(conn.release()));
    bool reusable = c->Reusable();
    if (!reusable) c.reset();  // closed outside the lock
    std::lock_guard lock(mutex_);
    if (reusable) {
      idle_.push_back(std::move(c));
    } else {
      --open_;
    }
    freed_.notify_one();
  }

 private:
  // An idle connection, or a new one while fewer than max_open_ exist; waits
  // up to kPoolWait for one to come back.
  Result<std::unique_ptr<Connection>> Acquire() {
    const auto deadline = std::chrono::steady_clock::now() + driver::kPoolWait;
    std::unique_lock lock(mutex_);
    for (;;) {
      if (!freed_.wait_until(lock, deadline, [&] { return !idle_.empty() || open_ < max_open_; })) {
        return driver::PoolExhaustedError(Describe());
      }
      if (!idle_.empty()) {
        std::unique_ptr<PgConnection> conn = std::move(idle_.back());
        idle_.pop_back();
        if (conn->Alive()) {
          lock.unlock();
          return Lend(std::move(conn));
        }
        spdlog::warn("dropping a broken PostgreSQL connection to {}", where_);
        --open_;
        continue;
      }
      ++open_;
      lock.unlock();
      Result<std::unique_ptr<PgConnection>> conn = Connect(url_, where_);
      if (!conn.ok()) {
        lock.lock();
        --open_;
        freed_.notify_one();
        return std::move(conn).error();
      }
      return Lend(std::move(conn).value());
    }
  }

  // Once the feed has started every lent connection listens, so this
  // process's own writes reach pushed_ before their commit returns.
  Result<std::unique_ptr<Connection>> Lend(std::unique_ptr<PgConnection> conn) {
    if (feed_started_.load(std::memory_order_acquire)) {
      if (auto listening = conn->Listen(&pushed_); !listening.ok()) {
        Return(std::move(conn));
        return std::move(listening).error();
      }
    }
    return std::unique_ptr<Connection>(std::move(conn));
  }

  void StartFeed() {
    std::lock_guard lock(listener_mu_);
    if (feed_started_.load(std::memory_order_relaxed) || stopping_) return;
    feed_started_.store(true, std::memory_order_release);
    listener_ = std::thread([this] { ListenLoop(); });
  }

  // The listener: a connection of its own that LISTENs and waits for
  // notifications; while it is down Pushed says nullopt, and each
  // reconnection restarts the tokens.
  void ListenLoop() {
    constexpr auto kRetry = std::chrono::seconds(1);
    constexpr int kPollMs = 200;  // how often it looks at stopping_
    for (;;) {
      {
        std::unique_lock lock(listener_mu_);
        if (stopping_) return;
      }
      Result<std::unique_ptr<PgConnection>> conn = Connect(url_, where_);
      if (conn.ok() && (*conn)->Listen(&pushed_).ok()) {
        pushed_.Restart();
        live_.store(true, std::memory_order_release);
        PGconn* pg = (*conn)->handle();
        for (;;) {
          {
            std::lock_guard lock(listener_mu_);
            if (stopping_) break;
          }
          pollfd fd{PQsocket(pg), POLLIN, 0};
          if (fd.fd < 0) break;
          const int ready = poll(&fd, 1, kPollMs);
          if (ready < 0 && errno != EINTR) break;
          if (ready > 0 && (PQconsumeInput(pg) == 0 || PQstatus(pg) != CONNECTION_OK)) break;
          (*conn)->DrainPushed();
        }
        live_.store(false, std::memory_order_release);
        std::lock_guard lock(listener_mu_);
        if (stopping_) return;
        spdlog::warn("the PostgreSQL cache listener lost {}; caches read the generation rows until it is back",
                     where_);
      }
      std::unique_lock lock(listener_mu_);
      listener_wake_.wait_for(lock, kRetry, [this] { return stopping_; });
    }
  }

  const std::string url_;
  const std::string where_;  // url_ without its password
  const size_t max_open_;
  std::mutex mutex_;
  std::condition_variable freed_;                    // a connection came back or was dropped
  std::vector<std::unique_ptr<PgConnection>> idle_;  // GUARDED_BY(mutex_)
  size_t open_ = 0;                                  // GUARDED_BY(mutex_); idle plus lent

  PushedGenerations pushed_;
  std::atomic<bool> feed_started_{false};  // Pushed was called: connections listen
  std::atomic<bool> live_{false};          // the listener is connected and listening
  std::mutex listener_mu_;
  std::condition_variable listener_wake_;  // stopping_ became true
  bool stopping_ = false;                  // GUARDED_BY(listener_mu_)
  std::thread listener_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenPostgres(const std::string& url, const Options& options) {
  auto db = std::make_unique<PgDatabase>(url, static_cast<size_t>(std::max(1, options.readers)));
  MS_TRY(db->Read());  // the first connection: fails here when the server does not answer
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace minsheng::db
