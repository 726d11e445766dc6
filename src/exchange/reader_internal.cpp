#include "exchange/reader_internal.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unzip.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace minsheng::exchange::internal {

Error BadFile(const std::string& zh_detail, const std::string& en_detail, std::string log) {
  return MakeError(ErrorCode::kInvalidArgument, "exchange.bad_file",
                   "无法读取 Excel 文件：" + zh_detail + "。请确认它是完整的 .xlsx 文件（可用 Excel 或 WPS 重新另存）",
                   "Cannot read the Excel file: " + en_detail +
                       ". Make sure it is a complete .xlsx file (save it again from Excel or WPS)")
      .WithLog(std::move(log));
}

Error CellTooLarge(int64_t row, size_t col, size_t max_bytes) {
  const std::string r = std::to_string(row);
  const std::string m = std::to_string(max_bytes);
  const std::string c = std::to_string(col + 1);
  return MakeError(ErrorCode::kInvalidArgument, "exchange.cell_too_large",
                   "第 " + r + " 行第 " + c + " 列的内容太长（超过 " + m + " 字节）",
                   "The cell at row " + r + ", column " + c + " is too long (over " + m + " bytes)");
}

Error TooManyColumns(int64_t row, size_t max_columns) {
  const std::string r = std::to_string(row);
  const std::string m = std::to_string(max_columns);
  return MakeError(ErrorCode::kInvalidArgument, "exchange.too_many_columns",
                   "第 " + r + " 行的列数超过上限 " + m,
                   "Row " + r + " has more than " + m + " columns");
}

Error TooManyRows(size_t max_rows) {
  const std::string m = std::to_string(max_rows);
  return MakeError(ErrorCode::kInvalidArgument, "exchange.too_many_rows",
                   "文件行数超过上限 " + m + "，请拆分后分批导入",
                   "The file has more than " + m + " rows; split it and import in parts");
}

Error FileNotFound(const std::string& path, int err) {
  return MakeError(ErrorCode::kNotFound, "exchange.file_not_found", "无法打开文件 " + path,
                   "Cannot open the file " + path)
      .WithLog(std::strerror(err));
}

// ---- MappedFile ----

Result<MappedFile> MappedFile::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileNotFound(path, errno);
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const int err = errno;
    ::close(fd);
    return FileNotFound(path, err == 0 ? EISDIR : err);
  }
  MappedFile f;
  f.size_ = static_cast<size_t>(st.st_size);
  if (f.size_ > 0) {
    void* p = mmap(nullptr, f.size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      const int err = errno;
      ::close(fd);
      return FileNotFound(path, err);
    }
    madvise(p, f.size_, MADV_SEQUENTIAL);
    f.data_ = static_cast<const char*>(p);
  }
  ::close(fd);
  return f;
}

MappedFile::MappedFile(MappedFile&& o) noexcept : data_(o.data_), size_(o.size_) {
  o.data_ = nullptr;
  o.size_ = 0;
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) munmap(const_cast<char*>(data_), size_);
}

// ---- ZipArchive: minizip reading from memory ----

struct ZipArchive::Memory {
  std::string_view bytes;
  uint64_t pos = 0;
};

namespace {

voidpf MemOpen(voidpf opaque, const void* /*filename*/, int /*mode*/) { return opaque; }

uLong MemRead(voidpf /*opaque*/, voidpf stream, void* buf, uLong size) {
  auto* m = static_cast<ZipArchive::Memory*>(stream);
  const uint64_t left = m->bytes.size() - std::min<uint64_t>(m->pos, m->bytes.size());
  const uint64_t n = std::min<uint64_t>(left, size);
  std::memcpy(buf, m->bytes.data() + m->pos, n);
  m->pos += n;
  return static_cast<uLong>(n);
}

uLong MemWrite(voidpf, voidpf, const void*, uLong) { return 0; }

ZPOS64_T MemTell(voidpf /*opaque*/, voidpf stream) {
  return static_cast<ZipArchive::Memory*>(stream)->pos;
}

long MemSeek(voidpf /*opaque*/, voidpf stream, ZPOS64_T offset, int origin) {
  auto* m = static_cast<ZipArchive::Memory*>(stream);
  uint64_t base = 0;
  switch (origin) {
    case ZLIB_FILEFUNC_SEEK_SET: base = 0; break;
    case ZLIB_FILEFUNC_SEEK_CUR: base = m->pos; break;
    case ZLIB_FILEFUNC_SEEK_END: base = m->bytes.size(); break;
    default: return -1;
  }
  if (offset > m->bytes.size() || base + offset > m->bytes.size()) return -1;
  m->pos = base + offset;
  return 0;
}

int MemClose(voidpf, voidpf) { return 0; }
int MemError(voidpf, voidpf) { return 0; }

unzFile Unz(void* p) { return static_cast<unzFile>(p); }

}  // namespace

