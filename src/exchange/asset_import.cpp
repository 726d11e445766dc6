#include "exchange/asset_import.h"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "asset/store.h"
#include "core/date.h"
#include "core/text.h"

namespace minsheng::exchange {
namespace {

// What a column holds, i.e. how its text becomes a CardInput field.
enum class Kind {
  kText, kMoney, kDate, kInteger, kDecimal, kDepartment, kStaff, kLocation, kMethod, kState, kValueStatus
};

struct ImportColumn {
  ColumnSpec spec;
  Kind kind;
  const char* example;
  const char* note_zh;
  const char* note_en;
};

const std::vector<ImportColumn>& Columns() {
  static const std::vector<ImportColumn> k = {
      {{"name", {"资产名称", "名称"}, {"Asset name", "Name"}, true}, Kind::kText, "台式计算机",
       "必填，最多 100 字", "required, up to 100 characters"},
      {{"category_code", {"资产分类代码", "分类代码", "资产分类编码"}, {"Category code"}, true}, Kind::kText,
       "A02010104", "必填，GB/T 14885-2022 最末级分类代码（也接受 2010 版 7 位代码）",
       "required: a leaf GB/T 14885-2022 code (2010 7-digit codes accepted)"},
      {{"subject_code", {"会计科目", "会计科目代码", "单位会计科目"}, {"Accounting subject", "Subject code"}, true},
       Kind::kText, "1601", "必填，4 到 12 位数字", "required, 4 to 12 digits"},
      {{"acquisition_method", {"取得方式"}, {"Acquisition method"}, true}, Kind::kText, "购置",
       "必填：购置、调剂/调拨、建设、租用、捐赠、置换、其他", "required: 购置, 调剂/调拨, 建设, 租用, 捐赠, 置换, 其他"},
      {{"funding_source", {"经费来源"}, {"Funding source"}, true}, Kind::kText, "财政拨款",
       "必填：财政拨款 或 非财政", "required: 财政拨款 or 非财政"},
      {{"acquired_on", {"取得日期", "购置日期"}, {"Acquired on", "Acquisition date"}, true}, Kind::kDate,
       "2024-09-01", "必填，如 2024-09-01、2024/9/1、2024年9月1日", "required, e.g. 2024-09-01"},
      {{"booked_on", {"入账日期", "记账日期"}, {"Booked on"}, false}, Kind::kDate, "2024-09-05",
       "不填则同取得日期；不能早于取得日期", "defaults to the acquisition date; not before it"},
      {{"original_value", {"原值（元）", "原值", "资产原值", "价值（元）"}, {"Original value (yuan)", "Original value"},
        true},
       Kind::kMoney, "4999.00", "必填，单位元，最多两位小数", "required, in yuan, at most two decimals"},
      {{"quantity", {"数量"}, {"Quantity"}, false}, Kind::kInteger, "1", "不填为 1", "defaults to 1"},
      {{"unit_of_measure", {"计量单位"}, {"Unit of measure", "Unit"}, true}, Kind::kText, "台",
       "必填，如 台、件、套、辆、平方米", "required, e.g. 台, 件, 套"},
      {{"usage_direction", {"使用方向", "用途"}, {"Usage"}, false}, Kind::kText, "教学", "", ""},
      {{"department_id", {"使用部门", "部门", "使用科室"}, {"Department"}, false}, Kind::kDepartment, "教务处",
       "本单位内部科室名称；不存在的会自动新增并在结果中列出",
       "a department of the unit; unknown names are added and listed"},
      {{"custodian_id", {"使用人", "保管人"}, {"Custodian"}, false}, Kind::kStaff, "张三",
       "本单位人员姓名；不存在的会自动新增", "a person of the unit; unknown names are added"},
      {{"manager_id", {"管理人"}, {"Manager"}, false}, Kind::kStaff, "", "本单位人员姓名", "a person of the unit"},
      {{"location_id", {"存放地点", "存放位置", "地点"}, {"Location"}, true}, Kind::kLocation, "教学楼/3层/302",
       "必填，建议“楼/层/房间”；不存在的会自动新增", "required, e.g. building/floor/room; unknown ones are added"},
      {{"latitude", {"纬度"}, {"Latitude"}, false}, Kind::kDecimal, "", "与经度同时填写", "with longitude"},
      {{"longitude", {"经度"}, {"Longitude"}, false}, Kind::kDecimal, "", "与纬度同时填写", "with latitude"},
      {{"model", {"型号", "规格型号"}, {"Model"}, false}, Kind::kText, "M720", "", ""},
      {{"spec", {"规格"}, {"Specification", "Spec"}, false}, Kind::kText, "", "", ""},
      {{"brand", {"品牌"}, {"Brand"}, false}, Kind::kText, "联想", "", ""},
      {{"serial_no", {"序列号", "出厂编号"}, {"Serial number", "Serial no"}, false}, Kind::kText, "", "", ""},
      {{"depreciation_method", {"折旧方法"}, {"Depreciation method"}, false}, Kind::kMethod, "",
       "年限平均法、工作量法、不计提；不填按分类", "年限平均法, 工作量法 or 不计提; default by category"},
      {{"life_months", {"使用年限（月）", "折旧年限（月）", "使用月数"}, {"Useful life (months)", "Life months"},
        false},
       Kind::kInteger, "72", "不填按分类最低年限；不得低于最低年限（房屋按建筑结构）",
       "default and minimum by category (buildings: by structure)"},
      {{"certificate_no", {"权属证号", "产权证号"}, {"Certificate number"}, false}, Kind::kText, "", "", ""},
      {{"project_ref", {"项目编号", "所属项目"}, {"Project"}, false}, Kind::kText, "", "", ""},
      {{"ext.area_m2", {"面积（平方米）", "建筑面积", "面积"}, {"Area (m2)", "Area"}, false}, Kind::kDecimal, "",
       "房屋、土地", "buildings, land"},
      {{"ext.structure", {"建筑结构", "结构"}, {"Structure"}, false}, Kind::kText, "",
       "房屋：钢结构、钢筋混凝土、砖混、砖木、简易、其他", "buildings"},
      {{"ext.certificate", {"房产证号", "土地证号", "不动产权证号"}, {"Property certificate"}, false}, Kind::kText,
       "", "房屋、土地", "buildings, land"},
      {{"ext.plate", {"车牌号"}, {"Plate"}, false}, Kind::kText, "", "车辆", "vehicles"},
      {{"ext.vin", {"车架号"}, {"VIN"}, false}, Kind::kText, "", "车辆，17 位", "vehicles, 17 characters"},
      {{"ext.engine_no", {"发动机号"}, {"Engine number"}, false}, Kind::kText, "", "车辆", "vehicles"},
      {{"ext.displacement_l", {"排量（升）", "排量"}, {"Displacement (L)"}, false}, Kind::kDecimal, "", "车辆",
       "vehicles"},
      {{"ext.land_class", {"地类"}, {"Land class"}, false}, Kind::kText, "", "土地", "land"},
      {{"value_status", {"价值状态"}, {"Value status"}, false}, Kind::kValueStatus, "",
       "已决算（默认）或 暂估", "settled (default) or provisional (暂估)"},
      {{"state", {"资产状态", "状态"}, {"State"}, false}, Kind::kState, "",
       "在用（默认）或 闲置 等登记时允许的状态", "in use (default) or another state allowed at registration"},
  };
  return k;
}

FieldError Invalid(const std::string& key, const char* code, std::string zh, std::string en) {
  return {key, code, std::move(zh), std::move(en)};
}

std::optional<int64_t> ParseInteger(std::string_view s) {
  // Excel numbers may come as "12.0".
  const size_t dot = s.find('.');
  if (dot != std::string_view::npos) {
    if (s.substr(dot + 1).find_first_not_of('0') != std::string_view::npos) return std::nullopt;
    s = s.substr(0, dot);
  }
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> ParseDecimal(std::string_view s) {
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// Dates as ledgers write them; also "2024-09-01 00:00:00" and an Excel serial
// number left in a General-formatted cell (5 digits: 1927-05-18 … 2173-10-14).
std::optional<Date> ParseLedgerDate(std::string_view s) {
  if (auto d = ParseDate(s)) return d;
  const size_t space = s.find(' ');
  if (space != std::string_view::npos) {
    if (auto d = ParseDate(s.substr(0, space))) return d;
  }
  if (s.size() == 5 && s.find_first_not_of("0123456789") == std::string_view::npos) {
    int serial = 0;
    std::from_chars(s.data(), s.data() + s.size(), serial);
    if (serial >= 10000) return Date{MakeDate(1899, 12, 30).days + serial};
  }
  return std::nullopt;
}

struct Names {
  std::unordered_map<std::string, int64_t> departments, staff, locations;
};

// One row → CardInput; errors of fields that cannot be parsed, with the set of
// keys they concern (the service's "required" for those is then redundant).
struct ParsedRow {
  asset::CardInput input;
  std::vector<FieldError> errors;
};

class RowParser {
 public:
  RowParser(const ColumnMapping& map, const Names* names) : names_(names) {
    for (const auto& c : Columns()) {
      if (const auto col = map.Column(c.spec.key)) present_.push_back({&c, *col});
    }
  }

  ParsedRow Parse(const Grid& rows, size_t i) const {
    ParsedRow out;
    auto& in = out.input;
    for (const auto& [column, index] : present_) {
      const std::string value = Trim(rows.Cell(i, index));
      if (value.empty()) continue;
      const std::string& key = column->spec.key;
      switch (column->kind) {
        case Kind::kText: SetText(in, key, value); break;
        case Kind::kMoney:
          if (auto f = ParseYuan(value)) {
            in.original_value = *f;
          } else {
            out.errors.push_back(Invalid(key, "invalid_money", "金额格式不正确，应为元，最多两位小数，如 4999.50",
                                         "not an amount in yuan with at most two decimals, e.g. 4999.50"));
          }
          break;
        case Kind::kDate:
          if (auto d = ParseLedgerDate(value)) {
            (key == "acquired_on" ? in.acquired_on : in.booked_on) = *d;
          } else {
            out.errors.push_back(Invalid(key, "invalid_date", "日期格式不正确，应如 2024-09-01",
                                         "not a date; write it like 2024-09-01"));
          }
          break;
        case Kind::kInteger: {
          const auto v = ParseInteger(value);
          if (!v || *v < INT32_MIN || *v > INT32_MAX) {
            out.errors.push_back(Invalid(key, "invalid_integer", "应为整数", "must be a whole number"));
          } else if (key == "quantity") {
            in.quantity = *v;
          } else {
            in.life_months = static_cast<int>(*v);
          }
          break;
        }
        case Kind::kDecimal:
          if (auto v = ParseDecimal(value)) {
            SetDecimal(in, key, *v);
          } else {
            out.errors.push_back(Invalid(key, "invalid_number", "应为数字", "must be a number"));
          }
          break;
        case Kind::kDepartment: in.department_id = Lookup(names_->departments, value); break;
        case Kind::kStaff:
          (key == "custodian_id" ? in.custodian_id : in.manager_id) = Lookup(names_->staff, value);
          break;
        case Kind::kLocation: in.location_id = Lookup(names_->locations, value); break;
        case Kind::kMethod:
          if (auto m = asset::ParseDepreciationMethod(value)) {
            in.depreciation_method = *m;
          } else {
            out.errors.push_back(Invalid(key, "invalid_value", "折旧方法应为 年限平均法、工作量法 或 不计提",
                                         "must be 年限平均法, 工作量法 or 不计提"));
          }
          break;
        case Kind::kState:
          if (auto s = asset::ParseState(value)) {
            in.state = *s;
          } else {
            out.errors.push_back(Invalid(key, "invalid_value", "资产状态不正确（如 在用、闲置）",
                                         "not a state (e.g. 在用, 闲置)"));
          }
          break;
        case Kind::kValueStatus:
          if (value == "已决算" || value == "settled") {
            in.value_status = "settled";
          } else if (value == "暂估" || value == "provisional") {
            in.value_status = "provisional";
          } else {
            out.errors.push_back(Invalid(key, "invalid_value", "价值状态应为 已决算 或 暂估",
                                         "must be 已决算 (settled) or 暂估 (provisional)"));
          }
          break;
      }
    }
    return out;
  }

 private:
  static std::optional<int64_t> Lookup(const std::unordered_map<std::string, int64_t>& m, const std::string& v) {
    const auto it = m.find(v);
    // A name that was not resolved cannot happen (every name was resolved);
    // 0 is no id, so the service reports "not found" rather than crashing.
    return it == m.end() ? 0 : it->second;
  }

  static asset::CardExt& Ext(asset::CardInput& in) {
    if (!in.ext) in.ext.emplace();
    return *in.ext;
  }

  static void SetText(asset::CardInput& in, const std::string& key, const std::string& v) {
    if (key == "name") in.name = v;
    else if (key == "category_code") in.category_code = v;
    else if (key == "subject_code") in.subject_code = v;
    else if (key == "acquisition_method") in.acquisition_method = v;
    else if (key == "funding_source") in.funding_source = v;
    else if (key == "unit_of_measure") in.unit_of_measure = v;
    else if (key == "usage_direction") in.usage_direction = v;
    else if (key == "model") in.model = v;
    else if (key == "spec") in.spec = v;
    else if (key == "brand") in.brand = v;
    else if (key == "serial_no") in.serial_no = v;
    else if (key == "certificate_no") in.certificate_no = v;
    else if (key == "project_ref") in.project_ref = v;
    else if (key == "ext.structure") Ext(in).structure = v;
    else if (key == "ext.certificate") Ext(in).certificate = v;
    else if (key == "ext.plate") Ext(in).plate = v;
    else if (key == "ext.vin") Ext(in).vin = v;
    else if (key == "ext.engine_no") Ext(in).engine_no = v;
    else if (key == "ext.land_class") Ext(in).land_class = v;
  }

  static void SetDecimal(asset::CardInput& in, const std::string& key, double v) {
    if (key == "latitude") in.latitude = v;
    else if (key == "longitude") in.longitude = v;
    else if (key == "ext.area_m2") Ext(in).area_m2 = v;
    else if (key == "ext.displacement_l") Ext(in).displacement_l = v;
  }

  const Names* names_;
  std::vector<std::pair<const ImportColumn*, size_t>> present_;
};

// Keeps errors for the report up to a cap, counting all.
class ErrorSink {
 public:
  ErrorSink(AssetImportResult& result, size_t cap) : result_(result), cap_(cap) {}
  void Add(RowError e) {
    ++result_.error_count;
    if (result_.errors.size() < cap_) result_.errors.push_back(std::move(e));
  }
  void AddFields(const std::vector<FieldError>& fields, const ColumnMapping& map, const Grid& rows, size_t i,
                 const std::unordered_set<std::string>& skip = {}) {
    for (const auto& f : fields) {
      if (skip.count(f.field) > 0) continue;
      RowError r{rows.SourceRow(i), f.field, "", f.code, f.zh, f.en};
      if (const auto col = map.Column(f.field)) {
        r.column = map.HeaderOf(f.field);
        r.value = std::string(rows.Cell(i, *col));
      } else {
        // A field without a column in the file (e.g. a required one left out
        // of an optional column): name it by its canonical header.
        for (const auto& c : Columns()) {
          if (c.spec.key == f.field) r.column = c.spec.names_zh.front();
        }
      }
      Add(std::move(r));
    }
  }

 private:
  AssetImportResult& result_;
  size_t cap_;
};

void Progress(const AssetImportOptions& o, ImportPhase phase, int64_t done, int64_t total) {
  if (o.on_progress) o.on_progress(phase, done, total);
}

// Rows of the file validated on the worker thread, in file order.
struct ValidatedChunk {
  size_t end = 0;                  // one past its last row (grid index)
  bool clean = true;               // no error in this chunk nor in any before it
  std::vector<asset::Card> cards;  // the cards to write; empty unless clean (or a dry run)
};

// How many validated chunks may wait for the writer: enough to keep both
// threads busy, few enough to bound memory (a 10,000-card chunk is ~10 MB).
constexpr size_t kChunksAhead = 2;

// One producer (a worker thread running `produce`) and one consumer (the
// thread that owns the transaction), with a bounded queue between them. The
// destructor gives up the queue and joins the worker, so every return path
// (an error, an exception) leaves no thread behind.
class ChunkPipeline {
 public:
  template <class Produce>
  ChunkPipeline(size_t capacity, Produce produce) : capacity_(capacity) {
    worker_ = std::thread([this, produce = std::move(produce)]() mutable {
      try {
        produce(*this);
      } catch (...) {
        const std::lock_guard lock(mutex_);
        failure_ = std::current_exception();
      }
      Close();
    });
  }
  ChunkPipeline(const ChunkPipeline&) = delete;
  ChunkPipeline& operator=(const ChunkPipeline&) = delete;
  ~ChunkPipeline() {
    Abandon();
    if (worker_.joinable()) worker_.join();
  }

  // Worker side: waits for room; false when the consumer gave up.
  bool Push(ValidatedChunk chunk) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [this] { return queue_.size() < capacity_ || abandoned_; });
    if (abandoned_) return false;
    queue_.push_back(std::move(chunk));
    ready_.notify_one();
    return true;
  }
  // Consumer side: the next chunk; nullopt once the worker is done and every
  // chunk was taken (or after Abandon).
  std::optional<ValidatedChunk> Pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [this] { return !queue_.empty() || closed_ || abandoned_; });
    if (queue_.empty() || abandoned_) return std::nullopt;
    ValidatedChunk chunk = std::move(queue_.front());
    queue_.pop_front();
    room_.notify_one();
    return chunk;
  }
  // Consumer side: stops the worker at its next chunk and waits for it; an
  // exception of the worker becomes an error here.
  Result<void> Join() {
    Abandon();
    if (worker_.joinable()) worker_.join();
    if (failure_) {
      try {
        std::rethrow_exception(failure_);
      } catch (const std::exception& e) {
        Error error = MakeError(ErrorCode::kInternal, "exchange.validation_failed", "校验时出现内部错误",
                                "Internal error while validating");
        error.log_detail = e.what();
        return error;
      } catch (...) {
        return MakeError(ErrorCode::kInternal, "exchange.validation_failed", "校验时出现内部错误",
                         "Internal error while validating");
      }
    }
    return Ok();
  }

