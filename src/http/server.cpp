// Server: Boost.Beast HTTP/1.1 over Asio with C++20 coroutines.
//
// Beast parses requests (with limits); responses are serialized straight into
// a per-connection buffer and written with the body in one gathered write.
//
// Threads: io_threads run one io_context; each connection is a coroutine on
// its own strand. Handlers run on a separate thread pool (blocking_threads)
// unless their route is non_blocking; the coroutine resumes on its strand.
// Each connection reads, handles and answers one request at a time: pipelined
// requests wait in the connection's read buffer (at most one read ahead,
// ≤ 64 KiB beyond the 16 KiB header limit) or in the socket, so a flood of
// them cannot grow memory.
//
// Stop() (any thread, or SIGINT/SIGTERM) closes the acceptor, drops
// connections that are waiting for a request and lets requests being handled
// finish, for up to kGracePeriod; Run() then returns.
#include "http/server.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/url/parse.hpp>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <ctime>
#include <mutex>
#include <random>
#include <span>
#include <thread>
#include <unordered_set>

#include "http/problem.h"

namespace minsheng::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr size_t kHeaderLimit = 16 * 1024;
constexpr size_t kReadChunk = 64 * 1024;
constexpr auto kGracePeriod = std::chrono::seconds(5);
// After an error answer the client may still be sending: read and discard
// for a while so closing does not reset the connection before it reads ours.
constexpr auto kLingerTime = std::chrono::seconds(1);
constexpr size_t kLingerBytes = 1 << 20;
constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

void LogException(std::string_view what, const std::exception_ptr& error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::error("http: {} failed: {}", what, e.what());
  } catch (...) {
    spdlog::error("http: {} failed: non-standard exception", what);
  }
}

// A client's X-Request-Id is kept when it is 1–64 of [A-Za-z0-9._-].
bool IsSaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}", rng());
}

