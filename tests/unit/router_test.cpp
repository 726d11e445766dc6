// Router, Request accessors, problem+json and StaticFiles, without sockets.
#include "http/router.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <unistd.h>

namespace minsheng::http {
namespace {

Request Make(Method method, std::string path) {
  Request r;
  r.method = method;
  r.target = path;
  r.path = std::move(path);
  r.request_id = "rid-1";
  return r;
}

std::string_view HeaderOf(const Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return {};
}

Response Named(std::string name) { return Response::Json(200, "\"" + name + "\""); }

Router SampleRouter() {
  Router router;
  router.Add(Method::kGet, "/api/v1/orgs", [](Request&) { return Named("list"); });
  router.Add(Method::kPost, "/api/v1/orgs", [](Request&) { return Named("create"); });
  router.Add(Method::kGet, "/api/v1/orgs/{id}",
             [](Request& r) { return Named("org " + std::string(r.Param("id"))); });
  router.Add(Method::kGet, "/api/v1/orgs/tree", [](Request&) { return Named("tree"); });
  router.Add(Method::kGet, "/api/v1/orgs/{id}/users/{user}", [](Request& r) {
    return Named(std::string(r.Param("id")) + "/" + std::string(r.Param("user")));
  });
  router.Add(Method::kDelete, "/api/v1/orgs/{id}", [](Request&) { return Response::NoContent(); });
  router.Add(Method::kGet, "/api/v1/boom",
             [](Request&) -> Response { throw std::runtime_error("secret table t_users"); });
  router.Add(Method::kGet, "/api/v1/fast", [](Request&) { return Named("fast"); },
             {.non_blocking = true});
  return router;
}

TEST(RouterTest, MatchesExactAndParameterSegments) {
  Router router = SampleRouter();
  Request list = Make(Method::kGet, "/api/v1/orgs");
  EXPECT_EQ(router.Handle(list).body, "\"list\"");
  Request create = Make(Method::kPost, "/api/v1/orgs");
  EXPECT_EQ(router.Handle(create).body, "\"create\"");
  Request one = Make(Method::kGet, "/api/v1/orgs/42");
  EXPECT_EQ(router.Handle(one).body, "\"org 42\"");
  EXPECT_EQ(one.Param("id"), "42");
  Request nested = Make(Method::kGet, "/api/v1/orgs/7/users/9");
  EXPECT_EQ(router.Handle(nested).body, "\"7/9\"");
  Request removed = Make(Method::kDelete, "/api/v1/orgs/3");
  EXPECT_EQ(router.Handle(removed).status, 204);
}

TEST(RouterTest, ExactSegmentWinsOverParameter) {
  Router router = SampleRouter();
  Request tree = Make(Method::kGet, "/api/v1/orgs/tree");
  EXPECT_EQ(router.Handle(tree).body, "\"tree\"");
  // Registration order must not matter.
  Router reversed;
  reversed.Add(Method::kGet, "/a/b", [](Request&) { return Named("exact"); });
  reversed.Add(Method::kGet, "/a/{x}", [](Request&) { return Named("param"); });
  Request exact = Make(Method::kGet, "/a/b");
  EXPECT_EQ(reversed.Handle(exact).body, "\"exact\"");
  Request param = Make(Method::kGet, "/a/c");
  EXPECT_EQ(reversed.Handle(param).body, "\"param\"");
}

TEST(RouterTest, UnknownApiPathIsRouteNotFoundProblem) {
  Router router = SampleRouter();
  Request r = Make(Method::kGet, "/api/v1/nothing");
  Response response = router.Handle(r);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/problem+json");
  auto body = boost::json::parse(response.body).as_object();
  EXPECT_EQ(body.at("type"), "https://minsheng.dev/problems/route_not_found");
  EXPECT_EQ(body.at("code"), "route_not_found");
  EXPECT_EQ(body.at("status"), 404);
  EXPECT_EQ(body.at("request_id"), "rid-1");
  EXPECT_EQ(body.at("title"), body.at("detail"));
  EXPECT_FALSE(body.contains("errors"));
  // Default locale is zh-CN.
  EXPECT_EQ(body.at("title"), "请求的接口不存在");
  // An empty segment is not a parameter value.
  Request empty = Make(Method::kGet, "/api/v1/orgs//users/1");
  EXPECT_EQ(router.Handle(empty).status, 404);
}

TEST(RouterTest, ProblemFollowsAcceptLanguage) {
  Router router = SampleRouter();
  auto title = [&router](std::string accept_language) {
    Request r = Make(Method::kGet, "/api/v1/nothing");
    r.headers.emplace_back("accept-language", std::move(accept_language));
    return std::string(boost::json::parse(router.Handle(r).body).at("title").as_string());
  };
  EXPECT_EQ(title("en-US,en;q=0.9"), "No such API route");
  EXPECT_EQ(title("zh-CN,zh;q=0.9,en;q=0.8"), "请求的接口不存在");
  EXPECT_EQ(title("zh;q=0.5, en;q=0.8"), "No such API route");
  EXPECT_EQ(title("fr"), "请求的接口不存在");
}

TEST(RouterTest, WrongMethodIsMethodNotAllowedWithAllow) {
  Router router = SampleRouter();
  Request r = Make(Method::kPut, "/api/v1/orgs/5");
  Response response = router.Handle(r);
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(HeaderOf(response, "Allow"), "GET, HEAD, DELETE");
  auto body = boost::json::parse(response.body).as_object();
  EXPECT_EQ(body.at("code"), "method_not_allowed");
  EXPECT_EQ(body.at("status"), 405);
}

TEST(RouterTest, HeadRunsGetWithoutBody) {
  Router router = SampleRouter();
  Request r = Make(Method::kHead, "/api/v1/orgs/42");
  Response response = router.Handle(r);
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(response.body.empty());
  EXPECT_EQ(HeaderOf(response, "Content-Length"), "8");  // "org 42" quoted
}

TEST(RouterTest, ExceptionBecomesInternalProblemWithoutItsText) {
  Router router = SampleRouter();
  Request r = Make(Method::kGet, "/api/v1/boom");
  Response response = router.Handle(r);
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body.find("secret"), std::string::npos);
  auto body = boost::json::parse(response.body).as_object();
  EXPECT_EQ(body.at("code"), "internal");
  EXPECT_EQ(body.at("request_id"), "rid-1");
}

TEST(RouterTest, NonBlockingAndRoutes) {
  Router router = SampleRouter();
  EXPECT_TRUE(router.IsNonBlocking(Make(Method::kGet, "/api/v1/fast")));
  EXPECT_TRUE(router.IsNonBlocking(Make(Method::kHead, "/api/v1/fast")));
  EXPECT_FALSE(router.IsNonBlocking(Make(Method::kGet, "/api/v1/orgs")));
  EXPECT_FALSE(router.IsNonBlocking(Make(Method::kGet, "/api/v1/none")));
  auto routes = router.Routes();
  ASSERT_EQ(routes.size(), 8U);
  EXPECT_EQ(routes[2].method, Method::kGet);
  EXPECT_EQ(routes[2].pattern, "/api/v1/orgs/{id}");
}

TEST(RouterTest, FallbackOnlyOutsideApi) {
  Router router = SampleRouter();
  router.SetFallback([](Request&) { return Response::Text(200, "page", "text/html"); });
  Request page = Make(Method::kGet, "/orgs/3");
  EXPECT_EQ(router.Handle(page).body, "page");
  Request api = Make(Method::kGet, "/api/v2/x");
  EXPECT_EQ(router.Handle(api).status, 404);
}

TEST(RouterTest, MethodNames) {
  EXPECT_EQ(ParseMethod("PATCH"), Method::kPatch);
  EXPECT_EQ(ParseMethod("get"), Method::kOther);
  EXPECT_EQ(MethodName(Method::kOptions), "OPTIONS");
}

TEST(RouterTest, CookiesQueryAndHeaders) {
  Request r = Make(Method::kGet, "/");
  r.headers = {{"cookie", "theme=dark; ms_session=abc.def ;quoted=\"x y\""}, {"x-custom", "v"}};
  r.query = {{"q", "水厂"}, {"page", ""}, {"q", "second"}};
  EXPECT_EQ(r.Cookie("ms_session"), "abc.def");
  EXPECT_EQ(r.Cookie("theme"), "dark");
  EXPECT_EQ(r.Cookie("quoted"), "x y");
  EXPECT_EQ(r.Cookie("missing"), "");
  EXPECT_EQ(r.Header("X-Custom"), "v");
  EXPECT_EQ(r.Header("absent"), "");
  EXPECT_EQ(r.Query("q"), "水厂");
  EXPECT_EQ(r.Query("page"), "");
  EXPECT_EQ(r.Query("none"), std::nullopt);
}

TEST(RouterTest, ProblemCarriesFieldErrorsInLocale) {
  Request r = Make(Method::kPost, "/api/v1/orgs");
  r.headers.emplace_back("accept-language", "en");
  Response response = Problem(ValidationError({{"name", "required", "必填", "is required"}}), r);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(
      response.body,
      R"({"type":"https://minsheng.dev/problems/validation_failed",)"
      R"("title":"Some fields are invalid; see the marked fields","status":400,)"
      R"("code":"validation_failed","detail":"Some fields are invalid; see the marked fields",)"
      R"("request_id":"rid-1","errors":[{"field":"name","code":"required","message":"is required"}]})");
  EXPECT_EQ(StatusFor(ErrorCode::kTooLarge), 413);
  EXPECT_EQ(StatusFor(ErrorCode::kRateLimited), 429);
  Error internal = InternalError("SELECT * FROM secrets");
  EXPECT_EQ(Problem(internal, r).body.find("secrets"), std::string::npos);
}

class RouterStaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ =
        std::filesystem::temp_directory_path() /
        ("minsheng-static-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(root_ / "assets");
    Write("index.html", "<!doctype html>app");
    Write("assets/app.1234.js", "console.log(1)");
    Write("favicon.ico", "ico");
    std::ofstream(root_.parent_path() / "minsheng-secret.txt") << "secret";
  }
  void TearDown() override {
    std::filesystem::remove_all(root_);
    std::filesystem::remove(root_.parent_path() / "minsheng-secret.txt");
  }
  void Write(const std::string& name, const std::string& content) {
    std::ofstream(root_ / name, std::ios::binary) << content;
  }
  Response Get(const Handler& handler, std::string path, Method method = Method::kGet) {
    Request r = Make(method, std::move(path));
    return handler(r);
  }

