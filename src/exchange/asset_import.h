// Importing a unit's asset ledger (资产台账导入): a CSV or XLSX file → asset
// cards, all or nothing. The columns and accepted values are documented for
// clerks in docs/import-assets.md; AssetImportColumns() is the one list.
//
//   read (CSV UTF-8/GBK or XLSX) → find the header row → map columns
//   → one write transaction:
//       DirectoryService::ResolveOrCreate (departments, staff, locations by name)
//       AssetService::LoadValidationContext, CheckSerialsLeft
//       worker thread: parse + ValidateInput every row once, into cards,
//         collecting every error, chunk by chunk (chunk_rows) into a queue
//         of at most two chunks
//       this thread (owns the transaction): RegisterPrepared each chunk as
//         long as no row so far failed; after the first bad row it only
//         drains the queue (the worker still validates to the last row)
//       any error or dry run → roll back: nothing written, every bad row reported
//       else FinishBulk → commit
//
// Each row is parsed and validated once, and validating chunk N+1 overlaps
// writing chunk N. A bad file may have written chunks before its first bad
// row; they go with the rollback. on_progress is called on the caller's
// thread only (once a chunk).
//
// Memory: the file's Grid plus at most four chunks of Cards (one being
// validated, two queued, one being written); a 1,000,000-row file is never
// held as 1,000,000 cards. Errors kept for the report are capped
// (AssetImportOptions::max_errors); error_count counts them all.
//
// Thread-safe: a function over thread-safe services; runs on the caller's
// thread (a JobRegistry job for the console, the CLI's main thread) plus one
// worker thread of its own, joined before it returns.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "asset/directory_service.h"
#include "asset/service.h"
#include "auth/model.h"
#include "core/money.h"
#include "core/result.h"
#include "db/database.h"
#include "exchange/columns.h"
#include "exchange/error_report.h"
#include "exchange/reader.h"
#include "exchange/writer.h"

namespace minsheng::exchange {

// The import columns. Keys are CardInput's field names (department_id,
// custodian_id, manager_id and location_id take names that are resolved in
// the unit's directories), so the service's field errors land on the right
// column of the report.
const std::vector<ColumnSpec>& AssetImportColumns();

enum class ImportPhase { kReading, kValidating, kWriting };

struct AssetImportOptions {
  int64_t org_id = 0;        // the owning unit
  bool dry_run = false;      // validate and report; never write
  std::string batch_id;      // recorded on the register events and audit (the job id)
  ReadOptions read;          // sheet name, limits
  size_t chunk_rows = 10000; // rows validated and written as one batch (RegisterPrepared)
  size_t max_errors = 10000; // errors kept for the report
  // SQLite: the writer's page cache while the cards are written (MiB), so a
  // large import's index pages are not spilled and read back mid-transaction.
  int sqlite_cache_mb = 512;
  // Dropping the secondary indexes of `assets` for the import and building
  // them again before the commit (AssetStore::BulkOptions::rebuild_indexes).
  // kAuto: on SQLite when the file has at least AssetSettings::
  // import_rebuild_ratio rows per card already in the register, never on
  // PostgreSQL (DROP INDEX would block every reader of the cards until the
  // commit); kAlways: on both engines (`minsheng import assets --bulk`).
  enum class Rebuild { kAuto, kAlways, kNever };
  Rebuild rebuild_indexes = Rebuild::kAuto;
  // Rows done of total in a phase; called on the caller's thread once a
  // chunk: kWriting with the cards written while every row so far is valid,
  // kValidating with the rows validated on a dry run or after a bad row.
  std::function<void(ImportPhase phase, int64_t done, int64_t total)> on_progress;
};

struct AssetImportResult {
  int64_t rows = 0;        // data rows in the file
  int64_t imported = 0;    // cards written (0 on any error or a dry run)
  bool dry_run = false;
  Fen total_value;         // of the cards written (or that would be)
  int64_t error_count = 0; // all errors, including those past max_errors
  std::vector<RowError> errors;  // nothing was written when this is non-empty
  std::vector<UnknownColumn> unknown_columns;  // ignored columns
  asset::DirectoryNames added;  // directory entries added (would be added on a dry run)
  std::string first_number;     // asset numbers given, in file order
  std::string last_number;
  bool rebuilt_indexes = false; // the secondary indexes were dropped and built again

  bool ok() const { return error_count == 0; }
};

struct AssetImportServices {
  db::Database& db;
  asset::AssetService& assets;
  asset::DirectoryService& directories;
};

// Imports bytes (a whole CSV or XLSX file). Errors returned as Error are about
// the file as a whole (unreadable, no header, required columns missing) or
// the caller (no asset.write on the unit); problems with rows are in
// result.errors (and then nothing was written).
Result<AssetImportResult> ImportAssets(const AssetImportServices& services, const auth::Caller& caller,
                                       std::string_view bytes, const AssetImportOptions& options);

// The report rows of a file-level Error (one per field error, or one line).
std::vector<RowError> ReportOfFileError(const Error& e);

// {"imported":N,"rows":N,"error_count":N,"dry_run":b,
//  "added":{"departments":[…],"staff":[…],"locations":[…]}} — the job result.
std::string AssetImportResultJson(const AssetImportResult& r);

// The template clerks fill in: the Chinese headers and one example row; the
// XLSX has a second sheet "说明" describing every column.
Result<void> WriteAssetImportTemplate(FileFormat format, OutputTarget target);

}  // namespace minsheng::exchange
