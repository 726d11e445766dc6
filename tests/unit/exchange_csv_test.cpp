#include <gtest/gtest.h>
#include <iconv.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "exchange/reader.h"
#include "exchange/writer.h"

namespace minsheng::exchange {
namespace {

using Rows = std::vector<std::vector<std::string>>;

Rows RowsOf(const Grid& g) {
  Rows out;
  for (size_t i = 0; i < g.size(); ++i) out.push_back(g.RowStrings(i));
  return out;
}

std::vector<int64_t> SourceRows(const Grid& g) {
  std::vector<int64_t> out;
  for (size_t i = 0; i < g.size(); ++i) out.push_back(g.SourceRow(i));
  return out;
}

Grid MustRead(std::string_view bytes, const ReadOptions& options = {}) {
  auto g = ReadCsv(bytes, options);
  EXPECT_TRUE(g.ok()) << (g.ok() ? "" : g.error().en);
  return g.ok() ? std::move(g).value() : Grid{};
}

// UTF-8 → GB18030 with iconv, the way a GBK ledger reaches us.
std::string ToGb18030(std::string_view utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(static_cast<intptr_t>(-1)));
  std::string out(utf8.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* dst = out.data();
  size_t dst_left = out.size();
  EXPECT_NE(iconv(cd, &in, &in_left, &dst, &dst_left), static_cast<size_t>(-1));
  iconv_close(cd);
  out.resize(out.size() - dst_left);
  return out;
}

TEST(ExchangeCsvTest, QuotesEscapesAndEmbeddedNewlines) {
  const Grid g = MustRead(
      "名称,备注,原值\n"
      "\"台式计算机, 联想\",\"他说\"\"好\"\"\",4999.00\n"
      "\"第一行\n第二行\",,12\n"
      "last,\"\",\n");
  EXPECT_EQ(RowsOf(g), (Rows{{"名称", "备注", "原值"},
                             {"台式计算机, 联想", "他说\"好\"", "4999.00"},
                             {"第一行\n第二行", "", "12"},
                             {"last"}}));
  // Row numbers are records, as Excel shows them: the embedded newline does
  // not shift the rows after it.
  EXPECT_EQ(SourceRows(g), (std::vector<int64_t>{1, 2, 3, 4}));
}

TEST(ExchangeCsvTest, LineEndingsBomAndBlankLines) {
  const Rows expected{{"a", "b"}, {"1", "2"}, {"3", "4"}};
  EXPECT_EQ(RowsOf(MustRead("a,b\r\n1,2\r\n3,4\r\n")), expected);
  EXPECT_EQ(RowsOf(MustRead("a,b\n1,2\n3,4")), expected);
  EXPECT_EQ(RowsOf(MustRead("a,b\r1,2\r3,4\r")), expected);
  TextEncoding enc = TextEncoding::kGb18030;
  auto g = ReadCsv("\xEF\xBB\xBF" "a,b\n1,2\n3,4\n", {}, &enc);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(enc, TextEncoding::kUtf8Bom);
  EXPECT_EQ(RowsOf(*g), expected);
  EXPECT_EQ(g->Cell(0, 0), "a");  // no BOM left in the first header

  // Blank lines and rows of empty fields are dropped; numbering is kept.
  const Grid blank = MustRead("a,b\n\n1,2\n,,\n\r\n3,4\n\n\n");
  EXPECT_EQ(RowsOf(blank), expected);
  EXPECT_EQ(SourceRows(blank), (std::vector<int64_t>{1, 3, 6}));
}

TEST(ExchangeCsvTest, LenientWhereExcelIs) {
  // A quote inside an unquoted field, text after a closing quote.
  EXPECT_EQ(RowsOf(MustRead("12\" 显示器,\"ab\"cd,x\n")),
            (Rows{{"12\" 显示器", "abcd", "x"}}));
  // Trailing delimiter at the very end: an empty last field (then dropped).
  EXPECT_EQ(RowsOf(MustRead("a,b,")), (Rows{{"a", "b"}}));
}

TEST(ExchangeCsvTest, OtherDelimiters) {
  ReadOptions tab;
  tab.delimiter = '\t';
  EXPECT_EQ(RowsOf(MustRead("a\tb,c\n1\t2\n", tab)), (Rows{{"a", "b,c"}, {"1", "2"}}));
  ReadOptions semi;
  semi.delimiter = ';';
  EXPECT_EQ(RowsOf(MustRead("a;\"b;c\"\n", semi)), (Rows{{"a", "b;c"}}));
}

TEST(ExchangeCsvTest, UnterminatedQuoteNamesItsRow) {
  const auto g = ReadCsv("a,b\n1,2\n3,\"oops\n4,5\n");
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, "exchange.csv_unterminated_quote");
  EXPECT_NE(g.error().zh.find("第 3 行"), std::string::npos) << g.error().zh;
  EXPECT_NE(g.error().en.find("Row 3"), std::string::npos) << g.error().en;
}

TEST(ExchangeCsvTest, LimitsAreErrorsNotCrashes) {
  ReadOptions o;
  o.max_columns = 3;
  auto g = ReadCsv("a,b,c\n1,2,3,4\n", o);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, "exchange.too_many_columns");
  EXPECT_NE(g.error().en.find("Row 2"), std::string::npos);

