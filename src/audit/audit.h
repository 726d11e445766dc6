// The audit module's interface: Record() for every service that writes, and
// AuditService for the auditor's reads.
//
// Thread-safe: AuditService holds only the Database, which is thread-safe.
#pragma once

#include "audit/model.h"
#include "auth/model.h"
#include "core/result.h"
#include "db/database.h"

namespace minsheng::audit {

// Appends one audit row using the caller's open transaction, so the record
// and the change it describes commit or roll back together.
Result<void> Write(db::Connection& tx, const auth::Caller& caller, const Entry& entry);

class AuditService {
 public:
  explicit AuditService(db::Database& db) : db_(db) {}

  // Only principals with audit.read (the auditor); Forbidden otherwise.
  Result<Page> List(const auth::Principal& who, const Query& query);
  // Deletes rows older than retention_days (≥ 183, enforced by the database
  // as well). Returns the number removed.
  Result<int64_t> Purge(int retention_days);

 private:
  db::Database& db_;
};

}  // namespace minsheng::audit
