#include <spdlog/spdlog.h>

#include "app/app.h"
#include "cli/commands.h"
#include "core/crypto.h"
#include "core/version.h"
#include "http/server.h"

namespace minsheng::cli {

void PrintError(const Error& e) {
  std::string text = "错误: " + e.zh + "\nerror: " + e.en + "\n";
  for (const auto& f : e.fields) text += "  " + f.field + ": " + f.zh + " / " + f.en + "\n";
  if (!e.log_detail.empty()) text += "  (" + e.log_detail + ")\n";
  std::fputs(text.c_str(), stderr);
}

int Serve(const Config& config) {
  InitCrypto();
  auto address = config.ListenAddress();
  if (!address.ok()) {
    PrintError(address.error());
    return 2;
  }
  auto app = App::Open(config);
  if (!app.ok()) {
    PrintError(app.error());
    return 1;
  }
  (*app)->assets->StartTextIndex();  // PostgreSQL: free text from memory (asset.text_index_mb)
  http::Router router;
  (*app)->RegisterRoutes(router);
  http::ServerOptions options;
  options.host = address->first;
  options.port = address->second;
  options.io_threads = config.io_threads;
  options.blocking_threads = config.blocking_threads;
  options.body_limit = config.body_limit_bytes;
  options.read_timeout_seconds = config.read_timeout_seconds;
  options.access_log = config.access_log;
  http::Server server(router, options);
  if (auto started = server.Start(); !started.ok()) {
    PrintError(started.error());
    return 1;
  }
  spdlog::info("minsheng {} serving http://{}:{}/ on {}", MINSHENG_VERSION, options.host, server.port(),
               (*app)->db->Describe());
  server.Run();
  spdlog::info("minsheng stopped");
  return 0;
}

}  // namespace minsheng::cli
