#include "org/store.h"

#include "core/text.h"
#include "org/sql.h"

namespace minsheng::org {
namespace {

Org FromRow(const db::Row& r) {
  Org o;
  o.id = r.Int(0);
  o.parent_id = r.OptInt(1);
  o.code = r.Text(2);
  o.name = r.Text(3);
  o.level = ParseLevel(r.Text(4)).value_or(Level::kUnit);
  o.region_level = r.OptText(5);
  o.org_kind = r.Text(6);
  o.field = r.OptText(7);
  o.path = r.Text(8);
  o.depth = static_cast<int>(r.Int(9));
  o.active = r.Bool(10);
  o.version = r.Int(11);
  o.created_at = UtcTime{r.Int(12)};
  o.updated_at = UtcTime{r.Int(13)};
  return o;
}

Result<Org> One(Result<db::Rows> rows) {
  if (!rows.ok()) return std::move(rows).error();
  if (rows->empty()) return NotFoundError("机构", "Organisation");
  return FromRow((*rows)[0]);
}


}  // namespace

Result<Org> OrgStore::Get(db::Connection& c, int64_t id) { return One(c.Query(sql::kGet, {id})); }

Result<Org> OrgStore::GetByCode(db::Connection& c, std::string_view code) {
  return One(c.Query(sql::kGetByCode, {code}));
}

Result<int64_t> OrgStore::Count(db::Connection& c) { return c.QueryInt(sql::kCount); }

Result<std::vector<Org>> OrgStore::List(db::Connection& c, std::string_view root_path, bool exact,
                                        const OrgFilter& f) {
  std::optional<std::string> pattern;
  if (f.q) pattern = LikeContainsPattern(*f.q);
  std::optional<std::string> level;
  if (f.level) level = std::string(LevelName(*f.level));
  std::vector<Org> out;
  MS_TRY(c.ForEach(sql::kList, {root_path, exact, f.parent_id, pattern, level, f.after_id, f.limit},
                   [&](const db::Row& r) {
                     out.push_back(FromRow(r));
                     return true;
                   }));
  return out;
}

Result<Org> OrgStore::Insert(db::Connection& c, const NewOrg& o, std::string_view parent_path,
                             int parent_depth) {
  const int64_t now = Now().micros;
  const int depth = o.parent_id ? parent_depth + 1 : 0;
  MS_ASSIGN_OR_RETURN(const int64_t id,
                      c.QueryInt(sql::kInsert, {o.parent_id, o.code, o.name, LevelName(o.level),
                                                o.region_level, o.org_kind, o.field, depth, now}));
  const std::string path = std::string(o.parent_id ? parent_path : "/") + std::to_string(id) + "/";
  MS_TRY(c.Exec(sql::kSetPath, {id, path}));
  return Get(c, id);
}

Result<void> OrgStore::Update(db::Connection& c, const Org& o, int64_t expected_version) {
  MS_ASSIGN_OR_RETURN(const int64_t n, c.Exec(sql::kUpdate, {o.id, o.name, o.org_kind, o.field, o.active,
                                                             Now().micros, expected_version}));
  if (n == 0) {
    return MakeError(ErrorCode::kConflict, "version_conflict", "数据已被他人修改，请刷新后重试",
                     "The record was changed by someone else; reload and try again");
  }
  return Ok();
}

Result<void> OrgStore::Move(db::Connection& c, const Org& org, const Org& new_parent,
                            std::string_view reason, std::optional<int64_t> moved_by) {
  const std::string new_path = new_parent.path + std::to_string(org.id) + "/";
  const int delta = new_parent.depth + 1 - org.depth;
  const int64_t now = Now().micros;
  MS_TRY(c.Exec(sql::kMoveSubtree, {org.path, new_path, delta, now}));
  MS_TRY(c.Exec(sql::kSetParent, {org.id, new_parent.id}));
  MS_TRY(c.Exec(sql::kInsertMove, {org.id, org.parent_id, new_parent.id, org.path, new_path,
                                   reason, moved_by, now}));
  return Ok();
}

Result<std::vector<OrgMove>> OrgStore::History(db::Connection& c, int64_t id) {
  std::vector<OrgMove> out;
  MS_TRY(c.ForEach(sql::kHistory, {id}, [&](const db::Row& r) {
    out.push_back({r.OptInt(0), r.Text(1), r.OptInt(2), r.Text(3), r.Text(4), r.Text(5),
                   UtcTime{r.Int(6)}});
    return true;
  }));
  return out;
}

}  // namespace minsheng::org
