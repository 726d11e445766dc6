// OrgService: rules and workflows of the org tree. Every call checks access
// (auth::Access) and every write commits together with its audit record.
// Thread-safe: holds only the thread-safe Database.
#pragma once

#include <vector>

#include "auth/model.h"
#include "core/result.h"
#include "db/database.h"
#include "org/model.h"

namespace minsheng::org {

class OrgService {
 public:
  explicit OrgService(db::Database& db) : db_(db) {}

  Result<Org> Get(const auth::Principal& who, int64_t id);
  // Orgs in who's org.read scope matching the filter, ordered by id.
  Result<std::vector<Org>> List(const auth::Principal& who, const OrgFilter& filter);
  // Every org in who's org.read scope, parents before children.
  Result<std::vector<Org>> Visible(const auth::Principal& who);
  Result<Org> Create(const auth::Caller& caller, const NewOrg& input);
  Result<Org> Update(const auth::Caller& caller, int64_t id, const OrgPatch& patch);
  Result<Org> Move(const auth::Caller& caller, int64_t id, int64_t new_parent_id,
                   const std::string& reason);
  Result<std::vector<OrgMove>> History(const auth::Principal& who, int64_t id);

  // For other services (no access check): the org, to scope their records.
  Result<Org> Lookup(int64_t id);
  Result<Org> LookupByCode(std::string_view code);
  // Field errors for a new org (exposed for import paths and tests).
  static std::vector<FieldError> Validate(const NewOrg& input);

 private:
  db::Database& db_;
};

// The JSON form used by the API and the audit log.
std::string OrgJson(const Org& o);

}  // namespace minsheng::org
