#include "core/config.h"

#include <charconv>
#include <cstdio>
#include <functional>
#include <toml++/toml.h>

namespace minsheng {
namespace {

// One configurable key: its dotted name and how to set it from text.
struct Key {
  const char* name;  // "security.lockout_threshold"
  std::function<Result<void>(Config&, std::string_view)> set;
};

Error BadValue(std::string_view key, std::string_view why_zh, std::string_view why_en) {
  return MakeError(ErrorCode::kInvalidArgument, "config.invalid",
                   "配置项 " + std::string(key) + " 的值无效：" + std::string(why_zh),
                   "Configuration key " + std::string(key) + " is invalid: " + std::string(why_en));
}

template <typename T>
Key IntKey(const char* name, T Config::*field, int64_t min, int64_t max) {
  return {name, [=](Config& c, std::string_view v) -> Result<void> {
            int64_t n = 0;
            const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc() || p != v.data() + v.size() || n < min || n > max)
              return BadValue(name, "应为 " + std::to_string(min) + " 到 " + std::to_string(max) + " 之间的整数",
                              "expected an integer from " + std::to_string(min) + " to " + std::to_string(max));
            c.*field = static_cast<T>(n);
            return Ok();
          }};
}

template <typename T>
Key SecIntKey(const char* name, T SecurityConfig::*field, int64_t min, int64_t max) {
  return {name, [=](Config& c, std::string_view v) -> Result<void> {
            int64_t n = 0;
            const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc() || p != v.data() + v.size() || n < min || n > max)
              return BadValue(name, "应为 " + std::to_string(min) + " 到 " + std::to_string(max) + " 之间的整数",
                              "expected an integer from " + std::to_string(min) + " to " + std::to_string(max));
            c.security.*field = static_cast<T>(n);
            return Ok();
          }};
}

Result<bool> ParseBool(std::string_view key, std::string_view v) {
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  return BadValue(key, "应为 true 或 false", "expected true or false");
}

Key BoolKey(const char* name, bool Config::*field) {
  return {name, [=](Config& c, std::string_view v) -> Result<void> {
            MS_ASSIGN_OR_RETURN(c.*field, ParseBool(name, v));
            return Ok();
          }};
}

Key SecBoolKey(const char* name, bool SecurityConfig::*field) {
  return {name, [=](Config& c, std::string_view v) -> Result<void> {
            MS_ASSIGN_OR_RETURN(c.security.*field, ParseBool(name, v));
            return Ok();
          }};
}

Key StringKey(const char* name, std::string Config::*field) {
  return {name, [=](Config& c, std::string_view v) -> Result<void> {
            c.*field = std::string(v);
            return Ok();
          }};
}

// A key of a nested section (config.assess_consequences …): an integer in [min, max].
template <typename S, typename T>
Key SectionIntKey(const char* name, S Config::*section, T S::*field, int64_t min, int64_t max) {
  return {name, [=](Config& c, std::string_view v) -> Result<void> {
            int64_t n = 0;
            const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc() || p != v.data() + v.size() || n < min || n > max)
              return BadValue(name, "应为 " + std::to_string(min) + " 到 " + std::to_string(max) + " 之间的整数",
                              "expected an integer from " + std::to_string(min) + " to " + std::to_string(max));
            (c.*section).*field = static_cast<T>(n);
            return Ok();
          }};
}

// A key of a nested section: a number in [min, max] (e.g. a share 0..1).
template <typename S>
Key SectionNumberKey(const char* name, S Config::*section, double S::*field, double min, double max) {
  return {name, [=](Config& c, std::string_view v) -> Result<void> {
            double d = 0;
            const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
            if (ec != std::errc() || p != v.data() + v.size() || !(d >= min && d <= max)) {
              char range[64];
              std::snprintf(range, sizeof range, "%g – %g", min, max);
              return BadValue(name, std::string("应为数字，范围 ") + range, std::string("expected a number, ") + range);
            }
            (c.*section).*field = d;
            return Ok();
          }};
}

