#include "db/sqlite/sqlite_database.h"

#include <sqlite3.h>

#include <algorithm>
#include <cassert>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "db/driver.h"
#include "db/sqlite/fts5_gram_tokenizer.h"

namespace minsheng::db {
namespace {

// "$1" → "?1", leaving quoted strings, quoted identifiers and comments alone.
std::string RewritePlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    size_t end = i + 1;  // one past the piece copied unchanged
    if (c == '\'' || c == '"') {
      end = std::min(sql.find(c, i + 1), sql.size() - 1) + 1;
    } else if (sql.substr(i, 2) == "--") {
      end = std::min(sql.find('\n', i), sql.size() - 1) + 1;
    } else if (sql.substr(i, 2) == "/*") {
      size_t close = sql.find("*/", i + 2);
      end = close == std::string_view::npos ? sql.size() : close + 2;
    } else if (c == '$' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out += '?';
      ++i;
      continue;
    }
    out.append(sql.substr(i, end - i));
    i = end;
  }
  return out;
}

// A cell's text; REAL values in the shortest form that reads back exactly.
std::string CellText(sqlite3_stmt* stmt, int col) {
  switch (sqlite3_column_type(stmt, col)) {
    case SQLITE_NULL:
      return {};
    case SQLITE_FLOAT:
      return driver::FormatReal(sqlite3_column_double(stmt, col));
    default: {
      const unsigned char* text = sqlite3_column_text(stmt, col);
      auto size = static_cast<size_t>(sqlite3_column_bytes(stmt, col));
      return text == nullptr ? std::string()
                             : std::string(reinterpret_cast<const char*>(text), size);
    }
  }
}

// The current row of a statement being stepped.
class SqliteRow final : public Row {
 public:
  explicit SqliteRow(sqlite3_stmt* stmt) : stmt_(stmt) {}
  int size() const override { return sqlite3_column_count(stmt_); }
  bool IsNull(int col) const override { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  int64_t Int(int col) const override { return sqlite3_column_int64(stmt_, col); }
  double Real(int col) const override { return sqlite3_column_double(stmt_, col); }
  std::string Text(int col) const override { return CellText(stmt_, col); }

 private:
  sqlite3_stmt* stmt_;
};

// A statement in use with its parameters bound. When it goes away a cached
// statement is reset with its bindings cleared; a one-off one is finalized.
class BoundStatement {
 public:
  BoundStatement(sqlite3_stmt* stmt, bool one_off) : stmt_(stmt), one_off_(one_off) {}
  BoundStatement(BoundStatement&& other) noexcept
      : stmt_(std::exchange(other.stmt_, nullptr)), one_off_(other.one_off_) {}
  BoundStatement& operator=(BoundStatement&&) = delete;
  ~BoundStatement() {
    if (stmt_ == nullptr) return;
    if (one_off_) {
      sqlite3_finalize(stmt_);
    } else {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_;
  bool one_off_;
};

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(sqlite3* db, bool writer) : db_(db), writer_(writer) {}
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;
  ~SqliteConnection() override {
    for (auto& [name, cached] : cache_) sqlite3_finalize(cached.stmt);
    sqlite3_close_v2(db_);
  }

  Engine engine() const override { return Engine::kSqlite; }
  bool writer() const { return writer_; }
  sqlite3* handle() const { return db_; }

  Result<Rows> Query(const Sql& sql, Params params) override {
    MS_ASSIGN_OR_RETURN(BoundStatement st, Prepare(sql, params));
    Rows rows;
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
      int n = sqlite3_column_count(st.get());
      std::vector<Rows::Cell> cells;
      cells.reserve(static_cast<size_t>(n));
      for (int c = 0; c < n; ++c) {
        if (sqlite3_column_type(st.get(), c) == SQLITE_NULL) {
          cells.emplace_back(std::nullopt);
        } else {
          cells.emplace_back(CellText(st.get(), c));
        }
      }
      rows.Add(std::move(cells));
    }
    if (rc != SQLITE_DONE) return MapError(sql.name);
    return rows;
  }

  Result<void> ForEach(const Sql& sql, Params params,
                       const std::function<bool(const Row&)>& fn) override {
    MS_ASSIGN_OR_RETURN(BoundStatement st, Prepare(sql, params));
    SqliteRow row(st.get());
    for (;;) {
      int rc = sqlite3_step(st.get());
      if (rc == SQLITE_DONE) return Ok();
      if (rc != SQLITE_ROW) return MapError(sql.name);
      if (!fn(row)) return Ok();
    }
  }

  Result<int64_t> Exec(const Sql& sql, Params params) override {
    MS_ASSIGN_OR_RETURN(BoundStatement st, Prepare(sql, params));
    int rc;
    while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return MapError(sql.name);
    return sqlite3_changes64(db_);
  }

