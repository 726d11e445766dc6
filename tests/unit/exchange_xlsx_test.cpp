#include <gtest/gtest.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "exchange/columns.h"
#include "exchange/reader.h"
#include "exchange/reader_internal.h"
#include "exchange/writer.h"

namespace minsheng::exchange {
namespace {

namespace fs = std::filesystem;
using Rows = std::vector<std::vector<std::string>>;

class TempDir {
 public:
  TempDir() {
    static int n = 0;
    path_ = fs::temp_directory_path() /
            ("ms-xlsx-" + std::to_string(getpid()) + "-" + std::to_string(++n));
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Rows RowsOf(const Grid& g) {
  Rows out;
  for (size_t i = 0; i < g.size(); ++i) out.push_back(g.RowStrings(i));
  return out;
}

// A zip of the given parts, for hand-written XLSX packages.
std::string ZipOf(const std::vector<std::pair<std::string, std::string>>& parts) {
  TempDir dir;
  const std::string path = dir.File("p.zip");
  zipFile z = zipOpen64(path.c_str(), 0);
  EXPECT_NE(z, nullptr);
  for (const auto& [name, body] : parts) {
    zip_fileinfo info{};
    EXPECT_EQ(zipOpenNewFileInZip64(z, name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr, Z_DEFLATED,
                                    6, 0),
              ZIP_OK);
    EXPECT_EQ(zipWriteInFileInZip(z, body.data(), static_cast<unsigned>(body.size())), ZIP_OK);
    EXPECT_EQ(zipCloseFileInZip(z), ZIP_OK);
  }
  EXPECT_EQ(zipClose(z, nullptr), ZIP_OK);
  return Slurp(path);
}

// A minimal package around one sheet's XML (plus optional shared strings and styles).
std::string PackageOf(const std::string& sheet_xml, const std::string& shared = "",
                      const std::string& styles = "", const std::string& workbook_pr = "") {
  std::vector<std::pair<std::string, std::string>> parts{
      {"_rels/.rels",
       R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
       R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>)"},
      {"xl/workbook.xml",
       R"(<?xml version="1.0"?><x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">)" +
           workbook_pr +
           R"(<x:sheets><x:sheet name="台账" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>)"},
      {"xl/_rels/workbook.xml.rels",
       R"(<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
       R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/../worksheets/sheet1.xml"/>)"
       R"(<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>)"
       R"(<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>)"},
      {"xl/worksheets/sheet1.xml", sheet_xml},
  };
  if (!shared.empty()) parts.emplace_back("xl/sharedStrings.xml", shared);
  if (!styles.empty()) parts.emplace_back("xl/styles.xml", styles);
  return ZipOf(parts);
}

Grid MustRead(std::string_view bytes, const ReadOptions& o = {}) {
  auto g = ReadXlsx(bytes, o);
  EXPECT_TRUE(g.ok()) << (g.ok() ? "" : g.error().en + " / " + g.error().log_detail);
  return g.ok() ? std::move(g).value() : Grid{};
}

std::vector<OutputColumn> LedgerColumns() {
  return {{"资产编号"},
          {"资产名称"},
          {"原值（元）", CellType::kMoney},
          {"取得日期", CellType::kDate},
          {"数量", CellType::kInteger},
          {"备注"}};
}

Rows LedgerRows() {
  return {
      {"330100-2024-000001", "台式计算机（联想 M720）", "4999.50", "2024-09-01", "1", "含显示器, 键盘"},
      {"330100-2024-000002", "投影仪", "0.07", "2023-12-31", "12", "他说\"好\""},
      {"330100-2024-000003", "多行\n名称", "12345678.91", "2020-02-29", "3", ""},
      {"330100-2024-000004", "饮水机", "-3", "", "", "=SUM(A1)"},
  };
}

std::string WriteLedger(FileFormat f, OutputTarget target) {
  auto w = OpenTableWriter(f, std::move(target), LedgerColumns(), "资产");
  EXPECT_TRUE(w.ok());
  for (const auto& r : LedgerRows()) EXPECT_TRUE((*w)->AddRow(r).ok());
  EXPECT_TRUE((*w)->Finish().ok());
  return {};
}

TEST(ExchangeXlsxTest, WriterOutputReadsBack) {
  std::string bytes;
  WriteLedger(FileFormat::kXlsx, OutputTarget::String(&bytes));
  ASSERT_TRUE(bytes.starts_with("PK"));

  auto names = XlsxSheetNames(bytes);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::vector<std::string>{"资产"});

