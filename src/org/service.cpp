#include "org/service.h"

#include <algorithm>
#include <boost/json.hpp>

#include "audit/audit.h"
#include "auth/access.h"
#include "core/json_input.h"
#include "org/store.h"

namespace minsheng::org {

namespace json = boost::json;
using auth::Action;

std::string_view LevelName(Level l) {
  switch (l) {
    case Level::kRegion:
      return "region";
    case Level::kDepartment:
      return "department";
    case Level::kUnit:
      return "unit";
  }
  return "unit";
}

std::optional<Level> ParseLevel(std::string_view s) {
  if (s == "region") return Level::kRegion;
  if (s == "department") return Level::kDepartment;
  if (s == "unit") return Level::kUnit;
  return std::nullopt;
}

const std::vector<std::string>& OrgKinds() {
  // 行政单位, 事业单位, 国有企业, 其他
  static const std::vector<std::string> k = {"admin", "institution", "soe", "other"};
  return k;
}

const std::vector<std::string>& Fields() {
  static const std::vector<std::string> k = {
      "finance", "offices_admin", "education",     "health",      "civil_affairs", "water",
      "housing", "transport",     "culture_sport", "agriculture", "sasac",         "general"};
  return k;
}

const std::vector<std::string>& RegionLevels() {
  static const std::vector<std::string> k = {"province", "city", "county"};
  return k;
}

std::string OrgJson(const Org& o) {
  json::object j;
  j["id"] = o.id;
  j["parent_id"] = o.parent_id ? json::value(*o.parent_id) : json::value(nullptr);
  j["code"] = o.code;
  j["name"] = o.name;
  j["level"] = LevelName(o.level);
  j["region_level"] = o.region_level ? json::value(*o.region_level) : json::value(nullptr);
  j["org_kind"] = o.org_kind;
  j["field"] = o.field ? json::value(*o.field) : json::value(nullptr);
  j["path"] = o.path;
  j["depth"] = o.depth;
  j["active"] = o.active;
  j["version"] = o.version;
  j["created_at"] = FormatUtc(o.created_at);
  j["updated_at"] = FormatUtc(o.updated_at);
  return json::serialize(j);
}

namespace {

bool OneOf(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

FieldError Invalid(std::string field, std::string zh, std::string en) {
  return {std::move(field), "invalid", std::move(zh), std::move(en)};
}

bool ValidCode(std::string_view code) {
  return !code.empty() && code.size() <= 32 && std::all_of(code.begin(), code.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.';
  });
}

// The parent kinds each level may sit under.
std::optional<FieldError> CheckParent(Level child, const std::optional<Org>& parent) {
  if (!parent) {
    if (child == Level::kRegion) return std::nullopt;
    return Invalid("parent_id", "部门和单位必须有上级机构", "departments and units need a parent");
  }
  // Regions and departments sit under a region; units anywhere (下属单位 too).
  if (child == Level::kUnit || parent->level == Level::kRegion) return std::nullopt;
  return Invalid("parent_id", "该上级机构下不能建立这一层级", "this level cannot sit under that parent");
}

Error DuplicateCode() {
  return ValidationError({{"code", "duplicate", "机构代码已存在", "this code is already used"}});
}

}  // namespace

std::vector<FieldError> OrgService::Validate(const NewOrg& o) {
  std::vector<FieldError> errors;
  if (!ValidCode(o.code)) {
    errors.push_back(Invalid("code", "代码只能包含字母、数字和 - _ .，最多 32 位",
                             "letters, digits and - _ . only, at most 32"));
  }
  CheckText("name", o.name, {.required = true, .max_len = 100}, errors);
  if (o.level == Level::kRegion) {
    if (!o.region_level || !OneOf(RegionLevels(), *o.region_level))
      errors.push_back(Invalid("region_level", "请选择 省/市/县", "choose province, city or county"));
  } else if (o.region_level) {
    errors.push_back(Invalid("region_level", "只有行政区划才有区划级别", "only regions have a region level"));
  }
  if (!OneOf(OrgKinds(), o.org_kind))
    errors.push_back(Invalid("org_kind", "单位性质无效", "unknown kind of organisation"));
  if (o.field && !OneOf(Fields(), *o.field))
    errors.push_back(Invalid("field", "所属领域无效", "unknown field"));
  return errors;
}

Result<Org> OrgService::Lookup(int64_t id) {
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  return OrgStore::Get(*conn, id);
}

Result<Org> OrgService::LookupByCode(std::string_view code) {
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  return OrgStore::GetByCode(*conn, code);
}

Result<Org> OrgService::Get(const auth::Principal& who, int64_t id) {
  MS_TRY(auth::Require(who, Action::kOrgRead));
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  MS_ASSIGN_OR_RETURN(Org o, OrgStore::Get(*conn, id));
  MS_TRY(auth::RequireOn(who, Action::kOrgRead, o.path, "机构", "Organisation"));
  return o;
}

Result<std::vector<Org>> OrgService::List(const auth::Principal& who, const OrgFilter& filter) {
  MS_TRY(auth::Require(who, Action::kOrgRead));
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  std::vector<Org> out;
  for (const auto& root : auth::ScopeRoots(who, Action::kOrgRead)) {
    MS_ASSIGN_OR_RETURN(auto part, OrgStore::List(*conn, root.path, root.exact, filter));
    out.insert(out.end(), part.begin(), part.end());
  }
  std::sort(out.begin(), out.end(), [](const Org& a, const Org& b) { return a.id < b.id; });
  if (out.size() > static_cast<size_t>(filter.limit)) out.resize(static_cast<size_t>(filter.limit));
  return out;
}

Result<std::vector<Org>> OrgService::Visible(const auth::Principal& who) {
  OrgFilter all;
  all.limit = 100000;
  MS_ASSIGN_OR_RETURN(auto orgs, List(who, all));
  std::sort(orgs.begin(), orgs.end(), [](const Org& a, const Org& b) {
    return a.depth != b.depth ? a.depth < b.depth : a.id < b.id;
  });
  return orgs;
}

Result<Org> OrgService::Create(const auth::Caller& caller, const NewOrg& input) {
  const auth::Principal& who = *caller.principal;
  MS_TRY(auth::Require(who, Action::kOrgWrite));
  auto errors = Validate(input);
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  std::optional<Org> parent;
  bool parent_ok = true;
  if (input.parent_id) {
    auto p = OrgStore::Get(*tx, *input.parent_id);
    parent_ok = p.ok() && auth::CanOn(who, Action::kOrgWrite, p->path);
    if (parent_ok) parent = std::move(p).value();
  } else {
    parent_ok = auth::CanOn(who, Action::kOrgWrite, "/");  // a new top-level region
  }
  if (!parent_ok) {
    errors.push_back({"parent_id", "not_found", "上级机构不存在或不在您的管理范围内",
                      "the parent does not exist or is outside your scope"});
  } else if (auto e = CheckParent(input.level, parent)) {
    errors.push_back(*e);
  }
  if (!errors.empty()) return ValidationError(std::move(errors));

  auto created = OrgStore::Insert(*tx, input, parent ? parent->path : "/", parent ? parent->depth : -1);
  if (!created.ok()) {
    if (created.error().code == "duplicate") return DuplicateCode();
    return std::move(created).error();
  }
  MS_TRY(audit::Write(*tx, caller, {"org.create", "org", std::to_string(created->id), created->id,
                                    std::nullopt, OrgJson(*created)}));
  MS_TRY(tx.Commit());
  return created;
}

Result<Org> OrgService::Update(const auth::Caller& caller, int64_t id, const OrgPatch& patch) {
  const auth::Principal& who = *caller.principal;
  MS_TRY(auth::Require(who, Action::kOrgWrite));
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(Org before, OrgStore::Get(*tx, id));
  MS_TRY(auth::RequireOn(who, Action::kOrgWrite, before.path, "机构", "Organisation"));
  Org after = before;
  if (patch.name) after.name = *patch.name;
  if (patch.org_kind) after.org_kind = *patch.org_kind;
  if (patch.field) after.field = *patch.field;
  if (patch.active) after.active = *patch.active;
  std::vector<FieldError> errors;
  CheckText("name", after.name, {.required = true, .max_len = 100}, errors);
  if (!OneOf(OrgKinds(), after.org_kind))
    errors.push_back(Invalid("org_kind", "单位性质无效", "unknown kind of organisation"));
  if (after.field && !OneOf(Fields(), *after.field))
    errors.push_back(Invalid("field", "所属领域无效", "unknown field"));
  if (!errors.empty()) return ValidationError(std::move(errors));
  MS_TRY(OrgStore::Update(*tx, after, patch.version));
  MS_ASSIGN_OR_RETURN(Org stored, OrgStore::Get(*tx, id));
  MS_TRY(audit::Write(*tx, caller, {"org.update", "org", std::to_string(id), id, OrgJson(before),
                                    OrgJson(stored)}));
  MS_TRY(tx.Commit());
  return stored;
}

Result<Org> OrgService::Move(const auth::Caller& caller, int64_t id, int64_t new_parent_id,
                             const std::string& reason) {
  const auth::Principal& who = *caller.principal;
  MS_TRY(auth::Require(who, Action::kOrgWrite));
  std::vector<FieldError> errors;
  CheckText("reason", reason, {.max_len = 500, .multiline = true}, errors);
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(Org org, OrgStore::Get(*tx, id));
  MS_TRY(auth::RequireOn(who, Action::kOrgWrite, org.path, "机构", "Organisation"));
  auto parent = OrgStore::Get(*tx, new_parent_id);
  if (!parent.ok() || !auth::CanOn(who, Action::kOrgWrite, parent->path)) {
    errors.push_back({"parent_id", "not_found", "上级机构不存在或不在您的管理范围内",
                      "the parent does not exist or is outside your scope"});
  } else if (parent->path.starts_with(org.path)) {
    errors.push_back(Invalid("parent_id", "不能移到自身或其下级机构之下",
                             "cannot move under itself or its own descendants"));
  } else if (org.parent_id == parent->id) {
    errors.push_back(Invalid("parent_id", "已在该上级机构之下", "already under this parent"));
  } else if (auto e = CheckParent(org.level, *parent)) {
    errors.push_back(*e);
  }
  if (!errors.empty()) return ValidationError(std::move(errors));
  MS_TRY(OrgStore::Move(*tx, org, *parent, reason,
                        who.is_system ? std::nullopt : std::optional<int64_t>(who.user_id)));
  MS_ASSIGN_OR_RETURN(Org moved, OrgStore::Get(*tx, id));
  MS_TRY(audit::Write(*tx, caller, {"org.move", "org", std::to_string(id), id, OrgJson(org),
                                    OrgJson(moved)}));
  MS_TRY(tx.Commit());
  return moved;
}

Result<std::vector<OrgMove>> OrgService::History(const auth::Principal& who, int64_t id) {
  MS_ASSIGN_OR_RETURN(Org o, Get(who, id));
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  return OrgStore::History(*conn, o.id);
}

}  // namespace minsheng::org
