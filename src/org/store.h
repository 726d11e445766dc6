// OrgStore: persistence of the org tree. SQL lives here and in sql.h only.
// Each call runs on a connection the service supplies (inside its
// transaction for writes). Stateless; thread-safe.
#pragma once

#include <vector>

#include "core/result.h"
#include "db/database.h"
#include "org/model.h"

namespace minsheng::org {

class OrgStore {
 public:
  // NotFound when no org has this id / code.
  static Result<Org> Get(db::Connection& c, int64_t id);
  static Result<Org> GetByCode(db::Connection& c, std::string_view code);
  static Result<int64_t> Count(db::Connection& c);
  // Orgs under one scope root (exact: only the root itself) matching filter.
  static Result<std::vector<Org>> List(db::Connection& c, std::string_view root_path, bool exact,
                                       const OrgFilter& filter);
  // Inserts and sets the materialized path; returns the new org.
  static Result<Org> Insert(db::Connection& c, const NewOrg& o, std::string_view parent_path,
                            int parent_depth);
  // Conflict "version_conflict" when the stored version differs.
  static Result<void> Update(db::Connection& c, const Org& updated, int64_t expected_version);
  // Moves the subtree of org under new_parent and records the move.
  static Result<void> Move(db::Connection& c, const Org& org, const Org& new_parent,
                           std::string_view reason, std::optional<int64_t> moved_by);
  static Result<std::vector<OrgMove>> History(db::Connection& c, int64_t id);
};

}  // namespace minsheng::org