const std::vector<Key>& Keys() {
  static const std::vector<Key> kKeys = {
      StringKey("db", &Config::db),
      StringKey("listen", &Config::listen),
      StringKey("web_root", &Config::web_root),
      StringKey("access_log", &Config::access_log),
      {"log_level",
       [](Config& c, std::string_view v) -> Result<void> {
         if (v != "trace" && v != "debug" && v != "info" && v != "warn" && v != "error")
           return BadValue("log_level", "应为 trace/debug/info/warn/error 之一",
                           "expected one of trace, debug, info, warn, error");
         c.log_level = std::string(v);
         return Ok();
       }},
      StringKey("public_base_url", &Config::public_base_url),
      IntKey("io_threads", &Config::io_threads, 1, 64),
      IntKey("blocking_threads", &Config::blocking_threads, 1, 256),
      IntKey("db_pool", &Config::db_pool, 1, 256),
      IntKey("sqlite_cache_mb", &Config::sqlite_cache_mb, 1, 65536),
      IntKey("sqlite_mmap_mb", &Config::sqlite_mmap_mb, 0, 1 << 20),
      IntKey("body_limit_bytes", &Config::body_limit_bytes, 1024, int64_t{1} << 30),
      IntKey("read_timeout_seconds", &Config::read_timeout_seconds, 1, 3600),
      BoolKey("secure_cookies", &Config::secure_cookies),
      SecIntKey("security.session_idle_minutes", &SecurityConfig::session_idle_minutes, 1, 24 * 60),
      SecIntKey("security.session_absolute_hours", &SecurityConfig::session_absolute_hours, 1, 24 * 30),
      SecIntKey("security.lockout_threshold", &SecurityConfig::lockout_threshold, 1, 100),
      SecIntKey("security.lockout_minutes", &SecurityConfig::lockout_minutes, 1, 24 * 60),
      SecIntKey("security.password_min_length", &SecurityConfig::password_min_length, 8, 128),
      SecBoolKey("security.password_require_classes", &SecurityConfig::password_require_classes),
      SecBoolKey("security.totp_required_for_staff", &SecurityConfig::totp_required_for_staff),
      // 等保: audit records are kept at least six months.
      SecIntKey("security.audit_retention_days", &SecurityConfig::audit_retention_days, 183, 36500),
      SecIntKey("security.argon2_ops", &SecurityConfig::argon2_ops, 1, 20),
      SecIntKey("security.argon2_mem_kib", &SecurityConfig::argon2_mem_kib, 8, 4 * 1024 * 1024),
      {"assess.evidence_max_bytes",
       [](Config& c, std::string_view v) -> Result<void> {
         int64_t n = 0;
         const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
         if (ec != std::errc() || p != v.data() + v.size() || n < 1024 || n > (int64_t{1} << 30))
           return BadValue("assess.evidence_max_bytes", "应为 1024 到 1073741824 之间的整数（字节）",
                           "expected an integer from 1024 to 1073741824 (bytes)");
         c.assess_inputs.evidence_max_bytes = n;
         return Ok();
       }},
      {"assess.self_supervisor_gap",
       [](Config& c, std::string_view v) -> Result<void> {
         double d = -1;
         const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
         if (ec != std::errc() || p != v.data() + v.size() || !(d >= 0 && d <= 1))
           return BadValue("assess.self_supervisor_gap", "应为 0 到 1 之间的小数，例如 0.1",
                           "expected a number from 0 to 1, e.g. 0.1");
         c.assess_inputs.self_supervisor_gap = d;
         return Ok();
       }},
      {"assess.registration_days",
       [](Config& c, std::string_view v) -> Result<void> {
         int n = 0;
         const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
         if (ec != std::errc() || p != v.data() + v.size() || n < 0 || n > 3650)
           return BadValue("assess.registration_days", "应为 0 到 3650 之间的整数（天）",
                           "expected an integer from 0 to 3650 (days)");
         c.assess_metrics.registration_days = n;
         return Ok();
       }},
      {"assess.consequence_rules_file",
       [](Config& c, std::string_view v) -> Result<void> {
         c.assess_consequences.rules_file = std::string(v);
         return Ok();
       }},
      SectionNumberKey("assess.failed_indicator_share", &Config::assess_consequences,
                       &AssessConsequenceConfig::failed_indicator_share, 0, 1),
      SectionIntKey("assess.rectification_days", &Config::assess_consequences,
                    &AssessConsequenceConfig::rectification_days, 1, 3650),
      SectionIntKey("assess.reminder_interval_days", &Config::assess_consequences,
                    &AssessConsequenceConfig::reminder_interval_days, 1, 365),
      {"assess.task_verify_requires_file",
       [](Config& c, std::string_view v) -> Result<void> {
         MS_ASSIGN_OR_RETURN(c.assess_consequences.verify_requires_file,
                             ParseBool("assess.task_verify_requires_file", v));
         return Ok();
       }},
      {"assess.expert_aggregation",
       [](Config& c, std::string_view v) -> Result<void> {
         if (v != "mean" && v != "trimmed_mean")
           return BadValue("assess.expert_aggregation", "应为 mean（平均）或 trimmed_mean（去掉最高最低后平均）",
                           "expected mean or trimmed_mean");
         c.assess_runs.expert_aggregation = std::string(v);
         return Ok();
       }},
      SectionIntKey("assess.appeal_days", &Config::assess_runs, &AssessRunConfig::appeal_days, 0, 365),
      SectionIntKey("assess.score_threads", &Config::assess_runs, &AssessRunConfig::score_threads, 1, 64),
      SectionIntKey("asset.category_recheck_seconds", &Config::asset, &AssetConfig::category_recheck_seconds, 0,
                    3600),
      SectionIntKey("asset.stats_cache_mb", &Config::asset, &AssetConfig::stats_cache_mb, 0, 1024),
      SectionIntKey("asset.list_cache_mb", &Config::asset, &AssetConfig::list_cache_mb, 0, 1024),
      SectionIntKey("asset.card_cache_mb", &Config::asset, &AssetConfig::card_cache_mb, 0, 1024),
      SectionIntKey("asset.pg_text_window", &Config::asset, &AssetConfig::pg_text_window, 0, 100'000'000),
      SectionIntKey("asset.text_index_mb", &Config::asset, &AssetConfig::text_index_mb, 0, 65536),
      SectionNumberKey("asset.import_rebuild_ratio", &Config::asset, &AssetConfig::import_rebuild_ratio, 0, 1e6),
      SectionIntKey("asset.import_pg_gin_pending_mb", &Config::asset, &AssetConfig::import_pg_gin_pending_mb, 1,
                    2047),
      SectionIntKey("asset.import_pg_maintenance_mb", &Config::asset, &AssetConfig::import_pg_maintenance_mb, 1,
                    65536),
      {"asset.depreciation_start",
       [](Config& c, std::string_view v) -> Result<void> {
         if (v != "same_month" && v != "next_month")
           return BadValue("asset.depreciation_start", "应为 same_month（当月）或 next_month（次月）",
                           "expected same_month or next_month");
         c.asset.depreciation_start = std::string(v);
         return Ok();
       }},
  };
  return kKeys;
}

}  // namespace

