// The asset routes through the real Router and Guard (pure request →
// response, no sockets), with API tokens: status codes, problem codes and
// the JSON shapes the console and the importer rely on.
#include <boost/json.hpp>

#include "asset/routes.h"
#include "asset_fixture.h"
#include "http/router.h"

namespace minsheng::testing {
namespace {

namespace json = boost::json;

class AssetRoutesTest : public AssetTest {
 protected:
  void SetUp() override {
    AssetTest::SetUp();
    if (HasFatalFailure()) return;
    guard_ = std::make_unique<auth::Guard>(*auth_, false);
    asset::RegisterAssetRoutes(router_, *guard_, *assets_);
    asset::RegisterDirectoryRoutes(router_, *guard_, *dirs_);
    token_a_ = Token(clerk_a_);
    token_b_ = Token(clerk_b_);
  }

  std::string Token(const auth::SessionState& s) {
    auto t = auth_->CreateToken(CallerOf(s), "routes-test", std::nullopt);
    EXPECT_TRUE(t.ok());
    return t.ok() ? t->token : "";
  }

  struct Reply {
    int status = 0;
    json::value body;
  };
  Reply Call(http::Method method, const std::string& target, const std::string& token, std::string body = "") {
    http::Request req;
    req.method = method;
    req.target = target;
    const auto q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) {
      std::string rest = target.substr(q + 1);
      size_t start = 0;
      while (start <= rest.size()) {
        const auto amp = rest.find('&', start);
        const std::string pair = rest.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
        const auto eq = pair.find('=');
        req.query.emplace_back(pair.substr(0, eq), eq == std::string::npos ? "" : pair.substr(eq + 1));
        if (amp == std::string::npos) break;
        start = amp + 1;
      }
    }
    req.headers.emplace_back("authorization", "Bearer " + token);
    req.headers.emplace_back("content-type", "application/json");
    req.body = std::move(body);
    req.remote_addr = "127.0.0.1";
    req.request_id = "req-routes";
    http::Response res = router_.Handle(req);
    Reply r;
    r.status = res.status;
    if (!res.body.empty()) {
      boost::system::error_code ec;
      r.body = json::parse(res.body, ec);
      EXPECT_FALSE(ec) << res.body;
    }
    return r;
  }

  std::string CardBody() const {
    json::object o{{"org_id", school_a_.id},
                   {"name", "投影仪"},
                   {"category_code", kComputer},
                   {"subject_code", "1601"},
                   {"acquisition_method", "购置"},
                   {"funding_source", "财政拨款"},
                   {"acquired_on", "2025-01-15"},
                   {"original_value", 720000},
                   {"unit_of_measure", "台"},
                   {"location_id", room_a1_.id},
                   {"custodian_id", staff_a1_.id},
                   {"model", "EB-X51"},
                   {"brand", "爱普生"}};
    return json::serialize(o);
  }

