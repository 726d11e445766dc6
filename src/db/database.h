// The storage interface shared by SQLite (embedded default) and PostgreSQL
// (server deployments). Stores write SQL once, with $1..$n placeholders; the
// SQLite driver rewrites them to ?1..?n. Where the dialects really differ a
// statement carries a PostgreSQL variant (Sql::pg_text).
//
// Thread-safety: Database is thread-safe. A Lease or Tx belongs to one thread
// at a time and returns its connection to the pool when destroyed.
//
// Blocking: every call here blocks; never call it on a network thread (the
// HTTP server runs handlers on its blocking pool).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace minsheng::db {

enum class Engine { kSqlite, kPostgres };
std::string_view EngineName(Engine e);  // "sqlite" | "postgresql"

// A named SQL statement. Names appear in logs and identify prepared statements,
// so each constant in a module's sql.h has a unique dotted name.
struct Sql {
  const char* name;
  const char* text;              // portable SQL with $1..$n
  const char* pg_text = nullptr;  // PostgreSQL-only variant, when needed
  // PostgreSQL: plan every execution for its parameters instead of keeping a
  // prepared statement, whose generic plan PostgreSQL switches to after five
  // runs. For statements whose best plan depends on a parameter's value (a
  // LIKE pattern over the trigram index: a rare word and one in every row).
  bool pg_plan_each_time = false;
};

// A bound parameter. Text is copied only when the driver needs it.
class Param {
 public:
  Param(std::nullptr_t) : v_(std::monostate{}) {}  // NOLINT(google-explicit-constructor)
  Param(int v) : v_(static_cast<int64_t>(v)) {}    // NOLINT(google-explicit-constructor)
  Param(int64_t v) : v_(v) {}                      // NOLINT(google-explicit-constructor)
  Param(bool v) : v_(static_cast<int64_t>(v ? 1 : 0)) {}  // NOLINT
  Param(double v) : v_(v) {}                       // NOLINT(google-explicit-constructor)
  Param(std::string_view v) : v_(v) {}             // NOLINT(google-explicit-constructor)
  Param(const std::string& v) : v_(std::string_view(v)) {}  // NOLINT
  Param(const char* v) : v_(std::string_view(v)) {}  // NOLINT(google-explicit-constructor)
  template <typename T>
  Param(const std::optional<T>& v) : Param(nullptr) {  // NOLINT(google-explicit-constructor)
    if (v) *this = Param(*v);
  }

  bool is_null() const { return v_.index() == 0; }
  bool is_int() const { return v_.index() == 1; }
  bool is_real() const { return v_.index() == 2; }
  bool is_text() const { return v_.index() == 3; }
  int64_t as_int() const { return std::get<1>(v_); }
  double as_real() const { return std::get<2>(v_); }
  std::string_view as_text() const { return std::get<3>(v_); }
  // Text form, as PostgreSQL's text protocol wants it.
  std::string ToText() const;

 private:
  std::variant<std::monostate, int64_t, double, std::string_view> v_;
};

using Params = std::span<const Param>;

// One result row, valid only inside the callback / while its Rows lives.
class Row {
 public:
  virtual ~Row() = default;
  virtual int size() const = 0;
  virtual bool IsNull(int col) const = 0;
  virtual int64_t Int(int col) const = 0;        // 0 for NULL
  virtual double Real(int col) const = 0;        // 0 for NULL
  virtual std::string Text(int col) const = 0;   // "" for NULL
  std::optional<int64_t> OptInt(int col) const {
    return IsNull(col) ? std::nullopt : std::optional<int64_t>(Int(col));
  }
  std::optional<std::string> OptText(int col) const {
    return IsNull(col) ? std::nullopt : std::optional<std::string>(Text(col));
  }
  bool Bool(int col) const { return Int(col) != 0; }
};

// A fully read result, for small queries.
class Rows {
 public:
  using Cell = std::optional<std::string>;
  struct StoredRow final : Row {
    const std::vector<Cell>* cells = nullptr;
    int size() const override { return static_cast<int>(cells->size()); }
    bool IsNull(int c) const override { return !(*cells)[static_cast<size_t>(c)].has_value(); }
    int64_t Int(int c) const override;
    double Real(int c) const override;
    std::string Text(int c) const override { return (*cells)[static_cast<size_t>(c)].value_or(""); }
  };

  void Add(std::vector<Cell> cells) { data_.push_back(std::move(cells)); }
  size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  // The row at index i (a view; valid while Rows lives).
  StoredRow operator[](size_t i) const {
    StoredRow r;
    r.cells = &data_[i];
    return r;
  }

 private:
  std::vector<std::vector<Cell>> data_;
};