  const Grid g = MustRead(bytes);
  ASSERT_EQ(g.size(), 5u);
  EXPECT_EQ(g.RowStrings(0), (std::vector<std::string>{"资产编号", "资产名称", "原值（元）", "取得日期", "数量", "备注"}));
  const Rows rows = LedgerRows();
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(g.SourceRow(i + 1), static_cast<int64_t>(i + 2));
    for (size_t c = 0; c < rows[i].size(); ++c) {
      std::string want = rows[i][c];
      if (c == 2) want = want == "4999.50" ? "4999.5" : want;  // a number: as Excel writes it
      EXPECT_EQ(g.Cell(i + 1, c), want) << "row " << i << " col " << c;
    }
  }

  // The sheet is what the brief asks for: header frozen, money as numbers in "0.00".
  auto zip = internal::ZipArchive::Open(bytes);
  ASSERT_TRUE(zip.ok());
  auto sheet = (*zip)->ReadAll("xl/worksheets/sheet1.xml", 1 << 20);
  ASSERT_TRUE(sheet.ok());
  EXPECT_NE(sheet->find("state=\"frozen\""), std::string::npos);
  EXPECT_NE(sheet->find("<v>4999.5</v>"), std::string::npos);
  auto styles = (*zip)->ReadAll("xl/styles.xml", 1 << 20);
  ASSERT_TRUE(styles.ok());
  EXPECT_NE(styles->find("formatCode=\"0.00\""), std::string::npos);
  EXPECT_NE(styles->find("<b/>"), std::string::npos);
}

TEST(ExchangeXlsxTest, WriterTargetsFileAndStream) {
  TempDir dir;
  const std::string path = dir.File("台账.xlsx");
  WriteLedger(FileFormat::kXlsx, OutputTarget::File(path));
  std::ostringstream stream;
  WriteLedger(FileFormat::kXlsx, OutputTarget::Stream(&stream));
  auto from_file = ReadGridFile(path);
  ASSERT_TRUE(from_file.ok());
  const Grid from_stream = MustRead(stream.str());
  EXPECT_EQ(RowsOf(*from_file), RowsOf(from_stream));
  EXPECT_EQ(from_file->size(), 5u);
  // Only the finished file is left: no temporary parts beside it.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator{}), 1);

  auto bad = OpenTableWriter(FileFormat::kXlsx, OutputTarget::File(dir.File("no/such/dir.xlsx")),
                             LedgerColumns());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "exchange.write_failed");
}

