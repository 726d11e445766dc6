// 资产卡片 asset cards and the unit's own directories: plain types shared by
// the asset store, service and routes, and by the importer (exchange/).
//
// Money is Fen, dates are Date (days), instants UtcTime; no SQL, no JSON here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "asset/lifecycle.h"
#include "core/date.h"
#include "core/money.h"
#include "core/time.h"

namespace minsheng::asset {

// ---------------------------------------------------------------------------
// Directories of one unit: 科室 departments, staff (使用人 / 管理人; no login)
// and locations (building / floor / room). Names are unique within the unit.

struct Department {
  int64_t id = 0;
  int64_t org_id = 0;
  std::string name;
  bool active = true;
  UtcTime created_at;
};

struct Staff {
  int64_t id = 0;
  int64_t org_id = 0;
  std::string name;
  std::optional<int64_t> department_id;
  std::optional<std::string> department_name;  // display
  std::optional<std::string> phone;
  bool active = true;
  UtcTime created_at;
};

struct Location {
  int64_t id = 0;
  int64_t org_id = 0;
  std::string name;  // 教学楼/3层/302
  std::optional<double> latitude;
  std::optional<double> longitude;
  bool active = true;
  UtcTime created_at;
};

enum class DirectoryKind { kDepartment, kStaff, kLocation };

// Input for a new entry; fields that do not apply to a kind are ignored
// (and refused by the routes).
struct DirectoryInput {
  std::string name;
  std::optional<int64_t> department_id;  // staff
  std::optional<std::string> phone;      // staff
  std::optional<double> latitude;        // location
  std::optional<double> longitude;       // location
};

// PATCH: absent fields stay; the clear_* flags set a nullable field to null.
struct DirectoryPatch {
  std::optional<std::string> name;
  std::optional<bool> active;
  std::optional<int64_t> department_id;
  bool clear_department = false;
  std::optional<std::string> phone;
  bool clear_phone = false;
  std::optional<double> latitude;
  std::optional<double> longitude;
  bool clear_coordinates = false;
};

struct DirectoryFilter {
  std::optional<std::string> q;       // name contains
  bool include_inactive = false;
  std::optional<int64_t> after_id;    // cursor
  int limit = 50;
};

// Names an import met, to be matched against the unit's directories.
struct DirectoryNames {
  std::vector<std::string> departments;
  std::vector<std::string> staff;
  std::vector<std::string> locations;
};

// Name → id for every requested name, and which ones the call created (or
// reactivated, for a name that matched an inactive entry) — the import
// report lists them.
struct ResolvedDirectory {
  std::vector<std::pair<std::string, int64_t>> departments;  // sorted by name
  std::vector<std::pair<std::string, int64_t>> staff;
  std::vector<std::pair<std::string, int64_t>> locations;
  std::vector<std::string> added_departments;
  std::vector<std::string> added_staff;
  std::vector<std::string> added_locations;

  // The id of a name in one of the lists above; empty when not requested.
  static std::optional<int64_t> Find(const std::vector<std::pair<std::string, int64_t>>& list,
                                     std::string_view name);
};

// ---------------------------------------------------------------------------
// Cards.

// Typed extension fields per card group (category.h CardGroup): buildings
// (房屋) have area, structure and certificate; vehicles (车辆) plate, VIN,
// engine number and displacement; land (土地) certificate, area and class.
// One flat struct: which fields a card may carry follows its category's
// group, and ValidateInput refuses the others. Stored as ext_json.
struct CardExt {
  std::optional<double> area_m2;         // building, land: > 0, two decimals
  std::optional<std::string> structure;  // building: 钢结构 / 钢筋混凝土 / 砖混 / 砖木 / 简易 / 其他
  std::optional<std::string> certificate;  // building 房产证, land 土地证
  std::optional<std::string> plate;      // vehicle 车牌号
  std::optional<std::string> vin;        // vehicle 车架号: 17 characters
  std::optional<std::string> engine_no;  // vehicle 发动机号
  std::optional<double> displacement_l;  // vehicle 排量 (升): 0 – 50
  std::optional<std::string> land_class;  // land 地类

  bool empty() const {
    return !area_m2 && !structure && !certificate && !plate && !vin && !engine_no && !displacement_l &&
           !land_class;
  }
};

// The acquisition methods (取得方式) and funding sources (经费来源) a card may have.
const std::vector<std::string>& AcquisitionMethods();  // 购置, 调剂/调拨, 建设, 租用, 捐赠, 置换, 其他
const std::vector<std::string>& FundingSources();      // 财政拨款, 非财政
const std::vector<std::string>& BuildingStructures();

struct Card {
  int64_t id = 0;  // internal, never shown
  int64_t org_id = 0;
  std::string number;  // 资产编号: unit code + 4-digit year + 6-digit serial
  std::string name;
  std::string category_code;
  std::string subject_code;  // 单位会计科目
  std::string acquisition_method;
  std::string funding_source;
  Date acquired_on;
  Date booked_on;
  Fen original_value;
  int64_t quantity = 1;
  std::string unit_of_measure;
  std::optional<std::string> usage_direction;
  std::optional<int64_t> department_id;
  std::optional<int64_t> custodian_id;
  std::optional<int64_t> manager_id;
  int64_t location_id = 0;
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::optional<std::string> model;
  std::optional<std::string> spec;
  std::optional<std::string> brand;
  std::optional<std::string> serial_no;
  DepreciationMethod depreciation_method = DepreciationMethod::kStraightLine;
  int life_months = 0;
  std::optional<std::string> certificate_no;
  std::optional<std::string> project_ref;
  CardExt ext;
  std::string value_status = "settled";  // settled | provisional (暂估)
  State state = State::kInUse;
  int64_t version = 1;
  UtcTime created_at;
  UtcTime updated_at;

