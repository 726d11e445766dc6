#include "assessment/evidence.h"

#include <array>
#include <optional>

#include "assessment/input_json.h"
#include "assessment/input_store.h"
#include "audit/audit.h"
#include "core/crypto.h"
#include "core/text.h"

namespace minsheng::assessment {

namespace {

struct KindInfo {
  EvidenceKind kind;
  std::string_view mime;
};

constexpr std::array<KindInfo, 6> kKinds = {{
    {EvidenceKind::kPdf, "application/pdf"},
    {EvidenceKind::kPng, "image/png"},
    {EvidenceKind::kJpeg, "image/jpeg"},
    {EvidenceKind::kXlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {EvidenceKind::kDocx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {EvidenceKind::kOfd, "application/ofd"},
}};

std::optional<EvidenceKind> DeclaredKind(std::string_view content_type) {
  std::string type = Trim(content_type.substr(0, content_type.find(';')));
  for (auto& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (type == "image/jpg") type = "image/jpeg";
  for (const auto& k : kKinds) {
    if (type == k.mime) return k.kind;
  }
  return std::nullopt;
}

bool StartsWith(std::string_view data, std::string_view magic) { return data.substr(0, magic.size()) == magic; }

// A zip archive holds its member names in plain text (local headers and the
// central directory), so a name is found by searching the bytes.
bool ZipHasMember(std::string_view data, std::string_view name) { return data.find(name) != std::string_view::npos; }

bool ContentMatches(EvidenceKind k, std::string_view data) {
  using namespace std::string_view_literals;
  const bool zip = StartsWith(data, "PK\x03\x04"sv);
  switch (k) {
    case EvidenceKind::kPdf: return StartsWith(data, "%PDF-"sv);
    case EvidenceKind::kPng: return StartsWith(data, "\x89PNG\r\n\x1a\n"sv);
    case EvidenceKind::kJpeg: return StartsWith(data, "\xFF\xD8\xFF"sv);
    case EvidenceKind::kXlsx: return zip && ZipHasMember(data, "[Content_Types].xml") && ZipHasMember(data, "xl/");
    case EvidenceKind::kDocx: return zip && ZipHasMember(data, "[Content_Types].xml") && ZipHasMember(data, "word/");
    case EvidenceKind::kOfd: return zip && ZipHasMember(data, "OFD.xml");
  }
  return false;
}

}  // namespace

std::string_view EvidenceContentType(EvidenceKind k) {
  for (const auto& i : kKinds) {
    if (i.kind == k) return i.mime;
  }
  return "application/octet-stream";
}

Result<EvidenceKind> CheckEvidence(std::string_view content_type, std::string_view data, int64_t max_bytes) {
  if (data.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "assess.file_empty", "上传的文件是空的", "The uploaded file is empty");
  }
  if (static_cast<int64_t>(data.size()) > max_bytes) {
    const std::string mib = std::to_string(max_bytes / (1024 * 1024));
    return MakeError(ErrorCode::kTooLarge, "assess.file_too_large", "证明材料不能超过 " + mib + " MiB",
                     "Evidence files may be at most " + mib + " MiB");
  }
  const auto kind = DeclaredKind(content_type);
  if (!kind) {
    return MakeError(ErrorCode::kInvalidArgument, "assess.file_type",
                     "证明材料只接受 PDF、PNG、JPEG、XLSX、DOCX 或 OFD 文件",
                     "Evidence must be a PDF, PNG, JPEG, XLSX, DOCX or OFD file (declared by Content-Type)");
  }
  if (!ContentMatches(*kind, data)) {
    return MakeError(ErrorCode::kInvalidArgument, "assess.file_content_mismatch",
                     "文件内容与声明的类型（" + std::string(EvidenceContentType(*kind)) + "）不符",
                     "The file's content does not match its declared type (" +
                         std::string(EvidenceContentType(*kind)) + ")");
  }
  return *kind;
}

Result<EvidenceFile> StoreEvidence(db::Connection& tx, const auth::Caller& caller, FileOwner owner,
                                   int64_t owner_id, int64_t object_id, const Upload& upload, int64_t max_bytes) {
  MS_ASSIGN_OR_RETURN(const EvidenceKind kind, CheckEvidence(upload.content_type, upload.data, max_bytes));
  EvidenceFile f;
  f.owner_kind = owner;
  f.owner_id = owner_id;
  f.object_id = object_id;
  f.file_name = upload.file_name.empty() ? "evidence" : upload.file_name;
  f.content_type = std::string(EvidenceContentType(kind));
  f.size_bytes = static_cast<int64_t>(upload.data.size());
  f.sha256 = Sha256Hex(upload.data);
  f.data = upload.data;
  const auth::Principal* who = caller.principal;
  f.uploaded_by = who != nullptr && who->user_id > 0 ? std::optional<int64_t>(who->user_id) : std::nullopt;
  f.uploaded_at = Now();
  MS_ASSIGN_OR_RETURN(f.id, InputStore::InsertFile(tx, f));
  f.data.clear();
  MS_TRY(audit::Write(tx, caller, {"assess.file.add", "assess_file", std::to_string(f.id), object_id, std::nullopt,
                                   FileJson(f)}));
  return f;
}

}  // namespace minsheng::assessment
