// Exporting asset cards (资产清单导出): any filtered list, as the caller may
// see it, to XLSX or CSV, streamed page by page so a million cards never sit
// in memory. Chinese headers; money in 元 with two decimals (numbers in
// "0.00" in XLSX); dates YYYY-MM-DD; accumulated depreciation and net value
// at the export date. The headers are the import's, so an exported file can
// be edited and imported again (the number and unit columns are then
// reported as unknown and ignored).
//
// Scoping is the service's: List returns only what the principal may see.
// Thread-safe: a function over the thread-safe AssetService.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "asset/service.h"
#include "auth/model.h"
#include "core/date.h"
#include "core/result.h"
#include "exchange/writer.h"

namespace minsheng::exchange {

std::vector<OutputColumn> AssetExportColumns();

// Cards per List call. AssetService::List merges the pages of each owning
// unit of a subtree (up to 64 units, limit + 1 cards each), so one call
// holds up to 64 × (page + 1) cards at once, while the cards read in all
// are the same whatever the page size. An HTTP export's pages run on
// whichever pool thread is free and glibc keeps freed memory in per-thread
// arenas, so that transient is paid once per thread: a small page keeps an
// export's memory small for a modest cost in time (measured in
// bench/RESULTS.md, "Issue 3 — streamed export").
inline constexpr int kExportPageSize = 100;

struct AssetExportOptions {
  std::optional<Date> value_at;  // depreciation date; default today (Shanghai)
  int page_size = kExportPageSize;
  // Rows written of total (total may be a lower bound for huge lists).
  std::function<void(int64_t done, int64_t total)> on_progress;
};

// Reads the cards of an export page by page (AssetService::List with its
// cursor) and writes them as rows. Open reads the first page, so a bad
// filter or scope fails before anything is written; WritePage writes the
// page in hand and reads the next. No connection or read transaction is
// held between pages (each List is its own short read), so an export never
// blocks writers for its whole length; cards changed meanwhile appear as
// the page that reaches them finds them (the cursor never repeats a card).
// Thread-safety: one thread at a time; the principal and the service must
// outlive the reader.
class AssetExportReader {
 public:
  static Result<std::unique_ptr<AssetExportReader>> Open(asset::AssetService& assets, const auth::Principal& who,
                                                         const asset::CardFilter& filter,
                                                         const AssetExportOptions& options = {});
  // Writes the page in hand; true when another page was read (call again),
  // false once every card has been written. Errors: the writer's, the service's.
  Result<bool> WritePage(TableWriter& writer);
  int64_t written() const { return written_; }
  // The list's count when the export started (a lower bound when capped).
  int64_t total() const { return total_; }
  bool total_capped() const { return total_capped_; }

 private:
  AssetExportReader(asset::AssetService& assets, const auth::Principal& who) : assets_(assets), who_(who) {}

  asset::AssetService& assets_;
  const auth::Principal& who_;
  asset::CardFilter filter_;
  Date at_;
  asset::CardPage page_;
  int64_t total_ = 0;
  bool total_capped_ = false;
  int64_t written_ = 0;
  std::vector<std::string> row_;
};

// Writes every card matching filter (its cursor and limit are ignored) and
// returns how many. Errors: the service's (bad filter), the writer's
// ("exchange.write_failed", "exchange.too_many_rows" past XLSX's limit).
Result<int64_t> ExportAssets(asset::AssetService& assets, const auth::Principal& who,
                             const asset::CardFilter& filter, FileFormat format, OutputTarget target,
                             const AssetExportOptions& options = {});

// "资产清单-20261122.xlsx"
std::string AssetExportFileName(FileFormat format, Date day);

}  // namespace minsheng::exchange