// Copies the header fields (names lower-cased) and the request id.
void ReadHeaders(const bhttp::fields& fields, Request& request) {
  request.headers.clear();
  for (const auto& field : fields) {
    std::string name(field.name_string());
    for (char& c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    request.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  std::string_view incoming = request.Header("x-request-id");
  request.request_id = IsSaneRequestId(incoming) ? std::string(incoming) : NewRequestId();
}

// Sets path (percent-decoded) and query from the target; false when malformed.
bool ParseTarget(std::string_view target, Request& request) {
  auto url = target.starts_with('/') ? boost::urls::parse_origin_form(target)
                                     : boost::urls::parse_absolute_uri(target);
  if (!url) return false;
  request.path = url->path();
  if (request.path.empty()) request.path = "/";
  request.query.clear();
  for (const auto& param : url->params()) request.query.emplace_back(param.key, param.value);
  return true;
}

void AppendJsonString(fmt::memory_buffer& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out.append(std::string_view("\\\""));
        break;
      case '\\':
        out.append(std::string_view("\\\\"));
        break;
      case '\n':
        out.append(std::string_view("\\n"));
        break;
      case '\r':
        out.append(std::string_view("\\r"));
        break;
      case '\t':
        out.append(std::string_view("\\t"));
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

// Runs router.Handle(request) on the pool and completes on the awaiting
// coroutine's executor (the connection's strand). request must outlive it.
template <typename Token>
auto HandleOnPool(asio::thread_pool& pool, const Router& router, Request& request, Token&& token) {
  return asio::async_initiate<Token, void(std::exception_ptr, Response)>(
      [&pool, &router, &request](auto handler) {
        auto home = asio::prefer(asio::get_associated_executor(handler),
                                 asio::execution::outstanding_work.tracked);
        asio::post(pool, [&router, &request, handler = std::move(handler),
                          home = std::move(home)]() mutable {
          std::exception_ptr error;
          Response response;
          try {
            response = router.Handle(request);
          } catch (...) {
            error = std::current_exception();
          }
          asio::post(home, [handler = std::move(handler), error,
                            response = std::move(response)]() mutable {
            std::move(handler)(error, std::move(response));
          });
        });
      },
      token);
}

// The next piece of a streamed body, read on the pool.
struct Piece {
  std::string data;
  bool more = false;
  std::optional<Error> error;
};

// Runs stream->Next on the pool (buffer: the previous piece, reused) and
// completes on the awaiting coroutine's executor.
template <typename Token>
auto NextOnPool(asio::thread_pool& pool, std::shared_ptr<BodyStream> stream, std::string buffer,
                Token&& token) {
  return asio::async_initiate<Token, void(Piece)>(
      [&pool, stream = std::move(stream), buffer = std::move(buffer)](auto handler) mutable {
        auto home = asio::prefer(asio::get_associated_executor(handler),
                                 asio::execution::outstanding_work.tracked);
        asio::post(pool, [stream = std::move(stream), buffer = std::move(buffer),
                          handler = std::move(handler), home = std::move(home)]() mutable {
          Piece piece;
          piece.data = std::move(buffer);
          try {
            auto next = stream->Next(piece.data);
            if (next.ok()) {
              piece.more = *next;
            } else {
              piece.error = std::move(next).error();
            }
          } catch (const std::exception& e) {
            piece.error = InternalError(std::string("exception in a streamed body: ") + e.what());
          } catch (...) {
            piece.error = InternalError("non-standard exception in a streamed body");
          }
          asio::post(home, [handler = std::move(handler), piece = std::move(piece)]() mutable {
            std::move(handler)(std::move(piece));
          });
        });
      },
      token);
}

}  // namespace

struct Server::Impl {
  // One accepted connection. Its members are touched only on its strand
  // (the stream's executor), except registration in Impl::connections_.
  struct Connection : std::enable_shared_from_this<Connection> {
    Connection(tcp::socket socket, Impl& owner) : stream(std::move(socket)), impl(owner) {}
    ~Connection() { impl.Unregister(this); }
    beast::tcp_stream stream;
    Impl& impl;
    bool reading = false;  // waiting for a request: Stop() may cancel the read
  };

  Impl(const Router& router, ServerOptions options)
      : router_(router),
        options_(std::move(options)),
        ioc_(std::max(1, options_.io_threads)),
        accept_strand_(asio::make_strand(ioc_)),
        acceptor_(accept_strand_),
        signals_(accept_strand_),
        pool_(static_cast<size_t>(std::max(1, options_.blocking_threads))) {}

  ~Impl() {
    if (access_log_) spdlog::drop(access_log_->name());
  }

  Result<void> Start();
  void Run();
  void Stop();

  asio::awaitable<void> Listen();
  asio::awaitable<void> Serve(std::shared_ptr<Connection> conn);
  asio::awaitable<size_t> Send(beast::tcp_stream& stream, std::string& head, const Request& request,
                               Response response, unsigned version, bool keep_alive);
  asio::awaitable<size_t> SendStream(beast::tcp_stream& stream, const std::string& head, const Request& request,
                                     std::shared_ptr<BodyStream> body, unsigned version);
  static asio::awaitable<void> LingeringClose(beast::tcp_stream& stream);
  void LogAccess(const Request& request, std::string_view method, int status, size_t bytes,
                 Clock::time_point start) const;

  bool Register(const std::shared_ptr<Connection>& conn) {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    connections_.insert(conn.get());
    return true;
  }
  void Unregister(Connection* conn) {
    std::lock_guard lock(mutex_);
    connections_.erase(conn);
    if (connections_.empty()) cv_.notify_all();
  }

  const Router& router_;
  const ServerOptions options_;
  std::shared_ptr<spdlog::logger> access_log_;  // null when disabled
  uint16_t port_ = 0;                           // set by Start

  // Declared before the io_context: connections still queued there when it
  // is destroyed unregister themselves.
  std::mutex mutex_;
  std::condition_variable cv_;
  std::atomic<bool> stopping_{false};            // written under mutex_
  std::unordered_set<Connection*> connections_;  // GUARDED_BY(mutex_)

  asio::io_context ioc_;
  asio::any_io_executor accept_strand_;  // the acceptor and the signal set
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::thread_pool pool_;  // destroyed first: joins handlers still running
};

Result<void> Server::Impl::Start() {
  std::string where = fmt::format("{}:{}", options_.host, options_.port);
  auto failed = [&where](std::string_view what, const beast::error_code& ec) {
    return MakeError(ErrorCode::kUnavailable, "listen_failed",
                     fmt::format("无法监听 {}（{}）：{}", where, what, ec.message()),
                     fmt::format("cannot listen on {} ({}): {}", where, what, ec.message()));
  };
  beast::error_code ec;
  tcp::resolver resolver(ioc_);
  auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) return failed("resolve", ec);
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (ec) {
    beast::error_code ignored;
    acceptor_.close(ignored);
    return failed("bind", ec);
  }
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return failed("listen", ec);
  port_ = acceptor_.local_endpoint().port();

  if (!options_.access_log.empty()) {
    try {
      spdlog::sink_ptr sink;
      if (options_.access_log == "-") {
        sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
      } else {
        sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(options_.access_log);
      }
      // Buffered: written by stdio, flushed once a second by spdlog's flusher.
      access_log_ = std::make_shared<spdlog::logger>(
          fmt::format("access-{}", static_cast<const void*>(this)), std::move(sink));
      access_log_->set_pattern("%v");
      access_log_->flush_on(spdlog::level::off);
      spdlog::register_logger(access_log_);
      spdlog::flush_every(std::chrono::seconds(1));
    } catch (const spdlog::spdlog_ex& e) {
      return MakeError(ErrorCode::kUnavailable, "access_log_failed",
                       fmt::format("无法打开访问日志 {}", options_.access_log),
                       fmt::format("cannot open the access log {}", options_.access_log))
          .WithLog(e.what());
    }
  }
  return Ok();
}

void Server::Impl::Run() {
  if (!acceptor_.is_open()) {
    spdlog::error("http: Server::Run called without a successful Start");
    return;
  }
  signals_.add(SIGINT);
  signals_.add(SIGTERM);
  signals_.async_wait([this](const beast::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("http: signal {} received, stopping", signal);
    Stop();
  });
  asio::co_spawn(accept_strand_, Listen(),
                 [](const std::exception_ptr& e) { LogException("listener", e); });

  auto work = asio::make_work_guard(ioc_);
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(1, options_.io_threads); ++i) {
    threads.emplace_back([this] { ioc_.run(); });
  }
  {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return stopping_.load(); });
    if (!cv_.wait_for(lock, kGracePeriod, [this] { return connections_.empty(); })) {
      spdlog::warn("http: {} connections still busy after {} s; closing them", connections_.size(),
                   kGracePeriod.count());
    }
  }
  ioc_.stop();
  for (std::thread& t : threads) t.join();
  if (access_log_) access_log_->flush();
}

