// 演示资产 the demo county's asset register: for every unit and department
// of the demo county, its own directories (科室, staff with generated Chinese
// names, locations building / floor / room) and asset cards that fit what the
// unit is — schools get computers, projectors, whiteboards, desks, lab
// equipment, teaching buildings and a school bus; clinics ultrasound, X-ray,
// ECG, dental chairs, beds and ambulances; water works pumps, valves, flow
// meters, pipe networks and pump houses; and so on — followed by three years
// of history (custodian changes, relocations, idle / back in use, repairs,
// leases, loans, disposal requests).
//
// Deterministic: the same seed and total give the same cards, directories
// and history (std::mt19937_64 per unit, no std distributions, every date
// relative to kReferenceDate, never the wall clock). Asset numbers carry the
// year RegisterMany numbers in (today's), so they match within a year.
//
// Bulk path: cards go through AssetService::RegisterMany (full validation)
// in chunks, one transaction per chunk; the history of a chunk is written in
// the same transaction with multi-row INSERTs (demo/sql.h) that keep
// asset_rollups exact. Not thread-safe; blocks (run it from the CLI or a test).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "app/app.h"
#include "core/date.h"
#include "core/money.h"
#include "core/result.h"
#include "demo/demo.h"

namespace minsheng::demo {

// Every demo date is at or before this day (acquisitions spread over the ten
// years before it, history over the three years before it).
Date ReferenceDate();  // 2026-11-01

// Cards at each scale: small ≈ 5,000 (make run), medium 100,000, large 1,000,000.
int64_t AssetTarget(Scale scale);

// An org that owns assets. What it gets follows its code, as demo.cpp makes
// them: SF-* departments (县直部门), JY-ZX middle schools, JY-XX primary
// schools, JY-YEY kindergartens, WJ-YY hospitals, WJ-WSY township health
// centres, WJ-WSS village clinics, MZ-YLY elderly care, MZ-FLY the welfare
// home, SL-SC water works, SL-GQ irrigation, ZJ-ZF housing and municipal
// works, WT-WHZ culture stations, WT-TYZX sports centres and (by name, 图书馆)
// the library. Other codes get office assets only.
struct AssetOwner {
  int64_t org_id = 0;
  std::string code;
  std::string name;
};

struct AssetOptions {
  int64_t total = 5'000;  // cards in all (split over the owners by their size)
  uint64_t seed = 1;
  int chunk = 5'000;  // cards per RegisterMany call and transaction
  // Called after every chunk with cards written so far and the total.
  std::function<void(int64_t done, int64_t total)> progress;
};

struct AssetSummary {
  int64_t cards = 0;
  int64_t events = 0;  // history events besides the register events
  int64_t departments = 0;
  int64_t staff = 0;
  int64_t locations = 0;
  Fen value;  // original value of all cards
};

// Registers the owners' directories and cards and writes their history, as
// the CLI principal. Fails (with what was committed by earlier chunks kept)
// when a card does not validate — a bug in the generator, never user input.
Result<AssetSummary> LoadAssets(App& app, const std::vector<AssetOwner>& owners,
                                const AssetOptions& options);

}  // namespace minsheng::demo