  Result<void> ExecScript(std::string_view script) override {
    if (sqlite3_exec(db_, std::string(script).c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
      return MapError("script \"" + std::string(script.substr(0, 80)) + "\"");
    }
    return Ok();
  }

 private:
  struct Cached {
    sqlite3_stmt* stmt;
    const char* source;  // Sql::text it was prepared from
  };

  Result<BoundStatement> Prepare(const Sql& sql, Params params) {
    auto it = cache_.find(sql.name);
    if (it == cache_.end()) {
      sqlite3_stmt* stmt = nullptr;
      std::string text = RewritePlaceholders(sql.text);
      if (sqlite3_prepare_v3(db_, text.c_str(), static_cast<int>(text.size()),
                             SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
        return MapError(sql.name);
      }
      it = cache_.emplace(sql.name, Cached{stmt, sql.text}).first;
    } else if (it->second.source != sql.text && std::strcmp(it->second.source, sql.text) != 0) {
      return InternalError(std::string("two statements are named ") + sql.name);
    }
    sqlite3_stmt* stmt = it->second.stmt;
    bool one_off = sqlite3_stmt_busy(stmt) != 0;
    if (one_off) {  // the same statement is still stepping in an outer ForEach
      if (sqlite3_prepare_v3(db_, sqlite3_sql(stmt), -1, 0, &stmt, nullptr) != SQLITE_OK) {
        return MapError(sql.name);
      }
    }
    BoundStatement st(stmt, one_off);
    if (sqlite3_bind_parameter_count(stmt) != static_cast<int>(params.size())) {
      return InternalError(std::string(sql.name) + ": expects " +
                           std::to_string(sqlite3_bind_parameter_count(stmt)) +
                           " parameters, got " + std::to_string(params.size()));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      const Param& p = params[i];
      int index = static_cast<int>(i) + 1;
      int rc = SQLITE_OK;
      if (p.is_int()) {
        rc = sqlite3_bind_int64(stmt, index, p.as_int());
      } else if (p.is_real()) {
        rc = sqlite3_bind_double(stmt, index, p.as_real());
      } else if (p.is_text()) {
        // Static is safe: the bindings are cleared before the caller's text can go away.
        std::string_view text = p.as_text();
        rc = sqlite3_bind_text64(stmt, index, text.data() == nullptr ? "" : text.data(),
                                 text.size(), SQLITE_STATIC, SQLITE_UTF8);
      } else {
        rc = sqlite3_bind_null(stmt, index);
      }
      if (rc != SQLITE_OK) return MapError(sql.name);
    }
    return st;
  }

  // The error SQLite reported last on this connection, mapped for callers.
  Error MapError(std::string_view what) {
    const int code = sqlite3_extended_errcode(db_);
    const std::string message = sqlite3_errmsg(db_);
    std::string log = std::string(what) + ": " + message + " (sqlite " + std::to_string(code) + ")";
    switch (code) {
      case SQLITE_CONSTRAINT_UNIQUE:
        return driver::DuplicateError(IndexName(message, false), std::move(log));
      case SQLITE_CONSTRAINT_PRIMARYKEY:
        return driver::DuplicateError(IndexName(message, true), std::move(log));
      case SQLITE_CONSTRAINT_FOREIGNKEY:
        return driver::ReferenceError(std::move(log));
      case SQLITE_CONSTRAINT_CHECK:
        return driver::CheckError(std::move(log));
      case SQLITE_CONSTRAINT_TRIGGER:
        return driver::RejectedError(std::move(log));
      default:
        break;
    }
    if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED) {
      return driver::BusyError(std::move(log));
    }
    return InternalError(std::move(log));
  }

  // The name PostgreSQL would report for the index behind a uniqueness
  // message, so both engines name it alike: "UNIQUE constraint failed:
  // users.username" → "users_username" (CREATE UNIQUE INDEX), "t_pkey"
  // (primary key), "t_a_b_key" (UNIQUE in CREATE TABLE). SQLite names
  // expression indexes itself: "… failed: index 'name'".
  std::string IndexName(const std::string& message, bool primary_key) {
    constexpr std::string_view kIndex = "index '";
    if (size_t at = message.find(kIndex); at != std::string::npos) {
      size_t start = at + kIndex.size();
      return message.substr(start, message.find('\'', start) - start);
    }
    constexpr std::string_view kFailed = "failed: ";
    size_t at = message.find(kFailed);
    if (at == std::string::npos) return message;
    std::string_view columns = std::string_view(message).substr(at + kFailed.size());
    const std::string table(columns.substr(0, columns.find('.')));
    if (primary_key) return table + "_pkey";

    std::vector<std::string> wanted;  // "t.a, t.b" → {a, b}
    for (size_t pos = 0; pos < columns.size();) {
      size_t comma = std::min(columns.find(", ", pos), columns.size());
      std::string_view item = columns.substr(pos, comma - pos);
      wanted.emplace_back(item.substr(item.find('.') + 1));
      pos = comma + 2;
    }
    for (const auto& [name, origin] : UniqueIndexes(table)) {
      if (IndexColumns(name) != wanted) continue;
      if (origin == "pk") return table + "_pkey";
      if (origin == "u") {
        std::string key = table;
        for (const std::string& c : wanted) key += "_" + c;
        return key + "_key";
      }
      return name;
    }
    return std::string(columns);
  }

  // Rows of a one-off query with one text parameter, first two columns.
  std::vector<std::pair<std::string, std::string>> Pairs(const char* sql, const std::string& arg) {
    std::vector<std::pair<std::string, std::string>> out;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) return out;
    BoundStatement st(stmt, true);
    sqlite3_bind_text(stmt, 1, arg.c_str(), -1, SQLITE_STATIC);
    while (sqlite3_step(stmt) == SQLITE_ROW) out.emplace_back(CellText(stmt, 0), CellText(stmt, 1));
    return out;
  }
  std::vector<std::pair<std::string, std::string>> UniqueIndexes(const std::string& table) {
    return Pairs("SELECT name, origin FROM pragma_index_list(?1) WHERE \"unique\" = 1", table);
  }
  std::vector<std::string> IndexColumns(const std::string& index) {
    std::vector<std::string> names;
    for (auto& [name, seqno] :
         Pairs("SELECT name, seqno FROM pragma_index_info(?1) ORDER BY seqno", index)) {
      names.push_back(std::move(name));
    }
    return names;
  }

