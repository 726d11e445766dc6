// The demo county's assessment year (考核): the shipped unit asset-management
// template applied to every unit — the 2024 and 2025 annual evaluations
// (final, with consequences and rectification tasks), the 2026 quarterly
// bulletins (published; one appeal decided in 2026Q3), the October and
// November 2026 monthly self-checks, and the 2026 annual evaluation in
// progress with an expert panel. Everything goes through the services, so
// every score in the demo is earned from records and inputs.
#pragma once

#include <cstdint>

#include "app/app.h"
#include "core/result.h"

namespace minsheng::demo {

struct AssessOptions {
  uint64_t seed = 1;
  int64_t county_id = 0;          // the scope of every assessment
  int64_t expert_org_id = 0;      // where the panel experts sit (no units below it)
  int64_t first_school_id = 0;    // files the demo appeal
  int64_t reviewer_user_id = 0;   // the finance bureau's officer who accepts inputs
};

struct AssessSummary {
  int assessments = 0;
  int64_t inputs = 0;
  int64_t expert_scores = 0;
  int64_t tasks = 0;
};

Result<AssessSummary> LoadAssessments(App& app, const AssessOptions& options);

}  // namespace minsheng::demo
