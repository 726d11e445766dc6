// A small platform on the test engine: the org tree of a county with two
// departments and three units, and a user per role, built through the real
// services. Principals come from real logins.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "app/app.h"
#include "audit/audit.h"
#include "auth/service.h"
#include "engine_fixture.h"
#include "org/service.h"

namespace minsheng::testing {

inline constexpr const char* kPassword = "Test-Pass-2026";

class PlatformTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  org::Org MakeOrg(std::optional<int64_t> parent, const std::string& code, org::Level level,
                   std::optional<std::string> region_level = std::nullopt);
  // Creates a user with one role (scope defaults to the user's org) and logs in.
  auth::SessionState MakeUser(const std::string& username, auth::Role role, int64_t org_id,
                              std::optional<int64_t> scope = std::nullopt);
  auth::Caller CallerOf(const auth::SessionState& s) { return {s.principal.get(), "req-test", "127.0.0.1"}; }
  int64_t AuditCount();

  std::unique_ptr<db::Database> db_;
  SecurityConfig security_;
  std::unique_ptr<org::OrgService> orgs_;
  std::unique_ptr<auth::AuthService> auth_;
  std::unique_ptr<auth::UserService> users_;
  std::unique_ptr<audit::AuditService> audit_;
  auth::Caller cli_{&CliPrincipal(), "req-cli", "local"};

  // county ─┬─ edu ─┬─ school_a
  //         │       └─ school_b
  //         └─ health ── clinic
  org::Org county_, edu_, health_, school_a_, school_b_, clinic_;
};

}  // namespace minsheng::testing