  // Display names, filled on reads.
  std::string org_code;
  std::string org_name;
  std::string category_name;
  std::optional<std::string> department_name;
  std::optional<std::string> custodian_name;
  std::optional<std::string> manager_name;
  std::string location_name;
};

// Input of a new card, and the fields of a PATCH. Every field is optional
// here; ValidateInput reports the required ones that are missing for a new
// card. Text is taken as given (callers trim).
struct CardInput {
  std::optional<std::string> name;
  std::optional<std::string> category_code;
  std::optional<std::string> subject_code;
  std::optional<std::string> acquisition_method;
  std::optional<std::string> funding_source;
  std::optional<Date> acquired_on;
  std::optional<Date> booked_on;
  std::optional<Fen> original_value;
  std::optional<int64_t> quantity;              // default 1
  std::optional<std::string> unit_of_measure;   // default 台/件 by nothing: required
  std::optional<std::string> usage_direction;
  std::optional<int64_t> department_id;
  std::optional<int64_t> custodian_id;
  std::optional<int64_t> manager_id;
  std::optional<int64_t> location_id;
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::optional<std::string> model;
  std::optional<std::string> spec;
  std::optional<std::string> brand;
  std::optional<std::string> serial_no;
  std::optional<DepreciationMethod> depreciation_method;  // default: straight line, none when not depreciable
  std::optional<int> life_months;               // default: the category minimum
  std::optional<std::string> certificate_no;
  std::optional<std::string> project_ref;
  std::optional<CardExt> ext;
  std::optional<std::string> value_status;      // settled (default) | provisional
  std::optional<State> state;                   // initial state, default in use (register only)
};

// PATCH /assets/{number}: fields present in `set` change; names in `clear`
// (nullable fields only: "usage_direction", "model", "latitude", …) become
// null. Custodian, department, manager and location change only through
// Assign and Relocate (each a hand-over / relocation event); state only
// through the life-cycle calls.
struct CardPatch {
  int64_t version = 0;  // optimistic lock: must equal the stored version
  CardInput set;
  std::vector<std::string> clear;
};

// Assign (交接): any of the three may change; absent fields stay, clear_*
// removes one. The note goes into the hand-over record.
struct Assignment {
  std::optional<int64_t> custodian_id;
  std::optional<int64_t> department_id;
  std::optional<int64_t> manager_id;
  bool clear_custodian = false;
  bool clear_department = false;
  bool clear_manager = false;
  std::string note;
  std::optional<int64_t> version;  // when given, must equal the stored version
};

struct Relocation {
  int64_t location_id = 0;
  std::optional<double> latitude;  // new coordinates of the asset itself, if any
  std::optional<double> longitude;
  std::string note;
  std::optional<int64_t> version;
};

// A state change without other fields (mark idle, back in use).
struct StateChange {
  std::string note;
  std::optional<int64_t> version;
};

// One row of a card's history (asset_events).
struct CardEvent {
  int64_t id = 0;
  Event event = Event::kRegister;
  std::optional<State> state_before;
  State state_after = State::kInUse;
  UtcTime at;
  std::optional<int64_t> actor_user_id;
  std::string actor_name;
  std::optional<std::string> before_json;
  std::optional<std::string> after_json;
  std::optional<std::string> note;
  std::optional<std::string> request_id;
};

// Net book value at a date (closed form, lifecycle.h ComputeDepreciation).
struct CardValueAt {
  Date at;
  DepreciationAt depreciation;
};

// ---------------------------------------------------------------------------
// Finding cards.

// kRegistered: registration order (the card id), newest first by default for
// free text (the full-text index is read in that order, see docs/openapi.yaml).
enum class SortKey { kNumber, kName, kAcquiredOn, kOriginalValue, kRegistered };
inline constexpr int kSortKeys = 5;
std::string_view SortKeyName(SortKey k);
std::optional<SortKey> ParseSortKey(std::string_view s);

struct CardFilter {
  std::optional<int64_t> org_id;  // subtree root; default: the caller's whole scope
  std::optional<std::string> category_prefix;
  std::optional<State> state;
  std::optional<int64_t> custodian_id;
  std::optional<std::string> location;  // text the location name contains
  std::optional<Fen> min_value;
  std::optional<Fen> max_value;
  std::optional<Date> acquired_from;
  std::optional<Date> acquired_to;
  std::optional<std::string> q;  // free text over name / number / model / serial / brand
  SortKey sort = SortKey::kNumber;
  bool descending = false;
  std::optional<std::string> cursor;  // opaque, from CardPage::next_cursor
  int limit = 50;
};

struct CardPage {
  std::vector<Card> items;
  std::optional<std::string> next_cursor;
  int64_t total = 0;
  bool total_capped = false;  // total is a lower bound (counting stopped)
  // The order the items are in: the one asked for, or the one chosen for
  // free text without a sort (registered, descending: newest first).
  SortKey sort = SortKey::kNumber;
  bool descending = false;
};

// Dashboards: count and original value by org × category × state (from
// asset_rollups only).
enum class StatsDimension { kCategory, kState, kOrg };
struct StatsQuery {
  std::optional<int64_t> org_id;  // default: the top of the caller's scope
  std::vector<StatsDimension> group_by;  // 1 or 2 of category, state, org
};
struct StatsRow {
  std::optional<std::string> category_code;
  std::optional<std::string> category_name;
  std::optional<State> state;
  std::optional<int64_t> org_id;  // a direct child of the chosen org (or the org itself)
  std::optional<std::string> org_name;
  int64_t count = 0;
  Fen value;
};
struct Stats {
  std::optional<int64_t> org_id;
  std::vector<StatsRow> rows;
  int64_t total_count = 0;
  Fen total_value;
};

}  // namespace minsheng::asset
