#include "exchange/asset_export.h"

#include <cstdio>

#include "core/money.h"

namespace minsheng::exchange {
namespace {

std::string MethodZh(asset::DepreciationMethod m) {
  switch (m) {
    case asset::DepreciationMethod::kStraightLine: return "年限平均法";
    case asset::DepreciationMethod::kUnitsOfWork: return "工作量法";
    case asset::DepreciationMethod::kNone: return "不计提";
  }
  return "";
}

std::string Decimal(const std::optional<double>& v) {
  if (!v) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", *v);
  return buf;
}

std::string Opt(const std::optional<std::string>& v) { return v.value_or(""); }

}  // namespace

std::vector<OutputColumn> AssetExportColumns() {
  using T = CellType;
  return {
      {"资产编号", T::kText, 22},        {"所属单位", T::kText, 20},     {"资产名称", T::kText, 20},
      {"资产分类代码", T::kText, 14},    {"资产分类名称", T::kText, 16}, {"会计科目", T::kText, 10},
      {"取得方式", T::kText, 10},        {"经费来源", T::kText, 10},     {"取得日期", T::kDate, 12},
      {"入账日期", T::kDate, 12},        {"原值（元）", T::kMoney, 14},  {"累计折旧（元）", T::kMoney, 16},
      {"净值（元）", T::kMoney, 14},     {"数量", T::kInteger, 6},       {"计量单位", T::kText, 8},
      {"使用方向", T::kText, 10},        {"使用部门", T::kText, 12},     {"使用人", T::kText, 10},
      {"管理人", T::kText, 10},          {"存放地点", T::kText, 20},     {"纬度", T::kNumber, 10},
      {"经度", T::kNumber, 10},          {"品牌", T::kText, 10},         {"型号", T::kText, 12},
      {"规格", T::kText, 12},            {"序列号", T::kText, 16},       {"折旧方法", T::kText, 10},
      {"使用年限（月）", T::kInteger, 14}, {"资产状态", T::kText, 8},     {"价值状态", T::kText, 8},
      {"权属证号", T::kText, 16},        {"项目编号", T::kText, 14},     {"面积（平方米）", T::kNumber, 14},
      {"建筑结构", T::kText, 10},        {"房产证号", T::kText, 16},     {"车牌号", T::kText, 10},
      {"车架号", T::kText, 20},          {"发动机号", T::kText, 14},     {"排量（升）", T::kNumber, 10},
      {"地类", T::kText, 10},
  };
}

Result<std::unique_ptr<AssetExportReader>> AssetExportReader::Open(asset::AssetService& assets,
                                                                  const auth::Principal& who,
                                                                  const asset::CardFilter& filter,
                                                                  const AssetExportOptions& options) {
  std::unique_ptr<AssetExportReader> r(new AssetExportReader(assets, who));
  r->at_ = options.value_at.value_or(TodayInShanghai());
  r->filter_ = filter;
  r->filter_.cursor.reset();
  r->filter_.limit = options.page_size;
  MS_ASSIGN_OR_RETURN(r->page_, assets.List(who, r->filter_));
  r->total_ = r->page_.total;
  r->total_capped_ = r->page_.total_capped;
  return r;
}

Result<bool> AssetExportReader::WritePage(TableWriter& writer) {
  for (const auto& c : page_.items) {
    const auto value = assets_.ValueAt(c, at_).depreciation;
    const auto& e = c.ext;
    row_ = {c.number,
            c.org_name,
            c.name,
            c.category_code,
            c.category_name,
            c.subject_code,
            c.acquisition_method,
            c.funding_source,
            FormatDate(c.acquired_on),
            FormatDate(c.booked_on),
            FormatYuan(c.original_value),
            FormatYuan(value.accumulated),
            FormatYuan(value.net),
            std::to_string(c.quantity),
            c.unit_of_measure,
            Opt(c.usage_direction),
            Opt(c.department_name),
            Opt(c.custodian_name),
            Opt(c.manager_name),
            c.location_name,
            Decimal(c.latitude),
            Decimal(c.longitude),
            Opt(c.brand),
            Opt(c.model),
            Opt(c.spec),
            Opt(c.serial_no),
            MethodZh(c.depreciation_method),
            std::to_string(c.life_months),
            std::string(asset::StateNameZh(c.state)),
            c.value_status == "provisional" ? "暂估" : "已决算",
            Opt(c.certificate_no),
            Opt(c.project_ref),
            Decimal(e.area_m2),
            Opt(e.structure),
            Opt(e.certificate),
            Opt(e.plate),
            Opt(e.vin),
            Opt(e.engine_no),
            Decimal(e.displacement_l),
            Opt(e.land_class)};
    MS_TRY(writer.AddRow(row_));
    ++written_;
  }
  if (!page_.next_cursor) {
    page_.items.clear();
    return false;
  }
  filter_.cursor = std::move(page_.next_cursor);
  page_ = {};  // the merged page's capacity (units × page cards) goes too
  MS_ASSIGN_OR_RETURN(page_, assets_.List(who_, filter_));
  return true;
}

Result<int64_t> ExportAssets(asset::AssetService& assets, const auth::Principal& who,
                             const asset::CardFilter& filter, FileFormat format, OutputTarget target,
                             const AssetExportOptions& options) {
  // First page before opening the file: a bad filter or scope leaves no file.
  MS_ASSIGN_OR_RETURN(auto reader, AssetExportReader::Open(assets, who, filter, options));
  MS_ASSIGN_OR_RETURN(auto writer, OpenTableWriter(format, std::move(target), AssetExportColumns(), "资产清单"));
  for (bool more = true; more;) {
    MS_ASSIGN_OR_RETURN(more, reader->WritePage(*writer));
    if (options.on_progress) options.on_progress(reader->written(), std::max(reader->total(), reader->written()));
  }
  MS_TRY(writer->Finish());
  return reader->written();
}

std::string AssetExportFileName(FileFormat format, Date day) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d", day.year(), day.month(), day.day());
  return std::string("资产清单-") + buf + (format == FileFormat::kXlsx ? ".xlsx" : ".csv");
}

}  // namespace minsheng::exchange
