// HTTP routes of the inputs from people, under
// /api/v1/assessments/{period}/{template}/ (docs/openapi.yaml,
// docs/assessment-inputs.md):
//
//   GET  inputs                  both roles' values per object × indicator, gap flag
//   PUT  inputs                  create or change one value (self | supervisor)
//   POST inputs/{id}/review      accept | reject (reason)
//   POST inputs/{id}/files       raw body evidence (Content-Type, X-Filename)
//   GET  inputs/{id}/files       the input's evidence
//   GET  files/{id}              download one evidence file
//   GET  submissions             self-check status per object
//   POST submissions             submit the month's self-check (the draft becomes it)
//   PUT  submissions/draft       save (replace) the self-check draft: remarks, manual values
//   GET  experts                 expert assignments; POST assigns
//   GET  expert/assignments      the calling expert's objects and scores
//   PUT  expert/scores           one expert score
//   GET  experts/progress        scored ÷ expected per expert and per object
//   GET  appeals                 appeals; POST files one
//   POST appeals/{id}/decide     accept (value) | reject (reason)
//   POST appeals/{id}/files      appeal evidence; GET lists it
#pragma once

#include <cstddef>

#include "assessment/input_service.h"
#include "auth/guard.h"
#include "http/router.h"

namespace minsheng::assessment {

void RegisterInputRoutes(http::Router& router, const auth::Guard& guard, InputService& inputs);

// The evidence upload format every owner kind shares (inputs, appeals,
// rectification tasks): the raw file as the body, its type in Content-Type,
// its name percent-encoded in X-Filename. Takes the body out of req.
Upload UploadOf(http::Request& req);
// 200 with the file's bytes as an attachment (its type, name and SHA-256).
http::Response EvidenceDownload(const EvidenceFile& f);

}  // namespace minsheng::assessment