// A ledger the way clerks make them: a merged title, merged group headers
// over a second header row, a vertically merged header, shared and rich
// strings, dates in several formats, and formatting that runs past the data.
std::string BuildMessyLedger(const TempDir& dir) {
  const std::string path = dir.File("messy.xlsx");
  lxw_workbook* wb = workbook_new(path.c_str());
  lxw_worksheet* notes = workbook_add_worksheet(wb, "说明");
  worksheet_write_string(notes, 0, 0, "请在“资产台账”表中填写", nullptr);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "资产台账");

  lxw_format* title = workbook_add_format(wb);
  format_set_bold(title);
  format_set_align(title, LXW_ALIGN_CENTER);
  lxw_format* border = workbook_add_format(wb);
  format_set_border(border, LXW_BORDER_THIN);
  lxw_format* iso = workbook_add_format(wb);
  format_set_num_format(iso, "yyyy-mm-dd");
  lxw_format* builtin14 = workbook_add_format(wb);
  format_set_num_format_index(builtin14, 14);
  lxw_format* chinese = workbook_add_format(wb);
  format_set_num_format(chinese, "yyyy\"年\"m\"月\"d\"日\"");
  lxw_format* stamp = workbook_add_format(wb);
  format_set_num_format(stamp, "yyyy-mm-dd hh:mm");
  lxw_format* money = workbook_add_format(wb);
  format_set_num_format(money, "#,##0.00");
  lxw_format* red = workbook_add_format(wb);
  format_set_font_color(red, LXW_COLOR_RED);

  worksheet_merge_range(ws, 0, 0, 0, 6, "示范县第一中学固定资产台账", title);
  worksheet_merge_range(ws, 1, 0, 2, 0, "资产名称", title);  // vertical: rows 2-3
  worksheet_merge_range(ws, 1, 1, 1, 2, "基本信息", title);
  worksheet_merge_range(ws, 1, 3, 1, 5, "财务信息", title);
  worksheet_merge_range(ws, 1, 6, 2, 6, "备注", title);
  worksheet_write_string(ws, 2, 1, "存放地点", title);
  worksheet_write_string(ws, 2, 2, "在用", title);
  worksheet_write_string(ws, 2, 3, "原值（元）", title);
  worksheet_write_string(ws, 2, 4, "取得日期", title);
  worksheet_write_string(ws, 2, 5, "入账时间", title);

  const lxw_datetime d1{2024, 9, 1, 0, 0, 0};
  const lxw_datetime d2{2023, 12, 31, 0, 0, 0};
  const lxw_datetime t1{2024, 9, 1, 14, 30, 0};
  worksheet_write_string(ws, 3, 0, "台式计算机", nullptr);
  worksheet_write_string(ws, 3, 1, "教学楼 301", nullptr);
  worksheet_write_boolean(ws, 3, 2, 1, nullptr);
  worksheet_write_number(ws, 3, 3, 4999.5, money);
  worksheet_write_datetime(ws, 3, 4, const_cast<lxw_datetime*>(&d1), iso);
  worksheet_write_datetime(ws, 3, 5, const_cast<lxw_datetime*>(&t1), stamp);
  lxw_rich_string_tuple plain{nullptr, const_cast<char*>("联想 ")};
  lxw_rich_string_tuple coloured{red, const_cast<char*>("M720")};
  lxw_rich_string_tuple* rich[] = {&plain, &coloured, nullptr};
  worksheet_write_rich_string(ws, 3, 6, rich, nullptr);

  worksheet_write_string(ws, 4, 0, "投影仪", nullptr);
  worksheet_write_string(ws, 4, 1, "教学楼 302", nullptr);
  worksheet_write_boolean(ws, 4, 2, 0, nullptr);
  worksheet_write_number(ws, 4, 3, 0.07, money);
  worksheet_write_datetime(ws, 4, 4, const_cast<lxw_datetime*>(&d2), builtin14);
  worksheet_write_datetime(ws, 4, 5, const_cast<lxw_datetime*>(&d2), chinese);
  worksheet_write_formula_str(ws, 4, 6, "=\"备\"&\"用\"", nullptr, "备用");

  // Row 6 left empty; row 7 has data in column A only.
  worksheet_write_string(ws, 6, 0, "饮水机", nullptr);
  worksheet_write_number(ws, 6, 3, 860, nullptr);
  // Formatting past the data: blank bordered cells down to row 40 and out to column L.
  for (lxw_row_t r = 3; r < 40; ++r) {
    for (lxw_col_t c = 7; c < 12; ++c) worksheet_write_blank(ws, r, c, border);
  }
  for (lxw_row_t r = 7; r < 40; ++r) worksheet_write_blank(ws, r, 0, border);
  worksheet_write_string(ws, 45, 3, "", nullptr);
  EXPECT_EQ(workbook_close(wb), LXW_NO_ERROR);
  return Slurp(path);
}