void Server::Impl::Stop() {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    for (Connection* conn : connections_) {
      if (auto alive = conn->weak_from_this().lock()) live.push_back(std::move(alive));
    }
  }
  cv_.notify_all();
  asio::post(accept_strand_, [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
    signals_.cancel(ignored);
  });
  for (auto& conn : live) {
    asio::post(conn->stream.get_executor(), [conn] {
      if (conn->reading) conn->stream.cancel();
    });
  }
}

asio::awaitable<void> Server::Impl::Listen() {
  for (;;) {
    auto [ec, socket] =
        co_await acceptor_.async_accept(asio::any_io_executor(asio::make_strand(ioc_)), kUseTuple);
    if (ec) {
      if (!acceptor_.is_open() || ec == asio::error::operation_aborted) co_return;
      // Out of descriptors and the like: pause instead of spinning.
      spdlog::warn("http: accept failed: {}", ec.message());
      asio::steady_timer pause(accept_strand_, std::chrono::milliseconds(100));
      co_await pause.async_wait(kUseTuple);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto conn = std::make_shared<Connection>(std::move(socket), *this);
    if (!Register(conn)) co_return;  // stopping: the socket closes here
    asio::co_spawn(conn->stream.get_executor(), Serve(conn),
                   [](const std::exception_ptr& e) { LogException("connection", e); });
  }
}

asio::awaitable<void> Server::Impl::Serve(std::shared_ptr<Connection> conn) {
  beast::tcp_stream& stream = conn->stream;
  // Reused for every request on this connection.
  beast::flat_buffer buffer;
  std::string head;
  Request request;
  {
    beast::error_code ec;
    request.remote_addr = stream.socket().remote_endpoint(ec).address().to_string();
  }
  const auto read_timeout = std::chrono::seconds(options_.read_timeout_seconds);
  const auto idle_timeout = std::chrono::seconds(options_.idle_timeout_seconds);

  for (bool first = true; !stopping_; first = false) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(kHeaderLimit);
    // Beast checks Content-Length against the limit while parsing the header,
    // before the route is known: admit the largest route limit here and
    // apply the route's own limit once the header is in.
    parser.body_limit(std::max(options_.body_limit, router_.MaxBodyLimit()));
    conn->reading = true;
    if (!first && buffer.size() == 0) {
      // Keep-alive: wait up to the idle timeout for the next request to begin.
      stream.expires_after(idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(
          buffer.prepare(beast::read_size(buffer, kReadChunk)), kUseTuple);
      if (ec) break;
      buffer.commit(n);
    }
    stream.expires_after(read_timeout);
    auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kUseTuple);
    if (!ec && !parser.is_done()) {
      // An upload route may accept more than the default body limit.
      size_t limit = options_.body_limit;
      Request probe;
      if (ParseTarget(parser.get().target(), probe)) {
        const size_t route_limit = router_.BodyLimit(ParseMethod(parser.get().method_string()), probe.path);
        if (route_limit > 0) limit = route_limit;
      }
      parser.body_limit(limit);
      if (parser.content_length() && *parser.content_length() > limit) ec = bhttp::error::body_limit;
      if (!ec && beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
        std::tie(ec, n) = co_await asio::async_write(
            stream, asio::buffer(std::string_view("HTTP/1.1 100 Continue\r\n\r\n")), kUseTuple);
      }
      if (!ec) std::tie(ec, n) = co_await bhttp::async_read(stream, buffer, parser, kUseTuple);
    }
    conn->reading = false;
    const Clock::time_point start = Clock::now();

    if (ec) {
      // Answer what the client got wrong; just close on timeouts, resets, EOF.
      std::optional<Error> error;
      if (ec == bhttp::error::body_limit) {
        error = MakeError(ErrorCode::kTooLarge, "body_too_large", "请求体过大",
                          "The request body is too large");
      } else if (ec == bhttp::error::header_limit) {
        error = MakeError(ErrorCode::kTooLarge, "header_too_large", "请求头过大",
                          "The request header is too large");
      } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
                 ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
        error = MakeError(ErrorCode::kInvalidArgument, "bad_request", "请求格式错误",
                          "Malformed HTTP request");
      }
      if (error) {
        // The fields parsed so far (all of them when only the body is too large)
        // give the answer its locale and request id.
        const auto& partial = parser.get();
        request.method = ParseMethod(partial.method_string());
        request.path.assign(partial.target());
        ReadHeaders(partial, request);
        size_t bytes = co_await Send(stream, head, request, Problem(*error, request), 11, false);
        LogAccess(request, partial.method_string(), StatusFor(error->kind), bytes, start);
        co_await LingeringClose(stream);
      }
      break;
    }

    auto& message = parser.get();
    request.method = ParseMethod(message.method_string());
    request.target.assign(message.target());
    request.body = std::move(message.body());
    request.path_params.clear();
    ReadHeaders(message, request);

    Response response;
    if (!ParseTarget(request.target, request)) {
      request.path.assign(request.target);
      response = Problem(MakeError(ErrorCode::kInvalidArgument, "bad_request", "请求地址格式错误",
                                   "Malformed request target"),
                         request);
    } else {
      bool answered = false;
      if (router_.IsNonBlocking(request)) {
        request.blocking_allowed = false;
        response = router_.Handle(request);
        answered = !response.defer_to_blocking_pool;
      }
      if (!answered) {
        request.blocking_allowed = true;
        response = co_await HandleOnPool(pool_, router_, request, asio::use_awaitable);
      }
    }
    int status = response.status;
    bool keep_alive = message.keep_alive() && !stopping_;
    // HTTP/1.0 has no chunks: a body of unknown length ends when we close.
    if (response.stream && !response.stream->size() && message.version() == 10) keep_alive = false;
    size_t bytes =
        co_await Send(stream, head, request, std::move(response), message.version(), keep_alive);
    LogAccess(request, message.method_string(), status, bytes, start);
    if (bytes == std::string::npos || !keep_alive) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// Writes response; returns the body bytes sent, or npos when writing failed.
// head is the connection's reused buffer for the status line and fields.
asio::awaitable<size_t> Server::Impl::Send(beast::tcp_stream& stream, std::string& head,
                                           const Request& request, Response response,
                                           unsigned version, bool keep_alive) {
  int status = response.status >= 100 && response.status <= 999 ? response.status : 500;
  std::string_view reason =
      bhttp::obsolete_reason(bhttp::int_to_status(static_cast<unsigned>(status)));
  head.clear();
  fmt::format_to(std::back_inserter(head), "HTTP/1.{} {} {}\r\n", version == 10 ? 0 : 1, status,
                 reason == "<unknown-status>" ? "Unknown" : reason);
  auto add = [&head](std::string_view name, std::string_view value) {
    head.append(name).append(": ").append(value).append("\r\n");
  };
  // Fields from handlers must never be able to start a new line (response splitting).
  auto add_checked = [&add, &request](std::string_view name, std::string_view value) {
    auto breaks = [](char c) { return c == '\r' || c == '\n'; };
    if (std::ranges::any_of(name, breaks) || std::ranges::any_of(value, breaks) ||
        name.find(':') != std::string_view::npos) {
      spdlog::error("http: dropped header {:?} with a line break (request_id={})", name,
                    request.request_id);
      return;
    }
    add(name, value);
  };
  add("Server", "minsheng");
  if (!response.content_type.empty()) add_checked("Content-Type", response.content_type);
  std::string_view head_length;  // HEAD: the length the GET body would have had
  bool head_chunked = false;     // HEAD: the GET body would have been chunked
  for (const auto& [name, value] : response.headers) {
    if (beast::iequals(name, "content-length")) {
      if (request.method == Method::kHead) head_length = value;
      continue;
    }
    if (beast::iequals(name, "transfer-encoding")) {  // framing is ours, except HEAD's report
      if (request.method == Method::kHead && beast::iequals(value, "chunked")) {
        head_chunked = true;
        add("Transfer-Encoding", "chunked");
      }
      continue;
    }
    add_checked(name, value);
  }
  add("X-Request-Id", request.request_id);
  add("X-Content-Type-Options", "nosniff");
  add("X-Frame-Options", "DENY");
  add("Referrer-Policy", "same-origin");
  bool bodiless = status < 200 || status == 204 || status == 304;
  std::shared_ptr<BodyStream> body_stream = std::move(response.stream);
  if (bodiless) {
    response.body.clear();
    body_stream.reset();
  } else if (body_stream) {
    if (const auto size = body_stream->size()) {
      fmt::format_to(std::back_inserter(head), "Content-Length: {}\r\n", *size);
    } else if (version != 10) {
      add("Transfer-Encoding", "chunked");
    }  // HTTP/1.0: until the connection closes (Serve does not keep it alive)
  } else if (head_chunked) {
    // HEAD of a chunked download: no length to give.
  } else if (!head_length.empty()) {
    add("Content-Length", head_length);
  } else {
    fmt::format_to(std::back_inserter(head), "Content-Length: {}\r\n", response.body.size());
  }
  if (version == 10 && keep_alive) add("Connection", "keep-alive");
  if (version != 10 && !keep_alive) add("Connection", "close");
  head.append("\r\n");

  if (body_stream) co_return co_await SendStream(stream, head, request, std::move(body_stream), version);
  std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(response.body)};
  stream.expires_after(std::chrono::seconds(options_.idle_timeout_seconds));
  auto [ec, n] = co_await asio::async_write(stream, buffers, kUseTuple);
  co_return ec ? std::string::npos : response.body.size();
}