  http::Router router_;
  std::unique_ptr<auth::Guard> guard_;
  std::string token_a_, token_b_;
};

using http::Method;

TEST_F(AssetRoutesTest, RegisterGetQrHistoryAndValue) {
  auto created = Call(Method::kPost, "/api/v1/assets", token_a_, CardBody());
  ASSERT_EQ(created.status, 201) << json::serialize(created.body);
  const std::string number(created.body.at("number").as_string());
  EXPECT_EQ(number, "T-SCHOOL-A2026000001");
  EXPECT_EQ(created.body.at("qr_payload").as_string(), "https://zc.example.gov.cn/a/" + number);
  EXPECT_EQ(created.body.at("original_value_yuan").as_string(), "7200.00");
  EXPECT_EQ(created.body.at("custodian_name").as_string(), "张三");
  EXPECT_FALSE(created.body.as_object().contains("id"));  // the internal id is never shown

  auto got = Call(Method::kGet, "/api/v1/assets/" + number + "?at=2025-12-31", token_a_);
  ASSERT_EQ(got.status, 200);
  const auto& dep = got.body.at("depreciation");
  EXPECT_EQ(dep.at("months").as_int64(), 12);
  EXPECT_EQ(dep.at("accumulated").as_int64(), 120000);
  EXPECT_EQ(dep.at("net_yuan").as_string(), "6000.00");

  auto qr = Call(Method::kGet, "/api/v1/assets/by-qr?payload=https://zc.example.gov.cn/a/" + number, token_a_);
  ASSERT_EQ(qr.status, 200);
  EXPECT_EQ(qr.body.at("number").as_string(), number);

  auto history = Call(Method::kGet, "/api/v1/assets/" + number + "/history", token_a_);
  ASSERT_EQ(history.status, 200);
  ASSERT_EQ(history.body.at("items").as_array().size(), 1u);
  EXPECT_EQ(history.body.at("items").as_array()[0].at("event").as_string(), "register");

  // Another unit: 404 everywhere.
  EXPECT_EQ(Call(Method::kGet, "/api/v1/assets/" + number, token_b_).status, 404);
  EXPECT_EQ(Call(Method::kGet, "/api/v1/assets/" + number + "/history", token_b_).status, 404);
  EXPECT_EQ(Call(Method::kPost, "/api/v1/assets/" + number + "/idle", token_b_).status, 404);
  auto none = Call(Method::kGet, "/api/v1/assets", token_b_);
  ASSERT_EQ(none.status, 200);
  EXPECT_EQ(none.body.at("total").as_int64(), 0);
}

TEST_F(AssetRoutesTest, BadInputIsAFieldLevelProblem) {
  json::object o = json::parse(CardBody()).as_object();
  o["original_value"] = -1;
  o["colour"] = "red";
  o["ext"] = json::object{{"plate", 12}};
  o["acquired_on"] = "yesterday";
  auto r = Call(Method::kPost, "/api/v1/assets", token_a_, json::serialize(o));
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(r.body.at("code").as_string(), "validation_failed");
  std::set<std::string> fields;
  for (const auto& e : r.body.at("errors").as_array()) fields.insert(std::string(e.at("field").as_string()));
  EXPECT_EQ(fields, (std::set<std::string>{"colour", "ext.plate", "acquired_on"}));
  // Types pass, rules fail: the service's field errors.
  o = json::parse(CardBody()).as_object();
  o["original_value"] = -1;
  o["location_id"] = room_b_.id;
  r = Call(Method::kPost, "/api/v1/assets", token_a_, json::serialize(o));
  ASSERT_EQ(r.status, 400);
  fields.clear();
  for (const auto& e : r.body.at("errors").as_array()) fields.insert(std::string(e.at("field").as_string()));
  EXPECT_EQ(fields, (std::set<std::string>{"original_value", "location_id"}));
  EXPECT_EQ(Call(Method::kGet, "/api/v1/assets?sort=price", token_a_).status, 400);
  EXPECT_EQ(Call(Method::kGet, "/api/v1/assets?cursor=zzz", token_a_).status, 400);
  EXPECT_EQ(Call(Method::kGet, "/api/v1/stats/assets?group_by=category,category", token_a_).status, 400);
}

TEST_F(AssetRoutesTest, PatchTransitionsAndConflicts) {
  auto created = Call(Method::kPost, "/api/v1/assets", token_a_, CardBody());
  ASSERT_EQ(created.status, 201);
  const std::string number(created.body.at("number").as_string());
  const std::string base = "/api/v1/assets/" + number;

  auto patched = Call(Method::kPatch, base, token_a_, R"({"version":1,"name":"激光投影仪","model":null})");
  ASSERT_EQ(patched.status, 200) << json::serialize(patched.body);
  EXPECT_EQ(patched.body.at("name").as_string(), "激光投影仪");
  EXPECT_TRUE(patched.body.at("model").is_null());
  auto stale = Call(Method::kPatch, base, token_a_, R"({"version":1,"name":"x"})");
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.body.at("code").as_string(), "version_conflict");
  auto not_editable = Call(Method::kPatch, base, token_a_, R"({"version":2,"location_id":1})");
  EXPECT_EQ(not_editable.status, 400);

  auto assign = Call(Method::kPost, base + "/assign", token_a_,
                     json::serialize(json::object{{"custodian_id", staff_a2_.id}, {"note", "交接"}}));
  ASSERT_EQ(assign.status, 200) << json::serialize(assign.body);
  EXPECT_EQ(assign.body.at("custodian_name").as_string(), "李四");
  auto unassign = Call(Method::kPost, base + "/assign", token_a_, R"({"custodian_id":null})");
  ASSERT_EQ(unassign.status, 200);
  EXPECT_TRUE(unassign.body.at("custodian_id").is_null());