// A connection taken from the pool. Not thread-safe.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Engine engine() const = 0;

  // Runs a statement that returns rows; reads them all.
  virtual Result<Rows> Query(const Sql& sql, Params params) = 0;
  // Streams rows to fn; fn returns false to stop early.
  virtual Result<void> ForEach(const Sql& sql, Params params,
                               const std::function<bool(const Row&)>& fn) = 0;
  // Runs a statement and returns the number of rows it changed.
  virtual Result<int64_t> Exec(const Sql& sql, Params params) = 0;
  // Runs several ;-separated statements with no parameters (migrations).
  virtual Result<void> ExecScript(std::string_view script) = 0;
  // Bulk load (PostgreSQL COPY … FROM STDIN, text format, escaped by the
  // driver): values holds the rows one after another, columns.size() values
  // each. Returns the rows written. Engines without it return an internal
  // error (callers check engine() first). table and columns are code
  // constants, never user input.
  virtual Result<int64_t> CopyIn(std::string_view table, std::span<const std::string_view> columns,
                                 Params values);

  // Convenience overloads with a braced list: conn.Query(kSql, {id, name}).
  Result<Rows> Query(const Sql& sql, std::initializer_list<Param> p = {}) {
    return Query(sql, Params(p.begin(), p.size()));
  }
  Result<int64_t> Exec(const Sql& sql, std::initializer_list<Param> p = {}) {
    return Exec(sql, Params(p.begin(), p.size()));
  }
  Result<void> ForEach(const Sql& sql, std::initializer_list<Param> p,
                       const std::function<bool(const Row&)>& fn) {
    return ForEach(sql, Params(p.begin(), p.size()), fn);
  }
  // First row's first column as an integer; NotFound when no row.
  Result<int64_t> QueryInt(const Sql& sql, std::initializer_list<Param> p = {});
};

class Pool;

// A connection on loan; returns it to the pool when destroyed.
class Lease {
 public:
  Lease(Pool* pool, std::unique_ptr<Connection> conn);
  Lease(Lease&&) noexcept;
  Lease& operator=(Lease&&) = delete;
  Lease(const Lease&) = delete;
  ~Lease();
  Connection& operator*() { return *conn_; }
  Connection* operator->() { return conn_.get(); }
  Connection& conn() { return *conn_; }

 private:
  Pool* pool_;
  std::unique_ptr<Connection> conn_;
};

// A write transaction. Rolled back when destroyed without Commit().
class Tx {
 public:
  explicit Tx(Lease lease) : lease_(std::move(lease)) {}
  Tx(Tx&&) noexcept = default;
  Tx& operator=(Tx&&) = delete;
  ~Tx();
  Connection& operator*() { return *lease_; }
  Connection* operator->() { return &*lease_; }
  Connection& conn() { return *lease_; }
  Result<void> Commit();

 private:
  Lease lease_;
  bool done_ = false;
};

// Where a pool keeps idle connections.
class Pool {
 public:
  virtual ~Pool() = default;
  virtual void Return(std::unique_ptr<Connection> conn) = 0;
};

struct Options {
  int readers = 4;          // SQLite reader connections / PostgreSQL pool size
  int busy_timeout_ms = 5000;
  // SQLite only, per connection: page cache and memory-mapped I/O (0 = off).
  int sqlite_cache_mb = 16;
  int sqlite_mmap_mb = 0;
};

// Where a cache stands against the generations the database pushes
// (Database::Pushed).
struct PushedToken {
  // Changes whenever any pushed generation changes, and when the feed
  // restarts: a value read from the database between two equal sequences
  // is no older than the generations of the second.
  uint64_t sequence = 0;
  // Changes whenever a generation of the keys asked for changes, and when
  // the feed restarts; never negative.
  int64_t token = 0;
};

class Database {
 public:
  virtual ~Database() = default;

  // "sqlite:PATH", a bare path, or "postgresql://…" / "postgres://…".
  // Unavailable when the engine cannot be reached; the message names the URL
  // without its password.
  static Result<std::unique_ptr<Database>> Open(std::string_view url, const Options& options = {});

  virtual Engine engine() const = 0;
  // A connection for reads (SQLite: one of the reader connections).
  virtual Result<Lease> Read() = 0;
  // An idle read connection without waiting, nullopt when none is idle at
  // once. Only SQLite lends one: its reads are local page-cache work, so a
  // non-blocking route may run a short indexed read on a network thread
  // instead of hopping to the blocking pool. PostgreSQL always says nullopt
  // (a query there waits on the network).
  virtual std::optional<Lease> TryRead() { return std::nullopt; }
  // BEGIN a write transaction (SQLite: BEGIN IMMEDIATE on the single writer;
  // callers queue for it).
  virtual Result<Tx> Write() = 0;
  // The cache generations this process has been pushed (PostgreSQL: NOTIFY
  // minsheng_cache from the generation triggers, migration 0011): keys are
  // "u<org id>" for a unit's card list (asset_unit_generations) and the
  // names of cache_generations rows. Lets a cache check its entry without a
  // query. nullopt when the engine pushes nothing (SQLite) or the listener
  // is not connected (the first call starts it); then read the generation
  // rows instead. Writes committed by this process are pushed before their
  // Commit() returns; other processes' writes a moment after they commit.
  // Cheap and thread-safe; may be called on a network thread.
  virtual std::optional<PushedToken> Pushed(std::span<const std::string> keys) {
    (void)keys;
    return std::nullopt;
  }
  // A short text for health checks and logs, e.g. "sqlite ./data/minsheng.db".
  virtual std::string Describe() const = 0;
};

// The JSON array text of ids, for statements that take a list as one
// parameter (SQLite json_each, PostgreSQL json_array_elements_text).
std::string IdListJson(std::span<const int64_t> ids);

// Applies the embedded migrations not yet applied, each in its own
// transaction, recording them in schema_migrations. Returns how many ran.
Result<int> Migrate(Database& db);
// The newest migration version compiled into this binary.
int LatestMigrationVersion();

}  // namespace minsheng::db
