// DirectoryService: a unit's own directories — 科室 internal departments,
// staff (custodians 使用人 and managers 管理人, who need no login) and
// locations (building / floor / room). Forms pick from them; the importer
// matches them by name and adds the ones it does not know (ResolveOrCreate).
//
// Access: listing needs asset.read on the unit, changes asset.write; an org
// outside the scope is NotFound. Every write commits with its audit row.
// Thread-safe: holds only the thread-safe Database and OrgService.
#pragma once

#include <vector>

#include "asset/model.h"
#include "auth/model.h"
#include "core/result.h"
#include "db/database.h"
#include "org/service.h"

namespace minsheng::asset {

class DirectoryService {
 public:
  DirectoryService(db::Database& db, org::OrgService& orgs) : db_(db), orgs_(orgs) {}

  Result<std::vector<Department>> ListDepartments(const auth::Principal& who, int64_t org_id,
                                                  const DirectoryFilter& filter);
  Result<std::vector<Staff>> ListStaff(const auth::Principal& who, int64_t org_id, const DirectoryFilter& filter);
  Result<std::vector<Location>> ListLocations(const auth::Principal& who, int64_t org_id,
                                              const DirectoryFilter& filter);

  // Validation errors name the fields; a duplicate name is the field error
  // "name" / "duplicate".
  Result<Department> CreateDepartment(const auth::Caller& caller, int64_t org_id, const DirectoryInput& in);
  Result<Staff> CreateStaff(const auth::Caller& caller, int64_t org_id, const DirectoryInput& in);
  Result<Location> CreateLocation(const auth::Caller& caller, int64_t org_id, const DirectoryInput& in);

  // Rename, deactivate / reactivate (and staff department / phone, location
  // coordinates). Deactivated entries stay on existing cards but cannot be
  // picked for new ones.
  Result<Department> UpdateDepartment(const auth::Caller& caller, int64_t id, const DirectoryPatch& p);
  Result<Staff> UpdateStaff(const auth::Caller& caller, int64_t id, const DirectoryPatch& p);
  Result<Location> UpdateLocation(const auth::Caller& caller, int64_t id, const DirectoryPatch& p);

  // For the importer, inside its open transaction: every name (trimmed;
  // empty and repeated names ignored) is matched within org_id; unknown
  // names are created, inactive matches reactivated, both listed in added_*.
  // Writes one audit row when anything was added. Needs asset.write on the
  // org; validation errors name "departments[i]" / "staff[i]" / "locations[i]".
  Result<ResolvedDirectory> ResolveOrCreate(db::Connection& tx, const auth::Caller& caller, int64_t org_id,
                                            const DirectoryNames& names);

 private:
  db::Database& db_;
  org::OrgService& orgs_;
};

std::string DepartmentJson(const Department& d);
std::string StaffJson(const Staff& s);
std::string LocationJson(const Location& l);

}  // namespace minsheng::asset