  auto moved = Call(Method::kPost, base + "/relocate", token_a_,
                    json::serialize(json::object{{"location_id", room_a2_.id}}));
  ASSERT_EQ(moved.status, 200);
  EXPECT_EQ(Call(Method::kPost, base + "/idle", token_a_, R"({"note":"寒假"})").status, 200);
  auto twice = Call(Method::kPost, base + "/idle", token_a_);
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(twice.body.at("code").as_string(), "invalid_transition");
  EXPECT_EQ(Call(Method::kPost, base + "/back-in-use", token_a_).status, 200);
  auto history = Call(Method::kGet, base + "/history", token_a_);
  EXPECT_EQ(history.body.at("items").as_array().size(), 7u);
}

TEST_F(AssetRoutesTest, ListPagesAndStats) {
  for (int i = 0; i < 5; ++i) ASSERT_EQ(Call(Method::kPost, "/api/v1/assets", token_a_, CardBody()).status, 201);
  // (Call splits the query as the server would after decoding it.)
  auto page = Call(Method::kGet, "/api/v1/assets?limit=2&sort=name&order=desc&q=投影仪", token_a_);
  ASSERT_EQ(page.status, 200) << json::serialize(page.body);
  EXPECT_EQ(page.body.at("items").as_array().size(), 2u);
  EXPECT_EQ(page.body.at("total").as_int64(), 5);
  EXPECT_FALSE(page.body.at("total_capped").as_bool());
  const std::string cursor(page.body.at("next_cursor").as_string());
  auto next = Call(Method::kGet, "/api/v1/assets?limit=2&sort=name&order=desc&q=投影仪&cursor=" + cursor, token_a_);
  ASSERT_EQ(next.status, 200);
  EXPECT_EQ(next.body.at("items").as_array().size(), 2u);

  auto stats = Call(Method::kGet, "/api/v1/stats/assets?group_by=category,state", token_a_);
  ASSERT_EQ(stats.status, 200) << json::serialize(stats.body);
  EXPECT_EQ(stats.body.at("total_count").as_int64(), 5);
  EXPECT_EQ(stats.body.at("total_value_wan_yuan").as_string(), "3.60");  // 36,000 yuan
  const auto& row = stats.body.at("rows").as_array().at(0);
  EXPECT_EQ(row.at("state").as_string(), "in_use");
  EXPECT_EQ(row.at("value").as_int64(), 3600000);
}

TEST_F(AssetRoutesTest, Directories) {
  const std::string base = "/api/v1/orgs/" + std::to_string(school_a_.id);
  auto created = Call(Method::kPost, base + "/locations", token_a_, R"({"name":"操场","latitude":23.1,"longitude":113.3})");
  ASSERT_EQ(created.status, 201) << json::serialize(created.body);
  const int64_t id = created.body.at("id").as_int64();
  auto dup = Call(Method::kPost, base + "/locations", token_a_, R"({"name":"操场"})");
  EXPECT_EQ(dup.status, 400);
  auto list = Call(Method::kGet, base + "/locations?q=操", token_a_);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.at("items").as_array().size(), 1u);
  auto off = Call(Method::kPatch, "/api/v1/locations/" + std::to_string(id), token_a_, R"({"active":false,"latitude":null})");
  ASSERT_EQ(off.status, 200);
  EXPECT_FALSE(off.body.at("active").as_bool());
  EXPECT_TRUE(off.body.at("longitude").is_null());
  auto staff = Call(Method::kPost, base + "/staff", token_a_,
                    json::serialize(json::object{{"name", "周九"}, {"department_id", dept_a_.id}, {"phone", "0755-1234"}}));
  ASSERT_EQ(staff.status, 201);
  EXPECT_EQ(staff.body.at("department_name").as_string(), "教务处");
  EXPECT_EQ(Call(Method::kGet, base + "/departments", token_b_).status, 404);
  EXPECT_EQ(Call(Method::kPatch, "/api/v1/departments/" + std::to_string(dept_a_.id), token_b_, R"({"name":"x"})").status,
            404);
}

}  // namespace
}  // namespace minsheng::testing
