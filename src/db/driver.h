// Pieces shared by the SQLite and PostgreSQL drivers: the errors every driver
// maps its failures into, and the text forms of numbers. Stores never include
// this; they see only db/database.h.
//
// Thread-safety: free functions without shared state.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace minsheng::db::driver {

// How long Read()/Write() wait for a free connection before giving up.
inline constexpr std::chrono::seconds kPoolWait{10};

// A unique index or primary key was violated: kConflict "duplicate", with one
// FieldError naming the index (e.g. "users_username") so stores can turn it
// into a field error.
Error DuplicateError(std::string index, std::string log_detail);
// A foreign key was violated: kConflict "reference".
Error ReferenceError(std::string log_detail);
// A CHECK constraint failed: kInvalidArgument "constraint".
Error CheckError(std::string log_detail);
// Lock contention, serialization failure or deadlock: kUnavailable "db.busy".
Error BusyError(std::string log_detail);
// A trigger refused the change (e.g. the audit_log guard): kConflict "db.rejected".
Error RejectedError(std::string log_detail);
// The engine cannot be reached or the connection broke: kUnavailable "db.unavailable".
// `where` names the database (never with a password).
Error UnavailableError(std::string_view where, std::string log_detail);
// No connection became free within kPoolWait: kUnavailable "db.pool_exhausted".
Error PoolExhaustedError(std::string_view where);

// Shortest text that reads back as the same double.
std::string FormatReal(double v);
// Integer value of a cell's text: "t"/"f" (PostgreSQL booleans) give 1/0, a
// decimal is truncated, anything unreadable gives 0.
int64_t ParseInt(std::string_view text);
// Double value of a cell's text; 0 when unreadable.
double ParseReal(std::string_view text);

}  // namespace minsheng::db::driver