// Writes the head, then the body piece by piece: each piece is read on the
// pool and written before the next is asked for, so one piece per
// connection is all the memory a download takes. A client that stops
// reading for the idle timeout is dropped. Returns the body bytes sent, or
// npos when writing or the stream failed (the caller then closes, leaving
// the body visibly unfinished: no last chunk, or fewer bytes than declared).
asio::awaitable<size_t> Server::Impl::SendStream(beast::tcp_stream& stream, const std::string& head,
                                                 const Request& request,
                                                 std::shared_ptr<BodyStream> body, unsigned version) {
  const auto timeout = std::chrono::seconds(options_.idle_timeout_seconds);
  stream.expires_after(timeout);
  if (auto [ec, n] = co_await asio::async_write(stream, asio::buffer(head), kUseTuple); ec) {
    co_return std::string::npos;
  }
  const std::optional<uint64_t> size = body->size();
  const bool chunked = !size && version != 10;
  uint64_t sent = 0;
  std::string piece;
  std::array<char, 24> frame{};
  for (;;) {
    Piece next = co_await NextOnPool(pool_, body, std::move(piece), asio::use_awaitable);
    if (next.error) {
      spdlog::error("http: streamed body of {} {} failed after {} bytes: {} {} (request_id={})",
                    MethodName(request.method), request.path, sent, next.error->code,
                    next.error->log_detail, request.request_id);
      co_return std::string::npos;
    }
    if (!next.more) break;
    piece = std::move(next.data);
    if (piece.empty()) continue;
    if (size && sent + piece.size() > *size) {
      spdlog::error("http: streamed body of {} {} is longer than its {} bytes (request_id={})",
                    MethodName(request.method), request.path, *size, request.request_id);
      co_return std::string::npos;
    }
    std::array<asio::const_buffer, 3> buffers{};
    size_t count = 0;
    if (chunked) {
      const auto end = fmt::format_to_n(frame.data(), frame.size(), "{:x}\r\n", piece.size()).out;
      buffers[count++] = asio::buffer(frame.data(), static_cast<size_t>(end - frame.data()));
    }
    buffers[count++] = asio::buffer(piece);
    if (chunked) buffers[count++] = asio::buffer(std::string_view("\r\n"));
    stream.expires_after(timeout);
    auto [ec, n] = co_await asio::async_write(stream, std::span(buffers.data(), count), kUseTuple);
    if (ec) co_return std::string::npos;
    sent += piece.size();
  }
  if (size && sent != *size) {
    spdlog::error("http: streamed body of {} {} ended after {} of {} bytes (request_id={})",
                  MethodName(request.method), request.path, sent, *size, request.request_id);
    co_return std::string::npos;
  }
  if (chunked) {
    stream.expires_after(timeout);
    if (auto [ec, n] = co_await asio::async_write(stream, asio::buffer(std::string_view("0\r\n\r\n")),
                                                  kUseTuple);
        ec) {
      co_return std::string::npos;
    }
  }
  co_return static_cast<size_t>(sent);
}

