// Server: Boost.Beast HTTP/1.1 on Asio with C++20 coroutines.
// Keep-alive, read timeouts, a body limit on every parser, a cap on pipelined
// requests, request ids, JSON-lines access log, graceful stop on SIGINT/SIGTERM.
// Handlers run on a blocking thread pool unless their route is non_blocking.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/result.h"
#include "http/router.h"

namespace minsheng::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;           // 0: pick a free port (tests)
  int io_threads = 2;
  int blocking_threads = 8;
  size_t body_limit = 1 << 20;     // bytes; larger bodies get 413
  int read_timeout_seconds = 30;   // header + body
  int idle_timeout_seconds = 60;   // keep-alive
  int max_pipelined = 16;          // requests queued on one connection
  std::string access_log = "-";    // "-" stdout, "" off, else a file path
};

class Server {
 public:
  Server(const Router& router, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Unavailable (with the address) when the port is taken.
  Result<void> Start();
  // The bound port (useful with port 0).
  uint16_t port() const;
  // Blocks until Stop() or SIGINT/SIGTERM; finishes in-flight requests.
  void Run();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace minsheng::http
