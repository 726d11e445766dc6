#include "asset/directory_service.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>

#include "asset/directory_store.h"
#include "audit/audit.h"
#include "auth/access.h"
#include "core/json_input.h"
#include "core/text.h"

namespace minsheng::asset {

namespace json = boost::json;
using auth::Action;

namespace {

json::value Opt(const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); }
json::value Opt(const std::optional<int64_t>& v) { return v ? json::value(*v) : json::value(nullptr); }
json::value Opt(const std::optional<double>& v) { return v ? json::value(*v) : json::value(nullptr); }

constexpr size_t kNameMax = 100;
constexpr size_t kLocationNameMax = 200;

struct KindInfo {
  const char* object_type;  // audit
  const char* zh;
  const char* en;
};
constexpr KindInfo kKinds[3] = {
    {"unit_department", "科室", "Department"},
    {"staff", "人员", "Staff member"},
    {"location", "存放地点", "Location"},
};
const KindInfo& Info(DirectoryKind k) { return kKinds[static_cast<int>(k)]; }

size_t NameMax(DirectoryKind k) { return k == DirectoryKind::kLocation ? kLocationNameMax : kNameMax; }

Error DuplicateName() {
  return ValidationError({{"name", "duplicate", "本单位已有同名记录", "this unit already has an entry with this name"}});
}

// A duplicate-key failure of an insert or rename becomes the field error.
template <typename T>
Result<T> MapDuplicate(Result<T> r) {
  if (!r.ok() && r.error().code == "duplicate") return DuplicateName();
  return r;
}

void CheckCoordinates(const std::optional<double>& lat, const std::optional<double>& lon,
                      std::vector<FieldError>& errors) {
  if (lat.has_value() != lon.has_value()) {
    errors.push_back({lat ? "longitude" : "latitude", "required", "经纬度须同时填写",
                      "latitude and longitude go together"});
  }
  if (lat && !(*lat >= -90 && *lat <= 90))
    errors.push_back({"latitude", "out_of_range", "纬度应在 -90 到 90 之间", "must be from -90 to 90"});
  if (lon && !(*lon >= -180 && *lon <= 180))
    errors.push_back({"longitude", "out_of_range", "经度应在 -180 到 180 之间", "must be from -180 to 180"});
}

void CheckPhone(const std::optional<std::string>& phone, std::vector<FieldError>& errors) {
  if (!phone) return;
  const bool ok = !phone->empty() && phone->size() <= 30 && std::all_of(phone->begin(), phone->end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == ' ' || c == '(' || c == ')';
  });
  if (!ok) errors.push_back({"phone", "invalid", "电话号码格式无效", "not a valid phone number"});
}

}  // namespace

std::string DepartmentJson(const Department& d) {
  return json::serialize(json::object{{"id", d.id},
                                      {"org_id", d.org_id},
                                      {"name", d.name},
                                      {"active", d.active},
                                      {"created_at", FormatUtc(d.created_at)}});
}

std::string StaffJson(const Staff& s) {
  return json::serialize(json::object{{"id", s.id},
                                      {"org_id", s.org_id},
                                      {"name", s.name},
                                      {"department_id", Opt(s.department_id)},
                                      {"department_name", Opt(s.department_name)},
                                      {"phone", Opt(s.phone)},
                                      {"active", s.active},
                                      {"created_at", FormatUtc(s.created_at)}});
}

std::string LocationJson(const Location& l) {
  return json::serialize(json::object{{"id", l.id},
                                      {"org_id", l.org_id},
                                      {"name", l.name},
                                      {"latitude", Opt(l.latitude)},
                                      {"longitude", Opt(l.longitude)},
                                      {"active", l.active},
                                      {"created_at", FormatUtc(l.created_at)}});
}

