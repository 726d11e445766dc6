// 组织机构 organisations: the tree of regions (省/市/县), departments (主管部门)
// and units (单位) that owns every record and anchors every data scope.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"

namespace minsheng::org {

// Tree level. Regions nest in regions; departments sit under a region; units
// sit under a department, a region, or another unit (下属单位).
enum class Level { kRegion, kDepartment, kUnit };

struct Org {
  int64_t id = 0;
  std::optional<int64_t> parent_id;
  std::string code;
  std::string name;
  Level level = Level::kUnit;
  std::optional<std::string> region_level;  // province | city | county
  std::string org_kind;                     // admin | institution | soe | other
  std::optional<std::string> field;         // education | health | ...
  std::string path;                         // /1/4/17/
  int depth = 0;
  bool active = true;
  int64_t version = 1;
  UtcTime created_at;
  UtcTime updated_at;
};

struct NewOrg {
  std::optional<int64_t> parent_id;
  std::string code;
  std::string name;
  Level level = Level::kUnit;
  std::optional<std::string> region_level;
  std::string org_kind;
  std::optional<std::string> field;
};

struct OrgPatch {
  int64_t version = 0;  // optimistic lock: must equal the stored version
  std::optional<std::string> name;
  std::optional<std::string> org_kind;
  std::optional<std::string> field;
  std::optional<bool> active;
};

struct OrgFilter {
  std::optional<int64_t> parent_id;
  std::optional<std::string> q;       // code or name contains
  std::optional<Level> level;
  std::optional<int64_t> after_id;    // cursor
  int limit = 50;
};

struct OrgMove {
  std::optional<int64_t> from_parent_id;
  std::string from_parent_name;
  std::optional<int64_t> to_parent_id;
  std::string to_parent_name;
  std::string reason;
  std::string moved_by_name;
  UtcTime moved_at;
};

std::string_view LevelName(Level l);
std::optional<Level> ParseLevel(std::string_view s);
// The allowed vocabularies (DOMAIN.md): kinds of organisation and fields.
const std::vector<std::string>& OrgKinds();
const std::vector<std::string>& Fields();
const std::vector<std::string>& RegionLevels();

}  // namespace minsheng::org
