#include "asset/directory_store.h"

#include "asset/sql.h"
#include "core/text.h"

namespace minsheng::asset {
namespace {

Department DepartmentFromRow(const db::Row& r) {
  return {r.Int(0), r.Int(1), r.Text(2), r.Bool(3), UtcTime{r.Int(4)}};
}

Staff StaffFromRow(const db::Row& r) {
  Staff s;
  s.id = r.Int(0);
  s.org_id = r.Int(1);
  s.name = r.Text(2);
  s.department_id = r.OptInt(3);
  s.department_name = r.OptText(4);
  s.phone = r.OptText(5);
  s.active = r.Bool(6);
  s.created_at = UtcTime{r.Int(7)};
  return s;
}

Location LocationFromRow(const db::Row& r) {
  Location l;
  l.id = r.Int(0);
  l.org_id = r.Int(1);
  l.name = r.Text(2);
  if (!r.IsNull(3)) l.latitude = r.Real(3);
  if (!r.IsNull(4)) l.longitude = r.Real(4);
  l.active = r.Bool(5);
  l.created_at = UtcTime{r.Int(6)};
  return l;
}

template <typename T, typename F>
Result<T> One(Result<db::Rows> rows, F from_row, const char* zh, const char* en) {
  if (!rows.ok()) return std::move(rows).error();
  if (rows->empty()) return NotFoundError(zh, en);
  return from_row((*rows)[0]);
}

template <typename T, typename F>
Result<std::vector<T>> List(db::Connection& c, const db::Sql& sql, int64_t org_id, const DirectoryFilter& f,
                            F from_row) {
  std::optional<std::string> pattern;
  if (f.q) pattern = LikeContainsPattern(*f.q);
  std::vector<T> out;
  MS_TRY(c.ForEach(sql, {org_id, f.include_inactive, pattern, f.after_id, f.limit}, [&](const db::Row& r) {
    out.push_back(from_row(r));
    return true;
  }));
  return out;
}

}  // namespace

Result<Department> DirectoryStore::GetDepartment(db::Connection& c, int64_t id) {
  return One<Department>(c.Query(sql::kDepartmentGet, {id}), DepartmentFromRow, "科室", "Department");
}
Result<Staff> DirectoryStore::GetStaff(db::Connection& c, int64_t id) {
  return One<Staff>(c.Query(sql::kStaffGet, {id}), StaffFromRow, "人员", "Staff member");
}
Result<Location> DirectoryStore::GetLocation(db::Connection& c, int64_t id) {
  return One<Location>(c.Query(sql::kLocationGet, {id}), LocationFromRow, "存放地点", "Location");
}

Result<std::vector<Department>> DirectoryStore::ListDepartments(db::Connection& c, int64_t org_id,
                                                                const DirectoryFilter& f) {
  return List<Department>(c, sql::kDepartmentList, org_id, f, DepartmentFromRow);
}
Result<std::vector<Staff>> DirectoryStore::ListStaff(db::Connection& c, int64_t org_id, const DirectoryFilter& f) {
  return List<Staff>(c, sql::kStaffList, org_id, f, StaffFromRow);
}
Result<std::vector<Location>> DirectoryStore::ListLocations(db::Connection& c, int64_t org_id,
                                                            const DirectoryFilter& f) {
  return List<Location>(c, sql::kLocationList, org_id, f, LocationFromRow);
}

Result<int64_t> DirectoryStore::InsertDepartment(db::Connection& c, int64_t org_id, std::string_view name) {
  return c.QueryInt(sql::kDepartmentInsert, {org_id, name, Now().micros});
}
Result<int64_t> DirectoryStore::InsertStaff(db::Connection& c, int64_t org_id, const DirectoryInput& in) {
  return c.QueryInt(sql::kStaffInsert, {org_id, in.name, in.department_id, in.phone, Now().micros});
}
Result<int64_t> DirectoryStore::InsertLocation(db::Connection& c, int64_t org_id, const DirectoryInput& in) {
  return c.QueryInt(sql::kLocationInsert,
                    {org_id, in.name, in.latitude, in.longitude, Now().micros});
}

Result<void> DirectoryStore::UpdateDepartment(db::Connection& c, const Department& d) {
  MS_TRY(c.Exec(sql::kDepartmentUpdate, {d.id, d.name, d.active}));
  return Ok();
}
Result<void> DirectoryStore::UpdateStaff(db::Connection& c, const Staff& s) {
  MS_TRY(c.Exec(sql::kStaffUpdate, {s.id, s.name, s.active, s.department_id, s.phone}));
  return Ok();
}
Result<void> DirectoryStore::UpdateLocation(db::Connection& c, const Location& l) {
  MS_TRY(c.Exec(sql::kLocationUpdate, {l.id, l.name, l.active, l.latitude, l.longitude}));
  return Ok();
}

Result<std::vector<DirectoryStore::NameEntry>> DirectoryStore::Names(db::Connection& c, DirectoryKind kind,
                                                                     int64_t org_id) {
  const db::Sql& sql = kind == DirectoryKind::kDepartment ? sql::kDepartmentNames
                       : kind == DirectoryKind::kStaff    ? sql::kStaffNames
                                                          : sql::kLocationNames;
  std::vector<NameEntry> out;
  MS_TRY(c.ForEach(sql, {org_id}, [&](const db::Row& r) {
    out.push_back({r.Int(0), r.Text(1), r.Bool(2)});
    return true;
  }));
  return out;
}

Result<void> DirectoryStore::Reactivate(db::Connection& c, DirectoryKind kind, int64_t id) {
  MS_TRY(c.Exec(sql::kReactivate[static_cast<int>(kind)], {id}));
  return Ok();
}

}  // namespace minsheng::asset