Result<void> SetConfigValue(Config& c, std::string_view key, std::string_view value) {
  for (const auto& k : Keys()) {
    if (key == k.name) return k.set(c, value);
  }
  return MakeError(ErrorCode::kInvalidArgument, "config.unknown_key",
                   "未知的配置项 " + std::string(key), "Unknown configuration key " + std::string(key));
}

namespace {

std::string EnvName(std::string_view key) {
  std::string out = "MINSHENG_";
  for (const char c : key) out.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(c)));
  return out;
}

Result<void> ApplyToml(Config& c, const toml::table& table, const std::string& prefix) {
  for (const auto& [k, node] : table) {
    const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = node.as_table()) {
      MS_TRY(ApplyToml(c, *sub, key));
      continue;
    }
    std::string text;
    if (const auto* s = node.as_string()) {
      text = s->get();
    } else if (const auto* i = node.as_integer()) {
      text = std::to_string(i->get());
    } else if (const auto* b = node.as_boolean()) {
      text = b->get() ? "true" : "false";
    } else if (const auto* f = node.as_floating_point()) {  // e.g. assess.self_supervisor_gap = 0.15
      char buf[32];
      const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f->get());
      text.assign(buf, ec == std::errc() ? end : buf);
    } else {
      return BadValue(key, "类型不支持", "unsupported value type");
    }
    MS_TRY(SetConfigValue(c, key, text));
  }
  return Ok();
}

}  // namespace

Result<std::pair<std::string, uint16_t>> Config::ListenAddress() const {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return BadValue("listen", "应为 主机:端口，例如 127.0.0.1:8080", "expected host:port, e.g. 127.0.0.1:8080");
  }
  int port = -1;
  const std::string_view p(listen.data() + colon + 1, listen.size() - colon - 1);
  const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  if (ec != std::errc() || end != p.data() + p.size() || port < 0 || port > 65535) {
    return BadValue("listen", "端口应为 0 到 65535", "the port must be 0 to 65535");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return std::make_pair(host, static_cast<uint16_t>(port));
}

Result<void> ApplyEnvironment(Config& config, const std::map<std::string, std::string>& env) {
  for (const auto& k : Keys()) {
    const auto it = env.find(EnvName(k.name));
    if (it != env.end()) MS_TRY(k.set(config, it->second));
  }
  return Ok();
}

Result<Config> LoadConfig(const std::string& toml_path) {
  Config config;
  if (!toml_path.empty()) {
    toml::table parsed;
    try {
      parsed = toml::parse_file(toml_path);
    } catch (const toml::parse_error& err) {
      return MakeError(ErrorCode::kInvalidArgument, "config.parse",
                       "配置文件 " + toml_path + " 第 " + std::to_string(err.source().begin.line) +
                           " 行有误：" + std::string(err.description()),
                       "Configuration file " + toml_path + " line " +
                           std::to_string(err.source().begin.line) + ": " + std::string(err.description()));
    }
    MS_TRY(ApplyToml(config, parsed, ""));
  }
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view kv(*e);
    const auto eq = kv.find('=');
    if (eq != std::string_view::npos && kv.starts_with("MINSHENG_"))
      env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  MS_TRY(ApplyEnvironment(config, env));
  return config;
}

}  // namespace minsheng
