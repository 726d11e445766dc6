// docs/openapi.yaml lists exactly the routes the server registers: the test
// builds the real router the way `minsheng serve` does (App::Open +
// RegisterRoutes on a temporary SQLite file) and compares Router::Routes()
// with the path and method keys of the embedded document (HEAD ignored: the
// router answers it for every GET).
//
// The document is read line by line under its format rule: path keys at
// exactly two spaces under `paths:`, written like the router's patterns
// ("  /api/v1/orgs/{id}:"), method keys at exactly four spaces ("    get:").
#include <gtest/gtest.h>

#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/app.h"
#include "http/router.h"

namespace minsheng {
namespace {

using RouteKey = std::pair<std::string, std::string>;  // method (lower-case), pattern

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "  /api/v1/x:" → "/api/v1/x" and "    get:" → "get" (only exact indents).
bool KeyAt(const std::string& line, size_t indent, std::string* key) {
  if (line.size() <= indent + 1 || line.back() != ':') return false;
  if (line.find_first_not_of(' ') != indent) return false;
  *key = line.substr(indent, line.size() - indent - 1);
  return key->find(' ') == std::string::npos;
}

// Parses the paths section. Non-method keys under a path (parameters,
// summary, …) are ignored; an unknown path indent or a duplicate is an error.
std::set<RouteKey> DocumentRoutes(std::string_view doc, std::vector<std::string>* problems) {
  static const std::set<std::string> kMethods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};
  std::set<RouteKey> out;
  std::istringstream in{std::string(doc)};
  std::string line;
  bool in_paths = false;
  std::string path;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.find_first_not_of(' ') == std::string::npos) continue;
    if (line[0] != ' ') {  // a top-level key
      in_paths = line.rfind("paths:", 0) == 0;
      path.clear();
      continue;
    }
    if (!in_paths) continue;
    std::string key;
    if (KeyAt(line, 2, &key)) {
      if (!key.starts_with("/api/v1/")) {
        problems->push_back("line " + std::to_string(line_no) + ": path key not under /api/v1/: " + key);
      }
      path = key;
      continue;
    }
    if (KeyAt(line, 4, &key) && kMethods.contains(key)) {
      if (path.empty()) {
        problems->push_back("line " + std::to_string(line_no) + ": method outside a path");
        continue;
      }
      if (!out.emplace(key, path).second) {
        problems->push_back("line " + std::to_string(line_no) + ": duplicate " + key + " " + path);
      }
    }
  }
  return out;
}

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("minsheng-openapi-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    Config config;
    config.db = "sqlite:" + (dir_ / "openapi.db").string();
    config.web_root.clear();
    config.db_pool = 1;
    config.security.argon2_mem_kib = 8;
    config.security.argon2_ops = 1;
    auto app = App::Open(config);
    ASSERT_TRUE(app.ok()) << app.error().en << " " << app.error().log_detail;
    app_ = std::move(app).value();
    app_->RegisterRoutes(router_);
  }

  void TearDown() override {
    app_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::set<RouteKey> ServerRoutes() const {
    std::set<RouteKey> out;
    for (const auto& r : router_.Routes()) {
      if (r.method == http::Method::kHead) continue;
      out.emplace(Lower(http::MethodName(r.method)), r.pattern);
    }
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<App> app_;
  http::Router router_;
};

TEST_F(OpenApiTest, DocumentListsExactlyTheRegisteredRoutes) {
  const auto server = ServerRoutes();
  ASSERT_GE(server.size(), 20u) << "the router has suspiciously few routes";
  std::vector<std::string> problems;
  const auto documented = DocumentRoutes(OpenApiDocument(), &problems);
  for (const auto& p : problems) ADD_FAILURE() << "docs/openapi.yaml: " << p;
  for (const auto& [method, pattern] : server) {
    EXPECT_TRUE(documented.contains({method, pattern}))
        << "docs/openapi.yaml is missing the route " << method << " " << pattern;
  }
  for (const auto& [method, pattern] : documented) {
    EXPECT_TRUE(server.contains({method, pattern}))
        << "docs/openapi.yaml lists " << method << " " << pattern << ", which the server does not register";
  }
}

TEST_F(OpenApiTest, DocumentIsOpenApi303) {
  const std::string_view doc = OpenApiDocument();
  EXPECT_TRUE(doc.starts_with("openapi: 3.0.3\n")) << doc.substr(0, 40);
  for (const char* part : {"\ninfo:\n", "\npaths:\n", "\ncomponents:\n", "  securitySchemes:\n", "    cookieAuth:\n",
                           "    bearerAuth:\n", "    csrfToken:\n", "name: X-CSRF-Token", "    Problem:\n"}) {
    EXPECT_NE(doc.find(part), std::string_view::npos) << "missing " << part;
  }
}

// The parser itself: it must notice a missing or an extra route.
TEST(OpenApiParserTest, FindsPathsAndMethodsByIndent) {
  const char* doc =
      "openapi: 3.0.3\n"
      "paths:\n"
      "  /api/v1/a/{id}:\n"
      "    parameters:\n"
      "      - name: id\n"
      "    get:\n"
      "      responses:\n"
      "        '200':\n"
      "          description: get: not a key\n"
      "    delete:\n"
      "  /api/v1/b:\n"
      "    post:\n"
      "components:\n"
      "  /api/v1/not-a-path:\n"
      "    get:\n";
  std::vector<std::string> problems;
  const auto routes = DocumentRoutes(doc, &problems);
  EXPECT_TRUE(problems.empty());
  const std::set<RouteKey> want = {{"get", "/api/v1/a/{id}"}, {"delete", "/api/v1/a/{id}"}, {"post", "/api/v1/b"}};
  EXPECT_EQ(routes, want);
}

}  // namespace
}  // namespace minsheng
