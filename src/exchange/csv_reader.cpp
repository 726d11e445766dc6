// CSV reading and text encoding detection (see reader.h).
#include <errno.h>
#include <iconv.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "exchange/reader.h"
#include "exchange/reader_internal.h"

namespace minsheng::exchange {
namespace {

struct Utf8Scan {
  size_t multibyte = 0;  // valid multi-byte sequences
  size_t invalid = 0;    // bytes that start no valid sequence
  size_t first_invalid = 0;
};

Utf8Scan ScanUtf8(std::string_view s) {
  Utf8Scan r;
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07u;
    }
    bool ok = len > 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if (ok && ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
               (cp >= 0xD800 && cp <= 0xDFFF))) {
      ok = false;
    }
    if (ok) {
      ++r.multibyte;
      i += len;
    } else {
      if (r.invalid == 0) r.first_invalid = i;
      ++r.invalid;
      ++i;
    }
  }
  return r;
}

size_t LineOf(std::string_view bytes, size_t offset) {
  return 1 + static_cast<size_t>(std::count(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(
                                                                               std::min(offset, bytes.size())),
                                            '\n'));
}

Error BadEncoding(std::string_view bytes, size_t offset, bool looks_utf8) {
  const std::string line = std::to_string(LineOf(bytes, offset));
  const std::string off = std::to_string(offset);
  if (looks_utf8) {
    return MakeError(ErrorCode::kInvalidArgument, "exchange.bad_encoding",
                     "文件不是有效的 UTF-8 文本：第 " + line + " 行（字节偏移 " + off +
                         "）有损坏的字符，请检查文件或另存为 UTF-8 CSV",
                     "The file is not valid UTF-8: a broken character on line " + line +
                         " (byte offset " + off + "); check the file or save it again as UTF-8 CSV");
  }
  return MakeError(ErrorCode::kInvalidArgument, "exchange.bad_encoding",
                   "无法识别文件编码：第 " + line + " 行（字节偏移 " + off +
                       "）既不是 UTF-8 也不是 GBK/GB18030，请另存为 UTF-8 CSV",
                   "Unrecognized text encoding: line " + line + " (byte offset " + off +
                       ") is neither UTF-8 nor GBK/GB18030; save the file as UTF-8 CSV");
}

Result<std::string> Gb18030ToUtf8(std::string_view bytes) {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(static_cast<intptr_t>(-1))) {
    return InternalError(std::string("iconv_open GB18030: ") + std::strerror(errno));
  }
  std::string out;
  out.resize(bytes.size() + bytes.size() / 2 + 16);
  // iconv's interface takes non-const input pointers; it does not write through them.
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  size_t used = 0;
  while (in_left > 0) {
    char* dst = out.data() + used;
    size_t dst_left = out.size() - used;
    const size_t rc = iconv(cd, &in, &in_left, &dst, &dst_left);
    used = out.size() - dst_left;
    if (rc != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    const auto offset = static_cast<size_t>(in - bytes.data());
    iconv_close(cd);
    return BadEncoding(bytes, offset, false);
  }
  iconv_close(cd);
  out.resize(used);
  return out;
}

constexpr size_t kProgressEvery = 16384;

}  // namespace

std::string_view EncodingName(TextEncoding e) {
  switch (e) {
    case TextEncoding::kUtf8: return "UTF-8";
    case TextEncoding::kUtf8Bom: return "UTF-8 (BOM)";
    case TextEncoding::kGb18030: return "GB18030";
  }
  return "?";
}

