// Login, sessions, TOTP, tokens and user administration on the test engine.
#include "auth/totp.h"
#include "core/crypto.h"
#include "core/time.h"
#include "platform_fixture.h"

namespace minsheng::testing {
namespace {

using auth::Role;

class AuthTest : public PlatformTest {
 protected:
  Result<auth::LoginResult> Login(const std::string& user, const std::string& password,
                                  std::optional<std::string> totp = std::nullopt) {
    return auth_->Login({user, password, std::move(totp), "10.0.0.1", "gtest", "req-l"});
  }
};

TEST_F(AuthTest, LoginCreatesASessionThatAuthenticates) {
  MakeUser("clerk", Role::kUnitClerk, school_a_.id);
  auto r = Login("CLERK ", kPassword);  // usernames are case-insensitive and trimmed
  ASSERT_TRUE(r.ok()) << r.error().en;
  EXPECT_FALSE(r->session_token.empty());
  auto s = auth_->Authenticate(r->session_token);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->principal->username, "clerk");
  EXPECT_EQ(s->principal->org_id, school_a_.id);
  EXPECT_EQ(s->csrf_token, r->state.csrf_token);
  EXPECT_EQ(auth_->Authenticate("nonsense").error().code, "unauthenticated");
}

TEST_F(AuthTest, FiveFailuresLockTheAccountForFifteenMinutes) {
  MakeUser("clerk", Role::kUnitClerk, school_a_.id);
  SetClockForTesting(Now());
  for (int i = 0; i < 4; ++i) EXPECT_EQ(Login("clerk", "wrong").error().code, "auth.invalid_credentials");
  EXPECT_EQ(Login("clerk", "wrong").error().code, "auth.locked");
  EXPECT_EQ(Login("clerk", kPassword).error().code, "auth.locked");  // even the right password
  AdvanceClockForTesting(14 * 60);
  EXPECT_EQ(Login("clerk", kPassword).error().code, "auth.locked");
  AdvanceClockForTesting(2 * 60);
  EXPECT_TRUE(Login("clerk", kPassword).ok());
  // Success reset the count: four more failures do not lock.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(Login("clerk", "wrong").error().code, "auth.invalid_credentials");
  EXPECT_TRUE(Login("clerk", kPassword).ok());
}

TEST_F(AuthTest, FailuresAreAudited) {
  MakeUser("clerk", Role::kUnitClerk, school_a_.id);
  const int64_t before = AuditCount();
  (void)Login("clerk", "wrong");
  (void)Login("nobody", "wrong");
  EXPECT_EQ(AuditCount(), before + 2);
}

TEST_F(AuthTest, SecurityAdminUnlocks) {
  MakeUser("clerk", Role::kUnitClerk, school_a_.id);
  auto sec = MakeUser("sec", Role::kSecurityAdmin, county_.id);
  for (int i = 0; i < 5; ++i) (void)Login("clerk", "wrong");
  ASSERT_EQ(Login("clerk", kPassword).error().code, "auth.locked");
  auth::UserFilter f;
  f.q = "clerk";
  auto u = users_->List(*sec.principal, f);
  ASSERT_TRUE(u.ok());
  ASSERT_EQ(u->size(), 1u);
  ASSERT_TRUE(users_->Unlock(CallerOf(sec), (*u)[0].id).ok());
  EXPECT_TRUE(Login("clerk", kPassword).ok());
}

TEST_F(AuthTest, IdleAndAbsoluteTimeouts) {
  MakeUser("clerk", Role::kUnitClerk, school_a_.id);
  SetClockForTesting(Now());
  auto r = Login("clerk", kPassword);
  ASSERT_TRUE(r.ok());
  AdvanceClockForTesting(29 * 60);
  EXPECT_TRUE(auth_->Authenticate(r->session_token).ok());  // activity resets the idle clock
  AdvanceClockForTesting(29 * 60);
  EXPECT_TRUE(auth_->Authenticate(r->session_token).ok());
  AdvanceClockForTesting(31 * 60);
  EXPECT_EQ(auth_->Authenticate(r->session_token).error().code, "session_expired");

  auto r2 = Login("clerk", kPassword);
  ASSERT_TRUE(r2.ok());
  for (int i = 0; i < 12 * 3; ++i) {  // stay active for twelve hours
    AdvanceClockForTesting(20 * 60);
    if (i < 12 * 3 - 1) {
      ASSERT_TRUE(auth_->Authenticate(r2->session_token).ok()) << i;
    }
  }
  EXPECT_EQ(auth_->Authenticate(r2->session_token).error().code, "session_expired");
}

TEST_F(AuthTest, LogoutEndsTheSession) {
  MakeUser("clerk", Role::kUnitClerk, school_a_.id);
  auto r = Login("clerk", kPassword);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(auth_->Logout(CallerOf(r->state)).ok());
  EXPECT_FALSE(auth_->Authenticate(r->session_token).ok());
}

TEST_F(AuthTest, TotpEnrolmentLoginAndReplay) {
  auto s = MakeUser("clerk", Role::kUnitClerk, school_a_.id);
  SetClockForTesting(Now());
  auto setup = auth_->SetupTotp(CallerOf(s));
  ASSERT_TRUE(setup.ok());
  EXPECT_TRUE(setup->otpauth_uri.starts_with("otpauth://totp/minsheng:clerk?secret="));
  const std::string secret = Base32Decode(setup->secret).value();
  EXPECT_EQ(auth_->ConfirmTotp(CallerOf(s), "000000").error().fields.at(0).field, "code");
  const int64_t step = Now().Seconds() / auth::kTotpStepSeconds;
  ASSERT_TRUE(auth_->ConfirmTotp(CallerOf(s), auth::TotpCode(secret, step)).ok());

  EXPECT_EQ(Login("clerk", kPassword).error().code, "auth.totp_required");
  EXPECT_EQ(Login("clerk", kPassword, "123456").error().code, "auth.totp_invalid");
  // The code used to confirm cannot be used again; the next step's can.
  EXPECT_EQ(Login("clerk", kPassword, auth::TotpCode(secret, step)).error().code, "auth.totp_invalid");
  AdvanceClockForTesting(auth::kTotpStepSeconds);
  const std::string next = auth::TotpCode(secret, step + 1);
  EXPECT_TRUE(Login("clerk", kPassword, next).ok());
  EXPECT_EQ(Login("clerk", kPassword, next).error().code, "auth.totp_invalid");  // replay
}

TEST_F(AuthTest, TotpRequiredByPolicyGatesTheSession) {
  security_.totp_required_for_staff = true;
  auth_ = std::make_unique<auth::AuthService>(*db_, security_);
  users_ = std::make_unique<auth::UserService>(*db_, *auth_, *orgs_);
  auto s = MakeUser("clerk", Role::kUnitClerk, school_a_.id);
  EXPECT_TRUE(s.totp_enrolment_required);
}

TEST_F(AuthTest, PasswordChangeChecksCurrentAndPolicy) {
  auto s = MakeUser("clerk", Role::kUnitClerk, school_a_.id);
  auto wrong = auth_->ChangePassword(CallerOf(s), "nope", "Another-Pass-77");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().fields.at(0).field, "current_password");
  auto weak = auth_->ChangePassword(CallerOf(s), kPassword, "short");
  ASSERT_FALSE(weak.ok());
  EXPECT_EQ(weak.error().fields.at(0).field, "new_password");
  EXPECT_EQ(weak.error().fields.at(0).code, "policy");
  auto has_name = auth_->ChangePassword(CallerOf(s), kPassword, "Clerk-12345678");
  ASSERT_FALSE(has_name.ok());
  auto other = Login("clerk", kPassword);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(auth_->ChangePassword(CallerOf(s), kPassword, "Another-Pass-77").ok());
  EXPECT_FALSE(Login("clerk", kPassword).ok());
  EXPECT_TRUE(Login("clerk", "Another-Pass-77").ok());
  EXPECT_FALSE(auth_->Authenticate(other->session_token).ok());  // other sessions end
}