  std::filesystem::path root_;
};

TEST_F(RouterStaticFilesTest, ServesFilesWithCacheHeaders) {
  Handler files = StaticFiles(root_.string());
  Response js = Get(files, "/assets/app.1234.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(HeaderOf(js, "Cache-Control"), "public, max-age=31536000, immutable");
  Response index = Get(files, "/");
  EXPECT_EQ(index.body, "<!doctype html>app");
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(HeaderOf(index, "Cache-Control"), "no-cache");
  EXPECT_EQ(Get(files, "/favicon.ico").content_type, "image/x-icon");
}

TEST_F(RouterStaticFilesTest, HistoryFallbackServesIndex) {
  Handler files = StaticFiles(root_.string());
  Response page = Get(files, "/orgs/12/edit");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<!doctype html>app");
  EXPECT_EQ(HeaderOf(page, "Cache-Control"), "no-cache");
  EXPECT_EQ(Get(files, "/orgs", Method::kPost).status, 405);
}

TEST_F(RouterStaticFilesTest, RefusesTraversal) {
  Handler files = StaticFiles(root_.string());
  Response response = Get(files, "/../minsheng-secret.txt");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body.find("secret\""), std::string::npos);
  EXPECT_EQ(Get(files, "/assets/../../minsheng-secret.txt").status, 400);
  EXPECT_EQ(Get(files, "/assets/../index.html").status, 400);  // even when it stays inside
}