Result<std::unique_ptr<ZipArchive>> ZipArchive::Open(std::string_view bytes) {
  std::unique_ptr<ZipArchive> z(new ZipArchive());
  z->memory_ = std::make_unique<Memory>();
  z->memory_->bytes = bytes;
  zlib_filefunc64_def funcs{};
  funcs.zopen64_file = MemOpen;
  funcs.zread_file = MemRead;
  funcs.zwrite_file = MemWrite;
  funcs.ztell64_file = MemTell;
  funcs.zseek64_file = MemSeek;
  funcs.zclose_file = MemClose;
  funcs.zerror_file = MemError;
  funcs.opaque = z->memory_.get();
  z->unz_ = unzOpen2_64("memory", &funcs);
  if (z->unz_ == nullptr) {
    return BadFile("文件不是有效的 zip 压缩包，或已损坏、被截断", "it is not a valid zip archive, or it is "
                   "damaged or truncated", "unzOpen2_64 failed");
  }
  return z;
}

ZipArchive::~ZipArchive() {
  if (unz_ != nullptr) {
    CloseEntry();
    unzClose(Unz(unz_));
  }
}

bool ZipArchive::Has(const std::string& name) {
  CloseEntry();
  return unzLocateFile(Unz(unz_), name.c_str(), 2) == UNZ_OK;
}

void ZipArchive::CloseEntry() {
  if (entry_open_) unzCloseCurrentFile(Unz(unz_));
  entry_open_ = false;
}

Result<void> ZipArchive::OpenEntry(const std::string& name, uint64_t max_bytes) {
  CloseEntry();
  if (unzLocateFile(Unz(unz_), name.c_str(), 2) != UNZ_OK) {
    return BadFile("缺少 " + name, "part " + name + " is missing", "unzLocateFile " + name);
  }
  unz_file_info64 info{};
  if (unzGetCurrentFileInfo64(Unz(unz_), &info, nullptr, 0, nullptr, 0, nullptr, 0) != UNZ_OK) {
    return BadFile("无法读取 " + name, "cannot read " + name, "unzGetCurrentFileInfo64 " + name);
  }
  if ((info.flag & 1u) != 0) {
    return BadFile("文件已加密", "the file is encrypted", "encrypted entry " + name);
  }
  if (unzOpenCurrentFile(Unz(unz_)) != UNZ_OK) {
    return BadFile("无法解压 " + name, "cannot inflate " + name, "unzOpenCurrentFile " + name);
  }
  entry_open_ = true;
  entry_name_ = name;
  entry_size_ = info.uncompressed_size;
  entry_read_ = 0;
  entry_max_ = max_bytes;
  return Ok();
}

Result<size_t> ZipArchive::Read(char* buf, size_t cap) {
  if (!entry_open_) return size_t{0};
  const unsigned want = static_cast<unsigned>(std::min<size_t>(cap, 1u << 30));
  const int n = unzReadCurrentFile(Unz(unz_), buf, want);
  if (n < 0) {
    CloseEntry();
    return BadFile("压缩数据已损坏（" + entry_name_ + "）", "compressed data is corrupt (" + entry_name_ + ")",
                   "unzReadCurrentFile " + std::to_string(n));
  }
  if (n == 0) {
    entry_open_ = false;
    if (unzCloseCurrentFile(Unz(unz_)) == UNZ_CRCERROR) {
      return BadFile("校验和不符（" + entry_name_ + "）", "checksum mismatch (" + entry_name_ + ")",
                     "CRC error");
    }
    return size_t{0};
  }
  entry_read_ += static_cast<uint64_t>(n);
  if (entry_read_ > entry_max_) {
    CloseEntry();
    return BadFile(entry_name_ + " 解压后过大", entry_name_ + " inflates to more than the limit",
                   "zip entry over " + std::to_string(entry_max_));
  }
  return static_cast<size_t>(n);
}

Result<std::string> ZipArchive::ReadAll(const std::string& name, uint64_t max_bytes) {
  MS_TRY(OpenEntry(name, max_bytes));
  std::string out;
  out.reserve(static_cast<size_t>(std::min<uint64_t>(entry_size_, max_bytes)));
  char buf[1 << 16];
  for (;;) {
    MS_ASSIGN_OR_RETURN(const size_t n, Read(buf, sizeof buf));
    if (n == 0) break;
    out.append(buf, n);
  }
  return out;
}