namespace {

// The org of a directory, checked against the caller's scope (404 outside it).
Result<org::Org> ScopedOrg(org::OrgService& orgs, const auth::Principal& who, Action action, int64_t org_id) {
  MS_TRY(auth::Require(who, action));
  auto o = orgs.Lookup(org_id);
  if (!o.ok()) {
    if (o.error().kind == ErrorCode::kNotFound) return NotFoundError("机构", "Organisation");
    return std::move(o).error();
  }
  MS_TRY(auth::RequireOn(who, action, o->path, "机构", "Organisation"));
  return o;
}

// Field errors of a new entry or of an entry after a patch.
std::vector<FieldError> Validate(db::Connection& c, DirectoryKind kind, int64_t org_id, const std::string& name,
                                 const std::optional<int64_t>& department_id, const std::optional<std::string>& phone,
                                 const std::optional<double>& lat, const std::optional<double>& lon) {
  std::vector<FieldError> errors;
  CheckText("name", name, {.required = true, .max_len = NameMax(kind)}, errors);
  if (kind == DirectoryKind::kStaff) {
    CheckPhone(phone, errors);
    if (department_id) {
      auto d = DirectoryStore::GetDepartment(c, *department_id);
      if (!d.ok() || d->org_id != org_id || !d->active)
        errors.push_back({"department_id", "not_found", "科室不存在或不属于本单位",
                          "no such active department in this unit"});
    }
  }
  if (kind == DirectoryKind::kLocation) CheckCoordinates(lat, lon, errors);
  return errors;
}

}  // namespace

Result<std::vector<Department>> DirectoryService::ListDepartments(const auth::Principal& who, int64_t org_id,
                                                                  const DirectoryFilter& filter) {
  MS_TRY(ScopedOrg(orgs_, who, Action::kAssetRead, org_id));
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  return DirectoryStore::ListDepartments(*conn, org_id, filter);
}

Result<std::vector<Staff>> DirectoryService::ListStaff(const auth::Principal& who, int64_t org_id,
                                                       const DirectoryFilter& filter) {
  MS_TRY(ScopedOrg(orgs_, who, Action::kAssetRead, org_id));
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  return DirectoryStore::ListStaff(*conn, org_id, filter);
}

Result<std::vector<Location>> DirectoryService::ListLocations(const auth::Principal& who, int64_t org_id,
                                                              const DirectoryFilter& filter) {
  MS_TRY(ScopedOrg(orgs_, who, Action::kAssetRead, org_id));
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  return DirectoryStore::ListLocations(*conn, org_id, filter);
}

Result<Department> DirectoryService::CreateDepartment(const auth::Caller& caller, int64_t org_id,
                                                      const DirectoryInput& in) {
  MS_TRY(ScopedOrg(orgs_, *caller.principal, Action::kAssetWrite, org_id));
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  auto errors = Validate(*tx, DirectoryKind::kDepartment, org_id, in.name, {}, {}, {}, {});
  if (!errors.empty()) return ValidationError(std::move(errors));
  MS_ASSIGN_OR_RETURN(const int64_t id, MapDuplicate(DirectoryStore::InsertDepartment(*tx, org_id, in.name)));
  MS_ASSIGN_OR_RETURN(Department d, DirectoryStore::GetDepartment(*tx, id));
  MS_TRY(audit::Write(*tx, caller, {"asset.department.create", "unit_department", std::to_string(id), org_id,
                                    std::nullopt, DepartmentJson(d)}));
  MS_TRY(tx.Commit());
  return d;
}

Result<Staff> DirectoryService::CreateStaff(const auth::Caller& caller, int64_t org_id, const DirectoryInput& in) {
  MS_TRY(ScopedOrg(orgs_, *caller.principal, Action::kAssetWrite, org_id));
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  auto errors = Validate(*tx, DirectoryKind::kStaff, org_id, in.name, in.department_id, in.phone, {}, {});
  if (!errors.empty()) return ValidationError(std::move(errors));
  MS_ASSIGN_OR_RETURN(const int64_t id, MapDuplicate(DirectoryStore::InsertStaff(*tx, org_id, in)));
  MS_ASSIGN_OR_RETURN(Staff s, DirectoryStore::GetStaff(*tx, id));
  MS_TRY(audit::Write(*tx, caller, {"asset.staff.create", "staff", std::to_string(id), org_id, std::nullopt,
                                    StaffJson(s)}));
  MS_TRY(tx.Commit());
  return s;
}

Result<Location> DirectoryService::CreateLocation(const auth::Caller& caller, int64_t org_id,
                                                  const DirectoryInput& in) {
  MS_TRY(ScopedOrg(orgs_, *caller.principal, Action::kAssetWrite, org_id));
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  auto errors = Validate(*tx, DirectoryKind::kLocation, org_id, in.name, {}, {}, in.latitude, in.longitude);
  if (!errors.empty()) return ValidationError(std::move(errors));
  MS_ASSIGN_OR_RETURN(const int64_t id, MapDuplicate(DirectoryStore::InsertLocation(*tx, org_id, in)));
  MS_ASSIGN_OR_RETURN(Location l, DirectoryStore::GetLocation(*tx, id));
  MS_TRY(audit::Write(*tx, caller, {"asset.location.create", "location", std::to_string(id), org_id,
                                    std::nullopt, LocationJson(l)}));
  MS_TRY(tx.Commit());
  return l;
}