 private:
  void Close() {
    const std::lock_guard lock(mutex_);
    closed_ = true;
    ready_.notify_one();
  }
  void Abandon() {
    const std::lock_guard lock(mutex_);
    abandoned_ = true;
    queue_.clear();
    room_.notify_one();
  }

  const size_t capacity_;
  std::mutex mutex_;
  std::condition_variable room_;   // a chunk was taken, or abandoned_
  std::condition_variable ready_;  // a chunk was pushed, or closed_
  std::deque<ValidatedChunk> queue_;  // GUARDED_BY(mutex_)
  bool closed_ = false;               // GUARDED_BY(mutex_): the worker is done
  bool abandoned_ = false;            // GUARDED_BY(mutex_): the consumer is done
  std::exception_ptr failure_;        // GUARDED_BY(mutex_) until the worker is joined
  std::thread worker_;                // last: started once the rest is built
};

}  // namespace

const std::vector<ColumnSpec>& AssetImportColumns() {
  static const std::vector<ColumnSpec> k = [] {
    std::vector<ColumnSpec> specs;
    for (const auto& c : Columns()) specs.push_back(c.spec);
    return specs;
  }();
  return k;
}

Result<AssetImportResult> ImportAssets(const AssetImportServices& services, const auth::Caller& caller,
                                       std::string_view bytes, const AssetImportOptions& options) {
  AssetImportResult result;
  result.dry_run = options.dry_run;
  ErrorSink sink(result, options.max_errors);
  const auto& specs = AssetImportColumns();

  // 1. Read and map.
  ReadOptions read = options.read;
  if (!read.on_progress && options.on_progress) {
    read.on_progress = [&options](size_t rows, double) {
      Progress(options, ImportPhase::kReading, static_cast<int64_t>(rows), 0);
    };
  }
  MS_ASSIGN_OR_RETURN(Grid grid, ReadGrid(bytes, read));
  MS_ASSIGN_OR_RETURN(Table table, SplitHeader(std::move(grid), KnownNames(specs)));
  MS_ASSIGN_OR_RETURN(const ColumnMapping map, MapColumns(table.header, specs));
  result.unknown_columns = map.unknown;
  const Grid& rows = table.rows;
  const auto total = static_cast<int64_t>(rows.size());
  result.rows = total;
  if (rows.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "exchange.no_rows", "表头下面没有资产数据",
                     "There are no asset rows below the header");
  }

  // 2. The names the file uses in each directory, in first-seen order.
  asset::DirectoryNames wanted;
  {
    std::unordered_set<std::string> seen[3];
    std::vector<std::string>* lists[3] = {&wanted.departments, &wanted.staff, &wanted.locations};
    const std::pair<const char*, int> dir_columns[] = {
        {"department_id", 0}, {"custodian_id", 1}, {"manager_id", 1}, {"location_id", 2}};
    for (const auto& [key, kind] : dir_columns) {
      const auto col = map.Column(key);
      if (!col) continue;
      for (size_t i = 0; i < rows.size(); ++i) {
        std::string name = Trim(rows.Cell(i, *col));
        if (!name.empty() && seen[kind].insert(name).second) lists[kind]->push_back(std::move(name));
      }
    }
  }

  // 3. One transaction: directories, validation, writes. Destroyed without
  // Commit (errors, dry run) it rolls back, so nothing of this import stays.
  MS_ASSIGN_OR_RETURN(db::Tx tx, services.db.Write());
  auto resolved = services.directories.ResolveOrCreate(*tx, caller, options.org_id, wanted);
  if (!resolved.ok()) {
    // Bad names ("locations[3]": too long, …) are reported on every row using them.
    const Error& e = resolved.error();
    if (e.fields.empty()) return std::move(resolved).error();
    for (const auto& f : e.fields) {
      const size_t open = f.field.find('[');
      const std::string list = f.field.substr(0, open);
      size_t index = 0;
      if (open != std::string::npos) {
        std::from_chars(f.field.data() + open + 1, f.field.data() + f.field.size(), index);
      }
      const std::vector<std::string>* names = list == "departments" ? &wanted.departments
                                              : list == "staff"     ? &wanted.staff
                                              : list == "locations" ? &wanted.locations
                                                                    : nullptr;
      if (names == nullptr || index >= names->size()) return std::move(resolved).error();
      const std::string& bad = (*names)[index];
      const std::vector<std::string> keys = list == "departments" ? std::vector<std::string>{"department_id"}
                                            : list == "staff"
                                                ? std::vector<std::string>{"custodian_id", "manager_id"}
                                                : std::vector<std::string>{"location_id"};
      for (const auto& key : keys) {
        const auto col = map.Column(key);
        if (!col) continue;
        for (size_t i = 0; i < rows.size(); ++i) {
          if (Trim(rows.Cell(i, *col)) == bad) {
            sink.Add({rows.SourceRow(i), map.HeaderOf(key), bad, f.code, f.zh, f.en});
          }
        }
      }
    }
    return result;
  }
  Names names;
  for (const auto& [n, id] : resolved->departments) names.departments.emplace(n, id);
  for (const auto& [n, id] : resolved->staff) names.staff.emplace(n, id);
  for (const auto& [n, id] : resolved->locations) names.locations.emplace(n, id);
  result.added.departments = resolved->added_departments;
  result.added.staff = resolved->added_staff;
  result.added.locations = resolved->added_locations;

  MS_ASSIGN_OR_RETURN(asset::ValidationContext ctx, services.assets.LoadValidationContext(*tx, options.org_id));

  // The file needs one asset number a row. When they are not enough nothing
  // is written, but every row is still validated: row errors come first in
  // the answer, this one only for an otherwise valid file (a dry run too).
  std::optional<Error> no_serials;
  if (auto left = services.assets.CheckSerialsLeft(*tx, options.org_id, total); !left.ok()) {
    no_serials = std::move(left).error();
  }

  // How the cards will be written (AssetStore::BeginBulk, called before the
  // first chunk is written: a file whose first chunk has a bad row never
  // drops an index).
  const asset::AssetSettings& settings = services.assets.settings();
  asset::AssetStore::BulkOptions bulk_options;
  bulk_options.sqlite_cache_mb = options.sqlite_cache_mb;
  bulk_options.pg_gin_pending_mb = settings.import_pg_gin_pending_mb;
  bulk_options.pg_maintenance_mb = settings.import_pg_maintenance_mb;
  using Rebuild = AssetImportOptions::Rebuild;
  // Building an index sorts the whole table, and merging a full-text table
  // into one segment rewrites all of it, old cards included: both pay when
  // the file is large next to the register (SQLite).
  bool large = false;
  if (tx->engine() == db::Engine::kSqlite) {
    MS_ASSIGN_OR_RETURN(const int64_t existing, asset::AssetStore::TotalCards(*tx));
    large = static_cast<double>(rows.size()) >= settings.import_rebuild_ratio * static_cast<double>(existing);
  }
  bulk_options.merge_full_text_once = large;
  if (options.rebuild_indexes == Rebuild::kAlways) {
    bulk_options.rebuild_indexes = true;
  } else if (options.rebuild_indexes == Rebuild::kAuto) {
    bulk_options.rebuild_indexes = large;
  }
  asset::AssetStore::Bulk bulk;
  struct CacheGuard {  // the page cache goes back on return: after the commit, or before the rollback
    db::Connection& c;
    asset::AssetStore::Bulk& b;
    ~CacheGuard() { asset::AssetStore::EndBulkCache(c, b); }
  } cache_guard{*tx, bulk};

  // 4. Validate every row once, on a worker thread, chunk by chunk, while this
  // thread (which owns the transaction) writes the chunks validated so far.
  // Once any row fails nothing more is written and the transaction rolls back
  // at the end; the worker goes on to the last row, so the report lists every
  // problem of the file.
  const bool write = !options.dry_run && !no_serials;
  const size_t chunk_rows = std::max<size_t>(options.chunk_rows, 1);
  const RowParser parser(map, &names);
  Fen valid_value;  // of the valid rows; the worker's until it is joined
  ChunkPipeline pipeline(kChunksAhead, [&](ChunkPipeline& out) {
    bool clean = true;  // no error in any row so far
    for (size_t start = 0; start < rows.size(); start += chunk_rows) {
      ValidatedChunk chunk;
      chunk.end = std::min(start + chunk_rows, rows.size());
      const bool keep_cards = write && clean;
      if (keep_cards) chunk.cards.reserve(chunk.end - start);
      for (size_t i = start; i < chunk.end; ++i) {
        ParsedRow row = parser.Parse(rows, i);
        std::unordered_set<std::string> unparsed;
        for (const auto& e : row.errors) unparsed.insert(e.field);
        sink.AddFields(row.errors, map, rows, i);
        asset::Card* card = keep_cards && clean ? &chunk.cards.emplace_back() : nullptr;
        const auto errors = asset::AssetService::ValidateInput(row.input, ctx, card);
        sink.AddFields(errors, map, rows, i, unparsed);
        if (!row.errors.empty() || !errors.empty()) {
          clean = false;
        } else if (row.input.original_value) {
          valid_value += *row.input.original_value;
        }
      }
      chunk.clean = clean;
      if (!clean) chunk.cards = {};
      if (!out.Push(std::move(chunk))) return;  // the writer gave up
    }
  });

  // 5. Write the chunks inside the same transaction, as one bulk insert.
  asset::BatchOptions batch;
  batch.batch_id = options.batch_id;
  batch.note = "导入 import";
  asset::RollupDeltas rollups;  // of every chunk, written once before the commit
  batch.pending_rollups = &rollups;
  bool writing = write;
  bool bulk_begun = false;
  std::optional<Error> write_error;
  size_t failed_chunk_start = 0;
  size_t chunk_start = 0;
  while (auto chunk = pipeline.Pop()) {
    writing = writing && chunk->clean;
    if (writing) {
      if (!bulk_begun) {
        auto begun = asset::AssetStore::BeginBulk(*tx, bulk_options);
        if (!begun.ok()) {
          write_error = std::move(begun).error();
          break;
        }
        bulk = std::move(begun).value();
        bulk_begun = true;
        result.rebuilt_indexes = bulk_options.rebuild_indexes;
      }
      auto written = services.assets.RegisterPrepared(*tx, caller, options.org_id, chunk->cards, batch);
      if (!written.ok()) {
        write_error = std::move(written).error();
        failed_chunk_start = chunk_start;
        break;
      }
      if (result.first_number.empty() && !written->numbers.empty()) result.first_number = written->numbers.front();
      if (!written->numbers.empty()) result.last_number = written->numbers.back();
      result.imported += written->count;
      Progress(options, ImportPhase::kWriting, result.imported, total);
    } else {
      Progress(options, ImportPhase::kValidating, static_cast<int64_t>(chunk->end), total);
    }
    chunk_start = chunk->end;
  }
  // The worker's results (errors in the sink, valid_value) are ours from here.
  MS_TRY(pipeline.Join());

  auto nothing_written = [&result] {
    result.imported = 0;
    result.rebuilt_indexes = false;
    result.first_number.clear();
    result.last_number.clear();
  };
  if (write_error) {
    // Every row was valid so far, so this is a rule the writer checks (the
    // caller's right to write the unit) or the database: report it on the
    // chunk's first row when it names a field.
    nothing_written();
    if (write_error->fields.empty()) return std::move(*write_error);
    for (const auto& f : write_error->fields) {
      sink.AddFields({{f.field, f.code, f.zh, f.en}}, map, rows, failed_chunk_start);
    }
    return result;
  }
  if (result.error_count > 0) {
    nothing_written();
    if (result.error_count > static_cast<int64_t>(result.errors.size())) {
      const std::string more = std::to_string(result.error_count - static_cast<int64_t>(result.errors.size()));
      result.errors.push_back({0, "", "", "exchange.more_errors", "另有 " + more + " 个错误未列出，请先改正以上错误",
                               more + " more errors are not listed; fix the ones above first"});
    }
    return result;  // tx rolls back: not even the directory additions stay
  }
  if (no_serials) return std::move(*no_serials);
  result.total_value = valid_value;
  if (options.dry_run) return result;
  MS_TRY(asset::AssetService::WriteRollups(*tx, options.org_id, rollups));
  MS_TRY(asset::AssetStore::FinishBulk(*tx, bulk));
  MS_TRY(tx.Commit());
  return result;
}