TEST(ExchangeXlsxTest, MergedHeadersTwoHeaderRowsAndTrailingBlanks) {
  TempDir dir;
  const std::string bytes = BuildMessyLedger(dir);

  // The first sheet is the notes sheet; the ledger is asked for by name.
  ReadOptions o;
  o.sheet = "资产台账";
  const Grid g = MustRead(bytes, o);
  EXPECT_EQ(RowsOf(g), (Rows{
                           {"示范县第一中学固定资产台账", "示范县第一中学固定资产台账", "示范县第一中学固定资产台账",
                            "示范县第一中学固定资产台账", "示范县第一中学固定资产台账", "示范县第一中学固定资产台账",
                            "示范县第一中学固定资产台账"},
                           {"资产名称", "基本信息", "基本信息", "财务信息", "财务信息", "财务信息", "备注"},
                           {"资产名称", "存放地点", "在用", "原值（元）", "取得日期", "入账时间", "备注"},
                           {"台式计算机", "教学楼 301", "TRUE", "4999.5", "2024-09-01", "2024-09-01 14:30:00",
                            "联想 M720"},
                           {"投影仪", "教学楼 302", "FALSE", "0.07", "2023-12-31", "2023-12-31", "备用"},
                           {"饮水机", "", "", "860"},
                       }));
  EXPECT_EQ(g.SourceRow(5), 7);

  const std::vector<ColumnSpec> specs{
      {"name", {"资产名称"}, {"Asset name"}, true},
      {"location", {"存放地点"}, {"Location"}, true},
      {"original_value", {"原值（元）"}, {"Original value (yuan)"}, true},
      {"acquired_on", {"取得日期"}, {"Acquired on"}, true},
      {"remark", {"备注"}, {"Remark"}, false},
  };
  auto t = SplitHeader(g, KnownNames(specs));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->header_row, 3);
  auto m = MapColumns(t->header, specs);
  ASSERT_TRUE(m.ok()) << m.error().en;
  EXPECT_EQ(m->Column("acquired_on"), 4u);
  EXPECT_EQ(m->Column("remark"), 6u);
  ASSERT_EQ(m->unknown.size(), 2u);  // 在用, 入账时间
  EXPECT_EQ(t->rows.size(), 3u);
  EXPECT_EQ(t->rows.Cell(2, *m->Column("original_value")), "860");

  // Default: the first visible sheet.
  const Grid first = MustRead(bytes);
  EXPECT_EQ(RowsOf(first), (Rows{{"请在“资产台账”表中填写"}}));

  o.sheet = "不存在";
  const auto missing = ReadXlsx(bytes, o);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "exchange.sheet_not_found");
  EXPECT_NE(missing.error().zh.find("说明, 资产台账"), std::string::npos) << missing.error().zh;
}