TEST_F(RouterStaticFilesTest, ApiPathsAreNotFoundProblems) {
  Handler files = StaticFiles(root_.string());
  Response response = Get(files, "/api/v1/missing");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(boost::json::parse(response.body).at("code"), "route_not_found");
}

TEST_F(RouterStaticFilesTest, EtagAnswers304) {
  Handler files = StaticFiles(root_.string());
  Response first = Get(files, "/assets/app.1234.js");
  std::string etag(HeaderOf(first, "ETag"));
  ASSERT_FALSE(etag.empty());
  Request again = Make(Method::kGet, "/assets/app.1234.js");
  again.headers.emplace_back("if-none-match", "\"other\", " + etag);
  Response cached = files(again);
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());
  EXPECT_EQ(HeaderOf(cached, "ETag"), etag);
}

TEST_F(RouterStaticFilesTest, HeadThroughRouterHasNoBody) {
  Router router;
  router.SetFallback(StaticFiles(root_.string()));
  Request r = Make(Method::kHead, "/assets/app.1234.js");
  Response response = router.Handle(r);
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(response.body.empty());
  EXPECT_EQ(HeaderOf(response, "Content-Length"), "14");
}

TEST_F(RouterStaticFilesTest, MissingIndexIsUnavailable) {
  std::filesystem::remove(root_ / "index.html");
  Handler files = StaticFiles(root_.string());
  Response response = Get(files, "/");
  EXPECT_EQ(response.status, 503);
  EXPECT_NE(response.body.find("make web"), std::string::npos);
}

