// 审计日志 audit log: who did what to which object, when, from where, with the
// object's state before and after. Rows are written in the same transaction as
// the change they describe and are never changed afterwards (the database
// refuses UPDATE, and DELETE of rows younger than the retention period).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"

namespace minsheng::audit {

// What a service records for one write.
struct Entry {
  std::string action;       // "org.create", "user.roles", "auth.login_failed", ...
  std::string object_type;  // "org", "user", "session", "token", ...
  std::string object_id;
  std::optional<int64_t> org_id;         // owning org, for scoping
  std::optional<std::string> before_json;  // JSON object text
  std::optional<std::string> after_json;
};

struct Record {
  int64_t id = 0;
  UtcTime at;
  std::optional<int64_t> actor_user_id;
  std::string actor_name;
  std::string action;
  std::string object_type;
  std::string object_id;
  std::optional<int64_t> org_id;
  std::optional<std::string> before_json;
  std::optional<std::string> after_json;
  std::string request_id;
  std::string source_addr;
};

struct Query {
  std::optional<int64_t> actor_id;
  std::optional<std::string> action;
  std::optional<std::string> object_type;
  std::optional<std::string> object_id;
  std::optional<UtcTime> from;
  std::optional<UtcTime> to;
  std::optional<int64_t> before_id;  // cursor: rows with a smaller id
  int limit = 50;
};

struct Page {
  std::vector<Record> items;
  std::optional<int64_t> next_before_id;
};

}  // namespace minsheng::audit
