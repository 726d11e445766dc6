#include "asset/service.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <map>
#include <mutex>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <thread>
#include <type_traits>

#include <spdlog/spdlog.h>

#include "asset/directory_store.h"
#include "asset/store.h"
#include "org/store.h"
#include "audit/audit.h"
#include "auth/access.h"
#include "core/json_input.h"
#include "core/text.h"

namespace minsheng::asset {

namespace json = boost::json;
using auth::Action;

// ---- vocabularies -------------------------------------------------------------

const std::vector<std::string>& AcquisitionMethods() {
  static const std::vector<std::string> k = {"购置", "调剂/调拨", "建设", "租用", "捐赠", "置换", "其他"};
  return k;
}

const std::vector<std::string>& FundingSources() {
  static const std::vector<std::string> k = {"财政拨款", "非财政"};
  return k;
}

const std::vector<std::string>& BuildingStructures() {
  static const std::vector<std::string> k = {"钢结构", "钢筋混凝土", "砖混", "砖木", "简易", "其他"};
  return k;
}

std::string_view SortKeyName(SortKey k) {
  switch (k) {
    case SortKey::kNumber:
      return "number";
    case SortKey::kName:
      return "name";
    case SortKey::kAcquiredOn:
      return "acquired_on";
    case SortKey::kOriginalValue:
      return "original_value";
    case SortKey::kRegistered:
      return "registered";
  }
  return "number";
}

std::optional<SortKey> ParseSortKey(std::string_view s) {
  for (auto k : {SortKey::kNumber, SortKey::kName, SortKey::kAcquiredOn, SortKey::kOriginalValue,
                 SortKey::kRegistered}) {
    if (SortKeyName(k) == s) return k;
  }
  return std::nullopt;
}

namespace {

// What lookup answers for code, asked once per code.
template <typename T, typename Lookup>
const T* Remembered(std::unordered_map<std::string, std::optional<T>>& memo, const Lookup& lookup,
                    std::string_view code) {
  auto it = memo.find(std::string(code));
  if (it == memo.end()) {
    std::optional<T> found;
    if (lookup) found = lookup(code);
    it = memo.emplace(std::string(code), std::move(found)).first;
  }
  return it->second ? &*it->second : nullptr;
}

}  // namespace

const Category* ValidationContext::FindCategory(std::string_view code) { return Remembered(memo_, lookup_, code); }

const DepreciationClass* ValidationContext::FindClass(std::string_view code) {
  return Remembered(class_memo_, class_lookup_, code);
}

// ---- JSON ---------------------------------------------------------------------

namespace {

json::value Opt(const std::optional<std::string>& v) { return v ? json::value(*v) : json::value(nullptr); }
json::value Opt(const std::optional<int64_t>& v) { return v ? json::value(*v) : json::value(nullptr); }
json::value Opt(const std::optional<double>& v) { return v ? json::value(*v) : json::value(nullptr); }

json::object ExtObject(const CardExt& e) {
  const auto text = EncodeExt(e);
  if (!text) return {};
  return json::parse(*text).as_object();
}

json::object CardObject(const Card& c) {
  json::object j;
  j["number"] = c.number;
  j["name"] = c.name;
  j["org_id"] = c.org_id;
  j["org_code"] = c.org_code;
  j["org_name"] = c.org_name;
  j["category_code"] = c.category_code;
  j["category_name"] = c.category_name;
  j["subject_code"] = c.subject_code;
  j["acquisition_method"] = c.acquisition_method;
  j["funding_source"] = c.funding_source;
  j["acquired_on"] = FormatDate(c.acquired_on);
  j["booked_on"] = FormatDate(c.booked_on);
  j["original_value"] = c.original_value.value;
  j["original_value_yuan"] = FormatYuan(c.original_value);
  j["quantity"] = c.quantity;
  j["unit_of_measure"] = c.unit_of_measure;
  j["usage_direction"] = Opt(c.usage_direction);
  j["department_id"] = Opt(c.department_id);
  j["department_name"] = Opt(c.department_name);
  j["custodian_id"] = Opt(c.custodian_id);
  j["custodian_name"] = Opt(c.custodian_name);
  j["manager_id"] = Opt(c.manager_id);
  j["manager_name"] = Opt(c.manager_name);
  j["location_id"] = c.location_id;
  j["location_name"] = c.location_name;
  j["latitude"] = Opt(c.latitude);
  j["longitude"] = Opt(c.longitude);
  j["model"] = Opt(c.model);
  j["spec"] = Opt(c.spec);
  j["brand"] = Opt(c.brand);
  j["serial_no"] = Opt(c.serial_no);
  j["depreciation_method"] = DepreciationMethodName(c.depreciation_method);
  j["life_months"] = c.life_months;
  j["certificate_no"] = Opt(c.certificate_no);
  j["project_ref"] = Opt(c.project_ref);
  j["ext"] = ExtObject(c.ext);
  j["value_status"] = c.value_status;
  j["state"] = StateName(c.state);
  j["state_zh"] = StateNameZh(c.state);
  j["version"] = c.version;
  j["created_at"] = FormatUtc(c.created_at);
  j["updated_at"] = FormatUtc(c.updated_at);
  return j;
}

// The keys whose values differ, as two objects (an event's before / after).
std::pair<std::string, std::string> Diff(const json::object& before, const json::object& after) {
  json::object b, a;
  for (const auto& [k, v] : after) {
    if (k == "version" || k == "updated_at" || k == "created_at") continue;
    const auto* old = before.if_contains(k);
    if (old == nullptr || *old != v) {
      a[k] = v;
      b[k] = old ? *old : json::value(nullptr);
    }
  }
  return {json::serialize(b), json::serialize(a)};
}

// Writes a card's JSON straight into a string, byte for byte what
// json::serialize(CardObject(c)) gives (same keys, order and escapes), without
// building the object: the list and card pages render many of these.
class CardWriter {
 public:
  explicit CardWriter(std::string& out) : out_(out) {}

  void Str(std::string_view key, std::string_view v) {
    Key(key);
    Quoted(v);
  }
  void Int(std::string_view key, int64_t v) {
    Key(key);
    char buf[24];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, end);
  }
  void Real(std::string_view key, double v) {
    Key(key);
    out_ += json::serialize(json::value(v));
  }
  template <typename T>
  void Opt(std::string_view key, const std::optional<T>& v) {
    if (!v) {
      Key(key);
      out_ += "null";
    } else if constexpr (std::is_same_v<T, std::string>) {
      Str(key, *v);
    } else if constexpr (std::is_same_v<T, double>) {
      Real(key, *v);
    } else {
      Int(key, *v);
    }
  }
  void Raw(std::string_view key, std::string_view json_text) {
    Key(key);
    out_ += json_text;
  }
  void Close() { out_ += first_ ? "{}" : "}"; }

 private:
  void Key(std::string_view k) {
    out_ += first_ ? "{\"" : ",\"";
    first_ = false;
    out_ += k;
    out_ += "\":";
  }
  // boost::json's escapes: \" \\ \b \f \n \r \t, other C0 as \u00xx.
  void Quoted(std::string_view v) {
    static constexpr char kHex[] = "0123456789abcdef";
    out_.push_back('"');
    size_t plain = 0;
    for (size_t i = 0; i < v.size(); ++i) {
      const auto ch = static_cast<unsigned char>(v[i]);
      if (ch >= 0x20 && ch != '"' && ch != '\\') continue;
      out_.append(v.data() + plain, i - plain);
      plain = i + 1;
      out_.push_back('\\');
      switch (ch) {
        case '"':
          out_.push_back('"');
          break;
        case '\\':
          out_.push_back('\\');
          break;
        case '\b':
          out_.push_back('b');
          break;
        case '\f':
          out_.push_back('f');
          break;
        case '\n':
          out_.push_back('n');
          break;
        case '\r':
          out_.push_back('r');
          break;
        case '\t':
          out_.push_back('t');
          break;
        default:
          out_ += "u00";
          out_.push_back(kHex[ch >> 4]);
          out_.push_back(kHex[ch & 15]);
      }
    }
    out_.append(v.data() + plain, v.size() - plain);
    out_.push_back('"');
  }

  std::string& out_;
  bool first_ = true;
};

}  // namespace

std::string CardJson(const Card& c) {
  std::string out;
  out.reserve(1536);
  CardWriter w(out);
  w.Str("number", c.number);
  w.Str("name", c.name);
  w.Int("org_id", c.org_id);
  w.Str("org_code", c.org_code);
  w.Str("org_name", c.org_name);
  w.Str("category_code", c.category_code);
  w.Str("category_name", c.category_name);
  w.Str("subject_code", c.subject_code);
  w.Str("acquisition_method", c.acquisition_method);
  w.Str("funding_source", c.funding_source);
  w.Str("acquired_on", FormatDate(c.acquired_on));
  w.Str("booked_on", FormatDate(c.booked_on));
  w.Int("original_value", c.original_value.value);
  w.Str("original_value_yuan", FormatYuan(c.original_value));
  w.Int("quantity", c.quantity);
  w.Str("unit_of_measure", c.unit_of_measure);
  w.Opt("usage_direction", c.usage_direction);
  w.Opt("department_id", c.department_id);
  w.Opt("department_name", c.department_name);
  w.Opt("custodian_id", c.custodian_id);
  w.Opt("custodian_name", c.custodian_name);
  w.Opt("manager_id", c.manager_id);
  w.Opt("manager_name", c.manager_name);
  w.Int("location_id", c.location_id);
  w.Str("location_name", c.location_name);
  w.Opt("latitude", c.latitude);
  w.Opt("longitude", c.longitude);
  w.Opt("model", c.model);
  w.Opt("spec", c.spec);
  w.Opt("brand", c.brand);
  w.Opt("serial_no", c.serial_no);
  w.Str("depreciation_method", DepreciationMethodName(c.depreciation_method));
  w.Int("life_months", c.life_months);
  w.Opt("certificate_no", c.certificate_no);
  w.Opt("project_ref", c.project_ref);
  const auto ext = EncodeExt(c.ext);  // already the serialized object
  w.Raw("ext", ext ? std::string_view(*ext) : std::string_view("{}"));
  w.Str("value_status", c.value_status);
  w.Str("state", StateName(c.state));
  w.Str("state_zh", StateNameZh(c.state));
  w.Int("version", c.version);
  w.Str("created_at", FormatUtc(c.created_at));
  w.Str("updated_at", FormatUtc(c.updated_at));
  w.Close();
  return out;
}
std::string CardExtJson(const CardExt& e) { return json::serialize(ExtObject(e)); }

// ---- validation -------------------------------------------------------------------

namespace {

constexpr int kMaxLifeMonths = 1200;
constexpr int64_t kMaxValueFen = 1'000'000'000'000'000;  // 10 万亿元
constexpr int64_t kMaxQuantity = 1'000'000'000;

bool OneOf(const std::vector<std::string>& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

void Text(std::string_view field, const std::optional<std::string>& v, size_t max_len, bool required,
          std::vector<FieldError>& errors) {
  if (!v) {
    if (required) errors.push_back({std::string(field), "required", "必填", "is required"});
    return;
  }
  if (!IsValidUtf8(*v)) {
    errors.push_back({std::string(field), "invalid", "含有无效字符", "has invalid characters"});
    return;
  }
  CheckText(field, *v, {.required = required, .max_len = max_len}, errors);
}

std::string Years(int months) {
  return months % 12 == 0 ? std::to_string(months / 12) + " 年" : std::to_string(months) + " 个月";
}
std::string YearsEn(int months) {
  return months % 12 == 0 ? std::to_string(months / 12) + " years" : std::to_string(months) + " months";
}

bool ValidVin(std::string_view v) {
  // ISO 3779: 17 characters, digits and capitals except I, O and Q.
  return v.size() == 17 && std::all_of(v.begin(), v.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'Q');
         });
}

