// Evidence files (证明材料) attached to manual inputs, appeals and
// rectification tasks: which files are accepted, checked by their bytes, not
// by their name (pure), and storing an accepted one with its audit row — the
// one path every owner kind (input, appeal, task) uploads through.
// Thread-safe: stateless.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "assessment/input_model.h"
#include "auth/model.h"
#include "core/result.h"
#include "db/database.h"

namespace minsheng::assessment {

// The kinds of evidence accepted: PDF, PNG, JPEG, XLSX, DOCX and OFD (the
// national e-document format, a zip with OFD.xml).
enum class EvidenceKind { kPdf, kPng, kJpeg, kXlsx, kDocx, kOfd };
std::string_view EvidenceContentType(EvidenceKind k);  // the canonical MIME type

// Checks an upload: not empty (InvalidArgument "assess.file_empty"), at most
// max_bytes (TooLarge "assess.file_too_large"), a declared Content-Type of an
// accepted kind (InvalidArgument "assess.file_type") whose magic bytes match
// the content (InvalidArgument "assess.file_content_mismatch"). Returns the
// kind; parameters of the Content-Type (charset …) are ignored.
Result<EvidenceKind> CheckEvidence(std::string_view content_type, std::string_view data, int64_t max_bytes);

// Checks the upload (CheckEvidence against max_bytes; nothing is written when
// it fails) and stores it in tx as a file of (owner, owner_id) on object_id
// with its audit row "assess.file.add". The caller checks who may attach and
// commits. The returned file carries no data.
Result<EvidenceFile> StoreEvidence(db::Connection& tx, const auth::Caller& caller, FileOwner owner,
                                   int64_t owner_id, int64_t object_id, const Upload& upload, int64_t max_bytes);

}  // namespace minsheng::assessment
