#include "platform_fixture.h"

#include "core/crypto.h"
#include "core/time.h"

namespace minsheng::testing {

void PlatformTest::SetUp() {
  InitCrypto();
  db_ = OpenTestDatabase();
  ASSERT_TRUE(db_);
  security_.argon2_ops = 1;
  security_.argon2_mem_kib = 8;  // fast hashes in tests; production uses the defaults
  orgs_ = std::make_unique<org::OrgService>(*db_);
  auth_ = std::make_unique<auth::AuthService>(*db_, security_);
  users_ = std::make_unique<auth::UserService>(*db_, *auth_, *orgs_);
  audit_ = std::make_unique<audit::AuditService>(*db_);
  county_ = MakeOrg(std::nullopt, "T-COUNTY", org::Level::kRegion, "county");
  edu_ = MakeOrg(county_.id, "T-EDU", org::Level::kDepartment);
  health_ = MakeOrg(county_.id, "T-HEALTH", org::Level::kDepartment);
  school_a_ = MakeOrg(edu_.id, "T-SCHOOL-A", org::Level::kUnit);
  school_b_ = MakeOrg(edu_.id, "T-SCHOOL-B", org::Level::kUnit);
  clinic_ = MakeOrg(health_.id, "T-CLINIC", org::Level::kUnit);
}

void PlatformTest::TearDown() { SetClockForTesting(std::nullopt); }

org::Org PlatformTest::MakeOrg(std::optional<int64_t> parent, const std::string& code, org::Level level,
                               std::optional<std::string> region_level) {
  org::NewOrg o{parent, code, "机构" + code, level, std::move(region_level),
                level == org::Level::kUnit ? "institution" : "admin", std::nullopt};
  auto created = orgs_->Create(cli_, o);
  EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().en + " " + created.error().log_detail);
  return created.ok() ? created.value() : org::Org{};
}

auth::SessionState PlatformTest::MakeUser(const std::string& username, auth::Role role, int64_t org_id,
                                          std::optional<int64_t> scope) {
  auth::NewUser u;
  u.username = username;
  u.display_name = "用户 " + username;
  u.org_id = org_id;
  u.password = kPassword;
  u.must_change_password = false;
  u.roles = {{std::string(auth::RoleName(role)), scope}};
  auto created = users_->Create(cli_, u);
  EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().en);
  auth::LoginRequest login{username, kPassword, std::nullopt, "127.0.0.1", "gtest", "req-login"};
  auto session = auth_->Login(login);
  EXPECT_TRUE(session.ok()) << (session.ok() ? "" : session.error().en);
  return session.ok() ? session->state : auth::SessionState{};
}

int64_t PlatformTest::AuditCount() {
  auto conn = db_->Read();
  return (*conn)->QueryInt({"test.audit_count", "SELECT COUNT(*) FROM audit_log"}).value();
}

}  // namespace minsheng::testing