// ---- XML ----

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Names are short: a plain loop beats a libc call here.
std::string_view LocalName(std::string_view qname) {
  for (size_t i = qname.size(); i > 0; --i) {
    if (qname[i - 1] == ':') return qname.substr(i);
  }
  return qname;
}

constexpr size_t kChunk = 1 << 18;

}  // namespace

std::string_view DecodeEntities(std::string_view raw, std::string& scratch) {
  size_t amp = raw.find('&');
  if (amp == std::string_view::npos) return raw;
  scratch.clear();
  size_t start = 0;
  while (amp != std::string_view::npos) {
    scratch.append(raw.substr(start, amp - start));
    const size_t semi = raw.find(';', amp);
    if (semi == std::string_view::npos || semi - amp > 12) {  // not an entity: keep the '&'
      scratch.push_back('&');
      start = amp + 1;
    } else {
      const std::string_view ent = raw.substr(amp + 1, semi - amp - 1);
      bool ok = true;
      if (ent == "lt") {
        scratch.push_back('<');
      } else if (ent == "gt") {
        scratch.push_back('>');
      } else if (ent == "amp") {
        scratch.push_back('&');
      } else if (ent == "quot") {
        scratch.push_back('"');
      } else if (ent == "apos") {
        scratch.push_back('\'');
      } else if (ent.size() > 1 && ent[0] == '#') {
        uint32_t cp = 0;
        const bool hex = ent[1] == 'x' || ent[1] == 'X';
        const std::string_view digits = ent.substr(hex ? 2 : 1);
        ok = !digits.empty();
        for (const char c : digits) {
          const int v = hex ? HexValue(c) : (c >= '0' && c <= '9' ? c - '0' : -1);
          if (v < 0 || cp > 0x10FFFF) {
            ok = false;
            break;
          }
          cp = cp * (hex ? 16u : 10u) + static_cast<uint32_t>(v);
        }
        if (ok && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF)) {
          AppendUtf8(scratch, cp);
        } else {
          ok = false;
        }
      } else {
        ok = false;
      }
      if (ok) {
        start = semi + 1;
      } else {
        scratch.push_back('&');
        start = amp + 1;
      }
    }
    amp = raw.find('&', start);
  }
  scratch.append(raw.substr(start));
  return scratch;
}

void DecodeOoxmlEscapes(std::string& s) {
  size_t i = s.find("_x");
  if (i == std::string::npos) return;
  std::string out;
  out.reserve(s.size());
  size_t start = 0;
  while (i != std::string::npos) {
    bool ok = i + 7 <= s.size() && s[i + 6] == '_';
    uint32_t cp = 0;
    for (size_t k = 2; ok && k < 6; ++k) {
      const int v = HexValue(s[i + k]);
      if (v < 0) ok = false;
      cp = cp * 16 + static_cast<uint32_t>(std::max(v, 0));
    }
    if (ok && cp >= 0xD800 && cp <= 0xDFFF) ok = false;
    if (ok) {
      out.append(s, start, i - start);
      AppendUtf8(out, cp);
      start = i + 7;
      i = s.find("_x", start);
    } else {
      i = s.find("_x", i + 1);
    }
  }
  out.append(s, start, std::string::npos);
  s = std::move(out);
}

Result<bool> XmlPull::Fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    base_ += pos_;
    pos_ = 0;
  }
  const size_t old = buf_.size();
  buf_.resize(old + kChunk);
  auto n = read_(buf_.data() + old, kChunk);
  if (!n.ok()) {
    buf_.resize(old);
    return std::move(n).error();
  }
  buf_.resize(old + *n);
  if (*n == 0) eof_ = true;
  return *n > 0;
}

Result<size_t> XmlPull::Find(size_t from, std::string_view needle) {
  for (;;) {
    const size_t at = buf_.find(needle, pos_ + from);
    if (at != std::string::npos) return at - pos_;
    // Keep scanning from where a partial match could start.
    const size_t have = buf_.size() - pos_;
    from = have >= needle.size() ? std::max(from, have - needle.size() + 1) : from;
    MS_ASSIGN_OR_RETURN(const bool more, Fill());
    if (!more) return std::string::npos;
  }
}

Result<size_t> XmlPull::FindTagEnd() {
  char quote = 0;
  size_t i = 1;
  for (;;) {
    while (pos_ + i < buf_.size()) {
      const char c = buf_[pos_ + i];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '>') {
        return i;
      }
      ++i;
    }
    MS_ASSIGN_OR_RETURN(const bool more, Fill());
    if (!more) return std::string::npos;
  }
}

