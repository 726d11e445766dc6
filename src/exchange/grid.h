// Grid: the uniform table every reader produces (导入的统一表格) — rows of
// UTF-8 cells, each row with its 1-based row number in the source file (the
// number a clerk sees in Excel, or the record number of a CSV), so that every
// error can point back to the row the clerk must fix.
//
// Storage is compact: one byte arena plus 32-bit cell offsets, so a
// 1,000,000 × 25 sheet fits in a few hundred MB rather than 25 million
// std::string objects. Cells are string_views into the arena, valid while the
// Grid lives and until it is next modified.
//
// Blank rows (every cell empty or white space) are never stored and trailing
// blank cells are dropped: an empty line in a CSV or a formatted-but-empty
// Excel row carries nothing. Row numbers of the rows kept stay those of the
// file.
//
// Thread-safety: none for writes; concurrent const reads are fine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace minsheng::exchange {

class Grid {
 public:
  // Builds rows cell by cell without copies: BeginRow, then for each cell any
  // number of AppendToCell pieces followed by EndCell, then EndRow. EndRow
  // drops trailing blank cells and discards the row if all of it is blank.
  void BeginRow(int64_t source_row);
  void AppendToCell(std::string_view piece) { bytes_.append(piece); }
  void EndCell();
  void EndRow();
  // Cells closed so far in the open row.
  size_t OpenRowCellCount() const { return ends_.size() - open_ends_; }
  // Bytes of the cell being built (not yet closed).
  size_t OpenCellBytes() const;

  // Whole-row convenience over the builder.
  void AddRow(int64_t source_row, std::span<const std::string_view> cells);
  void AddRow(int64_t source_row, std::span<const std::string> cells);

  // Replaces row i's cells (used to fill merged cells). The old bytes are not
  // reclaimed; fine for the handful of rows this touches.
  void ReplaceRow(size_t i, std::span<const std::string> cells);
  // Drops rows [0, n): the header and anything above it.
  void DropFront(size_t n);

  size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  int64_t SourceRow(size_t i) const { return rows_[i].source_row; }
  size_t CellCount(size_t i) const { return rows_[i].count; }
  // "" for a column past the end of the row.
  std::string_view Cell(size_t i, size_t col) const;
  std::vector<std::string> RowStrings(size_t i) const;
  // Widest row.
  size_t MaxCellCount() const;
  // Index of the row with this source row number, if it was kept. Rows are
  // looked up by binary search when they were added in ascending order.
  std::optional<size_t> FindSourceRow(int64_t source_row) const;
  // Approximate heap bytes held, for measurements.
  size_t MemoryBytes() const;
  void Reserve(size_t rows, size_t cells, size_t bytes);

 private:
  struct RowRef {
    uint64_t data = 0;   // offset of the first cell's bytes in bytes_
    uint64_t ends = 0;   // index of the first cell end in ends_
    uint32_t count = 0;  // cells
    int64_t source_row = 0;
  };

  std::string bytes_;
  std::vector<uint32_t> ends_;  // cell end offsets, relative to RowRef::data
  std::vector<RowRef> rows_;
  bool ascending_ = true;
  // The open row.
  int64_t open_source_row_ = 0;
  size_t open_data_ = 0;
  size_t open_ends_ = 0;
  size_t open_cell_start_ = 0;
};

// True when s holds only ASCII white space and U+3000 (or nothing).
bool IsBlank(std::string_view s);

// "A", "B", … "Z", "AA" for a 0-based column index, as Excel labels columns.
std::string ColumnLetters(size_t index);

}  // namespace minsheng::exchange