asio::awaitable<void> Server::Impl::LingeringClose(beast::tcp_stream& stream) {
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.expires_after(kLingerTime);
  std::array<char, 4096> sink;
  for (size_t total = 0; total < kLingerBytes;) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), kUseTuple);
    if (ec) break;
    total += n;
  }
}

void Server::Impl::LogAccess(const Request& request, std::string_view method, int status,
                             size_t bytes, Clock::time_point start) const {
  if (!access_log_) return;
  auto now = std::chrono::system_clock::now();
  auto seconds = std::chrono::floor<std::chrono::seconds>(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now - seconds).count();
  double elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();

  fmt::memory_buffer line;
  fmt::format_to(std::back_inserter(line), R"({{"ts":"{:%Y-%m-%dT%H:%M:%S}.{:03}Z","rid":)",
                 fmt::gmtime(std::chrono::system_clock::to_time_t(seconds)), millis);
  AppendJsonString(line, request.request_id);
  line.append(std::string_view(R"(,"remote":)"));
  AppendJsonString(line, request.remote_addr);
  line.append(std::string_view(R"(,"method":)"));
  AppendJsonString(line, method);
  line.append(std::string_view(R"(,"path":)"));
  AppendJsonString(line, request.path);
  fmt::format_to(std::back_inserter(line), R"(,"status":{},"bytes":{},"ms":{:.3f},"ua":)", status,
                 bytes == std::string::npos ? 0 : bytes, elapsed_ms);
  AppendJsonString(line, request.Header("user-agent"));
  line.push_back('}');
  access_log_->log(spdlog::level::info, fmt::string_view(line.data(), line.size()));
}

Server::Server(const Router& router, ServerOptions options)
    : impl_(std::make_unique<Impl>(router, std::move(options))) {}

Server::~Server() = default;

Result<void> Server::Start() { return impl_->Start(); }

uint16_t Server::port() const { return impl_->port_; }

void Server::Run() { impl_->Run(); }

void Server::Stop() { impl_->Stop(); }

}  // namespace minsheng::http
