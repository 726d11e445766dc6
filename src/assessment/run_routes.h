// HTTP routes of assessments and runs (docs/openapi.yaml, tag assessments):
//   GET  /api/v1/assessments                       list (?period=&template=&status=)
//   POST /api/v1/assessments                       create
//   GET  /api/v1/assessments/{period}/{template}   one assessment
//   POST …/run | …/publish | …/finalize
//   GET  …/results (?group=&colour=&grade=)  …/results.xlsx  …/explain?object=&indicator=
//   GET  …/bulletin      POST …/whatif
// Handlers parse, call RunService and serialize; rules live in the service.
#pragma once

#include <string>

#include "assessment/run_service.h"
#include "auth/guard.h"
#include "http/router.h"

namespace minsheng::assessment {

void RegisterRunRoutes(http::Router& router, const auth::Guard& guard, RunService& runs);

// JSON forms shared with the console and the CLI.
std::string AssessmentJson(const Assessment& a);
std::string RankingJson(const Ranking& r);

}  // namespace minsheng::assessment