void CheckExt(const CardExt& e, CardGroup group, std::vector<FieldError>& errors) {
  const bool building = group == CardGroup::kBuilding;
  const bool vehicle = group == CardGroup::kVehicle;
  const bool land = group == CardGroup::kLand;
  auto not_applicable = [&](const char* field, bool present, bool allowed) {
    if (present && !allowed)
      errors.push_back({std::string("ext.") + field, "not_applicable", "该资产类别没有此字段",
                        "this category has no such field"});
    return present && allowed;
  };
  if (not_applicable("area_m2", e.area_m2.has_value(), building || land)) {
    if (!std::isfinite(*e.area_m2) || *e.area_m2 <= 0 || *e.area_m2 > 1e9)
      errors.push_back({"ext.area_m2", "out_of_range", "面积应大于 0", "must be greater than 0"});
  }
  if (not_applicable("structure", e.structure.has_value(), building) && !OneOf(BuildingStructures(), *e.structure))
    errors.push_back({"ext.structure", "invalid", "建筑结构应为 钢结构/钢筋混凝土/砖混/砖木/简易/其他 之一",
                      "must be one of 钢结构, 钢筋混凝土, 砖混, 砖木, 简易, 其他"});
  if (not_applicable("certificate", e.certificate.has_value(), building || land))
    Text("ext.certificate", e.certificate, 50, false, errors);
  if (not_applicable("plate", e.plate.has_value(), vehicle)) Text("ext.plate", e.plate, 12, false, errors);
  if (not_applicable("vin", e.vin.has_value(), vehicle) && !ValidVin(*e.vin))
    errors.push_back({"ext.vin", "invalid", "车架号应为 17 位大写字母和数字（不含 I、O、Q）",
                      "a VIN is 17 capital letters and digits (no I, O or Q)"});
  if (not_applicable("engine_no", e.engine_no.has_value(), vehicle))
    Text("ext.engine_no", e.engine_no, 30, false, errors);
  if (not_applicable("displacement_l", e.displacement_l.has_value(), vehicle)) {
    if (!std::isfinite(*e.displacement_l) || *e.displacement_l <= 0 || *e.displacement_l > 50)
      errors.push_back({"ext.displacement_l", "out_of_range", "排量应在 0 到 50 升之间",
                        "must be more than 0 and at most 50 litres"});
  }
  if (not_applicable("land_class", e.land_class.has_value(), land))
    Text("ext.land_class", e.land_class, 30, false, errors);
}

// The lives a card may have: its category's class, or, for a building whose
// category's class follows the structure, the class its ext.structure names.
struct LifeRule {
  bool depreciable = false;
  int min_months = 0;
  std::optional<int> max_months;
  std::optional<std::string> structure;  // set when the structure decided
};

LifeRule LifeRuleOf(const Category& cat, const CardInput& in, ValidationContext& ctx) {
  LifeRule rule{cat.depreciable, cat.min_life_months, cat.max_life_months, std::nullopt};
  if (cat.group != CardGroup::kBuilding || !cat.depreciation_class ||
      !ClassFollowsStructure(*cat.depreciation_class) || !in.ext || !in.ext->structure)
    return rule;
  const auto code = BuildingClassForStructure(*in.ext->structure);
  const DepreciationClass* cls = code ? ctx.FindClass(*code) : nullptr;
  if (cls == nullptr) return rule;  // 其他, or a table without the class
  rule.depreciable = cls->depreciable;
  rule.min_months = cls->depreciable ? cls->min_years * 12 : 0;
  rule.max_months = cls->max_years ? std::optional<int>(*cls->max_years * 12) : std::nullopt;
  rule.structure = *in.ext->structure;
  return rule;
}

// Validates `in` as a new card of ctx.org_id (existing == nullptr) or as the
// merged result of a patch of *existing, and fills *out with the card it
// describes (defaults applied). Directory ids equal to those already on
// *existing are accepted even if the entry was deactivated since.
std::vector<FieldError> Check(const CardInput& in, ValidationContext& ctx, const Card* existing, Card* out) {
  std::vector<FieldError> errors;
  Card& c = *out;
  Text("name", in.name, 100, true, errors);
  Text("subject_code", in.subject_code, 20, true, errors);
  if (in.subject_code && !in.subject_code->empty() &&
      (in.subject_code->size() < 4 || in.subject_code->size() > 12 ||
       !std::all_of(in.subject_code->begin(), in.subject_code->end(), [](char ch) { return ch >= '0' && ch <= '9'; })))
    errors.push_back({"subject_code", "invalid", "会计科目应为 4 到 12 位数字", "must be 4 to 12 digits"});
  Text("unit_of_measure", in.unit_of_measure, 10, true, errors);
  Text("usage_direction", in.usage_direction, 50, false, errors);
  Text("model", in.model, 100, false, errors);
  Text("spec", in.spec, 100, false, errors);
  Text("brand", in.brand, 100, false, errors);
  Text("serial_no", in.serial_no, 100, false, errors);
  Text("certificate_no", in.certificate_no, 100, false, errors);
  Text("project_ref", in.project_ref, 100, false, errors);

  if (!in.acquisition_method) {
    errors.push_back({"acquisition_method", "required", "必填", "is required"});
  } else if (!OneOf(AcquisitionMethods(), *in.acquisition_method)) {
    errors.push_back({"acquisition_method", "invalid", "取得方式应为 购置/调剂/调拨/建设/租用/捐赠/置换/其他 之一",
                      "must be one of 购置, 调剂/调拨, 建设, 租用, 捐赠, 置换, 其他"});
  }
  if (!in.funding_source) {
    errors.push_back({"funding_source", "required", "必填", "is required"});
  } else if (!OneOf(FundingSources(), *in.funding_source)) {
    errors.push_back({"funding_source", "invalid", "经费来源应为 财政拨款 或 非财政",
                      "must be 财政拨款 or 非财政"});
  }

  // Dates: none in the future (Asia/Shanghai), booked not before acquired.
  if (!in.acquired_on) {
    errors.push_back({"acquired_on", "required", "必填", "is required"});
  } else if (*in.acquired_on > ctx.today) {
    errors.push_back({"acquired_on", "in_future", "取得日期不能晚于今天", "must not be in the future"});
  }
  const std::optional<Date> booked = in.booked_on ? in.booked_on : in.acquired_on;
  if (in.booked_on && *in.booked_on > ctx.today) {
    errors.push_back({"booked_on", "in_future", "入账日期不能晚于今天", "must not be in the future"});
  } else if (booked && in.acquired_on && *booked < *in.acquired_on) {
    errors.push_back({"booked_on", "before_acquired", "入账日期不能早于取得日期",
                      "must not be before the acquisition date"});
  }

  if (!in.original_value) {
    errors.push_back({"original_value", "required", "必填", "is required"});
  } else if (in.original_value->value < 0) {
    errors.push_back({"original_value", "negative", "原值不能为负数", "must not be negative"});
  } else if (in.original_value->value > kMaxValueFen) {
    errors.push_back({"original_value", "out_of_range", "原值过大", "is too large"});
  }
  const int64_t quantity = in.quantity.value_or(1);
  if (quantity < 1 || quantity > kMaxQuantity)
    errors.push_back({"quantity", "out_of_range", "数量应至少为 1", "must be at least 1"});

  // Directories of the owning unit.
  auto member = [&](const char* field, const std::optional<int64_t>& id, const std::unordered_set<int64_t>& set,
                    std::optional<int64_t> current) {
    if (!id || (current && *current == *id) || set.count(*id) > 0) return;
    errors.push_back({field, "not_found", "不存在、已停用或不属于本单位",
                      "does not exist, is inactive, or belongs to another unit"});
  };
  member("department_id", in.department_id, ctx.departments, existing ? existing->department_id : std::nullopt);
  member("custodian_id", in.custodian_id, ctx.staff, existing ? existing->custodian_id : std::nullopt);
  member("manager_id", in.manager_id, ctx.staff, existing ? existing->manager_id : std::nullopt);
  if (!in.location_id) {
    errors.push_back({"location_id", "required", "存放地点必填", "a location is required"});
  } else {
    member("location_id", in.location_id, ctx.locations,
           existing ? std::optional<int64_t>(existing->location_id) : std::nullopt);
  }
  if (in.latitude.has_value() != in.longitude.has_value())
    errors.push_back({in.latitude ? "longitude" : "latitude", "required", "经纬度须同时填写",
                      "latitude and longitude go together"});
  if (in.latitude && !(*in.latitude >= -90 && *in.latitude <= 90))
    errors.push_back({"latitude", "out_of_range", "纬度应在 -90 到 90 之间", "must be from -90 to 90"});
  if (in.longitude && !(*in.longitude >= -180 && *in.longitude <= 180))
    errors.push_back({"longitude", "out_of_range", "经度应在 -180 到 180 之间", "must be from -180 to 180"});

  if (in.value_status && *in.value_status != "settled" && *in.value_status != "provisional")
    errors.push_back({"value_status", "invalid", "价值状态应为 settled（已决算）或 provisional（暂估）",
                      "must be settled or provisional"});
  if (!existing && in.state && !IsRegistrableState(*in.state))
    errors.push_back({"state", "invalid", "新登记资产不能处于该状态", "a new card cannot start in this state"});

  // Category: exists and is a leaf; its class decides depreciation and
  // which extension fields apply.
  const Category* cat = nullptr;
  if (!in.category_code) {
    errors.push_back({"category_code", "required", "必填", "is required"});
  } else {
    cat = ctx.FindCategory(*in.category_code);
    if (cat == nullptr) {
      errors.push_back({"category_code", "not_found", "资产分类代码不存在", "no such category"});
    } else if (!cat->is_leaf) {
      errors.push_back({"category_code", "not_leaf", "请选择最末级分类", "choose a leaf category"});
      cat = nullptr;
    }
  }
  DepreciationMethod method = DepreciationMethod::kStraightLine;
  int life = 0;
  if (cat != nullptr) {
    const LifeRule rule = LifeRuleOf(*cat, in, ctx);
    // "该类资产" / "this category", or the building's structure when it decided.
    const std::string whose_zh = rule.structure ? "结构为「" + *rule.structure + "」的房屋" : "该类资产";
    const std::string whose_en =
        rule.structure ? "a building of structure " + *rule.structure : std::string("this category");
    method = in.depreciation_method.value_or(rule.depreciable ? DepreciationMethod::kStraightLine
                                                              : DepreciationMethod::kNone);
    life = in.life_months.value_or(rule.depreciable ? rule.min_months : 0);
    if (!rule.depreciable && method != DepreciationMethod::kNone) {
      errors.push_back({"depreciation_method", "not_depreciable", "该类资产不计提折旧",
                        "assets of this category are not depreciated"});
    }
    if (life < 0 || life > kMaxLifeMonths) {
      errors.push_back({"life_months", "out_of_range", "使用年限应在 0 到 1200 个月之间",
                        "must be from 0 to 1200 months"});
    } else if (rule.depreciable && life == 0) {
      errors.push_back({"life_months", "required", "计提折旧的资产须填写使用年限（月）",
                        "a depreciated asset needs a useful life in months"});
    } else if (rule.depreciable && life < rule.min_months) {
      errors.push_back({"life_months", "below_minimum", "使用年限不得低于" + whose_zh + "的最低年限 " + Years(rule.min_months),
                        "must not be below the minimum of " + YearsEn(rule.min_months) + " for " + whose_en});
    } else if (rule.depreciable && rule.max_months && life > *rule.max_months) {
      errors.push_back({"life_months", "above_maximum", "使用年限不得高于" + whose_zh + "的最高年限 " + Years(*rule.max_months),
                        "must not be above the maximum of " + YearsEn(*rule.max_months) + " for " + whose_en});
    }
    if (in.ext) CheckExt(*in.ext, cat->group, errors);
  }

  if (!errors.empty()) return errors;
  c.org_id = ctx.org_id;
  c.name = *in.name;
  c.category_code = cat->code;
  c.category_name = cat->name;
  c.subject_code = *in.subject_code;
  c.acquisition_method = *in.acquisition_method;
  c.funding_source = *in.funding_source;
  c.acquired_on = *in.acquired_on;
  c.booked_on = *booked;
  c.original_value = *in.original_value;
  c.quantity = quantity;
  c.unit_of_measure = *in.unit_of_measure;
  c.usage_direction = in.usage_direction;
  c.department_id = in.department_id;
  c.custodian_id = in.custodian_id;
  c.manager_id = in.manager_id;
  c.location_id = *in.location_id;
  c.latitude = in.latitude;
  c.longitude = in.longitude;
  c.model = in.model;
  c.spec = in.spec;
  c.brand = in.brand;
  c.serial_no = in.serial_no;
  c.depreciation_method = method;
  c.life_months = life;
  c.certificate_no = in.certificate_no;
  c.project_ref = in.project_ref;
  c.ext = in.ext.value_or(CardExt{});
  c.value_status = in.value_status.value_or("settled");
  if (!existing) c.state = in.state.value_or(State::kInUse);
  return errors;
}

