// The Beast server on loopback: keep-alive, pipelining, limits, timeouts,
// request ids, where handlers run, and stopping. A plain POSIX socket client
// writes exact bytes; Beast's parser reads the answers.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/parse.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "http/server.h"

namespace minsheng::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;
using HttpResponse = bhttp::response<bhttp::string_body>;

// A blocking client on one connection; every receive gives up after 10 s.
class Client {
 public:
  explicit Client(uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    EXPECT_EQ(connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
    timeval limit{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  }
  ~Client() { close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void Write(std::string_view raw) {
    while (!raw.empty()) {
      ssize_t sent = send(fd_, raw.data(), raw.size(), MSG_NOSIGNAL);
      ASSERT_GT(sent, 0);
      raw.remove_prefix(static_cast<size_t>(sent));
    }
  }
  // The next response; head: it answers a HEAD request (no body follows).
  HttpResponse Read(bool head = false) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.skip(head);
    parser.eager(true);
    for (;;) {
      beast::error_code ec;
      size_t used = parser.put(boost::asio::buffer(pending_), ec);
      pending_.erase(0, used);
      if (parser.is_done()) return parser.release();
      if (ec && ec != bhttp::error::need_more) {
        ADD_FAILURE() << "bad response: " << ec.message();
        return {};
      }
      if ((used == 0 || pending_.empty()) && !Receive()) {
        ADD_FAILURE() << "connection closed before a full response";
        return {};
      }
    }
  }
  HttpResponse Get(std::string_view target, std::string_view extra = "") {
    Write("GET " + std::string(target) + " HTTP/1.1\r\nHost: t\r\n" + std::string(extra) + "\r\n");
    return Read();
  }
  // True when the server closed the connection (EOF or reset) within 10 s.
  bool Closed() {
    while (Receive()) pending_.clear();
    return errno_ == 0 || errno_ == ECONNRESET;
  }

 private:
  // Appends what arrives to pending_; false on EOF (errno_ 0) or error.
  bool Receive() {
    std::array<char, 4096> chunk;
    ssize_t n = recv(fd_, chunk.data(), chunk.size(), 0);
    if (n > 0) {
      pending_.append(chunk.data(), static_cast<size_t>(n));
      return true;
    }
    errno_ = n == 0 ? 0 : errno;
    return false;
  }

  int fd_;
  int errno_ = 0;
  std::string pending_;
};

// Where handlers ran.
struct Seen {
  std::mutex mutex;
  std::thread::id pool;
  std::thread::id fast;
  bool fast_blocking_allowed = true;
  std::vector<std::thread::id> deferred;
};

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest() {
    router_.Add(Method::kGet, "/api/v1/hello",
                [](Request&) { return Response::Json(200, R"({"hello":"民生"})"); });
    router_.Add(Method::kGet, "/api/v1/echo/{n}", [](Request& r) {
      return Response::Text(200, std::string(r.Param("n")), "text/plain");
    });
    router_.Add(Method::kPost, "/api/v1/body", [](Request& r) {
      return Response::Text(200, std::to_string(r.body.size()), "text/plain");
    });
    router_.Add(Method::kPost, "/api/v1/upload", [](Request& r) {
      return Response::Text(200, std::to_string(r.body.size()), "text/plain");
    }, {.body_limit = 8192});
    router_.Add(Method::kGet, "/api/v1/pool", [this](Request&) {
      std::lock_guard lock(seen_.mutex);
      seen_.pool = std::this_thread::get_id();
      return Response::NoContent();
    });
    router_.Add(Method::kGet, "/api/v1/fast",
                [this](Request& r) {
                  std::lock_guard lock(seen_.mutex);
                  seen_.fast = std::this_thread::get_id();
                  seen_.fast_blocking_allowed = r.blocking_allowed;
                  return Response::NoContent();
                },
                {.non_blocking = true});
    router_.Add(Method::kGet, "/api/v1/defer",
                [this](Request& r) {
                  std::lock_guard lock(seen_.mutex);
                  seen_.deferred.push_back(std::this_thread::get_id());
                  return r.blocking_allowed ? Response::Json(200, "{}") : Response::Defer();
                },
                {.non_blocking = true});
    router_.Add(Method::kGet, "/api/v1/inject", [](Request&) {
      return Response::NoContent()
          .WithHeader("X-Evil", "a\r\nSet-Cookie: x=1")
          .WithHeader("X-Ok", "1");
    });
    router_.Add(Method::kGet, "/api/v1/slow", [](Request&) {
      std::this_thread::sleep_for(300ms);
      return Response::Json(200, R"({"slow":true})");
    });
  }

  ~HttpServerTest() override {
    if (server_) {
      server_->Stop();
      thread_.join();
    }
  }

  void StartServer(ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    options.io_threads = 1;
    options.blocking_threads = 1;
    server_ = std::make_unique<Server>(router_, options);
    Result<void> started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.error().en;
    ASSERT_NE(server_->port(), 0);
    thread_ = std::thread([this] { server_->Run(); });
  }

  static ServerOptions Quiet() {
    ServerOptions options;
    options.access_log = "";
    return options;
  }

  Router router_;
  Seen seen_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST_F(HttpServerTest, AnswersGetWithStandardHeaders) {
  StartServer(Quiet());
  Client client(server_->port());
  auto response = client.Get("/api/v1/hello");
  EXPECT_EQ(response.result_int(), 200U);
  EXPECT_EQ(response.body(), R"({"hello":"民生"})");
  EXPECT_EQ(response[bhttp::field::content_type], "application/json");
  EXPECT_EQ(response[bhttp::field::server], "minsheng");
  EXPECT_EQ(response["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(response["X-Frame-Options"], "DENY");
  EXPECT_EQ(response["Referrer-Policy"], "same-origin");
  EXPECT_EQ(response["X-Request-Id"].size(), 16U);
  EXPECT_TRUE(response.keep_alive());
}

TEST_F(HttpServerTest, KeepsConnectionAliveAcrossRequests) {
  StartServer(Quiet());
  Client client(server_->port());
  for (int i = 0; i < 3; ++i) {
    auto response = client.Get("/api/v1/echo/" + std::to_string(i));
    EXPECT_EQ(response.body(), std::to_string(i));
  }
  auto last = client.Get("/api/v1/echo/x", "Connection: close\r\n");
  EXPECT_FALSE(last.keep_alive());
  EXPECT_TRUE(client.Closed());
}

TEST_F(HttpServerTest, AnswersPipelinedRequestsInOrder) {
  StartServer(Quiet());
  Client client(server_->port());
  std::string burst;
  for (int i = 1; i <= 3; ++i) {
    burst += "GET /api/v1/echo/" + std::to_string(i) + " HTTP/1.1\r\nHost: t\r\n\r\n";
  }
  client.Write(burst);
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(client.Read().body(), std::to_string(i));
}

TEST_F(HttpServerTest, DecodesPathAndQueryAndHead) {
  StartServer(Quiet());
  Client client(server_->port());
  EXPECT_EQ(client.Get("/api/v1/echo/%E6%B0%91?x=1").body(), "民");
  client.Write("HEAD /api/v1/hello HTTP/1.1\r\nHost: t\r\n\r\n");
  auto head = client.Read(/*head=*/true);
  EXPECT_EQ(head.result_int(), 200U);
  EXPECT_EQ(head[bhttp::field::content_length], "18");
  EXPECT_EQ(client.Get("/api/v1/echo/after-head").body(), "after-head");
  auto bad = client.Get("/api/v1/echo/%zz");
  EXPECT_EQ(bad.result_int(), 400U);
  EXPECT_EQ(boost::json::parse(bad.body()).at("code"), "bad_request");
}

TEST_F(HttpServerTest, BodyOverLimitIs413) {
  ServerOptions options = Quiet();
  options.body_limit = 1024;
  StartServer(options);
  Client small(server_->port());
  small.Write("POST /api/v1/body HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_EQ(small.Read().body(), "5");

  Client client(server_->port());
  client.Write(
      "POST /api/v1/body HTTP/1.1\r\nHost: t\r\nContent-Length: 4096\r\n"
      "Accept-Language: en\r\nX-Request-Id: big-1\r\n\r\n" +
      std::string(4096, 'x'));
  auto response = client.Read();
  EXPECT_EQ(response.result_int(), 413U);
  EXPECT_EQ(response[bhttp::field::content_type], "application/problem+json");
  EXPECT_EQ(response["X-Request-Id"], "big-1");
  auto body = boost::json::parse(response.body());
  EXPECT_EQ(body.at("code"), "body_too_large");
  EXPECT_EQ(body.at("title"), "The request body is too large");
  EXPECT_TRUE(client.Closed());

  Client chunked(server_->port());
  chunked.Write(
      "POST /api/v1/body HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "800\r\n" +
      std::string(2048, 'y') + "\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.Read().result_int(), 413U);
}

TEST_F(HttpServerTest, UploadRouteHasItsOwnBodyLimit) {
  ServerOptions options = Quiet();
  options.body_limit = 1024;
  StartServer(options);
  Client client(server_->port());
  client.Write("POST /api/v1/upload HTTP/1.1\r\nHost: t\r\nContent-Length: 4096\r\n\r\n" +
               std::string(4096, 'x'));
  EXPECT_EQ(client.Read().body(), "4096");  // over the default, under the route's limit
  Client over(server_->port());
  over.Write("POST /api/v1/upload HTTP/1.1\r\nHost: t\r\nContent-Length: 9000\r\n\r\n" +
             std::string(9000, 'x'));
  EXPECT_EQ(over.Read().result_int(), 413U);
}

TEST_F(HttpServerTest, NonBlockingRouteRunsOnNetworkThread) {
  StartServer(Quiet());
  Client client(server_->port());
  EXPECT_EQ(client.Get("/api/v1/pool").result_int(), 204U);
  EXPECT_EQ(client.Get("/api/v1/fast").result_int(), 204U);
  std::lock_guard lock(seen_.mutex);
  EXPECT_NE(seen_.fast, seen_.pool);
  EXPECT_NE(seen_.fast, std::this_thread::get_id());
  EXPECT_FALSE(seen_.fast_blocking_allowed);
}

TEST_F(HttpServerTest, DeferredRouteIsRerunOnPool) {
  StartServer(Quiet());
  Client client(server_->port());
  EXPECT_EQ(client.Get("/api/v1/pool").result_int(), 204U);
  EXPECT_EQ(client.Get("/api/v1/fast").result_int(), 204U);
  auto response = client.Get("/api/v1/defer");
  EXPECT_EQ(response.result_int(), 200U);
  EXPECT_EQ(response.body(), "{}");
  std::lock_guard lock(seen_.mutex);
  ASSERT_EQ(seen_.deferred.size(), 2U);
  EXPECT_EQ(seen_.deferred[0], seen_.fast);  // the network thread
  EXPECT_EQ(seen_.deferred[1], seen_.pool);  // the blocking pool
}

TEST_F(HttpServerTest, EchoesSaneRequestIdAndReplacesOthers) {
  StartServer(Quiet());
  Client client(server_->port());
  EXPECT_EQ(client.Get("/api/v1/hello", "X-Request-Id: trace-1.A_b\r\n")["X-Request-Id"],
            "trace-1.A_b");
  auto odd = client.Get("/api/v1/hello", "X-Request-Id: bad id\"\r\n")["X-Request-Id"];
  EXPECT_EQ(odd.size(), 16U);
  auto long_id = client.Get("/api/v1/hello", "X-Request-Id: " + std::string(65, 'a') + "\r\n");
  EXPECT_EQ(long_id["X-Request-Id"].size(), 16U);
  auto problem = client.Get("/api/v1/nothing", "X-Request-Id: rid-404\r\n");
  EXPECT_EQ(problem.result_int(), 404U);
  EXPECT_EQ(boost::json::parse(problem.body()).at("request_id"), "rid-404");
}

TEST_F(HttpServerTest, DropsHeadersWithLineBreaks) {
  StartServer(Quiet());
  Client client(server_->port());
  auto response = client.Get("/api/v1/inject");
  EXPECT_EQ(response.result_int(), 204U);
  EXPECT_EQ(response.count("X-Evil"), 0U);
  EXPECT_EQ(response.count(bhttp::field::set_cookie), 0U);
  EXPECT_EQ(response["X-Ok"], "1");
}

TEST_F(HttpServerTest, DisconnectsStalledClientAfterReadTimeout) {
  ServerOptions options = Quiet();
  options.read_timeout_seconds = 1;
  StartServer(options);
  Client client(server_->port());
  auto start = std::chrono::steady_clock::now();
  client.Write("GET /api/v1/hello HTTP/1.1\r\nHost: t\r\nX-Half");
  EXPECT_TRUE(client.Closed());
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 900ms);
  EXPECT_LT(waited, 5s);
}

TEST_F(HttpServerTest, StopFromAnotherThreadEndsRunAfterInFlightRequest) {
  StartServer(Quiet());
  Client idle(server_->port());
  EXPECT_EQ(idle.Get("/api/v1/hello").result_int(), 200U);
  Client busy(server_->port());
  busy.Write("GET /api/v1/slow HTTP/1.1\r\nHost: t\r\n\r\n");
  std::this_thread::sleep_for(100ms);  // the slow handler is running

  auto start = std::chrono::steady_clock::now();
  std::thread([this] { server_->Stop(); }).join();
  auto response = busy.Read();
  EXPECT_EQ(response.result_int(), 200U);
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(idle.Closed());
  thread_.join();
  server_.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST_F(HttpServerTest, TakenPortIsListenFailed) {
  StartServer(Quiet());
  ServerOptions options = Quiet();
  options.port = server_->port();
  Server second(router_, options);
  Result<void> started = second.Start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().kind, ErrorCode::kUnavailable);
  EXPECT_EQ(started.error().code, "listen_failed");
  EXPECT_NE(started.error().en.find("127.0.0.1:" + std::to_string(server_->port())),
            std::string::npos);
}

TEST_F(HttpServerTest, WritesJsonAccessLog) {
  auto path = std::filesystem::temp_directory_path() /
              ("minsheng-access-" +
               std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + ".log");
  ServerOptions options;
  options.access_log = path.string();
  StartServer(options);
  {
    Client client(server_->port());
    client.Get("/api/v1/echo/%E6%B0%91", "X-Request-Id: log-1\r\nUser-Agent: test \"ua\"\r\n");
  }
  server_->Stop();
  thread_.join();
  server_.reset();  // closes the log file

  std::ifstream in(path);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  std::filesystem::remove(path);
  auto entry = boost::json::parse(line).as_object();
  EXPECT_EQ(entry.at("rid"), "log-1");
  EXPECT_EQ(entry.at("remote"), "127.0.0.1");
  EXPECT_EQ(entry.at("method"), "GET");
  EXPECT_EQ(entry.at("path"), "/api/v1/echo/民");
  EXPECT_EQ(entry.at("status"), 200);
  EXPECT_EQ(entry.at("bytes"), 3);
  EXPECT_TRUE(entry.at("ms").is_double());
  EXPECT_EQ(entry.at("ua"), "test \"ua\"");
  EXPECT_EQ(entry.at("ts").as_string().size(), 24U);  // 2026-01-01T00:00:00.000Z
}

}  // namespace
}  // namespace minsheng::http