Result<DecodedText> DecodeText(std::string_view bytes) {
  DecodedText d;
  const std::string_view original = bytes;
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    bytes.remove_prefix(3);
    d.encoding = TextEncoding::kUtf8Bom;
  }
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    return MakeError(ErrorCode::kInvalidArgument, "exchange.unsupported_format",
                     "不支持 UTF-16 编码的文本文件，请另存为 UTF-8 CSV 或 Excel 工作簿（.xlsx）",
                     "UTF-16 text files are not supported; save as UTF-8 CSV or an Excel workbook (.xlsx)");
  }
  const Utf8Scan scan = ScanUtf8(bytes);
  if (scan.invalid == 0) {
    d.view = bytes;
    return d;
  }
  // GBK text is invalid UTF-8 almost everywhere it has Chinese; UTF-8 text with
  // a damaged byte or two is valid nearly everywhere. Do not decode the latter
  // as GB18030: it would "succeed" and turn the whole file into mojibake.
  if (d.encoding == TextEncoding::kUtf8Bom || scan.multibyte > 4 * scan.invalid) {
    const size_t bom = original.size() - bytes.size();
    return BadEncoding(original, scan.first_invalid + bom, true);
  }
  MS_ASSIGN_OR_RETURN(d.utf8, Gb18030ToUtf8(bytes));
  // A BOM converted along with the text (GB18030 84 31 95 33) is no content.
  if (d.utf8.starts_with("\xEF\xBB\xBF")) d.utf8.erase(0, 3);
  d.encoding = TextEncoding::kGb18030;
  d.view = d.utf8;
  return d;
}

Result<Grid> ParseCsvUtf8(std::string_view text, const ReadOptions& options) {
  std::array<bool, 256> stop{};
  stop[static_cast<unsigned char>(options.delimiter)] = true;
  stop['\n'] = true;
  stop['\r'] = true;

  Grid g;
  g.Reserve(0, 0, text.size());
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  const char* p = begin;
  int64_t record = 0;
  auto scan_plain = [&]() {
    const char* s = p;
    while (p < end && !stop[static_cast<unsigned char>(*p)]) ++p;
    g.AppendToCell(std::string_view(s, static_cast<size_t>(p - s)));
  };

  while (p < end) {
    ++record;
    g.BeginRow(record);
    for (;;) {
      if (p < end && *p == '"') {
        ++p;
        for (;;) {
          const auto* q = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(end - p)));
          if (q == nullptr) {
            const std::string row = std::to_string(record);
            return MakeError(ErrorCode::kInvalidArgument, "exchange.csv_unterminated_quote",
                             "第 " + row + " 行有一个引号（\"）开始的字段没有结束引号",
                             "Row " + row + " has a quoted field (\") that never closes");
          }
          g.AppendToCell(std::string_view(p, static_cast<size_t>(q - p)));
          p = q + 1;
          if (p < end && *p == '"') {  // "" inside quotes
            g.AppendToCell("\"");
            ++p;
            continue;
          }
          break;
        }
        scan_plain();  // text after the closing quote: kept, as Excel does
      } else {
        scan_plain();
      }
      if (g.OpenCellBytes() > options.max_cell_bytes) {
        return internal::CellTooLarge(record, g.OpenRowCellCount(), options.max_cell_bytes);
      }
      g.EndCell();
      if (g.OpenRowCellCount() > options.max_columns) {
        return internal::TooManyColumns(record, options.max_columns);
      }
      if (p >= end) break;
      if (*p == options.delimiter) {
        ++p;
        continue;  // another field follows, possibly empty at the end of input
      }
      if (*p == '\r') {
        ++p;
        if (p < end && *p == '\n') ++p;
      } else {
        ++p;
      }
      break;
    }
    g.EndRow();
    if (options.max_rows > 0 && g.size() > options.max_rows) {
      return internal::TooManyRows(options.max_rows);
    }
    if (options.on_progress && static_cast<size_t>(record) % kProgressEvery == 0) {
      options.on_progress(g.size(), static_cast<double>(p - begin) / static_cast<double>(text.size()));
    }
  }
  if (options.on_progress) options.on_progress(g.size(), 1.0);
  return g;
}

Result<Grid> ReadCsv(std::string_view bytes, const ReadOptions& options, TextEncoding* detected) {
  MS_ASSIGN_OR_RETURN(DecodedText text, DecodeText(bytes));
  if (detected != nullptr) *detected = text.encoding;
  return ParseCsvUtf8(text.view, options);
}

}  // namespace minsheng::exchange