// The card's current values as an input (for merging a patch).
CardInput InputOf(const Card& c) {
  CardInput in;
  in.name = c.name;
  in.category_code = c.category_code;
  in.subject_code = c.subject_code;
  in.acquisition_method = c.acquisition_method;
  in.funding_source = c.funding_source;
  in.acquired_on = c.acquired_on;
  in.booked_on = c.booked_on;
  in.original_value = c.original_value;
  in.quantity = c.quantity;
  in.unit_of_measure = c.unit_of_measure;
  in.usage_direction = c.usage_direction;
  in.department_id = c.department_id;
  in.custodian_id = c.custodian_id;
  in.manager_id = c.manager_id;
  in.location_id = c.location_id;
  in.latitude = c.latitude;
  in.longitude = c.longitude;
  in.model = c.model;
  in.spec = c.spec;
  in.brand = c.brand;
  in.serial_no = c.serial_no;
  in.depreciation_method = c.depreciation_method;
  in.life_months = c.life_months;
  in.certificate_no = c.certificate_no;
  in.project_ref = c.project_ref;
  if (!c.ext.empty()) in.ext = c.ext;
  in.value_status = c.value_status;
  return in;
}

}  // namespace

std::vector<FieldError> AssetService::ValidateInput(const CardInput& input, ValidationContext& ctx, Card* card) {
  Card scratch;
  return Check(input, ctx, nullptr, card != nullptr ? card : &scratch);
}

// ---- the service --------------------------------------------------------------------

AssetService::AssetService(db::Database& db, CategoryService& categories, org::OrgService& orgs,
                           AssetSettings settings)
    : db_(db),
      categories_(categories),
      orgs_(orgs),
      settings_(std::move(settings)),
      stats_cache_(std::make_unique<GenerationCache<>>(settings_.stats_cache_bytes)),
      owners_cache_(std::make_unique<GenerationCache<std::vector<int64_t>>>(settings_.stats_cache_bytes / 8)),
      totals_cache_(std::make_unique<GenerationCache<std::pair<int64_t, int64_t>>>(settings_.stats_cache_bytes / 8)),
      page_cache_(std::make_unique<GenerationCache<Compressed>>(settings_.list_cache_bytes)),
      card_cache_(std::make_unique<GenerationCache<CachedCard>>(settings_.card_cache_bytes)) {}

namespace {

Error InvalidTransition(State from, Event event) {
  return MakeError(ErrorCode::kConflict, "invalid_transition",
                   "资产当前状态为「" + std::string(StateNameZh(from)) + "」，不能办理该操作",
                   "An asset that is " + std::string(StateName(from)) + " cannot go through " +
                       std::string(EventName(event)));
}

Error VersionConflict() {
  return MakeError(ErrorCode::kConflict, "version_conflict", "数据已被他人修改，请刷新后重试",
                   "The record was changed by someone else; reload and try again");
}

// Orgs that may own cards: units and departments (a department is itself an
// administrative unit with assets), not regions.
Result<void> CheckOwner(const org::Org& o) {
  if (o.level == org::Level::kRegion) {
    return ValidationError({{"org_id", "not_a_unit", "行政区划不能直接拥有资产，请选择单位或部门",
                             "a region cannot own assets; choose a unit or department"}});
  }
  if (!o.active) {
    return ValidationError({{"org_id", "inactive", "该单位已停用", "this organisation is inactive"}});
  }
  return Ok();
}

// The id at the end of a materialized path ("/1/4/17/" → 17).
int64_t LastId(std::string_view path) {
  if (path.size() < 2) return 0;
  path.remove_suffix(1);
  const auto slash = path.rfind('/');
  int64_t id = 0;
  const auto s = path.substr(slash + 1);
  std::from_chars(s.data(), s.data() + s.size(), id);
  return id;
}

std::string MakeNumber(std::string_view org_code, int year, int64_t serial) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%06lld", year, static_cast<long long>(serial));
  return std::string(org_code) + buf;
}

// The serial is 6 digits, so a unit has 999,999 numbers a year. Past them a
// card is refused (Conflict "serials_exhausted"), never given a 7-digit
// serial: the number's shape (unit code + 4-digit year + 6 digits) is what
// printed QR labels and other systems read. docs/import-assets.md.
constexpr int64_t kMaxSerial = 999'999;

// first: the first serial the call would take; wanted: how many.
Error SerialsExhausted(const org::Org& o, int year, int64_t first, int64_t wanted) {
  const std::string left = std::to_string(std::max<int64_t>(0, kMaxSerial - first + 1));
  const std::string n = std::to_string(wanted);
  const std::string y = std::to_string(year);
  const std::string max = std::to_string(kMaxSerial);
  return MakeError(ErrorCode::kConflict, "serials_exhausted",
                   "单位 " + o.code + " " + y + " 年的资产编号不够用：编号的流水号为 6 位，每个单位每年最多 " + max +
                       " 张卡片；本次需要 " + n + " 个，只剩 " + left + " 个。未写入任何数据",
                   "Unit " + o.code + " has run out of asset numbers for " + y +
                       ": the serial has 6 digits, so a unit has at most " + max + " cards a year; this needs " + n +
                       " and " + left + " are left. Nothing was written");
}

// A validation context whose categories and classes come from the service.
ValidationContext NewContext(int64_t org_id, CategoryService& categories) {
  return ValidationContext(
      org_id, TodayInShanghai(),
      [&categories](std::string_view code) -> std::optional<Category> {
        auto cat = categories.Get(code);
        if (!cat.ok()) return std::nullopt;
        return std::move(cat).value();
      },
      [&categories](std::string_view code) -> std::optional<DepreciationClass> {
        auto cls = categories.Class(code);
        if (!cls.ok()) return std::nullopt;
        return std::move(cls).value();
      });
}

std::optional<int64_t> ActorId(const auth::Caller& caller) {
  const auth::Principal& p = *caller.principal;
  return p.is_system ? std::nullopt : std::optional<int64_t>(p.user_id);
}

NewEvent EventFor(const auth::Caller& caller, const Card& card, Event event, std::optional<State> before,
                  UtcTime at) {
  NewEvent e;
  e.org_id = card.org_id;
  e.asset_id = card.id;
  e.event = event;
  e.state_before = before;
  e.state_after = card.state;
  e.at = at;
  e.actor_user_id = ActorId(caller);
  e.actor_name = caller.principal->display_name.empty() ? caller.principal->username
                                                        : caller.principal->display_name;
  if (!caller.request_id.empty()) e.request_id = caller.request_id;
  return e;
}

}  // namespace

Result<ValidationContext> AssetService::LoadValidationContext(db::Connection& c, int64_t org_id) {
  auto o = orgs_.Lookup(org_id);
  if (!o.ok()) return std::move(o).error();
  MS_TRY(CheckOwner(*o));
  ValidationContext ctx = NewContext(org_id, categories_);
  std::unordered_set<int64_t>* sets[3] = {&ctx.departments, &ctx.staff, &ctx.locations};
  for (int k = 0; k < 3; ++k) {
    MS_ASSIGN_OR_RETURN(auto names, DirectoryStore::Names(c, static_cast<DirectoryKind>(k), org_id));
    for (const auto& n : names) {
      if (n.active) sets[k]->insert(n.id);
    }
  }
  return ctx;
}

namespace {

// A context for one card: only the directory ids the input names are looked
// up (cheaper than loading the unit's whole directories).
Result<ValidationContext> ContextFor(db::Connection& c, int64_t org_id, const CardInput& in,
                                     CategoryService& categories) {
  ValidationContext ctx = NewContext(org_id, categories);
  if (in.department_id) {
    auto d = DirectoryStore::GetDepartment(c, *in.department_id);
    if (d.ok() && d->org_id == org_id && d->active) ctx.departments.insert(d->id);
  }
  for (const auto& id : {in.custodian_id, in.manager_id}) {
    if (!id) continue;
    auto s = DirectoryStore::GetStaff(c, *id);
    if (s.ok() && s->org_id == org_id && s->active) ctx.staff.insert(s->id);
  }
  if (in.location_id) {
    auto l = DirectoryStore::GetLocation(c, *in.location_id);
    if (l.ok() && l->org_id == org_id && l->active) ctx.locations.insert(l->id);
  }
  return ctx;
}

}  // namespace

Result<Card> AssetService::Register(const auth::Caller& caller, int64_t org_id, const CardInput& input) {
  const auth::Principal& who = *caller.principal;
  MS_TRY(auth::Require(who, Action::kAssetWrite));
  auto o = orgs_.Lookup(org_id);
  if (!o.ok() || !auth::CanOn(who, Action::kAssetWrite, o->path)) {
    return ValidationError({{"org_id", "not_found", "单位不存在或不在您的管理范围内",
                             "the organisation does not exist or is outside your scope"}});
  }
  MS_TRY(CheckOwner(*o));
  MS_ASSIGN_OR_RETURN(auto tx, db_.Write());
  MS_ASSIGN_OR_RETURN(ValidationContext ctx, ContextFor(*tx, org_id, input, categories_));
  Card card;
  auto errors = Check(input, ctx, nullptr, &card);
  if (!errors.empty()) return ValidationError(std::move(errors));

  const UtcTime now = Now();
  const int year = ctx.today.year();
  MS_ASSIGN_OR_RETURN(const int64_t serial, AssetStore::ReserveSerials(*tx, org_id, year, 1));
  if (serial > kMaxSerial) return SerialsExhausted(*o, year, serial, 1);
  card.number = MakeNumber(o->code, year, serial);
  card.created_at = card.updated_at = now;
  MS_ASSIGN_OR_RETURN(card.id, AssetStore::Insert(*tx, card));
  MS_ASSIGN_OR_RETURN(Card stored, AssetStore::GetById(*tx, card.id));
  const std::string after = CardJson(stored);
  NewEvent e = EventFor(caller, stored, Event::kRegister, std::nullopt, now);
  e.after_json = after;
  MS_TRY(AssetStore::InsertEvent(*tx, e));
  MS_TRY(AssetStore::AddRollup(*tx, org_id, stored.category_code, stored.state, 1, stored.original_value.value));
  MS_TRY(audit::Write(*tx, caller, {"asset.register", "asset", stored.number, org_id, std::nullopt, after}));
  MS_TRY(tx.Commit());
  return stored;
}

Result<void> AssetService::CheckSerialsLeft(db::Connection& c, int64_t org_id, int64_t n) {
  auto o = org::OrgStore::Get(c, org_id);
  if (!o.ok()) return std::move(o).error();
  const int year = TodayInShanghai().year();
  MS_ASSIGN_OR_RETURN(const int64_t next, AssetStore::NextSerial(c, org_id, year));
  if (n > 0 && next + n - 1 > kMaxSerial) return SerialsExhausted(*o, year, next, n);
  return Ok();
}