TEST(ExchangeXlsxTest, HandWrittenPackagesFromOtherProducers) {
  // Prefixed namespaces, cells without "r", a skipped column, inline rich
  // text, phonetic runs, _xHHHH_ escapes, entities, ISO dates, errors and
  // 17-digit numbers.
  const std::string sheet =
      R"(<?xml version="1.0" encoding="UTF-8"?>)"
      R"(<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>)"
      R"(<x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c><x:c r="D1" t="inlineStr"><x:is><x:t>D</x:t></x:is></x:c></x:row>)"
      R"(<x:row r="3"><x:c r="A3" t="inlineStr"><x:is><x:r><x:t xml:space="preserve">A &amp; </x:t></x:r><x:r><x:t>B_x000D__x000A_C</x:t></x:r></x:is></x:c>)"
      R"(<x:c r="B3" t="d"><x:v>2024-09-01T00:00:00</x:v></x:c><x:c r="C3" t="e"><x:v>#N/A</x:v></x:c>)"
      R"(<x:c r="D3"><x:v>7.0000000000000007E-2</x:v></x:c><x:c r="E3"><x:v>110101199001011234</x:v></x:c>)"
      R"(<x:c r="F3" s="1"><x:v>45536</x:v></x:c><x:c r="G3" t="str"><x:f>A1</x:f><x:v>&#x4E2D;&#25991;</x:v></x:c></x:row>)"
      R"(<x:row r="4"><x:c r="A4" s="1"/><x:c r="B4"><x:v></x:v></x:c></x:row>)"
      R"(</x:sheetData><x:mergeCells count="1"><x:mergeCell ref="A1:B1"/></x:mergeCells></x:worksheet>)";
  const std::string shared =
      R"(<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">)"
      R"(<si><t>资产名称</t><rPh sb="0" eb="2"><t>しさん</t></rPh></si><si><r><t>原</t></r><r><rPr><b/></rPr><t>值</t></r></si></sst>)";
  const std::string styles =
      R"(<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)"
      R"(<numFmts count="1"><numFmt numFmtId="176" formatCode="[$-804]yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;;@"/></numFmts>)"
      R"(<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="176" applyNumberFormat="1"/></cellXfs></styleSheet>)";
  const Grid g = MustRead(PackageOf(sheet, shared, styles));
  EXPECT_EQ(RowsOf(g), (Rows{{"资产名称", "原值", "", "D"},
                             {"A & B\r\nC", "2024-09-01", "#N/A", "0.07", "110101199001011000", "2024-09-01",
                              "中文"}}));
  EXPECT_EQ(g.SourceRow(1), 3);

  // The 1904 date system (old Mac workbooks).
  const std::string dated =
      R"(<worksheet><sheetData><row r="1"><c r="A1" s="1"><v>43710</v></c></row></sheetData></worksheet>)";
  const Grid g1904 = MustRead(PackageOf(dated, "", styles, R"(<x:workbookPr date1904="1"/>)"));
  EXPECT_EQ(RowsOf(g1904), (Rows{{"2023-09-03"}}));
}

TEST(ExchangeXlsxTest, BrokenFilesAreClearErrors) {
  std::string bytes;
  WriteLedger(FileFormat::kXlsx, OutputTarget::String(&bytes));

  for (const size_t keep : {bytes.size() / 2, bytes.size() - 30, size_t{200}, size_t{4}}) {
    const auto g = ReadXlsx(std::string_view(bytes).substr(0, keep));
    ASSERT_FALSE(g.ok()) << keep;
    EXPECT_EQ(g.error().code, "exchange.bad_file") << keep;
    EXPECT_EQ(g.error().kind, ErrorCode::kInvalidArgument);
    EXPECT_NE(g.error().zh.find("无法读取 Excel 文件"), std::string::npos);
    EXPECT_NE(g.error().en.find("Cannot read the Excel file"), std::string::npos);
  }
  // Truncated through the generic entry point as well.
  const auto sniffed = ReadGrid(std::string_view(bytes).substr(0, bytes.size() / 3));
  ASSERT_FALSE(sniffed.ok());
  EXPECT_EQ(sniffed.error().code, "exchange.bad_file");

  // Damage inside the compressed sheet: inflate or CRC fails, never a crash.
  const std::string big_sheet = [] {
    std::string s = "<worksheet><sheetData>";
    for (int r = 1; r <= 3000; ++r) {
      s += "<row r=\"" + std::to_string(r) + "\"><c r=\"A" + std::to_string(r) + "\" t=\"inlineStr\"><is><t>" +
           std::to_string(r * 7919) + "资产</t></is></c></row>";
    }
    return s + "</sheetData></worksheet>";
  }();
  std::string pkg = PackageOf(big_sheet);
  const size_t at = pkg.find("xl/worksheets/sheet1.xml") + 200;
  for (size_t i = at; i < at + 64; ++i) pkg[i] = static_cast<char>(pkg[i] ^ 0x5A);
  const auto damaged = ReadXlsx(pkg);
  ASSERT_FALSE(damaged.ok());
  EXPECT_EQ(damaged.error().code, "exchange.bad_file");

  // Not a workbook inside: a zip without the parts.
  const auto empty_zip = ReadXlsx(ZipOf({{"hello.txt", "hi"}}));
  ASSERT_FALSE(empty_zip.ok());
  EXPECT_EQ(empty_zip.error().code, "exchange.bad_file");

  // Malformed XML in the sheet.
  const auto bad_xml = ReadXlsx(PackageOf("<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>x"));
  ASSERT_FALSE(bad_xml.ok());
  EXPECT_EQ(bad_xml.error().code, "exchange.bad_file");

  // Old binary .xls.
  const auto xls = ReadGrid(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(512, '\0'));
  ASSERT_FALSE(xls.ok());
  EXPECT_EQ(xls.error().code, "exchange.unsupported_format");
}