  o = {};
  o.max_cell_bytes = 8;
  g = ReadCsv("a\n\"123456789\"\n", o);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, "exchange.cell_too_large");

  o = {};
  o.max_rows = 2;
  g = ReadCsv("a\n1\n2\n3\n", o);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, "exchange.too_many_rows");
}

TEST(ExchangeCsvTest, ReadsGbkAndGb18030) {
  const std::string utf8 =
      "资产名称,存放地点,原值（元）\r\n"
      "台式计算机,教学楼三楼“计算机室”,4999.00\r\n"
      "饮水机,𠀀镇卫生院,860\r\n";  // 𠀀 needs GB18030's four-byte form
  std::string gb = ToGb18030(utf8);
  ASSERT_NE(gb, utf8);
  // Converted with its BOM (iconv -f UTF-8 -t GB18030 of an Excel UTF-8 CSV).
  EXPECT_EQ(ToGb18030("\xEF\xBB\xBF"), "\x84\x31\x95\x33");
  TextEncoding enc = TextEncoding::kUtf8;
  const auto g = ReadCsv(gb, {}, &enc);
  ASSERT_TRUE(g.ok()) << g.error().en;
  EXPECT_EQ(enc, TextEncoding::kGb18030);
  EXPECT_EQ(RowsOf(*g), (Rows{{"资产名称", "存放地点", "原值（元）"},
                              {"台式计算机", "教学楼三楼“计算机室”", "4999.00"},
                              {"饮水机", "𠀀镇卫生院", "860"}}));
  EXPECT_EQ(EncodingName(enc), "GB18030");
  const auto with_bom = ReadCsv("\x84\x31\x95\x33" + gb);
  ASSERT_TRUE(with_bom.ok());
  EXPECT_EQ(with_bom->Cell(0, 0), "资产名称");
}

TEST(ExchangeCsvTest, BadEncodingNamesOffsetAndLine) {
  // Neither UTF-8 nor GB18030: 0x81 must be followed by a valid trail byte.
  auto g = ReadCsv("name\nab\x81 cd\n");
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, "exchange.bad_encoding");
  EXPECT_NE(g.error().en.find("line 2 (byte offset 7)"), std::string::npos) << g.error().en;
  EXPECT_NE(g.error().zh.find("第 2 行（字节偏移 7）"), std::string::npos) << g.error().zh;

  // Mostly UTF-8 with one damaged byte: reported as broken UTF-8, not decoded
  // as GB18030 mojibake.
  std::string utf8 = "资产名称,存放地点\n台式计算机,教学楼\n";
  utf8 += "投影仪,\xE6\x95\n";
  g = ReadCsv(utf8);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, "exchange.bad_encoding");
  EXPECT_NE(g.error().en.find("not valid UTF-8"), std::string::npos) << g.error().en;
  EXPECT_NE(g.error().en.find("line 3"), std::string::npos) << g.error().en;

  g = ReadCsv("\xFF\xFEn\0a\0", {});
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, "exchange.unsupported_format");
}