namespace {

// Read in the caller's transaction: a bulk import holds the lock on `orgs`
// that another connection would wait for (AssetStore::BeginBulk).
Result<org::Org> WritableOwner(db::Connection& tx, const auth::Principal& who, int64_t org_id) {
  MS_TRY(auth::Require(who, Action::kAssetWrite));
  auto o = org::OrgStore::Get(tx, org_id);
  if (!o.ok() || !auth::CanOn(who, Action::kAssetWrite, o->path)) {
    return ValidationError({{"org_id", "not_found", "单位不存在或不在您的管理范围内",
                             "the organisation does not exist or is outside your scope"}});
  }
  return std::move(o).value();
}

}  // namespace

Result<BatchResult> AssetService::RegisterMany(db::Connection& tx, const auth::Caller& caller, int64_t org_id,
                                               const std::vector<CardInput>& inputs, const BatchOptions& options) {
  MS_TRY(WritableOwner(tx, *caller.principal, org_id));
  if (inputs.empty()) return BatchResult{};
  MS_ASSIGN_OR_RETURN(ValidationContext ctx, LoadValidationContext(tx, org_id));

  // Validate everything before writing anything.
  std::vector<Card> cards(inputs.size());
  std::vector<FieldError> errors;
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto row_errors = Check(inputs[i], ctx, nullptr, &cards[i]);
    for (auto& e : row_errors) {
      e.field = "rows[" + std::to_string(i) + "]." + e.field;
      errors.push_back(std::move(e));
    }
  }
  if (!errors.empty()) return ValidationError(std::move(errors));
  return RegisterPrepared(tx, caller, org_id, cards, options);
}

Result<BatchResult> AssetService::RegisterPrepared(db::Connection& tx, const auth::Caller& caller, int64_t org_id,
                                                   std::vector<Card>& cards, const BatchOptions& options) {
  MS_ASSIGN_OR_RETURN(const org::Org o, WritableOwner(tx, *caller.principal, org_id));
  BatchResult result;
  if (cards.empty()) return result;
  for (const Card& c : cards) {
    if (c.org_id != org_id) {  // validated for another unit: a caller's bug, never written
      return MakeError(ErrorCode::kInternal, "asset.card_of_other_org", "内部错误：卡片不属于该单位",
                       "internal error: a prepared card belongs to another unit");
    }
  }
  const UtcTime now = Now();
  const int year = TodayInShanghai().year();
  const auto n = static_cast<int64_t>(cards.size());
  MS_ASSIGN_OR_RETURN(const int64_t first, AssetStore::ReserveSerials(tx, org_id, year, n));
  if (first + n - 1 > kMaxSerial) return SerialsExhausted(o, year, first, n);
  // Rollup deltas per category × state: written below, or kept for the caller.
  RollupDeltas own_deltas;
  RollupDeltas& deltas = options.pending_rollups != nullptr ? *options.pending_rollups : own_deltas;
  result.numbers.reserve(cards.size());
  for (size_t i = 0; i < cards.size(); ++i) {
    Card& c = cards[i];
    c.number = MakeNumber(o.code, year, first + static_cast<int64_t>(i));
    c.created_at = c.updated_at = now;
    auto& d = deltas[{c.category_code, c.state}];
    d.first += 1;
    d.second += c.original_value.value;
    result.total_value += c.original_value;
    result.numbers.push_back(c.number);
  }
  MS_TRY(AssetStore::InsertMany(tx, cards));
  Card probe;
  probe.org_id = org_id;
  NewEvent common = EventFor(caller, probe, Event::kRegister, std::nullopt, now);
  std::string note = options.note;
  if (!options.batch_id.empty()) note += (note.empty() ? "" : " ") + std::string("batch ") + options.batch_id;
  if (!note.empty()) common.note = note;
  MS_TRY(AssetStore::InsertRegisterEvents(tx, org_id, result.numbers.front(), result.numbers.back(), common));
  if (options.pending_rollups == nullptr) MS_TRY(WriteRollups(tx, org_id, deltas));
  result.count = n;
  const std::string after = json::serialize(json::object{{"batch_id", options.batch_id},
                                                         {"count", n},
                                                         {"first_number", result.numbers.front()},
                                                         {"last_number", result.numbers.back()},
                                                         {"total_value", result.total_value.value}});
  MS_TRY(audit::Write(tx, caller, {"asset.register_batch", "asset_batch",
                                   options.batch_id.empty() ? result.numbers.front() : options.batch_id, org_id,
                                   std::nullopt, after}));
  return result;
}

Result<void> AssetService::WriteRollups(db::Connection& tx, int64_t org_id, const RollupDeltas& deltas) {
  for (const auto& [key, d] : deltas) {
    MS_TRY(AssetStore::AddRollup(tx, org_id, key.first, key.second, d.first, d.second));
  }
  return Ok();
}

namespace {

// One change to one card: load it in the write transaction, check scope,
// version and the life-cycle transition, let `mutate` change a copy, then
// write the card, the rollup deltas, the event and the audit row.
struct ChangeSpec {
  Event event;
  std::optional<int64_t> version;
  std::string note;
  const char* audit_action;
};

}  // namespace

// Defined here (not in the header) to keep the header free of std::function
// plumbing; the service methods below share it.
static Result<Card> ApplyChange(db::Database& db, const auth::Caller& caller, std::string_view number,
                                const ChangeSpec& spec,
                                const std::function<Result<void>(db::Connection&, const Card&, Card&)>& mutate) {
  const auth::Principal& who = *caller.principal;
  MS_TRY(auth::Require(who, Action::kAssetWrite));
  MS_ASSIGN_OR_RETURN(auto tx, db.Write());
  std::string path;
  auto found = AssetStore::GetByNumber(*tx, number, &path);
  if (!found.ok()) return std::move(found).error();
  Card before = std::move(found).value();
  // Outside the read scope the card does not exist; readable but not
  // writable is NotFound too (RequireOn), so nothing leaks either way.
  MS_TRY(auth::RequireOn(who, Action::kAssetWrite, path, "资产", "Asset"));
  if (spec.version && *spec.version != before.version) return VersionConflict();
  const auto next_state = Transition(before.state, spec.event);
  if (!next_state) return InvalidTransition(before.state, spec.event);
  Card after = before;
  after.state = *next_state;
  MS_TRY(mutate(*tx, before, after));
  const UtcTime now = Now();
  after.updated_at = now;
  MS_TRY(AssetStore::Update(*tx, after, before.version));
  if (after.category_code != before.category_code || after.state != before.state ||
      after.original_value != before.original_value) {
    MS_TRY(AssetStore::AddRollup(*tx, before.org_id, before.category_code, before.state, -1,
                                 -before.original_value.value));
    MS_TRY(AssetStore::AddRollup(*tx, after.org_id, after.category_code, after.state, 1, after.original_value.value));
  }
  MS_ASSIGN_OR_RETURN(Card stored, AssetStore::GetById(*tx, before.id));
  const json::object before_obj = CardObject(before);
  const json::object after_obj = CardObject(stored);
  auto [diff_before, diff_after] = Diff(before_obj, after_obj);
  NewEvent e = EventFor(caller, stored, spec.event, before.state, now);
  e.before_json = std::move(diff_before);
  e.after_json = std::move(diff_after);
  if (!spec.note.empty()) e.note = spec.note;
  MS_TRY(AssetStore::InsertEvent(*tx, e));
  MS_TRY(audit::Write(*tx, caller, {spec.audit_action, "asset", stored.number, stored.org_id,
                                    json::serialize(before_obj), json::serialize(after_obj)}));
  MS_TRY(tx.Commit());
  return stored;
}

Result<Card> AssetService::Edit(const auth::Caller& caller, std::string_view number, const CardPatch& patch) {
  std::vector<FieldError> refused;
  auto not_editable = [&](const char* field, bool present, const char* zh, const char* en) {
    if (present) refused.push_back({field, "not_editable", zh, en});
  };
  const CardInput& s = patch.set;
  not_editable("custodian_id", s.custodian_id.has_value(), "使用人请通过交接办理", "change it through assign");
  not_editable("department_id", s.department_id.has_value(), "使用科室请通过交接办理", "change it through assign");
  not_editable("manager_id", s.manager_id.has_value(), "管理人请通过交接办理", "change it through assign");
  not_editable("location_id", s.location_id.has_value(), "存放地点请通过移动办理", "change it through relocate");
  not_editable("state", s.state.has_value(), "状态只能通过相应的业务办理", "state changes through its own actions");
  static const std::vector<std::string> kClearable = {
      "usage_direction", "latitude",       "longitude",   "model", "spec", "brand", "serial_no",
      "certificate_no",  "project_ref",    "ext"};
  for (const auto& f : patch.clear) {
    if (!OneOf(kClearable, f)) refused.push_back({f, "required", "不能清空", "cannot be cleared"});
  }
  if (!refused.empty()) return ValidationError(std::move(refused));

  ChangeSpec spec{Event::kEdit, patch.version, "", "asset.edit"};
  return ApplyChange(db_, caller, number, spec, [&](db::Connection& c, const Card& before, Card& after) -> Result<void> {
    CardInput merged = InputOf(before);
    auto set = [](auto& field, const auto& v) {
      if (v) field = v;
    };
    set(merged.name, s.name);
    set(merged.category_code, s.category_code);
    set(merged.subject_code, s.subject_code);
    set(merged.acquisition_method, s.acquisition_method);
    set(merged.funding_source, s.funding_source);
    set(merged.acquired_on, s.acquired_on);
    set(merged.booked_on, s.booked_on);
    set(merged.original_value, s.original_value);
    set(merged.quantity, s.quantity);
    set(merged.unit_of_measure, s.unit_of_measure);
    set(merged.usage_direction, s.usage_direction);
    set(merged.latitude, s.latitude);
    set(merged.longitude, s.longitude);
    set(merged.model, s.model);
    set(merged.spec, s.spec);
    set(merged.brand, s.brand);
    set(merged.serial_no, s.serial_no);
    set(merged.depreciation_method, s.depreciation_method);
    set(merged.life_months, s.life_months);
    set(merged.certificate_no, s.certificate_no);
    set(merged.project_ref, s.project_ref);
    set(merged.ext, s.ext);
    set(merged.value_status, s.value_status);
    for (const auto& f : patch.clear) {
      if (f == "usage_direction") merged.usage_direction.reset();
      if (f == "latitude" || f == "longitude") {
        merged.latitude.reset();
        merged.longitude.reset();
      }
      if (f == "model") merged.model.reset();
      if (f == "spec") merged.spec.reset();
      if (f == "brand") merged.brand.reset();
      if (f == "serial_no") merged.serial_no.reset();
      if (f == "certificate_no") merged.certificate_no.reset();
      if (f == "project_ref") merged.project_ref.reset();
      if (f == "ext") merged.ext.reset();
    }
    // A category change keeps the life only if the caller did not give one
    // and it still fits; otherwise validation says why.
    (void)c;
    ValidationContext ctx = NewContext(before.org_id, categories_);
    Card merged_card;
    auto errors = Check(merged, ctx, &before, &merged_card);
    if (!errors.empty()) return ValidationError(std::move(errors));
    merged_card.id = before.id;
    merged_card.number = before.number;
    merged_card.state = after.state;
    merged_card.version = before.version;
    merged_card.created_at = before.created_at;
    after = std::move(merged_card);
    return Ok();
  });
}

