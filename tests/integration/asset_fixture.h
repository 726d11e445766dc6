// The asset register on the test engine: the platform fixture's county plus
// a small category table of our own (so the rules under test do not depend
// on the shipped table), directories for two schools, and a user per role
// that matters for scoping. The clock is fixed at 2026-11-22 12:00 (Shanghai).
#pragma once

#include <memory>

#include "asset/category.h"
#include "asset/directory_service.h"
#include "asset/service.h"
#include "platform_fixture.h"

namespace minsheng::testing {

class AssetTest : public PlatformTest {
 protected:
  void SetUp() override;

  // A valid input for school A: a computer (6-year minimum life) at room 302.
  asset::CardInput ValidInput() const;
  // Registers through the service as school A's clerk; fails the test on error.
  asset::Card MustRegister(const asset::CardInput& in, int64_t org_id = 0);
  const auth::Caller& ClerkA() const { return clerk_a_caller_; }
  const auth::Principal& Who(const auth::SessionState& s) const { return *s.principal; }

  int64_t CountRows(const std::string& sql);
  // asset_rollups and a GROUP BY over assets, as sorted "org|category|state|count|value" lines.
  std::vector<std::string> Rollups();
  std::vector<std::string> GroupByAssets();

  std::unique_ptr<asset::CategoryService> categories_;
  std::unique_ptr<asset::DirectoryService> dirs_;
  std::unique_ptr<asset::AssetService> assets_;

  auth::SessionState clerk_a_, clerk_b_, supervisor_, health_sup_, custodian_a_;
  auth::Caller clerk_a_caller_;

  // School A's directories; school B has one of each.
  asset::Department dept_a_, dept_a2_;
  asset::Staff staff_a1_, staff_a2_;
  asset::Location room_a1_, room_a2_;
  asset::Staff staff_b_;
  asset::Location room_b_;
  asset::Department dept_b_;
};

// Test categories (A + 8 digits):
inline constexpr const char* kComputer = "A02010104";   // leaf, equipment, min 6 years
inline constexpr const char* kEquipment = "A02010000";  // not a leaf
inline constexpr const char* kVehicle = "A02030100";    // leaf, vehicle, min 8 years
inline constexpr const char* kMedical = "A02320100";    // leaf, equipment, 5–10 years
inline constexpr const char* kBuilding = "A01010100";   // leaf, building, min 50 years
inline constexpr const char* kLand = "A01030100";       // leaf, land, not depreciated
inline constexpr const char* kBooks = "A05010100";      // leaf, books, not depreciated

}  // namespace minsheng::testing