TEST(ExchangeXlsxTest, ZipBombsAndHugeColumnsAreRefused) {
  std::string sheet = "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>";
  sheet += std::string(1 << 20, 'x');
  sheet += "</t></is></c></row></sheetData></worksheet>";
  ReadOptions o;
  o.max_xml_bytes = 1 << 16;
  auto g = ReadXlsx(PackageOf(sheet), o);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, "exchange.bad_file");

  o = {};
  o.max_columns = 10;
  g = ReadXlsx(PackageOf(R"(<worksheet><sheetData><row r="2"><c r="XFD2"><v>1</v></c></row></sheetData></worksheet>)"), o);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, "exchange.too_many_columns");
  EXPECT_NE(g.error().en.find("Row 2"), std::string::npos);
}

bool HaveLibreOffice() { return std::system("command -v libreoffice >/dev/null 2>&1") == 0; }

TEST(ExchangeXlsxTest, LibreOfficeOpensTheWrittenWorkbook) {
  if (!HaveLibreOffice()) {
    GTEST_SKIP() << "libreoffice is not installed (scripts/install-deps.sh installs libreoffice-calc-nogui)";
  }
  TempDir dir;
  const std::string xlsx = dir.File("ledger.xlsx");
  WriteLedger(FileFormat::kXlsx, OutputTarget::File(xlsx));
  // Own profile directory: parallel LibreOffice runs must not share one.
  // 44,34,76,1: comma, double quote, UTF-8, from line 1.
  const std::string cmd = "libreoffice -env:UserInstallation=file://" + dir.File("profile") +
                          " --headless --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1' --outdir " +
                          dir.path().string() + " " + xlsx + " >" + dir.File("lo.log") + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << Slurp(dir.File("lo.log"));
  const std::string csv = Slurp(dir.File("ledger.csv"));
  ASSERT_FALSE(csv.empty()) << Slurp(dir.File("lo.log"));
  auto g = ReadCsv(csv);
  ASSERT_TRUE(g.ok()) << g.error().en;

  // What LibreOffice shows is what we wrote: money with two decimals, dates
  // and text verbatim (the CSV guard does not apply to XLSX).
  Rows want{{"资产编号", "资产名称", "原值（元）", "取得日期", "数量", "备注"}};
  for (const auto& r : LedgerRows()) want.push_back(r);
  want[1][2] = "4999.50";
  want[2][2] = "0.07";
  want[4][2] = "-3.00";
  want[4].resize(3);  // the blank date, quantity and the text "=SUM(A1)"…
  want[4].push_back("");
  want[4].push_back("");
  want[4].push_back("=SUM(A1)");
  want[3].resize(5);  // trailing blank remark dropped by the reader
  EXPECT_EQ(RowsOf(*g), want) << csv;
}

}  // namespace
}  // namespace minsheng::exchange