Result<Card> AssetService::Assign(const auth::Caller& caller, std::string_view number, const Assignment& a) {
  ChangeSpec spec{Event::kAssign, a.version, a.note, "asset.assign"};
  std::vector<FieldError> errors;
  CheckText("note", a.note, {.max_len = 500, .multiline = true}, errors);
  if (!errors.empty()) return ValidationError(std::move(errors));
  return ApplyChange(db_, caller, number, spec, [&](db::Connection& c, const Card& before, Card& after) -> Result<void> {
    std::vector<FieldError> errs;
    auto staff_ok = [&](int64_t id) {
      auto s = DirectoryStore::GetStaff(c, id);
      return s.ok() && s->org_id == before.org_id && s->active;
    };
    if (a.clear_custodian) after.custodian_id.reset();
    if (a.custodian_id) {
      if (staff_ok(*a.custodian_id)) {
        after.custodian_id = a.custodian_id;
      } else {
        errs.push_back({"custodian_id", "not_found", "使用人不存在、已停用或不属于本单位",
                        "no such active staff member in this unit"});
      }
    }
    if (a.clear_manager) after.manager_id.reset();
    if (a.manager_id) {
      if (staff_ok(*a.manager_id)) {
        after.manager_id = a.manager_id;
      } else {
        errs.push_back({"manager_id", "not_found", "管理人不存在、已停用或不属于本单位",
                        "no such active staff member in this unit"});
      }
    }
    if (a.clear_department) after.department_id.reset();
    if (a.department_id) {
      auto d = DirectoryStore::GetDepartment(c, *a.department_id);
      if (d.ok() && d->org_id == before.org_id && d->active) {
        after.department_id = a.department_id;
      } else {
        errs.push_back({"department_id", "not_found", "科室不存在、已停用或不属于本单位",
                        "no such active department in this unit"});
      }
    }
    if (!errs.empty()) return ValidationError(std::move(errs));
    if (after.custodian_id == before.custodian_id && after.manager_id == before.manager_id &&
        after.department_id == before.department_id) {
      return ValidationError({{"custodian_id", "no_change", "交接前后没有变化", "nothing changes hands"}});
    }
    return Ok();
  });
}

Result<Card> AssetService::Relocate(const auth::Caller& caller, std::string_view number, const Relocation& r) {
  ChangeSpec spec{Event::kRelocate, r.version, r.note, "asset.relocate"};
  std::vector<FieldError> errors;
  CheckText("note", r.note, {.max_len = 500, .multiline = true}, errors);
  if (r.latitude.has_value() != r.longitude.has_value())
    errors.push_back({r.latitude ? "longitude" : "latitude", "required", "经纬度须同时填写",
                      "latitude and longitude go together"});
  if (r.latitude && !(*r.latitude >= -90 && *r.latitude <= 90))
    errors.push_back({"latitude", "out_of_range", "纬度应在 -90 到 90 之间", "must be from -90 to 90"});
  if (r.longitude && !(*r.longitude >= -180 && *r.longitude <= 180))
    errors.push_back({"longitude", "out_of_range", "经度应在 -180 到 180 之间", "must be from -180 to 180"});
  if (!errors.empty()) return ValidationError(std::move(errors));
  return ApplyChange(db_, caller, number, spec, [&](db::Connection& c, const Card& before, Card& after) -> Result<void> {
    auto l = DirectoryStore::GetLocation(c, r.location_id);
    if (!l.ok() || l->org_id != before.org_id || !l->active) {
      return ValidationError({{"location_id", "not_found", "存放地点不存在、已停用或不属于本单位",
                               "no such active location in this unit"}});
    }
    after.location_id = r.location_id;
    if (r.latitude) {
      after.latitude = r.latitude;
      after.longitude = r.longitude;
    }
    if (after.location_id == before.location_id && after.latitude == before.latitude &&
        after.longitude == before.longitude) {
      return ValidationError({{"location_id", "no_change", "存放地点没有变化", "the location does not change"}});
    }
    return Ok();
  });
}

namespace {

Result<void> CheckNote(const std::string& note) {
  std::vector<FieldError> errors;
  CheckText("note", note, {.max_len = 500, .multiline = true}, errors);
  if (!errors.empty()) return ValidationError(std::move(errors));
  return Ok();
}

Result<void> NoMutation(db::Connection&, const Card&, Card&) { return Ok(); }

}  // namespace

Result<Card> AssetService::MarkIdle(const auth::Caller& caller, std::string_view number, const StateChange& c) {
  MS_TRY(CheckNote(c.note));
  return ApplyChange(db_, caller, number, {Event::kMarkIdle, c.version, c.note, "asset.mark_idle"}, NoMutation);
}

Result<Card> AssetService::BackInUse(const auth::Caller& caller, std::string_view number, const StateChange& c) {
  MS_TRY(CheckNote(c.note));
  return ApplyChange(db_, caller, number, {Event::kBackInUse, c.version, c.note, "asset.back_in_use"}, NoMutation);
}

// ---- reads ------------------------------------------------------------------------

namespace {

// The pushed generation of one unit's cards (asset_unit_generations).
std::string UnitKey(int64_t unit) { return "u" + std::to_string(unit); }

// The pushed generations a card shows (0009): its unit's, the orgs' (code,
// name, path) and the categories' (name).
std::array<std::string, 3> CardGenerationKeys(int64_t org_id) { return {UnitKey(org_id), "orgs", "categories"}; }

// Heap bytes of a cached card, for the cache's budget.
size_t CardBytes(const Card& c, const std::string& path) {
  size_t n = sizeof(Card) + sizeof(std::string) * 2 + path.capacity();
  for (const std::string* s : {&c.number, &c.name, &c.category_code, &c.subject_code, &c.acquisition_method,
                               &c.funding_source, &c.unit_of_measure, &c.value_status, &c.org_code, &c.org_name,
                               &c.category_name, &c.location_name}) {
    n += s->capacity();
  }
  for (const auto* s : {&c.usage_direction, &c.model, &c.spec, &c.brand, &c.serial_no, &c.certificate_no,
                        &c.project_ref, &c.department_name, &c.custodian_name, &c.manager_name, &c.ext.structure,
                        &c.ext.certificate, &c.ext.plate, &c.ext.vin, &c.ext.engine_no, &c.ext.land_class}) {
    if (*s) n += (*s)->capacity();
  }
  return n;
}

Result<Card> InScope(const auth::Principal& who, const Card& card, const std::string& org_path) {
  if (!auth::CanOn(who, Action::kAssetRead, org_path)) return NotFoundError("资产", "Asset");
  return card;
}

}  // namespace

std::shared_ptr<const AssetService::CachedCard> AssetService::CachedCardOf(
    std::string_view number, const std::optional<db::PushedToken>& feed) {
  if (!feed) return nullptr;  // nothing pushed (SQLite), or the listener is down: nothing cached is current
  return card_cache_->FindWith(std::string(number), [this](const CachedCard& c) -> int64_t {
    const auto keys = CardGenerationKeys(c.card.org_id);
    const auto now = db_.Pushed(keys);
    return now ? now->token : -1;  // tokens are never negative: no feed, no hit
  });
}

Result<Card> AssetService::ReadCard(db::Connection& c, const auth::Principal& who, std::string_view number,
                                    const std::optional<db::PushedToken>& before) {
  std::string path;
  MS_ASSIGN_OR_RETURN(Card card, AssetStore::GetByNumber(c, number, &path));
  // Kept only if nothing was pushed since `before`, so its token is never
  // newer than its data.
  if (before) {
    const auto keys = CardGenerationKeys(card.org_id);
    if (const auto after = db_.Pushed(keys); after && after->sequence == before->sequence) {
      const size_t bytes = CardBytes(card, path) + number.size();
      card_cache_->Store(std::string(number), after->token,
                         std::make_shared<const CachedCard>(CachedCard{card, path}), bytes);
    }
  }
  return InScope(who, card, path);
}

Result<Card> AssetService::Get(const auth::Principal& who, std::string_view number) {
  MS_TRY(auth::Require(who, Action::kAssetRead));
  const auto feed = db_.Pushed({});  // before the cache and the read
  if (const auto hit = CachedCardOf(number, feed)) return InScope(who, hit->card, hit->org_path);
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  return ReadCard(*conn, who, number, feed);
}

Result<std::optional<Card>> AssetService::TryGet(const auth::Principal& who, std::string_view number) {
  MS_TRY(auth::Require(who, Action::kAssetRead));
  const auto feed = db_.Pushed({});
  if (const auto hit = CachedCardOf(number, feed)) {
    MS_ASSIGN_OR_RETURN(Card card, InScope(who, hit->card, hit->org_path));
    return std::optional<Card>(std::move(card));
  }
  std::optional<db::Lease> conn = db_.TryRead();
  if (!conn) return std::optional<Card>();
  MS_ASSIGN_OR_RETURN(Card card, ReadCard(**conn, who, number, feed));
  return std::optional<Card>(std::move(card));
}

Result<Card> AssetService::GetByQr(const auth::Principal& who, std::string_view payload) {
  std::string_view p = payload;
  while (!p.empty() && (p.back() == '/' || p.back() == ' ')) p.remove_suffix(1);
  while (!p.empty() && p.front() == ' ') p.remove_prefix(1);
  if (const auto q = p.find_first_of("?#"); q != std::string_view::npos) p = p.substr(0, q);
  if (const auto at = p.rfind("/a/"); at != std::string_view::npos) {
    p = p.substr(at + 3);
  } else if (p.find('/') != std::string_view::npos || p.find(':') != std::string_view::npos) {
    return NotFoundError("资产", "Asset");
  }
  if (p.empty()) return NotFoundError("资产", "Asset");
  return Get(who, p);
}

Result<std::vector<CardEvent>> AssetService::History(const auth::Principal& who, std::string_view number) {
  MS_ASSIGN_OR_RETURN(Card card, Get(who, number));
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  return AssetStore::History(*conn, card.id);
}

CardValueAt AssetService::ValueAt(const Card& card, Date at) const {
  return {at, ComputeDepreciation(card.original_value, card.acquired_on, card.life_months, card.depreciation_method,
                                  settings_.depreciation_start, at)};
}

std::string AssetService::QrPayload(const Card& card) const {
  std::string base = settings_.public_base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/a/" + card.number;
}