// A body of known pieces: "ab", "" (nothing this time), "cd", then the end.
class PiecesBody final : public BodyStream {
 public:
  explicit PiecesBody(std::optional<uint64_t> size) : size_(size) {}
  std::optional<uint64_t> size() const override { return size_; }
  Result<bool> Next(std::string& out) override {
    static const char* const kPieces[] = {"ab", "", "cd"};
    if (next_ == 3) {
      out.clear();
      return false;
    }
    out = kPieces[next_++];
    return true;
  }

 private:
  std::optional<uint64_t> size_;
  int next_ = 0;
};

Router StreamRouter() {
  Router router;
  router.Add(Method::kGet, "/api/v1/sized", [](Request&) {
    return Response::Stream(200, std::make_shared<PiecesBody>(4), "text/plain");
  });
  router.Add(Method::kGet, "/api/v1/unsized", [](Request&) {
    return Response::Stream(200, std::make_shared<PiecesBody>(std::nullopt), "text/csv");
  });
  return router;
}

TEST(RouterTest, StreamedBodyIsLeftToTheServerAndDrains) {
  Router router = StreamRouter();
  Request r = Make(Method::kGet, "/api/v1/unsized");
  Response response = router.Handle(r);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/csv");
  EXPECT_TRUE(response.body.empty());
  ASSERT_TRUE(response.stream);
  EXPECT_FALSE(response.stream->size().has_value());
  auto all = DrainBody(*response.stream);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, "abcd");
}

TEST(RouterTest, HeadOfAStreamGivesItsFramingWithoutTheStream) {
  Router router = StreamRouter();
  Request sized = Make(Method::kHead, "/api/v1/sized");
  Response a = router.Handle(sized);
  EXPECT_FALSE(a.stream);
  EXPECT_EQ(HeaderOf(a, "Content-Length"), "4");
  EXPECT_EQ(HeaderOf(a, "Transfer-Encoding"), "");
  Request unsized = Make(Method::kHead, "/api/v1/unsized");
  Response b = router.Handle(unsized);
  EXPECT_FALSE(b.stream);
  EXPECT_EQ(HeaderOf(b, "Transfer-Encoding"), "chunked");
  EXPECT_EQ(HeaderOf(b, "Content-Length"), "");
}

TEST(FileBodyTest, ReadsTheFileInPiecesAndRemovesItWhenAsked) {
  const auto dir = std::filesystem::temp_directory_path() / ("ms-filebody-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "export.bin").string();
  std::string content(600 * 1024 + 7, '\0');  // more than two 256 KiB pieces
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>('a' + i % 26);
  std::ofstream(path, std::ios::binary) << content;

  auto kept = FileBody(path, false);
  ASSERT_TRUE(kept.ok());
  EXPECT_TRUE(std::filesystem::exists(path));
  ASSERT_EQ((*kept)->size(), content.size());
  std::string piece;
  size_t pieces = 0;
  std::string all;
  for (;;) {
    auto more = (*kept)->Next(piece);
    ASSERT_TRUE(more.ok());
    if (!*more) break;
    EXPECT_LE(piece.size(), 256u * 1024);
    all += piece;
    ++pieces;
  }
  EXPECT_EQ(pieces, 3u);
  EXPECT_EQ(all, content);
  EXPECT_TRUE(piece.empty());

  auto removed = FileBody(path, true);
  ASSERT_TRUE(removed.ok());
  EXPECT_FALSE(std::filesystem::exists(path));  // gone, yet still readable
  auto drained = DrainBody(**removed);
  ASSERT_TRUE(drained.ok());
  EXPECT_EQ(*drained, content);

  auto missing = FileBody(path, false);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorCode::kInternal);
  auto directory = FileBody(dir.string(), false);
  EXPECT_FALSE(directory.ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace minsheng::http
