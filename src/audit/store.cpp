// Audit persistence. All audit SQL runs here.
#include "audit/audit.h"
#include "audit/sql.h"
#include "auth/access.h"

namespace minsheng::audit {

Result<void> Write(db::Connection& tx, const auth::Caller& caller, const Entry& e) {
  std::optional<int64_t> actor_id;
  std::string actor_name = "system";
  if (caller.principal != nullptr && !caller.principal->is_system) {
    actor_id = caller.principal->user_id;
    actor_name = caller.principal->username;
  } else if (caller.principal != nullptr) {
    actor_name = caller.principal->username.empty() ? "cli" : caller.principal->username;
  }
  MS_TRY(tx.Exec(sql::kInsert, {Now().micros, actor_id, actor_name, e.action, e.object_type,
                                e.object_id, e.org_id, e.before_json, e.after_json,
                                caller.request_id, caller.source_addr}));
  return Ok();
}

Result<Page> AuditService::List(const auth::Principal& who, const Query& q) {
  MS_TRY(auth::Require(who, auth::Action::kAuditRead));
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  std::optional<int64_t> from, to;
  if (q.from) from = q.from->micros;
  if (q.to) to = q.to->micros;
  const int64_t fetch = q.limit + 1;
  MS_ASSIGN_OR_RETURN(auto rows, conn->Query(sql::kList, {q.actor_id, q.action, q.object_type,
                                                          q.object_id, from, to, q.before_id, fetch}));
  Page page;
  for (size_t i = 0; i < rows.size() && static_cast<int>(i) < q.limit; ++i) {
    const auto r = rows[i];
    page.items.push_back({r.Int(0), UtcTime{r.Int(1)}, r.OptInt(2), r.Text(3), r.Text(4), r.Text(5),
                          r.Text(6), r.OptInt(7), r.OptText(8), r.OptText(9), r.Text(10), r.Text(11)});
  }
  if (static_cast<int>(rows.size()) > q.limit) page.next_before_id = page.items.back().id;
  return page;
}

Result<int64_t> AuditService::Purge(int retention_days) {
  if (retention_days < 183) {
    return MakeError(ErrorCode::kInvalidArgument, "audit.retention_too_short",
                     "审计记录至少保留 183 天", "Audit records are kept at least 183 days");
  }
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(const int64_t n,
                      tx->Exec(sql::kPurge, {Now().PlusSeconds(-int64_t{retention_days} * 86400).micros}));
  MS_TRY(tx.Commit());
  return n;
}

}  // namespace minsheng::audit