namespace {

constexpr int64_t kCountCap = 10'000;
// Up to this many owning units, a subtree's page is the merge of each unit's
// page (limit + 1 rows each, off the unit's index); beyond it, number order
// (and registration order, the table's own) walks the global index. Other
// orders always merge.
constexpr size_t kMergeUnits = 64;
// Free text in number order (SQLite): with more hits than this the page walks
// the number index testing each card against the hit set (cheaper than
// sorting every hit); with more than kProbeHits it asks the full-text index
// per card instead of gathering the hits (StoreFilter::TextPlan).
// (A subtree walks the global index only when it has many units, as for
// pages without text.)
constexpr int64_t kWalkHits = 5'000;
constexpr int64_t kProbeHits = 100'000;
// Free text in registration order (SQLite): up to this many hits are
// gathered and sorted; past it the full-text index drives the page in its
// own (rowid) order and reads about one hit per card shown (kFtsOrder). The
// total counts up to this many and is "more than" beyond.
constexpr int64_t kOrderedTextHits = 1'000;
// Free text in registration order over a subtree (PostgreSQL): the planner
// gives every ILIKE pattern the same selectivity, so alone it walks the
// primary key for any word — cheap when the word's cards are recent, over a
// second when they were all registered long ago. So a page reads the
// asset.pg_text_window cards from its start off the primary key and, when
// those hold too few matches, the rest through the trigram index (its hits
// sorted). The count walks too only when the page's cards came at least this
// dense (percent of the cards read): a walk costs ~2.5 µs a card read, the
// index ~0.3 µs a hit it lists plus ~4.5 µs a card it counts
// (bench/RESULTS.md, session 7), even at about 7 %.
constexpr int64_t kTextDensePercent = 7;
// Short text on PostgreSQL has no index (SQLite: assets_short, planned as
// above): its total counts the matches among the scope's first
// kShortScanRows cards and, past them, is a lower bound (total_capped).
constexpr int64_t kShortScanRows = 20'000;

// The scope roots of who's asset.read narrowed to the subtree of `org` when
// given; empty when nothing of it is visible.
std::vector<auth::ScopeRoot> EffectiveRoots(const auth::Principal& who, const std::optional<org::Org>& org) {
  auto roots = auth::ScopeRoots(who, Action::kAssetRead);
  if (!org) return roots;
  std::vector<auth::ScopeRoot> out;
  for (const auto& r : roots) {
    if (org->path.starts_with(r.path)) {
      if (r.exact && org->path != r.path) continue;
      out.push_back({org->path, r.exact});
    } else if (r.path.starts_with(org->path)) {
      out.push_back(r);
    }
  }
  return out;
}

// Cursors: "<sort>.<dir>.<hex of the sort value>.<id>", opaque to clients.
std::string EncodeCursor(SortKey sort, bool desc, const Card& last) {
  std::string value;
  switch (sort) {
    case SortKey::kNumber:
      value = last.number;
      break;
    case SortKey::kName:
      value = last.name;
      break;
    case SortKey::kAcquiredOn:
      value = std::to_string(last.acquired_on.days);
      break;
    case SortKey::kOriginalValue:
      value = std::to_string(last.original_value.value);
      break;
    case SortKey::kRegistered:
      value = std::to_string(last.id);
      break;
  }
  return std::to_string(static_cast<int>(sort)) + "." + (desc ? "1" : "0") + "." + HexEncode(value) + "." +
         std::to_string(last.id);
}

std::optional<ListCursor> DecodeCursor(std::string_view s, SortKey sort, bool desc) {
  auto take = [&](std::string_view& rest) {
    const auto dot = rest.find('.');
    std::string_view part = rest.substr(0, dot);
    rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    return part;
  };
  std::string_view rest = s;
  const auto sort_part = take(rest);
  const auto dir_part = take(rest);
  const auto hex = take(rest);
  const auto id_part = rest;
  if (sort_part != std::to_string(static_cast<int>(sort)) || dir_part != (desc ? "1" : "0")) return std::nullopt;
  if (hex.size() % 2 != 0 || hex.size() > 2000) return std::nullopt;
  std::string value;
  for (size_t i = 0; i < hex.size(); i += 2) {
    unsigned byte = 0;
    const auto [p, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, byte, 16);
    if (ec != std::errc() || p != hex.data() + i + 2) return std::nullopt;
    value.push_back(static_cast<char>(byte));
  }
  ListCursor c;
  const auto [p, ec] = std::from_chars(id_part.data(), id_part.data() + id_part.size(), c.id);
  if (ec != std::errc() || p != id_part.data() + id_part.size() || c.id <= 0) return std::nullopt;
  if (sort == SortKey::kNumber || sort == SortKey::kName) {
    c.text_value = std::move(value);
  } else {
    const auto [q, ec2] = std::from_chars(value.data(), value.data() + value.size(), c.int_value);
    if (ec2 != std::errc() || q != value.data() + value.size()) return std::nullopt;
  }
  return c;
}

// Orders two cards as the list statements do (sort value, then id).
bool Before(const Card& a, const Card& b, SortKey sort, bool desc) {
  auto key = [&](const Card& c) {
    switch (sort) {
      case SortKey::kNumber:
        return std::make_tuple(std::string_view(c.number), int64_t{0}, c.id);
      case SortKey::kName:
        return std::make_tuple(std::string_view(c.name), int64_t{0}, c.id);
      case SortKey::kAcquiredOn:
        return std::make_tuple(std::string_view(), static_cast<int64_t>(c.acquired_on.days), c.id);
      case SortKey::kOriginalValue:
        return std::make_tuple(std::string_view(), c.original_value.value, c.id);
      case SortKey::kRegistered:
        return std::make_tuple(std::string_view(), c.id, c.id);
    }
    return std::make_tuple(std::string_view(), int64_t{0}, c.id);
  };
  return desc ? key(b) < key(a) : key(a) < key(b);
}

// Whether a list is narrowed by more than scope, category, state and free
// text: by a custodian, a location, a value or a date range (no rollup or
// text index knows those).
bool NarrowedByCardFields(const CardFilter& f) {
  return f.custodian_id || f.location || f.min_value || f.max_value || f.acquired_from || f.acquired_to;
}

// The first card id of a registration-ordered page past its cursor;
// nullopt without a cursor (the page starts at the newest or oldest card).
std::optional<int64_t> FirstIdPastCursor(const StoreFilter& f) {
  if (!f.after) return std::nullopt;
  return f.descending ? f.after->int_value - 1 : f.after->int_value + 1;
}

// A page read one card longer than `limit`: cut to it, with the cursor of
// its last card when there is more.
void CutPage(CardPage& page, int limit, const CardFilter& filter) {
  if (page.items.size() <= static_cast<size_t>(limit)) return;
  page.items.resize(static_cast<size_t>(limit));
  page.next_cursor = EncodeCursor(filter.sort, filter.descending, page.items.back());
}

}  // namespace

Result<CardPage> AssetService::List(const auth::Principal& who, const CardFilter& filter) {
  MS_TRY(auth::Require(who, Action::kAssetRead));
  std::optional<org::Org> org;
  if (filter.org_id) {
    auto o = orgs_.Lookup(*filter.org_id);
    if (!o.ok()) return NotFoundError("机构", "Organisation");
    org = std::move(o).value();
  }
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  return ListOn(*conn, who, filter, org);
}

namespace {

// What a unit's page depends on besides the data: who's asset.read scope
// (as EffectiveRoots narrows it to the unit) and every term of the filter.
// Text terms carry their length, so no value can run into the next term.
std::string UnitPageKey(const std::vector<auth::ScopeRoot>& roots, const CardFilter& f, int limit) {
  std::string key;
  const auto text = [&](const std::optional<std::string>& v) {
    if (v) {
      key += std::to_string(v->size());
      key += ':';
      key += *v;
    }
    key += '|';
  };
  const auto number = [&](std::optional<int64_t> v) {
    if (v) key += std::to_string(*v);
    key += '|';
  };
  for (const auto& root : roots) {
    key += root.exact ? '=' : '*';
    text(root.path);
  }
  key += '#';
  number(f.org_id);
  text(f.category_prefix);
  number(f.state ? std::optional<int64_t>(static_cast<int64_t>(*f.state)) : std::nullopt);
  number(f.custodian_id);
  text(f.location);
  number(f.min_value ? std::optional<int64_t>(f.min_value->value) : std::nullopt);
  number(f.max_value ? std::optional<int64_t>(f.max_value->value) : std::nullopt);
  number(f.acquired_from ? std::optional<int64_t>(f.acquired_from->days) : std::nullopt);
  number(f.acquired_to ? std::optional<int64_t>(f.acquired_to->days) : std::nullopt);
  number(static_cast<int64_t>(f.sort));
  number(f.descending ? 1 : 0);
  number(limit);
  text(f.cursor);
  return key;
}

}  // namespace

Result<std::shared_ptr<const std::string>> AssetService::UnitPageOn(db::Connection& c, const auth::Principal& who,
                                                                    const CardFilter& filter,
                                                                    const PageRender& render) {
  if (!filter.org_id || filter.q) return std::shared_ptr<const std::string>();
  auto o = org::OrgStore::Get(c, *filter.org_id);
  // Anything but a unit's page (an error included) is answered by List.
  if (!o.ok() || o->level != org::Level::kUnit) return std::shared_ptr<const std::string>();
  const auto roots = EffectiveRoots(who, *o);
  if (roots.empty()) return NotFoundError("机构", "Organisation");
  const std::string key = UnitPageKey(roots, filter, std::clamp(filter.limit, 1, 1000));
  // Read before the page, so a page is never labelled newer than its data.
  MS_ASSIGN_OR_RETURN(const int64_t generation, AssetStore::UnitPageGeneration(c, o->id));
  if (const auto hit = page_cache_->Find(key, generation)) {
    if (auto body = Lz4Decompress(*hit)) return std::make_shared<const std::string>(std::move(*body));
  }
  MS_ASSIGN_OR_RETURN(const CardPage page, ListOn(c, who, filter, std::move(o).value()));
  auto body = std::make_shared<const std::string>(render(page));
  auto packed = std::make_shared<const Compressed>(Lz4Compress(*body));
  if (!packed->data.empty()) {
    const size_t bytes = packed->data.size() + key.size();
    page_cache_->Store(key, generation, std::move(packed), bytes);
  }
  return body;
}

Result<std::shared_ptr<const std::string>> AssetService::ListBody(const auth::Principal& who,
                                                                  const CardFilter& filter,
                                                                  const PageRender& render) {
  MS_TRY(auth::Require(who, Action::kAssetRead));
  if (filter.org_id && !filter.q) {
    MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
    MS_ASSIGN_OR_RETURN(auto body, UnitPageOn(*conn, who, filter, render));
    if (body) return body;
  }
  MS_ASSIGN_OR_RETURN(const CardPage page, List(who, filter));
  return std::make_shared<const std::string>(render(page));
}

Result<std::shared_ptr<const std::string>> AssetService::TryListUnitBody(const auth::Principal& who,
                                                                         const CardFilter& filter,
                                                                         const PageRender& render) {
  MS_TRY(auth::Require(who, Action::kAssetRead));
  if (!filter.org_id || filter.q) return std::shared_ptr<const std::string>();
  std::optional<db::Lease> conn = db_.TryRead();
  if (!conn) return std::shared_ptr<const std::string>();
  return UnitPageOn(**conn, who, filter, render);
}

bool AssetService::TextIndexed(std::string_view q) const {
  return CodePointCount(q) >= 3 || db_.engine() == db::Engine::kSqlite || text_ != nullptr;
}