TEST_F(AuthTest, ApiTokensAuthenticateUntilRevoked) {
  auto s = MakeUser("clerk", Role::kUnitClerk, school_a_.id);
  auto t = auth_->CreateToken(CallerOf(s), "导入脚本", std::nullopt);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->token.starts_with("ms_"));
  auto p = auth_->AuthenticateToken(t->token);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->principal->via_token);
  EXPECT_EQ(p->principal->username, "clerk");
  auto listed = auth_->ListTokens(*s.principal);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].prefix, t->token.substr(0, 10));
  ASSERT_TRUE(auth_->RevokeToken(CallerOf(s), t->id).ok());
  EXPECT_FALSE(auth_->AuthenticateToken(t->token).ok());
  EXPECT_EQ(auth_->RevokeToken(CallerOf(s), t->id).error().kind, ErrorCode::kNotFound);
}

TEST_F(AuthTest, SeparationOfDuties) {
  auto sec = MakeUser("sec", Role::kSecurityAdmin, county_.id);
  auth::NewUser u{"mixed", "兼任", county_.id, kPassword, std::nullopt, std::nullopt, false,
                  {{"auditor", std::nullopt}, {"finance_officer", std::nullopt}}};
  auto r = users_->Create(CallerOf(sec), u);
  ASSERT_FALSE(r.ok());
  bool separation = false;
  for (const auto& f : r.error().fields) separation = separation || f.code == "separation";
  EXPECT_TRUE(separation);
}

