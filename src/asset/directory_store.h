// DirectoryStore: persistence of a unit's departments, staff and locations.
// SQL lives here and in sql.h only. Each call runs on the connection the
// service supplies (its transaction for writes). Stateless; thread-safe.
#pragma once

#include <vector>

#include "asset/model.h"
#include "core/result.h"
#include "db/database.h"

namespace minsheng::asset {

class DirectoryStore {
 public:
  // NotFound when no entry has this id.
  static Result<Department> GetDepartment(db::Connection& c, int64_t id);
  static Result<Staff> GetStaff(db::Connection& c, int64_t id);
  static Result<Location> GetLocation(db::Connection& c, int64_t id);

  static Result<std::vector<Department>> ListDepartments(db::Connection& c, int64_t org_id,
                                                         const DirectoryFilter& f);
  static Result<std::vector<Staff>> ListStaff(db::Connection& c, int64_t org_id, const DirectoryFilter& f);
  static Result<std::vector<Location>> ListLocations(db::Connection& c, int64_t org_id, const DirectoryFilter& f);

  // Return the new id; Conflict "duplicate" when the name is taken in the
  // unit (on PostgreSQL the transaction is then unusable: callers check
  // names first where they want to go on).
  static Result<int64_t> InsertDepartment(db::Connection& c, int64_t org_id, std::string_view name);
  static Result<int64_t> InsertStaff(db::Connection& c, int64_t org_id, const DirectoryInput& in);
  static Result<int64_t> InsertLocation(db::Connection& c, int64_t org_id, const DirectoryInput& in);

  static Result<void> UpdateDepartment(db::Connection& c, const Department& d);
  static Result<void> UpdateStaff(db::Connection& c, const Staff& s);
  static Result<void> UpdateLocation(db::Connection& c, const Location& l);

  // Every entry of one kind in a unit (for name matching and validation).
  struct NameEntry {
    int64_t id = 0;
    std::string name;
    bool active = true;
  };
  static Result<std::vector<NameEntry>> Names(db::Connection& c, DirectoryKind kind, int64_t org_id);
  static Result<void> Reactivate(db::Connection& c, DirectoryKind kind, int64_t id);
};

}  // namespace minsheng::asset