Result<CardPage> AssetService::ListOn(db::Connection& c, const auth::Principal& who, const CardFilter& filter,
                                      const std::optional<org::Org>& org) {
  RollupReader rollups{c, std::nullopt};  // the rollup generation read once per list
  const auto roots = EffectiveRoots(who, org);
  if (roots.empty()) return NotFoundError("机构", "Organisation");

  StoreFilter f;
  if (filter.category_prefix) f.category_prefix = *filter.category_prefix;
  if (filter.state) f.state = std::string(StateName(*filter.state));
  f.custodian_id = filter.custodian_id;
  if (filter.location) f.location_pattern = LikeContainsPattern(*filter.location);
  if (filter.min_value) f.min_value = filter.min_value->value;
  if (filter.max_value) f.max_value = filter.max_value->value;
  if (filter.acquired_from) f.acquired_from = filter.acquired_from->days;
  if (filter.acquired_to) f.acquired_to = filter.acquired_to->days;
  if (filter.q) {
    // The trigram indexes need three characters. SQLite finds 1–2 through
    // assets_short (0010) with the same plans; on PostgreSQL shorter text is
    // a LIKE filter on the rows the other conditions select.
    if (CodePointCount(*filter.q) >= 3) {
      f.text = *filter.q;
    } else if (c.engine() == db::Engine::kSqlite) {
      f.text = *filter.q;
      f.short_index = true;
    } else {
      f.short_text_pattern = LikeContainsPattern(*filter.q);
    }
  }
  f.sort = filter.sort;
  f.descending = filter.descending;
  if (filter.cursor) {
    f.after = DecodeCursor(*filter.cursor, filter.sort, filter.descending);
    if (!f.after) {
      return ValidationError({{"cursor", "invalid", "无效的游标（排序改变后请从第一页开始）",
                               "invalid cursor (start from the first page after changing the sort)"}});
    }
  }
  const int limit = std::clamp(filter.limit, 1, 1000);

  if (text_ && filter.q && f.sort == SortKey::kRegistered && !filter.category_prefix &&
      !NarrowedByCardFields(filter)) {
    MS_ASSIGN_OR_RETURN(auto indexed, ListFromTextIndex(c, rollups, roots, filter, f, limit));
    if (indexed) return std::move(*indexed);
  }

  CardPage page;
  page.sort = filter.sort;
  page.descending = filter.descending;
  const bool rollup_total = !NarrowedByCardFields(filter) && !filter.q;
  int64_t counted = 0;
  size_t scopes_read = 0;  // more than one: pages are merged here
  // Hits of the full-text index alone (SQLite; -1 when not counted): they
  // choose the plan and, when the scope holds every card and nothing else
  // filters, are the total.
  int64_t hits = -1;
  const bool text_by_registration = f.text && f.sort == SortKey::kRegistered;
  const int64_t count_cap = text_by_registration ? kOrderedTextHits : kCountCap;
  if (text_by_registration) {
    MS_ASSIGN_OR_RETURN(hits, AssetStore::TextHits(c, *f.text, f.short_index, kOrderedTextHits + 1));
    if (hits > kOrderedTextHits) f.text_plan = StoreFilter::TextPlan::kFtsOrder;
  } else if (f.text) {
    MS_ASSIGN_OR_RETURN(hits, AssetStore::TextHits(c, *f.text, f.short_index, kProbeHits + 1));
    if (hits > kProbeHits) {
      f.text_plan = StoreFilter::TextPlan::kWalkProbe;
    } else if (hits > kWalkHits) {
      f.text_plan = StoreFilter::TextPlan::kWalkSet;
    }
  }
  const bool text_parts = text_by_registration && c.engine() == db::Engine::kPostgres && settings_.pg_text_window > 0;
  bool short_capped = false;  // a short text's count stopped reading
  const bool text_only = hits >= 0 && roots.size() == 1 && !filter.category_prefix && !filter.state &&
                         !NarrowedByCardFields(filter);
  for (const auto& root : roots) {
    StoreScope scope;
    scope.unit = root.exact;
    scope.path = root.path;
    scope.org_id = LastId(root.path);
    // Which statements read the page (each served by an index): one unit's;
    // for a subtree without free text, each owning unit's page merged here,
    // or (many units, number order) the global number index; free text is
    // driven by the trigram index and sorts only its hits.
    std::vector<StoreScope> parts;
    if (f.text && !scope.unit && f.text_plan != StoreFilter::TextPlan::kHits && f.sort == SortKey::kNumber) {
      MS_ASSIGN_OR_RETURN(const auto owners, OwnersUnder(rollups, scope.path));
      StoreScope walked = scope;
      walked.ordered = owners.size() > kMergeUnits;  // else the hits of the few units are sorted
      parts.push_back(walked);
    } else if (scope.unit || f.text) {
      parts.push_back(scope);
    } else {
      MS_ASSIGN_OR_RETURN(const auto owners, OwnersUnder(rollups, scope.path));
      // (A subtree's share of the register says nothing about how far a
      // walk must go: numbers begin with the unit's code, so a department's
      // cards sit in a few long runs of the number index, not spread evenly.)
      if (owners.size() > kMergeUnits && (f.sort == SortKey::kNumber || f.sort == SortKey::kRegistered)) {
        StoreScope ordered = scope;
        ordered.ordered = true;
        parts.push_back(ordered);
      } else if (owners.size() == 1) {
        StoreScope unit;
        unit.org_id = owners.front();
        parts.push_back(unit);
      } else {
        // Each unit's ids and sort values off its index, merged here; only
        // the page's own cards are then read with their names.
        std::vector<AssetStore::CardKey> keys;
        for (const int64_t id : owners) {
          MS_ASSIGN_OR_RETURN(auto unit_keys, AssetStore::ListKeys(c, id, f, limit + 1));
          for (auto& k : unit_keys) keys.push_back(std::move(k));
        }
        const bool text_key = f.sort == SortKey::kNumber || f.sort == SortKey::kName;
        // The statements' order: the sort value, then the id, both in the
        // direction asked (names by code point, as the engines sort them).
        const auto key_before = [&](const AssetStore::CardKey& a, const AssetStore::CardKey& b) {
          const auto& [x, y] = f.descending ? std::tie(b, a) : std::tie(a, b);
          return text_key ? std::tie(x.text, x.id) < std::tie(y.text, y.id)
                          : std::tie(x.value, x.id) < std::tie(y.value, y.id);
        };
        const size_t take = std::min(keys.size(), static_cast<size_t>(limit) + 1);
        std::partial_sort(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(take), keys.end(), key_before);
        for (size_t i = 0; i < take; ++i) {
          MS_ASSIGN_OR_RETURN(Card card, AssetStore::GetById(c, keys[i].id, nullptr));
          page.items.push_back(std::move(card));
        }
        ++scopes_read;  // already in order; several roots are still merged below
      }
    }
    bool dense = true;  // text_parts: the page's matches came thick off the primary key
    for (const auto& part : parts) {
      std::vector<Card> items;
      if (text_parts && !part.unit) {
        MS_ASSIGN_OR_RETURN(items, ListTextParts(c, part, f, limit + 1, &dense));
      } else {
        MS_ASSIGN_OR_RETURN(items, AssetStore::List(c, part, f, limit + 1));
      }
      for (auto& card : items) page.items.push_back(std::move(card));
      ++scopes_read;
    }
    bool whole_register = false;
    if (text_only) {
      MS_ASSIGN_OR_RETURN(whole_register, HoldsEveryCard(rollups, scope));
    }
    if (rollup_total) {
      MS_ASSIGN_OR_RETURN(auto t, RollupTotal(rollups, scope, f.category_prefix, f.state));
      counted += t.first;
    } else if (whole_register) {
      counted += hits;  // exact up to the cap it was counted to, beyond count_cap
    } else if (f.short_text_pattern) {
      MS_ASSIGN_OR_RETURN(const auto n, AssetStore::CountShortText(c, scope, f, kShortScanRows));
      counted += n.second;
      short_capped = short_capped || n.first >= kShortScanRows;
    } else if (counted <= count_cap) {
      MS_ASSIGN_OR_RETURN(const int64_t n, AssetStore::Count(c, scope, f, count_cap, text_parts && !dense));
      counted += n;
    }
  }
  if (scopes_read > 1) {
    std::sort(page.items.begin(), page.items.end(),
              [&](const Card& a, const Card& b) { return Before(a, b, filter.sort, filter.descending); });
  }
  CutPage(page, limit, filter);
  if (short_capped) {
    page.total = counted;
    page.total_capped = true;
  } else if (!rollup_total && counted > count_cap) {
    page.total = count_cap;
    page.total_capped = true;
  } else {
    page.total = counted;
  }
  return page;
}

Result<std::vector<Card>> AssetService::ListTextParts(db::Connection& c, const StoreScope& scope,
                                                      const StoreFilter& f, int want, bool* dense) const {
  // The page starts past the cursor, else at the newest (oldest) card.
  int64_t from = 0;
  if (const auto first = FirstIdPastCursor(f)) {
    from = *first;
  } else {
    MS_ASSIGN_OR_RETURN(from, AssetStore::IdEnd(c, f.descending));
  }
  const int64_t window = settings_.pg_text_window;
  StoreFilter part = f;
  part.text_part = StoreFilter::TextPart::kRecent;
  part.text_bound = f.descending ? from - window + 1 : from + window - 1;
  MS_ASSIGN_OR_RETURN(auto items, AssetStore::List(c, scope, part, want));
  const auto wanted = static_cast<size_t>(want);
  if (items.size() >= wanted) {
    const int64_t read = (f.descending ? from - items.back().id : items.back().id - from) + 1;
    *dense = int64_t{want} * 100 >= read * kTextDensePercent;
    return items;
  }
  *dense = false;
  part.text_part = StoreFilter::TextPart::kRest;
  MS_ASSIGN_OR_RETURN(auto rest, AssetStore::List(c, scope, part, want - static_cast<int>(items.size())));
  for (auto& card : rest) items.push_back(std::move(card));
  return items;
}

// ---- free text from memory (PostgreSQL) -----------------------------------------

struct AssetService::TextSearch {
  // Card ids index an array of slots, so the budget bounds them too.
  explicit TextSearch(size_t budget_bytes) : budget(budget_bytes), index(TextIndex::IdLimitFor(budget_bytes)) {}
  const size_t budget;
  TextIndex index;
  std::atomic<bool> off{false};
  // A feed sequence at which every loaded unit was current (none yet: max).
  std::atomic<uint64_t> verified_sequence{std::numeric_limits<uint64_t>::max()};
  std::atomic<uint64_t> answers{0};
  std::mutex pass;  // one RefreshTextIndex at a time
  bool lower_checked = false;  // GUARDED_BY(pass)
  size_t logged_cards = 0;     // GUARDED_BY(pass)
  std::mutex wake_mu;
  std::condition_variable wake_cv;
  bool wake = true;   // GUARDED_BY(wake_mu); the first pass runs at once
  bool stop = false;  // GUARDED_BY(wake_mu)
  std::thread thread;

  void Wake() {
    {
      std::lock_guard lock(wake_mu);
      wake = true;
    }
    wake_cv.notify_one();
  }
  void TurnOff(std::string_view why) {
    off = true;
    index.Clear();
    spdlog::warn("free-text index in memory turned off: {}; free text is searched in the database", why);
  }
};

AssetService::~AssetService() {
  if (text_ && text_->thread.joinable()) {
    {
      std::lock_guard lock(text_->wake_mu);
      text_->stop = true;
    }
    text_->wake_cv.notify_one();
    text_->thread.join();
  }
}

void AssetService::EnableTextIndex() {
  if (!text_ && db_.engine() == db::Engine::kPostgres && settings_.text_index_bytes > 0) {
    text_ = std::make_unique<TextSearch>(settings_.text_index_bytes);
  }
}

void AssetService::StartTextIndex() {
  EnableTextIndex();
  if (!text_ || text_->thread.joinable()) return;
  text_->thread = std::thread([this] {
    TextSearch& ts = *text_;
    while (true) {
      {
        std::unique_lock lock(ts.wake_mu);
        ts.wake_cv.wait_for(lock, std::chrono::seconds(1), [&] { return ts.wake || ts.stop; });
        if (ts.stop) return;
        ts.wake = false;
      }
      if (ts.off) continue;
      if (auto r = RefreshTextIndex(); !r.ok()) {
        spdlog::warn("refreshing the free-text index failed: {} {}", r.error().en, r.error().log_detail);
      }
    }
  });
}

uint64_t AssetService::TextIndexAnswers() const { return text_ ? text_->answers.load() : 0; }

