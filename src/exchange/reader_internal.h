// Pieces the readers share; not for use outside src/exchange.
//   MappedFile  a read-only memory map of an input file
//   ZipArchive  minizip over bytes in memory, entries read as streams
//   XmlPull     a small streaming (pull) XML tokenizer for the big parts of an
//               XLSX (sheet, shared strings), so no DOM of them is built
// Each object is used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace minsheng::exchange::internal {

Error BadFile(const std::string& zh_detail, const std::string& en_detail, std::string log);
Error CellTooLarge(int64_t row, size_t col, size_t max_bytes);
Error TooManyColumns(int64_t row, size_t max_columns);
Error TooManyRows(size_t max_rows);
Error FileNotFound(const std::string& path, int err);

class MappedFile {
 public:
  static Result<MappedFile> Open(const std::string& path);
  MappedFile(MappedFile&& o) noexcept;
  MappedFile& operator=(MappedFile&&) = delete;
  MappedFile(const MappedFile&) = delete;
  ~MappedFile();
  std::string_view bytes() const { return {data_, size_}; }

 private:
  MappedFile() = default;
  const char* data_ = nullptr;
  size_t size_ = 0;
};

class ZipArchive {
 public:
  // bytes must outlive the archive. Error "exchange.bad_file" when it is not a zip.
  static Result<std::unique_ptr<ZipArchive>> Open(std::string_view bytes);
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;
  ~ZipArchive();

  // Entry names are matched case-insensitively (producers disagree on case).
  bool Has(const std::string& name);
  // Opens an entry for Read; one entry at a time. Reading past max_bytes of
  // inflated data is an error (zip bombs).
  Result<void> OpenEntry(const std::string& name, uint64_t max_bytes);
  // Up to cap bytes; 0 at the end of the entry, after its CRC was checked.
  Result<size_t> Read(char* buf, size_t cap);
  uint64_t entry_size() const { return entry_size_; }
  uint64_t entry_read() const { return entry_read_; }
  Result<std::string> ReadAll(const std::string& name, uint64_t max_bytes);

  struct Memory;  // the I/O state minizip calls back into

 private:
  ZipArchive() = default;
  void CloseEntry();

  std::unique_ptr<Memory> memory_;
  void* unz_ = nullptr;  // unzFile
  bool entry_open_ = false;
  std::string entry_name_;
  uint64_t entry_size_ = 0;
  uint64_t entry_read_ = 0;
  uint64_t entry_max_ = 0;
};

// Tokens of an XML stream. Views returned by name(), text() and Attr() point
// into internal buffers and stay valid only until the next call to Next()
// (Attr: until the next Attr()).
class XmlPull {
 public:
  using ReadFn = std::function<Result<size_t>(char* buf, size_t cap)>;
  enum class Token { kStart, kEnd, kText, kEof };

  explicit XmlPull(ReadFn read) : read_(std::move(read)) {}
  Result<Token> Next();
  // Local name (namespace prefix removed) of a start or end tag.
  std::string_view name() const { return name_; }
  // <x/>: a start token with no matching end token.
  bool self_closing() const { return self_closing_; }
  // Attribute of the current start tag by local name, entities decoded.
  std::optional<std::string_view> Attr(std::string_view local);
  // Calls f(local_name, raw_value) for each attribute of the current start
  // tag; values are not entity-decoded (use DecodeEntities when needed). One
  // pass, for the hot path of the sheet parser.
  template <typename F>
  void ForEachAttr(F&& f) const {
    const char* p = attrs_.data();
    const char* const end = p + attrs_.size();
    for (;;) {
      while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) ++p;
      const char* name = p;
      const char* local = p;
      while (p < end && *p != '=' && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
        if (*p == ':') local = p + 1;
        ++p;
      }
      const char* name_end = p;
      while (p < end && *p != '=') ++p;
      if (p >= end || name == name_end) return;
      ++p;
      while (p < end && *p != '"' && *p != '\'') ++p;
      if (p >= end) return;
      const char q = *p++;
      const char* value = p;
      while (p < end && *p != q) ++p;
      if (p >= end) return;
      f(std::string_view(local, static_cast<size_t>(name_end - local)),
        std::string_view(value, static_cast<size_t>(p - value)));
      ++p;
    }
  }
  // Text (kText), entities decoded; CDATA content as is.
  std::string_view text() const { return text_; }
  // Bytes consumed so far.
  uint64_t consumed() const { return base_ + pos_; }

 private:
  Result<bool> Fill();
  // Offset (from pos_) of needle at or after from, filling as needed; npos at EOF.
  Result<size_t> Find(size_t from, std::string_view needle);
  Result<size_t> FindTagEnd();
  Result<Token> ParseTag();  // at '<' of a start or end tag

  ReadFn read_;
  std::string buf_;
  size_t pos_ = 0;
  uint64_t base_ = 0;
  bool eof_ = false;
  std::string_view name_;
  std::string_view attrs_;
  std::string_view text_;
  bool self_closing_ = false;
  std::string text_scratch_;
  std::string attr_scratch_;
};

// Resolves XML character and predefined entities; returns raw when there are
// none, else a view of scratch.
std::string_view DecodeEntities(std::string_view raw, std::string& scratch);
// Resolves OOXML's _xHHHH_ escapes (control characters in strings).
void DecodeOoxmlEscapes(std::string& s);
void AppendUtf8(std::string& out, uint32_t cp);

}  // namespace minsheng::exchange::internal