namespace {

// The entry's org must be in the caller's asset.write scope (404 otherwise,
// as if the entry did not exist).
Result<void> RequireEntryScope(org::OrgService& orgs, const auth::Principal& who, int64_t org_id,
                               DirectoryKind kind) {
  auto o = orgs.Lookup(org_id);
  if (!o.ok() || !auth::CanOn(who, Action::kAssetWrite, o->path)) return NotFoundError(Info(kind).zh, Info(kind).en);
  return Ok();
}

}  // namespace

Result<Department> DirectoryService::UpdateDepartment(const auth::Caller& caller, int64_t id,
                                                      const DirectoryPatch& p) {
  const auth::Principal& who = *caller.principal;
  MS_TRY(auth::Require(who, Action::kAssetWrite));
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(Department before, DirectoryStore::GetDepartment(*tx, id));
  MS_TRY(RequireEntryScope(orgs_, who, before.org_id, DirectoryKind::kDepartment));
  Department after = before;
  if (p.name) after.name = *p.name;
  if (p.active) after.active = *p.active;
  auto errors = Validate(*tx, DirectoryKind::kDepartment, after.org_id, after.name, {}, {}, {}, {});
  if (!errors.empty()) return ValidationError(std::move(errors));
  MS_TRY(MapDuplicate(DirectoryStore::UpdateDepartment(*tx, after)));
  MS_TRY(audit::Write(*tx, caller, {"asset.department.update", "unit_department", std::to_string(id),
                                    after.org_id, DepartmentJson(before), DepartmentJson(after)}));
  MS_TRY(tx.Commit());
  return after;
}

Result<Staff> DirectoryService::UpdateStaff(const auth::Caller& caller, int64_t id, const DirectoryPatch& p) {
  const auth::Principal& who = *caller.principal;
  MS_TRY(auth::Require(who, Action::kAssetWrite));
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(Staff before, DirectoryStore::GetStaff(*tx, id));
  MS_TRY(RequireEntryScope(orgs_, who, before.org_id, DirectoryKind::kStaff));
  Staff after = before;
  if (p.name) after.name = *p.name;
  if (p.active) after.active = *p.active;
  if (p.clear_department) after.department_id.reset();
  if (p.department_id) after.department_id = p.department_id;
  if (p.clear_phone) after.phone.reset();
  if (p.phone) after.phone = p.phone;
  // An unchanged department may have been deactivated since; only a new one is checked.
  const auto checked_department =
      after.department_id != before.department_id ? after.department_id : std::optional<int64_t>();
  auto errors = Validate(*tx, DirectoryKind::kStaff, after.org_id, after.name, checked_department, after.phone,
                         {}, {});
  if (!errors.empty()) return ValidationError(std::move(errors));
  MS_TRY(MapDuplicate(DirectoryStore::UpdateStaff(*tx, after)));
  MS_ASSIGN_OR_RETURN(Staff stored, DirectoryStore::GetStaff(*tx, id));
  MS_TRY(audit::Write(*tx, caller, {"asset.staff.update", "staff", std::to_string(id), after.org_id,
                                    StaffJson(before), StaffJson(stored)}));
  MS_TRY(tx.Commit());
  return stored;
}

Result<Location> DirectoryService::UpdateLocation(const auth::Caller& caller, int64_t id, const DirectoryPatch& p) {
  const auth::Principal& who = *caller.principal;
  MS_TRY(auth::Require(who, Action::kAssetWrite));
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(Location before, DirectoryStore::GetLocation(*tx, id));
  MS_TRY(RequireEntryScope(orgs_, who, before.org_id, DirectoryKind::kLocation));
  Location after = before;
  if (p.name) after.name = *p.name;
  if (p.active) after.active = *p.active;
  if (p.clear_coordinates) {
    after.latitude.reset();
    after.longitude.reset();
  }
  if (p.latitude) after.latitude = p.latitude;
  if (p.longitude) after.longitude = p.longitude;
  auto errors = Validate(*tx, DirectoryKind::kLocation, after.org_id, after.name, {}, {}, after.latitude,
                         after.longitude);
  if (!errors.empty()) return ValidationError(std::move(errors));
  MS_TRY(MapDuplicate(DirectoryStore::UpdateLocation(*tx, after)));
  MS_TRY(audit::Write(*tx, caller, {"asset.location.update", "location", std::to_string(id), after.org_id,
                                    LocationJson(before), LocationJson(after)}));
  MS_TRY(tx.Commit());
  return after;
}

