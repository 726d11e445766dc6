// Evidence files (证明材料) attached to manual inputs, appeals and
// rectification tasks: which files are accepted, checked by their bytes, not
// by their name. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

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

}  // namespace minsheng::assessment