TEST(ExchangeCsvTest, WriterQuotesGuardsAndRoundTrips) {
  const std::vector<OutputColumn> cols{{"名称"}, {"备注"}, {"原值（元）", CellType::kMoney}};
  const Rows rows{{"台式计算机, 联想", "他说\"好\"", "4999.00"},
                  {"多行\n文本", "=HYPERLINK(\"http://x\")", "-3.50"},
                  {"+cmd|' /C calc'!A0", "@SUM(1)", "12"}};
  std::string out;
  {
    auto w = OpenTableWriter(FileFormat::kCsv, OutputTarget::String(&out), cols);
    ASSERT_TRUE(w.ok());
    for (const auto& r : rows) ASSERT_TRUE((*w)->AddRow(r).ok());
    ASSERT_TRUE((*w)->Finish().ok());
    EXPECT_EQ((*w)->rows(), 3u);
  }
  EXPECT_TRUE(out.starts_with("\xEF\xBB\xBF名称,备注,原值（元）\r\n\"台式计算机, 联想\",\"他说\"\"好\"\"\",4999.00\r\n"))
      << out;
  EXPECT_NE(out.find("\"'=HYPERLINK(\"\"http://x\"\")\""), std::string::npos) << out;
  EXPECT_NE(out.find(",-3.50\r\n"), std::string::npos);  // numbers are not guarded

  const Grid g = MustRead(out);
  const Rows back = RowsOf(g);
  ASSERT_EQ(back.size(), 4u);
  EXPECT_EQ(back[1], rows[0]);
  EXPECT_EQ(back[2][0], "多行\n文本");
  EXPECT_EQ(back[2][1], "'=HYPERLINK(\"http://x\")");
  EXPECT_EQ(back[3][0], "'+cmd|' /C calc'!A0");
  EXPECT_EQ(back[3][1], "'@SUM(1)");
}

TEST(ExchangeCsvTest, WriterTargetsFileAndStream) {
  const std::vector<OutputColumn> cols{{"a"}, {"b"}};
  std::ostringstream stream;
  {
    auto w = OpenTableWriter(FileFormat::kCsv, OutputTarget::Stream(&stream), cols);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->AddRow({"1", "2"}).ok());
    ASSERT_TRUE((*w)->Finish().ok());
  }
  EXPECT_EQ(stream.str(), "\xEF\xBB\xBF" "a,b\r\n1,2\r\n");

  const auto dir = std::filesystem::temp_directory_path() / ("ms-csv-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "out.csv").string();
  {
    auto w = OpenTableWriter(FileFormat::kCsv, OutputTarget::File(path), cols);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->AddRow({"1", "2"}).ok());
    // Not finished yet: no file under the final name.
    EXPECT_FALSE(std::filesystem::exists(path));
    ASSERT_TRUE((*w)->Finish().ok());
  }
  auto g = ReadGridFile(path);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(RowsOf(*g), (Rows{{"a", "b"}, {"1", "2"}}));
  // An export is an ordinary new file: 0666 less the umask, not mkstemp's 0600.
  const mode_t mask = umask(0);
  umask(mask);
  EXPECT_EQ(static_cast<unsigned>(std::filesystem::status(path).permissions()) & 0777u, 0666u & ~mask);
  {
    // Abandoned without Finish: nothing left behind.
    auto w = OpenTableWriter(FileFormat::kCsv, OutputTarget::File((dir / "never.csv").string()), cols);
    ASSERT_TRUE(w.ok());
  }
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator{}), 1);
  auto bad = OpenTableWriter(FileFormat::kCsv, OutputTarget::File((dir / "no/such/dir.csv").string()), cols);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "exchange.write_failed");
  std::filesystem::remove_all(dir);

  auto missing = ReadGridFile((dir / "missing.csv").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "exchange.file_not_found");
}

}  // namespace
}  // namespace minsheng::exchange