std::optional<int64_t> ResolvedDirectory::Find(const std::vector<std::pair<std::string, int64_t>>& list,
                                               std::string_view name) {
  auto it = std::lower_bound(list.begin(), list.end(), name,
                             [](const auto& entry, std::string_view n) { return entry.first < n; });
  if (it == list.end() || it->first != name) return std::nullopt;
  return it->second;
}

Result<ResolvedDirectory> DirectoryService::ResolveOrCreate(db::Connection& tx, const auth::Caller& caller,
                                                            int64_t org_id, const DirectoryNames& names) {
  MS_TRY(ScopedOrg(orgs_, *caller.principal, Action::kAssetWrite, org_id));
  const std::vector<std::string>* inputs[3] = {&names.departments, &names.staff, &names.locations};
  const char* fields[3] = {"departments", "staff", "locations"};

  // Trimmed distinct names per kind, validated before anything is written.
  std::vector<FieldError> errors;
  std::vector<std::string> wanted[3];
  for (int k = 0; k < 3; ++k) {
    const auto kind = static_cast<DirectoryKind>(k);
    for (size_t i = 0; i < inputs[k]->size(); ++i) {
      std::string name = Trim((*inputs[k])[i]);
      if (name.empty()) continue;
      std::vector<FieldError> one;
      CheckText("name", name, {.max_len = NameMax(kind)}, one);
      if (!IsValidUtf8(name)) one.push_back({"name", "invalid", "含有无效字符", "has invalid characters"});
      for (auto& e : one) {
        e.field = std::string(fields[k]) + "[" + std::to_string(i) + "]";
        errors.push_back(std::move(e));
      }
      if (one.empty()) wanted[k].push_back(std::move(name));
    }
    std::sort(wanted[k].begin(), wanted[k].end());
    wanted[k].erase(std::unique(wanted[k].begin(), wanted[k].end()), wanted[k].end());
  }
  if (!errors.empty()) return ValidationError(std::move(errors));

  ResolvedDirectory out;
  std::vector<std::pair<std::string, int64_t>>* resolved[3] = {&out.departments, &out.staff, &out.locations};
  std::vector<std::string>* added[3] = {&out.added_departments, &out.added_staff, &out.added_locations};
  for (int k = 0; k < 3; ++k) {
    if (wanted[k].empty()) continue;
    const auto kind = static_cast<DirectoryKind>(k);
    MS_ASSIGN_OR_RETURN(auto existing, DirectoryStore::Names(tx, kind, org_id));
    std::map<std::string, const DirectoryStore::NameEntry*, std::less<>> by_name;
    for (const auto& e : existing) by_name.emplace(e.name, &e);
    for (const auto& name : wanted[k]) {
      auto it = by_name.find(name);
      int64_t id = 0;
      if (it != by_name.end()) {
        id = it->second->id;
        if (!it->second->active) {
          MS_TRY(DirectoryStore::Reactivate(tx, kind, id));
          added[k]->push_back(name);
        }
      } else {
        DirectoryInput in;
        in.name = name;
        if (kind == DirectoryKind::kDepartment) {
          MS_ASSIGN_OR_RETURN(id, DirectoryStore::InsertDepartment(tx, org_id, name));
        } else if (kind == DirectoryKind::kStaff) {
          MS_ASSIGN_OR_RETURN(id, DirectoryStore::InsertStaff(tx, org_id, in));
        } else {
          MS_ASSIGN_OR_RETURN(id, DirectoryStore::InsertLocation(tx, org_id, in));
        }
        added[k]->push_back(name);
      }
      resolved[k]->emplace_back(name, id);  // wanted is sorted, so is this
    }
  }
  if (!out.added_departments.empty() || !out.added_staff.empty() || !out.added_locations.empty()) {
    auto list = [](const std::vector<std::string>& v) {
      json::array a;
      for (const auto& s : v) a.emplace_back(s);
      return a;
    };
    const std::string after = json::serialize(json::object{{"departments", list(out.added_departments)},
                                                           {"staff", list(out.added_staff)},
                                                           {"locations", list(out.added_locations)}});
    MS_TRY(audit::Write(tx, caller, {"asset.directory.resolve", "org", std::to_string(org_id), org_id,
                                     std::nullopt, after}));
  }
  return out;
}

}  // namespace minsheng::asset
