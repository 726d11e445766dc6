// The audit log: reads restricted to the auditor, filters, paging, immutability.
#include "platform_fixture.h"

namespace minsheng::testing {
namespace {

using auth::Role;

class AuditTest : public PlatformTest {};

TEST_F(AuditTest, OnlyTheAuditorReads) {
  auto auditor = MakeUser("aud", Role::kAuditor, county_.id);
  auto admin = MakeUser("adm", Role::kSystemAdmin, county_.id);
  auto sec = MakeUser("sec", Role::kSecurityAdmin, county_.id);
  auto fin = MakeUser("fin", Role::kFinanceOfficer, county_.id);
  EXPECT_TRUE(audit_->List(*auditor.principal, {}).ok());
  for (const auto* s : {&admin, &sec, &fin}) {
    EXPECT_EQ(audit_->List(*s->principal, {}).error().kind, ErrorCode::kForbidden);
  }
}

TEST_F(AuditTest, FiltersAndCursorPaging) {
  auto auditor = MakeUser("aud", Role::kAuditor, county_.id);
  for (int i = 0; i < 5; ++i) MakeOrg(clinic_.id, "T-P" + std::to_string(i), org::Level::kUnit);
  audit::Query q;
  q.action = "org.create";
  q.limit = 4;
  auto first = audit_->List(*auditor.principal, q);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->items.size(), 4u);
  ASSERT_TRUE(first->next_before_id.has_value());
  q.before_id = first->next_before_id;
  auto second = audit_->List(*auditor.principal, q);
  ASSERT_TRUE(second.ok());
  // 6 orgs in the fixture + 5 here = 11 creations.
  size_t total = first->items.size() + second->items.size();
  while (second->next_before_id) {
    q.before_id = second->next_before_id;
    second = audit_->List(*auditor.principal, q);
    total += second->items.size();
  }
  EXPECT_EQ(total, 11u);
  for (const auto& r : first->items) EXPECT_EQ(r.action, "org.create");
  EXPECT_GT(first->items[0].id, first->items[3].id);  // newest first
}

TEST_F(AuditTest, RowsCannotBeChangedOrDeleted) {
  {
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    EXPECT_FALSE((*tx)->Exec({"test.audit_update", "UPDATE audit_log SET actor_name = 'x'"}).ok());
  }
  {
    auto tx = db_->Write();
    ASSERT_TRUE(tx.ok());
    EXPECT_FALSE((*tx)->Exec({"test.audit_delete", "DELETE FROM audit_log"}).ok());
  }
  const int64_t rows = AuditCount();
  EXPECT_GT(rows, 0);
}

TEST_F(AuditTest, PurgeRefusesShortRetention) {
  EXPECT_FALSE(audit_->Purge(30).ok());
  auto purged = audit_->Purge(183);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 0);  // nothing is that old
}

}  // namespace
}  // namespace minsheng::testing