Result<XmlPull::Token> XmlPull::Next() {
  for (;;) {
    if (pos_ >= buf_.size()) {
      MS_ASSIGN_OR_RETURN(const bool more, Fill());
      if (!more) return Token::kEof;
    }
    if (buf_[pos_] != '<') {
      MS_ASSIGN_OR_RETURN(size_t lt, Find(0, "<"));
      if (lt == std::string::npos) lt = buf_.size() - pos_;
      const std::string_view raw(buf_.data() + pos_, lt);
      pos_ += lt;
      text_ = DecodeEntities(raw, text_scratch_);
      return Token::kText;
    }
    // Markup. Plain tags (the hot path) go straight to the tag parser.
    if (pos_ + 1 < buf_.size() && buf_[pos_ + 1] != '?' && buf_[pos_ + 1] != '!') {
      return ParseTag();
    }
    while (buf_.size() - pos_ < 9 && !eof_) {
      MS_ASSIGN_OR_RETURN(const bool more, Fill());
      if (!more) break;
    }
    const std::string_view head(buf_.data() + pos_, std::min<size_t>(9, buf_.size() - pos_));
    if (head.starts_with("<?")) {
      MS_ASSIGN_OR_RETURN(const size_t end, Find(2, "?>"));
      if (end == std::string::npos) return BadFile("XML 不完整", "truncated XML", "unterminated <?");
      pos_ += end + 2;
      continue;
    }
    if (head.starts_with("<!--")) {
      MS_ASSIGN_OR_RETURN(const size_t end, Find(4, "-->"));
      if (end == std::string::npos) return BadFile("XML 不完整", "truncated XML", "unterminated comment");
      pos_ += end + 3;
      continue;
    }
    if (head.starts_with("<![CDATA[")) {
      MS_ASSIGN_OR_RETURN(const size_t end, Find(9, "]]>"));
      if (end == std::string::npos) return BadFile("XML 不完整", "truncated XML", "unterminated CDATA");
      text_ = std::string_view(buf_.data() + pos_ + 9, end - 9);
      pos_ += end + 3;
      return Token::kText;
    }
    if (head.starts_with("<!")) {
      // DOCTYPE and entity declarations have no place in OOXML.
      return BadFile("XML 含有不支持的声明", "the XML has an unsupported declaration", "<! in part");
    }
    return ParseTag();
  }
}

Result<XmlPull::Token> XmlPull::ParseTag() {
  MS_ASSIGN_OR_RETURN(const size_t gt, FindTagEnd());
  if (gt == std::string::npos) return BadFile("XML 不完整", "truncated XML", "unterminated tag");
  std::string_view tag(buf_.data() + pos_ + 1, gt - 1);
  pos_ += gt + 1;
  if (!tag.empty() && tag.front() == '/') {
    tag.remove_prefix(1);
    while (!tag.empty() && IsSpace(tag.back())) tag.remove_suffix(1);
    name_ = LocalName(tag);
    self_closing_ = false;
    return Token::kEnd;
  }
  self_closing_ = !tag.empty() && tag.back() == '/';
  if (self_closing_) tag.remove_suffix(1);
  size_t name_end = 0;
  while (name_end < tag.size() && !IsSpace(tag[name_end])) ++name_end;
  name_ = LocalName(tag.substr(0, name_end));
  attrs_ = tag.substr(name_end);
  if (name_.empty()) return BadFile("XML 格式错误", "malformed XML", "empty tag name");
  return Token::kStart;
}

std::optional<std::string_view> XmlPull::Attr(std::string_view local) {
  std::string_view a = attrs_;
  for (;;) {
    while (!a.empty() && IsSpace(a.front())) a.remove_prefix(1);
    if (a.empty()) return std::nullopt;
    const size_t eq = a.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::string_view qname = a.substr(0, eq);
    while (!qname.empty() && IsSpace(qname.back())) qname.remove_suffix(1);
    a.remove_prefix(eq + 1);
    while (!a.empty() && IsSpace(a.front())) a.remove_prefix(1);
    if (a.empty() || (a.front() != '"' && a.front() != '\'')) return std::nullopt;
    const char q = a.front();
    const size_t close = a.find(q, 1);
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view raw = a.substr(1, close - 1);
    a.remove_prefix(close + 1);
    if (LocalName(qname) == local) return DecodeEntities(raw, attr_scratch_);
  }
}

}  // namespace minsheng::exchange::internal
