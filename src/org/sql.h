// SQL of the org module.
#pragma once

#include "db/database.h"

namespace minsheng::org::sql {

#define MS_ORG_COLUMNS \
  "id, parent_id, code, name, level, region_level, org_kind, field, path, depth, active, version, " \
  "created_at, updated_at"

inline constexpr db::Sql kGet{"org.get", "SELECT " MS_ORG_COLUMNS " FROM orgs WHERE id = $1"};
inline constexpr db::Sql kGetByCode{"org.get_by_code",
                                    "SELECT " MS_ORG_COLUMNS " FROM orgs WHERE code = $1"};
inline constexpr db::Sql kCount{"org.count", "SELECT COUNT(*) FROM orgs"};

// $1 scope root path, $2 exact (1: only that org), then filters; NULL disables one.
inline constexpr db::Sql kList{
    "org.list",
    "SELECT " MS_ORG_COLUMNS " FROM orgs "
    "WHERE (path = CAST($1 AS TEXT) OR ($2 = 0 AND path LIKE CAST($1 AS TEXT) || '%')) "
    "AND (CAST($3 AS BIGINT) IS NULL OR parent_id = $3) "
    "AND (CAST($4 AS TEXT) IS NULL OR lower(name) LIKE $4 ESCAPE '!' OR lower(code) LIKE $4 ESCAPE '!') "
    "AND (CAST($5 AS TEXT) IS NULL OR level = $5) "
    "AND (CAST($6 AS BIGINT) IS NULL OR id > $6) "
    "ORDER BY id LIMIT $7"};

inline constexpr db::Sql kInsert{
    "org.insert",
    "INSERT INTO orgs (parent_id, code, name, level, region_level, org_kind, field, path, depth, "
    "active, version, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, '', $8, 1, 1, $9, $9) RETURNING id"};
inline constexpr db::Sql kSetPath{"org.set_path", "UPDATE orgs SET path = $2 WHERE id = $1"};

inline constexpr db::Sql kUpdate{
    "org.update",
    "UPDATE orgs SET name = $2, org_kind = $3, field = $4, active = $5, version = version + 1, "
    "updated_at = $6 WHERE id = $1 AND version = $7"};

// Re-roots a subtree: every path starting with $1 gets $2 in its place.
inline constexpr db::Sql kMoveSubtree{
    "org.move_subtree",
    "UPDATE orgs SET path = CAST($2 AS TEXT) || substr(path, length(CAST($1 AS TEXT)) + 1), "
    "depth = depth + $3, updated_at = $4 WHERE path LIKE CAST($1 AS TEXT) || '%'"};
inline constexpr db::Sql kSetParent{
    "org.set_parent",
    "UPDATE orgs SET parent_id = $2, version = version + 1 WHERE id = $1"};
inline constexpr db::Sql kInsertMove{
    "org.insert_move",
    "INSERT INTO org_moves (org_id, from_parent_id, to_parent_id, from_path, to_path, reason, "
    "moved_by, moved_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"};
inline constexpr db::Sql kHistory{
    "org.history",
    "SELECT m.from_parent_id, COALESCE(f.name, ''), m.to_parent_id, COALESCE(t.name, ''), "
    "COALESCE(m.reason, ''), COALESCE(u.username, 'system'), m.moved_at FROM org_moves m "
    "LEFT JOIN orgs f ON f.id = m.from_parent_id LEFT JOIN orgs t ON t.id = m.to_parent_id "
    "LEFT JOIN users u ON u.id = m.moved_by WHERE m.org_id = $1 ORDER BY m.moved_at DESC, m.id DESC"};

#undef MS_ORG_COLUMNS

}  // namespace minsheng::org::sql
