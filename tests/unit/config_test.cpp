#include "core/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <tuple>

namespace minsheng {
namespace {

std::string WriteTemp(const std::string& text) {
  char name[] = "/tmp/minsheng-config-XXXXXX";
  const int fd = mkstemp(name);
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(name) << text;
  return name;
}

TEST(ConfigTest, DefaultsFollowTheDomain) {
  const Config c;
  EXPECT_EQ(c.db, "sqlite:./data/minsheng.db");
  EXPECT_EQ(c.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.security.session_idle_minutes, 30);
  EXPECT_EQ(c.security.lockout_threshold, 5);
  EXPECT_EQ(c.security.lockout_minutes, 15);
  EXPECT_GE(c.security.audit_retention_days, 183);
}

TEST(ConfigTest, TomlOverridesDefaults) {
  const auto path = WriteTemp("db = \"postgresql://x@127.0.0.1/ms\"\n[security]\nlockout_threshold = 3\n"
                              "totp_required_for_staff = true\n");
  auto c = LoadConfig(path);
  std::remove(path.c_str());
  ASSERT_TRUE(c.ok()) << c.error().en;
  EXPECT_EQ(c->db, "postgresql://x@127.0.0.1/ms");
  EXPECT_EQ(c->security.lockout_threshold, 3);
  EXPECT_TRUE(c->security.totp_required_for_staff);
}

TEST(ConfigTest, UnknownKeyIsNamed) {
  const auto path = WriteTemp("[security]\nlockout_treshold = 3\n");
  auto c = LoadConfig(path);
  std::remove(path.c_str());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().en.find("security.lockout_treshold"), std::string::npos);
}

TEST(ConfigTest, BadValueIsNamed) {
  const auto path = WriteTemp("io_threads = 0\n");
  auto c = LoadConfig(path);
  std::remove(path.c_str());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().en.find("io_threads"), std::string::npos);
}

TEST(ConfigTest, SyntaxErrorNamesTheLine) {
  const auto path = WriteTemp("db = \"a\"\nlisten = \n");
  auto c = LoadConfig(path);
  std::remove(path.c_str());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().en.find("line 2"), std::string::npos) << c.error().en;
}

TEST(ConfigTest, EnvironmentOverridesAndIsValidated) {
  Config c;
  ASSERT_TRUE(ApplyEnvironment(c, {{"MINSHENG_SECURITY_SESSION_IDLE_MINUTES", "5"},
                                   {"MINSHENG_LISTEN", "0.0.0.0:9000"}})
                  .ok());
  EXPECT_EQ(c.security.session_idle_minutes, 5);
  EXPECT_EQ(c.listen, "0.0.0.0:9000");
  auto bad = ApplyEnvironment(c, {{"MINSHENG_SECURITY_AUDIT_RETENTION_DAYS", "30"}});
  ASSERT_FALSE(bad.ok());  // 等保: at least six months
  EXPECT_NE(bad.error().en.find("security.audit_retention_days"), std::string::npos);
}

// The asset register's caches and large-import settings: defaults (bench/
// RESULTS.md), overrides, and out-of-range values refused by name.
TEST(ConfigTest, AssetCacheAndImportKeys) {
  const Config defaults;
  EXPECT_EQ(defaults.asset.list_cache_mb, 16);
  EXPECT_EQ(defaults.asset.stats_cache_mb, 16);
  EXPECT_EQ(defaults.asset.card_cache_mb, 64);
  EXPECT_EQ(defaults.asset.pg_text_window, 4096);
  EXPECT_EQ(defaults.asset.text_index_mb, 512);
  EXPECT_DOUBLE_EQ(defaults.asset.import_rebuild_ratio, 1.0);
  Config c;
  ASSERT_TRUE(ApplyEnvironment(c, {{"MINSHENG_ASSET_LIST_CACHE_MB", "0"},
                                   {"MINSHENG_ASSET_CARD_CACHE_MB", "64"},
                                   {"MINSHENG_ASSET_PG_TEXT_WINDOW", "0"},
                                   {"MINSHENG_ASSET_TEXT_INDEX_MB", "0"},
                                   {"MINSHENG_ASSET_IMPORT_REBUILD_RATIO", "0.5"},
                                   {"MINSHENG_ASSET_IMPORT_PG_GIN_PENDING_MB", "32"}})
                  .ok());
  EXPECT_EQ(c.asset.list_cache_mb, 0);  // off
  EXPECT_EQ(c.asset.card_cache_mb, 64);
  EXPECT_EQ(c.asset.pg_text_window, 0);  // the planner's plan
  EXPECT_EQ(c.asset.text_index_mb, 0);   // free text searched in the database
  EXPECT_DOUBLE_EQ(c.asset.import_rebuild_ratio, 0.5);
  EXPECT_EQ(c.asset.import_pg_gin_pending_mb, 32);
  for (const auto& [key, value, name] :
       {std::tuple{"MINSHENG_ASSET_LIST_CACHE_MB", "-1", "asset.list_cache_mb"},
        std::tuple{"MINSHENG_ASSET_LIST_CACHE_MB", "2048", "asset.list_cache_mb"},
        std::tuple{"MINSHENG_ASSET_CARD_CACHE_MB", "-1", "asset.card_cache_mb"},
        std::tuple{"MINSHENG_ASSET_PG_TEXT_WINDOW", "-1", "asset.pg_text_window"},
        std::tuple{"MINSHENG_ASSET_TEXT_INDEX_MB", "-1", "asset.text_index_mb"},
        std::tuple{"MINSHENG_ASSET_TEXT_INDEX_MB", "70000", "asset.text_index_mb"},
        std::tuple{"MINSHENG_ASSET_IMPORT_REBUILD_RATIO", "-0.5", "asset.import_rebuild_ratio"},
        std::tuple{"MINSHENG_ASSET_IMPORT_PG_GIN_PENDING_MB", "0", "asset.import_pg_gin_pending_mb"}}) {
    Config d;
    auto bad = ApplyEnvironment(d, {{key, value}});
    ASSERT_FALSE(bad.ok()) << key << "=" << value;
    EXPECT_NE(bad.error().en.find(name), std::string::npos) << bad.error().en;
    EXPECT_EQ(d.asset.list_cache_mb, 16);  // nothing applied
  }
}

TEST(ConfigTest, ListenAddress) {
  Config c;
  c.listen = "127.0.0.1:8080";
  ASSERT_TRUE(c.ListenAddress().ok());
  EXPECT_EQ(c.ListenAddress()->second, 8080);
  c.listen = "[::1]:0";
  EXPECT_EQ(c.ListenAddress()->first, "::1");
  for (const char* bad : {"8080", "host:", "host:99999", "host:x"}) {
    c.listen = bad;
    EXPECT_FALSE(c.ListenAddress().ok()) << bad;
  }
}

TEST(ConfigTest, FlagsUseTheSameKeys) {
  Config c;
  EXPECT_TRUE(SetConfigValue(c, "web_root", "/srv/web").ok());
  EXPECT_EQ(c.web_root, "/srv/web");
  EXPECT_FALSE(SetConfigValue(c, "no_such_key", "1").ok());
  EXPECT_FALSE(SetConfigValue(c, "secure_cookies", "maybe").ok());
}

}  // namespace
}  // namespace minsheng