  sqlite3* const db_;
  const bool writer_;
  std::unordered_map<std::string, Cached> cache_;  // by Sql::name
};

class SqliteDatabase final : public Database, public Pool {
 public:
  SqliteDatabase(std::string path, std::unique_ptr<SqliteConnection> writer,
                 std::vector<std::unique_ptr<SqliteConnection>> readers)
      : path_(std::move(path)),
        reader_count_(readers.size()),
        writer_(std::move(writer)),
        readers_(std::move(readers)) {}

  ~SqliteDatabase() override {
    assert(writer_ != nullptr && readers_.size() == reader_count_ &&
           "a Lease or Tx outlived its SQLite Database");
  }

  Engine engine() const override { return Engine::kSqlite; }
  std::string Describe() const override { return "sqlite " + path_; }

  Result<Lease> Read() override {
    std::unique_lock lock(mutex_);
    if (!reader_free_.wait_for(lock, driver::kPoolWait, [&] { return !readers_.empty(); })) {
      return driver::PoolExhaustedError(Describe());
    }
    std::unique_ptr<Connection> conn = std::move(readers_.back());
    readers_.pop_back();
    return Lease(this, std::move(conn));
  }

  std::optional<Lease> TryRead() override {
    std::unique_lock lock(mutex_);
    if (readers_.empty()) return std::nullopt;
    std::unique_ptr<Connection> conn = std::move(readers_.back());
    readers_.pop_back();
    lock.unlock();
    return Lease(this, std::move(conn));
  }

  Result<Tx> Write() override {
    std::unique_lock lock(mutex_);
    if (!writer_free_.wait_for(lock, driver::kPoolWait, [&] { return writer_ != nullptr; })) {
      return driver::PoolExhaustedError(Describe());
    }
    Lease lease(this, std::move(writer_));
    lock.unlock();
    MS_TRY(lease->ExecScript("BEGIN IMMEDIATE"));
    return Tx(std::move(lease));
  }

  void Return(std::unique_ptr<Connection> conn) override {
    std::unique_ptr<SqliteConnection> c(static_cast<SqliteConnection*>(conn.release()));
    // Never hand out a connection still inside a transaction.
    if (sqlite3_get_autocommit(c->handle()) == 0) (void)c->ExecScript("ROLLBACK");
    std::lock_guard lock(mutex_);
    if (c->writer()) {
      writer_ = std::move(c);
      writer_free_.notify_one();
    } else {
      readers_.push_back(std::move(c));
      reader_free_.notify_one();
    }
  }