std::vector<RowError> ReportOfFileError(const Error& e) {
  std::vector<RowError> out;
  for (const auto& f : e.fields) {
    std::string column = f.field;
    for (const auto& c : Columns()) {
      if (c.spec.key == f.field) column = c.spec.names_zh.front();
    }
    out.push_back({0, column, "", f.code, f.zh, f.en});
  }
  if (out.empty()) out.push_back({0, "", "", e.code, e.zh, e.en});
  return out;
}

std::string AssetImportResultJson(const AssetImportResult& r) {
  auto list = [](const std::vector<std::string>& v) {
    boost::json::array a;
    for (const auto& s : v) a.emplace_back(s);
    return a;
  };
  boost::json::object o;
  o["imported"] = r.imported;
  o["rows"] = r.rows;
  o["error_count"] = r.error_count;
  o["dry_run"] = r.dry_run;
  o["total_value"] = FormatYuan(r.total_value);
  o["added"] = boost::json::object{{"departments", list(r.added.departments)},
                                   {"staff", list(r.added.staff)},
                                   {"locations", list(r.added.locations)}};
  boost::json::array unknown;
  for (const auto& u : r.unknown_columns) unknown.emplace_back(u.name);
  o["unknown_columns"] = std::move(unknown);
  if (!r.first_number.empty()) {
    o["first_number"] = r.first_number;
    o["last_number"] = r.last_number;
  }
  return boost::json::serialize(o);
}