Result<bool> AssetService::RefreshTextIndex() {
  if (!text_) return false;
  TextSearch& ts = *text_;
  std::lock_guard pass(ts.pass);
  if (ts.off) return false;
  const auto feed = db_.Pushed({});
  if (!feed) return false;  // nothing pushed yet: no token to label a unit with
  // Nothing pushed since every unit was last found current: still current
  // (a unit's first card bumps its generation too).
  if (feed->sequence == ts.verified_sequence.load()) return true;
  const auto started = std::chrono::steady_clock::now();
  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  if (!ts.lower_checked) {
    // The index folds a term's ASCII letters itself and leaves every other
    // letter with case to the database (TextIndex::FoldTerm).
    MS_ASSIGN_OR_RETURN(const std::string lower, AssetStore::Lower(*conn, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
    if (lower != "abcdefghijklmnopqrstuvwxyz") {
      ts.TurnOff("the database's lower() does not fold ASCII letters as ASCII");
      return false;
    }
    ts.lower_checked = true;
  }
  MS_ASSIGN_OR_RETURN(const auto units, AssetStore::OwnersUnder(*conn, "/"));
  bool current = true;
  bool loaded = false;
  for (const int64_t unit : units) {
    const std::string key = UnitKey(unit);
    const auto before = db_.Pushed(std::span(&key, 1));
    if (!before) return false;
    if (ts.index.Token(unit) == before->token) continue;
    MS_ASSIGN_OR_RETURN(auto cards, AssetStore::UnitTexts(*conn, unit));
    // Kept only when nothing was pushed for the unit while it was read, so
    // its token is never newer than its cards.
    const auto after = db_.Pushed(std::span(&key, 1));
    if (!after || after->token != before->token) {
      current = false;
      continue;
    }
    if (!ts.index.Load(unit, before->token, std::move(cards))) {
      ts.TurnOff("a card id, or the cards' text, is beyond what asset.text_index_mb allows");
      return false;
    }
    loaded = true;
  }
  for (const int64_t unit : ts.index.Units()) {
    if (!std::binary_search(units.begin(), units.end(), unit)) ts.index.Forget(unit);
  }
  if (loaded) {
    ts.index.Compact();
#ifdef __GLIBC__
    // The units' rows read for the load (a million texts at start-up) are
    // freed by now; give the pages back rather than keep them in this
    // thread's malloc arena.
    malloc_trim(0);
#endif
    const size_t bytes = ts.index.Bytes();
    if (bytes > ts.budget) {
      ts.TurnOff(fmt::format("it needs {} MiB, more than asset.text_index_mb", bytes >> 20));
      return false;
    }
    const size_t cards = ts.index.Cards();
    if (ts.logged_cards == 0 || cards > ts.logged_cards * 2 || cards * 2 < ts.logged_cards) {
      ts.logged_cards = std::max<size_t>(cards, 1);
      spdlog::info("free-text index in memory: {} cards of {} units, {} MiB, loaded in {} ms", cards, units.size(),
                   bytes >> 20,
                   std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
                       .count());
    }
  }
  const auto end = db_.Pushed({});
  if (current && end && end->sequence == feed->sequence) ts.verified_sequence = feed->sequence;
  return current;
}

Result<std::optional<CardPage>> AssetService::ListFromTextIndex(db::Connection& c, RollupReader& rollups,
                                                                const std::vector<auth::ScopeRoot>& roots,
                                                                const CardFilter& filter, const StoreFilter& f,
                                                                int limit) {
  TextSearch& ts = *text_;
  if (ts.off) return std::optional<CardPage>();
  const auto term = TextIndex::FoldTerm(*filter.q);
  if (!term) return std::optional<CardPage>();
  const auto feed = db_.Pushed({});  // before the index is asked and the cards read
  if (!feed) return std::optional<CardPage>();
  std::vector<int64_t> units;
  for (const auto& root : roots) {
    if (root.exact) {
      units.push_back(LastId(root.path));
    } else {
      MS_ASSIGN_OR_RETURN(const auto owners, OwnersUnder(rollups, root.path));
      units.insert(units.end(), owners.begin(), owners.end());
    }
  }
  // Every unit of the scope loaded, and current: at the sequence the last
  // pass found everything current, or by its own pushed token.
  const bool verified = feed->sequence == ts.verified_sequence.load();
  for (const int64_t unit : units) {
    const auto held = ts.index.Token(unit);
    if (held && verified) continue;
    const std::string key = UnitKey(unit);
    const auto now = db_.Pushed(std::span(&key, 1));
    if (!held || !now || *held != now->token) {
      ts.Wake();
      return std::optional<CardPage>();
    }
  }
  TextIndex::Query q;
  q.term = *term;
  q.units = units;
  if (filter.state) q.state = static_cast<uint8_t>(*filter.state);
  q.from = FirstIdPastCursor(f);
  q.descending = f.descending;
  q.want = static_cast<size_t>(limit) + 1;
  q.count_cap = kOrderedTextHits;
  const auto answer = ts.index.Find(q);
  if (!answer) return std::optional<CardPage>();  // a reload holds it
  MS_ASSIGN_OR_RETURN(auto cards, AssetStore::GetByIds(c, answer->ids));
  // Nothing pushed meanwhile: the cards are those the index matched.
  const auto after = db_.Pushed({});
  if (!after || after->sequence != feed->sequence || cards.size() != answer->ids.size()) {
    return std::optional<CardPage>();
  }
  CardPage page;
  page.sort = filter.sort;
  page.descending = filter.descending;
  page.items = std::move(cards);
  CutPage(page, limit, filter);
  page.total = std::min(answer->count, kOrderedTextHits);
  page.total_capped = answer->count > kOrderedTextHits;
  ++ts.answers;
  return std::optional<CardPage>(std::move(page));
}

Result<Stats> AssetService::Statistics(const auth::Principal& who, const StatsQuery& query) {
  MS_TRY(auth::Require(who, Action::kAssetRead));
  std::optional<org::Org> org;
  if (query.org_id) {
    auto o = orgs_.Lookup(*query.org_id);
    if (!o.ok()) return NotFoundError("机构", "Organisation");
    org = std::move(o).value();
  }
  const auto roots = EffectiveRoots(who, org);
  if (roots.empty()) return NotFoundError("机构", "Organisation");
  // The org whose children group_by=org shows: the one asked for, else the
  // single scope root; with several roots, each root is a group.
  std::optional<std::string> chosen_path;
  if (org) {
    chosen_path = org->path;
  } else if (roots.size() == 1) {
    chosen_path = roots.front().path;
  }
  const bool by_category = std::count(query.group_by.begin(), query.group_by.end(), StatsDimension::kCategory) > 0;
  const bool by_state = std::count(query.group_by.begin(), query.group_by.end(), StatsDimension::kState) > 0;
  const bool by_org = std::count(query.group_by.begin(), query.group_by.end(), StatsDimension::kOrg) > 0;

  MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
  struct Key {
    std::string category;
    std::string state;
    int64_t org = 0;
    auto operator<=>(const Key&) const = default;
  };
  std::map<Key, StatsRow> groups;
  Stats out;
  if (chosen_path && *chosen_path != "/") out.org_id = LastId(*chosen_path);
  for (const auto& root : roots) {
    StoreScope scope;
    scope.unit = root.exact;
    scope.path = root.path;
    scope.org_id = LastId(root.path);
    MS_ASSIGN_OR_RETURN(auto rows, AssetStore::Rollups(*conn, scope));
    for (const auto& r : rows) {
      Key k;
      if (by_category) k.category = r.category_code;
      if (by_state) k.state = r.state;
      if (by_org) {
        // The direct child of the chosen org on the way to r's org.
        const std::string& base = chosen_path ? *chosen_path : root.path;
        if (r.org_path == base && base != "/") {
          k.org = LastId(base);
        } else if (r.org_path.starts_with(base)) {
          const auto rest = std::string_view(r.org_path).substr(base.size());
          const auto slash = rest.find('/');
          std::from_chars(rest.data(), rest.data() + slash, k.org);
        }
        if (!chosen_path) k.org = LastId(root.path);
      }
      auto [it, inserted] = groups.try_emplace(k);
      StatsRow& g = it->second;
      if (inserted) {
        if (by_category) {
          g.category_code = r.category_code;
          g.category_name = r.category_name;
        }
        if (by_state) g.state = ParseState(r.state);
        if (by_org) g.org_id = k.org;
      }
      if (by_org && !g.org_name && k.org == r.org_id) g.org_name = r.org_name;
      g.count += r.count;
      g.value += Fen{r.value};
      out.total_count += r.count;
      out.total_value += Fen{r.value};
    }
  }
  for (auto& [k, g] : groups) {
    if (g.org_id && !g.org_name) {
      auto o = orgs_.Lookup(*g.org_id);
      if (o.ok()) g.org_name = o->name;
    }
    out.rows.push_back(std::move(g));
  }
  return out;
}

// The rollup facts a list reads besides its page (which units own cards,
// totals): remembered per rollup generation, which every rollup and org
// change bumps (0008). The generation is read once per connection use.
Result<int64_t> AssetService::RollupReader::Generation() {
  if (!generation) {
    MS_ASSIGN_OR_RETURN(generation, AssetStore::StatsGeneration(c));
  }
  return *generation;
}

Result<std::vector<int64_t>> AssetService::OwnersUnder(RollupReader& r, const std::string& path) {
  db::Connection& c = r.c;
  MS_ASSIGN_OR_RETURN(const int64_t generation, r.Generation());
  const std::string key = "owners|" + path;
  if (auto hit = owners_cache_->Find(key, generation)) return *hit;
  MS_ASSIGN_OR_RETURN(auto owners, AssetStore::OwnersUnder(c, path));
  auto value = std::make_shared<const std::vector<int64_t>>(std::move(owners));
  owners_cache_->Store(key, generation, value, key.size() + value->size() * sizeof(int64_t));
  return *value;
}

Result<std::pair<int64_t, int64_t>> AssetService::RollupTotal(RollupReader& r, const StoreScope& scope,
                                                              const std::optional<std::string>& category_prefix,
                                                              const std::optional<std::string>& state) {
  db::Connection& c = r.c;
  MS_ASSIGN_OR_RETURN(const int64_t generation, r.Generation());
  const std::string key = std::string("total|") + (scope.unit ? "=" : "*") + scope.path + "|" +
                          std::to_string(scope.org_id) + "|" + category_prefix.value_or("*") + "|" +
                          state.value_or("*");
  if (auto hit = totals_cache_->Find(key, generation)) return *hit;
  MS_ASSIGN_OR_RETURN(auto total, AssetStore::RollupTotal(c, scope, category_prefix, state));
  totals_cache_->Store(key, generation, std::make_shared<const std::pair<int64_t, int64_t>>(total),
                       key.size() + sizeof total);
  return total;
}

Result<int64_t> AssetService::TotalCards(RollupReader& r) {
  db::Connection& c = r.c;
  MS_ASSIGN_OR_RETURN(const int64_t generation, r.Generation());
  const std::string key = "all";
  if (auto hit = totals_cache_->Find(key, generation)) return hit->first;
  MS_ASSIGN_OR_RETURN(const int64_t n, AssetStore::TotalCards(c));
  totals_cache_->Store(key, generation, std::make_shared<const std::pair<int64_t, int64_t>>(n, 0),
                       key.size() + sizeof(std::pair<int64_t, int64_t>));
  return n;
}

Result<bool> AssetService::HoldsEveryCard(RollupReader& r, const StoreScope& scope) {
  MS_ASSIGN_OR_RETURN(const auto in_scope, RollupTotal(r, scope, std::nullopt, std::nullopt));
  MS_ASSIGN_OR_RETURN(const int64_t all, TotalCards(r));
  return in_scope.first == all;
}

namespace {

// What a stats answer depends on besides the data: who's asset.read scope
// (the roots Statistics narrows) and the query.
std::string StatsKey(const auth::Principal& who, const StatsQuery& query) {
  std::string key = query.org_id ? std::to_string(*query.org_id) : "-";
  key += '|';
  for (const auto d : query.group_by) key += std::to_string(static_cast<int>(d)) + ",";
  for (const auto& root : auth::ScopeRoots(who, Action::kAssetRead)) {
    key += '|';
    key += root.exact ? '=' : '*';
    key += root.path;
  }
  return key;
}

}  // namespace

Result<std::shared_ptr<const std::string>> AssetService::StatisticsBody(const auth::Principal& who,
                                                                       const StatsQuery& query,
                                                                       const StatsRender& render) {
  MS_TRY(auth::Require(who, Action::kAssetRead));
  const std::string key = StatsKey(who, query);
  int64_t generation = 0;
  {
    // Read before computing, so an answer is never labelled newer than its data.
    MS_ASSIGN_OR_RETURN(auto conn, db_.Read());
    MS_ASSIGN_OR_RETURN(generation, AssetStore::StatsGeneration(*conn));
  }
  if (auto hit = stats_cache_->Find(key, generation)) return hit;
  MS_ASSIGN_OR_RETURN(const Stats stats, Statistics(who, query));
  auto body = std::make_shared<const std::string>(render(stats));
  stats_cache_->Store(key, generation, body);
  return body;
}

Result<std::shared_ptr<const std::string>> AssetService::TryStatisticsBody(const auth::Principal& who,
                                                                          const StatsQuery& query) {
  MS_TRY(auth::Require(who, Action::kAssetRead));
  std::optional<db::Lease> conn = db_.TryRead();
  if (!conn) return std::shared_ptr<const std::string>();
  MS_ASSIGN_OR_RETURN(const int64_t generation, AssetStore::StatsGeneration(**conn));
  return stats_cache_->Find(StatsKey(who, query), generation);
}

}  // namespace minsheng::asset
