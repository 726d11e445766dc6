// SQL of the audit module.
#pragma once

#include "db/database.h"

namespace minsheng::audit::sql {

inline constexpr db::Sql kInsert{
    "audit.insert",
    "INSERT INTO audit_log (at, actor_user_id, actor_name, action, object_type, object_id, org_id, "
    "before_json, after_json, request_id, source_addr) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"};

// Filters are optional: a NULL parameter disables its condition.
inline constexpr db::Sql kList{
    "audit.list",
    "SELECT id, at, actor_user_id, actor_name, action, object_type, object_id, org_id, "
    "before_json, after_json, request_id, source_addr FROM audit_log "
    "WHERE (CAST($1 AS BIGINT) IS NULL OR actor_user_id = $1) "
    "AND (CAST($2 AS TEXT) IS NULL OR action = $2) "
    "AND (CAST($3 AS TEXT) IS NULL OR object_type = $3) "
    "AND (CAST($4 AS TEXT) IS NULL OR object_id = $4) "
    "AND (CAST($5 AS BIGINT) IS NULL OR at >= $5) "
    "AND (CAST($6 AS BIGINT) IS NULL OR at < $6) "
    "AND (CAST($7 AS BIGINT) IS NULL OR id < $7) "
    "ORDER BY id DESC LIMIT $8"};

inline constexpr db::Sql kPurge{
    "audit.purge", "DELETE FROM audit_log WHERE at < $1"};

}  // namespace minsheng::audit::sql