 private:
  const std::string path_;
  const size_t reader_count_;
  std::mutex mutex_;
  std::condition_variable writer_free_;
  std::condition_variable reader_free_;
  std::unique_ptr<SqliteConnection> writer_;                // GUARDED_BY(mutex_); null while lent
  std::vector<std::unique_ptr<SqliteConnection>> readers_;  // GUARDED_BY(mutex_); the idle ones
};

// MINSHENG_SQLITE_PROFILE=1 (a diagnostic for bench/RESULTS.md): the run time
// of every statement of every connection (SQLITE_TRACE_PROFILE, triggers'
// statements and FTS5's own included), summed per statement text; the sums
// over 10 ms go to stderr when the process exits.
class StatementProfile {
 public:
  static bool Enabled() {
    static const bool on = std::getenv("MINSHENG_SQLITE_PROFILE") != nullptr;
    return on;
  }
  static void Attach(sqlite3* handle) {
    sqlite3_trace_v2(handle, SQLITE_TRACE_PROFILE, &StatementProfile::OnProfile, nullptr);
  }

 private:
  struct Sum {
    int64_t ns = 0;
    int64_t runs = 0;
  };
  ~StatementProfile() {
    std::lock_guard lock(mutex_);
    for (const auto& [text, sum] : sums_) {
      if (sum.ns < 10'000'000) continue;
      std::fprintf(stderr, "sqlite profile %9.3f s %9lld runs  %s\n", static_cast<double>(sum.ns) / 1e9,
                   static_cast<long long>(sum.runs), text.c_str());
    }
  }
  static int OnProfile(unsigned, void*, void* statement, void* ns) {
    static StatementProfile profile;  // prints at exit
    const char* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(statement));
    std::string text(sql != nullptr ? sql : "?");
    if (text.size() > 160) text.resize(160);
    std::replace(text.begin(), text.end(), '\n', ' ');
    std::lock_guard lock(profile.mutex_);
    Sum& sum = profile.sums_[text];
    sum.ns += *static_cast<const int64_t*>(ns);
    ++sum.runs;
    return 0;
  }
  std::mutex mutex_;
  std::map<std::string, Sum> sums_;
};

Result<std::unique_ptr<SqliteConnection>> Connect(const std::string& path, const Options& options,
                                                  bool writer) {
  sqlite3* handle = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &handle,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  auto conn = std::make_unique<SqliteConnection>(handle, writer);  // closes handle on every path
  if (rc != SQLITE_OK) {
    return driver::UnavailableError("sqlite " + path,
                                    std::string("open: ") + sqlite3_errmsg(handle));
  }
  sqlite3_extended_result_codes(handle, 1);
  if (StatementProfile::Enabled()) StatementProfile::Attach(handle);
  // The short-text index's tokenizer (0010): every statement touching
  // assets_short, the triggers on assets included, needs it.
  if (const int tok = RegisterGramTokenizer(handle); tok != SQLITE_OK) {
    return driver::UnavailableError("sqlite " + path, std::string("fts5 tokenizer: ") + sqlite3_errstr(tok));
  }
  // Page cache (negative = KiB) and mmap: a big register is read from memory
  // instead of a pread per page.
  const std::string sizes = "PRAGMA cache_size = -" + std::to_string(int64_t{options.sqlite_cache_mb} * 1024) +
                            "; PRAGMA mmap_size = " + std::to_string(int64_t{options.sqlite_mmap_mb} << 20) + ";";
  if (Result<void> sized = conn->ExecScript(sizes); !sized.ok()) {
    return driver::UnavailableError("sqlite " + path, sized.error().log_detail);
  }
  sqlite3_busy_timeout(handle, options.busy_timeout_ms);
  // WAL is a property of the file: the writer sets it before the readers open.
  Result<void> set = conn->ExecScript(
      writer ? "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
             : "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA query_only = ON;");
  if (!set.ok()) return driver::UnavailableError("sqlite " + path, set.error().log_detail);
  return conn;
}

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, const Options& options) {
  // Without memory statistics every sqlite3_malloc / sqlite3_free takes one
  // process-wide mutex, which serializes the reader connections under load.
  // Must come before SQLite initializes; later calls fail harmlessly.
  static std::once_flag configured;
  std::call_once(configured, [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_initialize();
  });
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) {
    return driver::UnavailableError("sqlite " + path,
                                    "create " + parent.string() + ": " + ec.message());
  }
  MS_ASSIGN_OR_RETURN(auto writer, Connect(path, options, true));
  std::vector<std::unique_ptr<SqliteConnection>> readers;
  for (int i = 0; i < std::max(1, options.readers); ++i) {
    MS_ASSIGN_OR_RETURN(auto reader, Connect(path, options, false));
    readers.push_back(std::move(reader));
  }
  return std::unique_ptr<Database>(
      std::make_unique<SqliteDatabase>(path, std::move(writer), std::move(readers)));
}

}  // namespace minsheng::db