TEST_F(AuthTest, UnitRolesCoverOnlyTheUsersOwnUnit) {
  auto sec = MakeUser("sec", Role::kSecurityAdmin, county_.id);
  auth::NewUser u{"clerk2", "职员", school_a_.id, kPassword, std::nullopt, std::nullopt, false,
                  {{"unit_clerk", school_b_.id}}};
  auto r = users_->Create(CallerOf(sec), u);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().fields.at(0).field, "roles[0].scope_org_id");
}

TEST_F(AuthTest, OnlySecurityAdminsManageUsersAndNotThemselves) {
  auto sec = MakeUser("sec", Role::kSecurityAdmin, county_.id);
  auto admin = MakeUser("admin", Role::kSystemAdmin, county_.id);
  auth::NewUser u{"newbie", "新人", school_a_.id, kPassword, std::nullopt, std::nullopt, false,
                  {{"custodian", std::nullopt}}};
  EXPECT_EQ(users_->Create(CallerOf(admin), u).error().kind, ErrorCode::kForbidden);
  auto created = users_->Create(CallerOf(sec), u);
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(users_->SetRoles(CallerOf(sec), sec.principal->user_id, {}).error().fields.at(0).code, "self");
  auth::UserPatch deactivate;
  deactivate.version = created->version;
  deactivate.active = false;
  auto login = Login("newbie", kPassword);
  ASSERT_TRUE(login.ok());
  ASSERT_TRUE(users_->Update(CallerOf(sec), created->id, deactivate).ok());
  EXPECT_FALSE(auth_->Authenticate(login->session_token).ok());
  EXPECT_EQ(Login("newbie", kPassword).error().code, "auth.invalid_credentials");
}

TEST_F(AuthTest, ClerksSeeOnlyTheirUnitsUsers) {
  auto clerk_a = MakeUser("clerka", Role::kUnitClerk, school_a_.id);
  MakeUser("clerkb", Role::kUnitClerk, school_b_.id);
  auto list = users_->List(*clerk_a.principal, {});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].username, "clerka");
  auto all = users_->List(CliPrincipal(), {});
  const auto b = std::find_if(all->begin(), all->end(), [](const auth::User& u) { return u.username == "clerkb"; });
  ASSERT_NE(b, all->end());
  EXPECT_EQ(users_->Get(*clerk_a.principal, b->id).error().kind, ErrorCode::kNotFound);
}

TEST_F(AuthTest, DuplicateUsernameIsAFieldError) {
  MakeUser("clerk", Role::kUnitClerk, school_a_.id);
  auth::NewUser u{"clerk", "重名", school_b_.id, kPassword, std::nullopt, std::nullopt, false, {}};
  auto r = users_->Create(cli_, u);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().fields.at(0).field, "username");
  EXPECT_EQ(r.error().fields.at(0).code, "duplicate");
}

}  // namespace
}  // namespace minsheng::testing
