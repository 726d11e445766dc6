#include "db/database.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

#include "db/driver.h"
#include "db/postgres/pg_database.h"
#include "db/sqlite/sqlite_database.h"

namespace minsheng::db {

std::string_view EngineName(Engine e) {
  switch (e) {
    case Engine::kSqlite:
      return "sqlite";
    case Engine::kPostgres:
      return "postgresql";
  }
  return "unknown";
}

std::string Param::ToText() const {
  switch (v_.index()) {
    case 1:
      return std::to_string(as_int());
    case 2:
      return driver::FormatReal(as_real());
    case 3:
      return std::string(as_text());
    default:
      return {};
  }
}

int64_t Rows::StoredRow::Int(int c) const {
  const Cell& cell = (*cells)[static_cast<size_t>(c)];
  return cell ? driver::ParseInt(*cell) : 0;
}

double Rows::StoredRow::Real(int c) const {
  const Cell& cell = (*cells)[static_cast<size_t>(c)];
  return cell ? driver::ParseReal(*cell) : 0.0;
}

Lease::Lease(Pool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}

Lease::Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(std::move(other.conn_)) {
  other.pool_ = nullptr;
}

Lease::~Lease() {
  if (pool_ != nullptr && conn_ != nullptr) pool_->Return(std::move(conn_));
}

Tx::~Tx() {
  // A moved-from Tx holds no connection. The pool also checks that a returned
  // connection is outside any transaction, so a failed ROLLBACK is not lost.
  Connection* conn = lease_.operator->();
  if (!done_ && conn != nullptr) (void)conn->ExecScript("ROLLBACK");
}

Result<void> Tx::Commit() {
  MS_TRY(lease_->ExecScript("COMMIT"));
  done_ = true;
  return Ok();
}

Result<int64_t> Connection::QueryInt(const Sql& sql, std::initializer_list<Param> p) {
  std::optional<int64_t> value;
  MS_TRY(ForEach(sql, Params(p.begin(), p.size()), [&](const Row& row) {
    value = row.Int(0);
    return false;
  }));
  if (!value) {
    return NotFoundError("记录", "Record").WithLog(std::string("no row from ") + sql.name);
  }
  return *value;
}

Result<int64_t> Connection::CopyIn(std::string_view table, std::span<const std::string_view> /*columns*/,
                                   Params /*values*/) {
  return InternalError("COPY into " + std::string(table) + " on " + std::string(EngineName(engine())));
}

Result<std::unique_ptr<Database>> Database::Open(std::string_view url, const Options& options) {
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return OpenPostgres(std::string(url), options);
  }
  if (url.starts_with("sqlite:")) url.remove_prefix(std::string_view("sqlite:").size());
  return OpenSqlite(std::string(url), options);
}

std::string IdListJson(std::span<const int64_t> ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += std::to_string(ids[i]);
  }
  out.push_back(']');
  return out;
}

namespace driver {

Error DuplicateError(std::string index, std::string log_detail) {
  Error e = MakeError(ErrorCode::kConflict, "duplicate", "已存在相同的记录",
                      "A record with the same key already exists");
  e.fields.push_back(FieldError{std::move(index), "duplicate", e.zh, e.en});
  e.log_detail = std::move(log_detail);
  return e;
}

Error ReferenceError(std::string log_detail) {
  return MakeError(ErrorCode::kConflict, "reference", "引用的记录不存在或仍被其他记录引用",
                   "The referenced record does not exist or is still referenced")
      .WithLog(std::move(log_detail));
}

Error CheckError(std::string log_detail) {
  return MakeError(ErrorCode::kInvalidArgument, "constraint", "数据不符合约束条件",
                   "The data violates a constraint")
      .WithLog(std::move(log_detail));
}

Error BusyError(std::string log_detail) {
  return MakeError(ErrorCode::kUnavailable, "db.busy", "数据库繁忙，请稍后重试",
                   "The database is busy; please try again")
      .WithLog(std::move(log_detail));
}

Error RejectedError(std::string log_detail) {
  return MakeError(ErrorCode::kConflict, "db.rejected", "数据库拒绝了此项修改",
                   "The database refused this change")
      .WithLog(std::move(log_detail));
}

Error UnavailableError(std::string_view where, std::string log_detail) {
  return MakeError(ErrorCode::kUnavailable, "db.unavailable",
                   "无法连接数据库 " + std::string(where),
                   "Cannot reach the database " + std::string(where))
      .WithLog(std::move(log_detail));
}

Error PoolExhaustedError(std::string_view where) {
  return MakeError(ErrorCode::kUnavailable, "db.pool_exhausted", "数据库连接繁忙，请稍后重试",
                   "No database connection became free; please try again")
      .WithLog("no free connection within " + std::to_string(kPoolWait.count()) + " s on " +
               std::string(where));
}

std::string FormatReal(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

int64_t ParseInt(std::string_view text) {
  if (text == "t") return 1;
  if (text == "f") return 0;
  int64_t v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec == std::errc() && ptr == end) return v;
  // "12.5", "1e3": read as a double and truncate toward zero, clamped.
  double d = ParseReal(text);
  if (!(d > static_cast<double>(std::numeric_limits<int64_t>::min()))) {
    return std::isnan(d) ? 0 : std::numeric_limits<int64_t>::min();
  }
  if (d >= static_cast<double>(std::numeric_limits<int64_t>::max())) {
    return std::numeric_limits<int64_t>::max();
  }
  return static_cast<int64_t>(d);
}

double ParseReal(std::string_view text) {
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "Infinity") return std::numeric_limits<double>::infinity();
  if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
  double v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

}  // namespace driver
}  // namespace minsheng::db
