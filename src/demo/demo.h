// The demo county (示范县): a fictional county with its departments, about
// 150 units and a user for every role, generated deterministically from a
// seed. Later modules add their records (assets, assessments) here.
#pragma once

#include <cstdint>
#include <string>

#include "app/app.h"
#include "core/result.h"

namespace minsheng::demo {

enum class Scale { kSmall, kMedium, kLarge };

struct Options {
  Scale scale = Scale::kSmall;
  uint64_t seed = 1;
  // Also run the assessment year (demo_assess.h): annual 2024/2025 final,
  // 2026 bulletins, monthly self-checks, the 2026 evaluation in progress.
  bool assessments = false;
};

inline constexpr const char* kDemoPassword = "Minsheng@2026";

struct Summary {
  bool loaded = false;  // false: the database already had data; nothing done
  int orgs = 0;
  int users = 0;
  int assessments = 0;
};

// Loads the demo into an empty database; does nothing when orgs exist.
Result<Summary> Load(App& app, const Options& options);

}  // namespace minsheng::demo
