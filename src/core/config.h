// Config: every tunable of the server with its default. Loaded from, in
// increasing priority: defaults → optional TOML file → MINSHENG_* environment
// variables → command-line flags. Domain thresholds (later issues) live here
// too, never as literals in code. Load errors name the offending key.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"

namespace minsheng {

struct SecurityConfig {
  int session_idle_minutes = 30;
  int session_absolute_hours = 12;
  int lockout_threshold = 5;        // failed logins
  int lockout_minutes = 15;
  int password_min_length = 10;
  bool password_require_classes = true;  // at least 3 of: lower, upper, digit, symbol
  bool totp_required_for_staff = false;  // staff roles must enrol TOTP before using the app
  int audit_retention_days = 183;        // at least 6 months; smaller values are refused
  // argon2id cost (libsodium opslimit / memlimit in KiB); defaults = INTERACTIVE.
  uint64_t argon2_ops = 2;
  uint64_t argon2_mem_kib = 65536;
};

// The asset register (issue 3).
struct AssetConfig {
  // When straight-line depreciation starts: "same_month" (当月, the month of
  // acquisition) or "next_month".
  std::string depreciation_start = "same_month";
  // How long a process uses its cached category table before checking whether
  // another process (`minsheng categories import`) changed it; 0 = every use.
  int category_recheck_seconds = 5;
  // Memory for the rendered answers of GET /api/v1/stats/assets, reused
  // while the rollups, orgs and categories are unchanged; 0 turns it off.
  int stats_cache_mb = 16;
  // Memory for one unit's rendered list pages (GET /api/v1/assets?org=<unit>
  // without free text), kept LZ4-compressed (~8 KB a page of 50) and reused
  // while the unit's cards and directories, the orgs and the categories are
  // unchanged; 0 turns it off.
  int list_cache_mb = 16;
  // PostgreSQL: memory for cards read by number (GET /api/v1/assets/{number},
  // QR scans), reused while the generations the database pushes for the
  // card's unit, the orgs and the categories are unchanged — a repeated
  // lookup needs no query; 0 turns it off. A card takes ~1.7 KB, so 64 MiB
  // holds ~38,000 (least recently used go first). SQLite reads a card from
  // its page cache and keeps none.
  int card_cache_mb = 64;
  // PostgreSQL, free text in registration order (the default for text) over
  // more than one unit: how many cards from the page's start are read off the
  // primary key before the trigram index is asked for the rest — a word whose
  // cards were all registered long ago is then found in ~0.1 s instead of a
  // walk over the whole register; 0 leaves the plan to the planner.
  int pg_text_window = 4096;
  // PostgreSQL: memory for the searched text of every card (name, number,
  // model, serial number, brand) and its trigrams, kept by the server so a
  // page of free text newest first is found without the trigram index
  // (~150 MiB for 1,000,000 cards; AssetService::StartTextIndex). When the
  // register would need more, or its card ids run past the slots the budget
  // holds (TextIndex::IdLimitFor), the index turns itself off and free text
  // is searched in the database; 0 turns it off.
  int text_index_mb = 512;
  // Imports (docs/import-assets.md, "Large imports"): on SQLite the secondary
  // indexes of `assets` are dropped inside the import transaction and built
  // again before the commit when the file has at least this many rows per
  // card already in the register (1: a file at least the register's size;
  // measured break-even ~0.75, bench/RESULTS.md); 0 = always. PostgreSQL
  // does it only when asked (`--bulk`).
  double import_rebuild_ratio = 1.0;
  // PostgreSQL, inside an import transaction (SET LOCAL): the GIN pending list
  // of the trigram index before it is merged, and the memory of CREATE INDEX
  // when the indexes are rebuilt (MiB).
  int import_pg_gin_pending_mb = 64;
  int import_pg_maintenance_mb = 256;
};

// Inputs from people for assessments (issue 4, docs/assessment-inputs.md).
struct AssessInputConfig {
  int64_t evidence_max_bytes = 10 * 1024 * 1024;  // largest evidence file (10 MiB)
  // Self vs supervisor values are flagged when they differ by more than this
  // share of the larger magnitude (0.10 = 10 %); an N/A against a value is
  // always flagged.
  double self_supervisor_gap = 0.10;
};

// Metrics of the assessment (issue 4, docs/metrics.md).
struct AssessMetricConfig {
  // 登记及时率: a card registered within this many days of acquisition is on time.
  int registration_days = 30;
};

// Consequences and rectification tasks of assessments (issue 4,
// docs/assessment-consequences.md).
struct AssessConsequenceConfig {
  std::string rules_file;               // a rules JSON replacing data/assessment/consequences.json ("" = shipped)
  double failed_indicator_share = 0.6;  // a leaf scoring a lower share of its points has failed → task
  int rectification_days = 30;          // task due = finalize/publish date (Asia/Shanghai) + days
  int reminder_interval_days = 7;       // an overdue task is reminded again after this many days
  bool verify_requires_file = false;    // a task is verified only with at least one evidence file
};

// Assessment runs (issue 4, docs/assessment-design.md).
struct AssessRunConfig {
  std::string expert_aggregation = "mean";  // mean | trimmed_mean (without highest and lowest when >= 3)
  int appeal_days = 10;                     // 复核 window after publish
  int score_threads = 2;                    // threads scoring a run's objects (1 = the request's own thread)
};

struct Config {
  std::string db = "sqlite:./data/minsheng.db";
  std::string listen = "127.0.0.1:8080";
  std::string web_root = "web/dist";
  std::string access_log = "-";  // "-" stdout, "" off, or a file
  std::string log_level = "info";
  int io_threads = 2;
  int blocking_threads = 8;
  int db_pool = 8;
  int sqlite_cache_mb = 16;  // page cache per SQLite connection (db_pool readers + 1 writer)
  int sqlite_mmap_mb = 0;    // memory-mapped I/O per SQLite connection; 0 = off
  size_t body_limit_bytes = 1 << 20;
  int read_timeout_seconds = 30;
  bool secure_cookies = false;  // set when served behind TLS
  std::string public_base_url = "http://127.0.0.1:8080";
  SecurityConfig security;
  AssetConfig asset;
  AssessMetricConfig assess_metrics;
  AssessRunConfig assess_runs;
  AssessConsequenceConfig assess_consequences;
  AssessInputConfig assess_inputs;

  // Host and port of `listen`; InvalidArgument naming "listen" when malformed.
  Result<std::pair<std::string, uint16_t>> ListenAddress() const;
};

// Reads the TOML file (if path is non-empty) and the environment over the
// defaults. Unknown keys and bad values fail with the key's name.
Result<Config> LoadConfig(const std::string& toml_path);
// Sets one key from text (flags use this); errors name the key.
Result<void> SetConfigValue(Config& config, std::string_view key, std::string_view value);
// Applies MINSHENG_<SECTION>_<KEY> variables from env (exposed for tests).
Result<void> ApplyEnvironment(Config& config, const std::map<std::string, std::string>& env);

}  // namespace minsheng