Result<void> WriteAssetImportTemplate(FileFormat format, OutputTarget target) {
  std::vector<OutputColumn> columns;
  std::vector<std::string_view> example;
  for (const auto& c : Columns()) {
    CellType type = CellType::kText;
    if (c.kind == Kind::kMoney) type = CellType::kMoney;
    if (c.kind == Kind::kDate) type = CellType::kDate;
    if (c.kind == Kind::kInteger) type = CellType::kInteger;
    const std::string header = (c.spec.required ? "*" : "") + c.spec.names_zh.front();
    columns.push_back({header, type, 0});
    example.emplace_back(c.example);
  }
  MS_ASSIGN_OR_RETURN(auto writer, OpenTableWriter(format, std::move(target), columns, "资产"));
  MS_TRY(writer->AddRow(example));
  if (format == FileFormat::kXlsx) {
    MS_TRY(writer->StartSheet("说明", {{"列", CellType::kText, 18},
                                       {"English", CellType::kText, 24},
                                       {"必填", CellType::kText, 6},
                                       {"填写说明", CellType::kText, 60},
                                       {"Notes", CellType::kText, 60}}));
    for (const auto& c : Columns()) {
      MS_TRY(writer->AddRow({c.spec.names_zh.front(), c.spec.names_en.front(), c.spec.required ? "是" : "",
                             c.note_zh, c.note_en}));
    }
  }
  return writer->Finish();
}

}  // namespace minsheng::exchange
