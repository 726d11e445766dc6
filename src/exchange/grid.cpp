#include "exchange/grid.h"

#include <algorithm>
#include <cassert>

namespace minsheng::exchange {

bool IsBlank(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
    } else if (s.substr(i, 3) == "\xE3\x80\x80") {
      i += 3;
    } else {
      return false;
    }
  }
  return true;
}

std::string ColumnLetters(size_t index) {
  std::string out;
  size_t n = index + 1;
  while (n > 0) {
    const size_t rem = (n - 1) % 26;
    out.insert(out.begin(), static_cast<char>('A' + rem));
    n = (n - 1) / 26;
  }
  return out;
}

void Grid::BeginRow(int64_t source_row) {
  open_source_row_ = source_row;
  open_data_ = bytes_.size();
  open_ends_ = ends_.size();
  open_cell_start_ = bytes_.size();
}

size_t Grid::OpenCellBytes() const { return bytes_.size() - open_cell_start_; }

void Grid::EndCell() {
  // Rows are bounded by the readers' cell and column limits, far below 4 GiB.
  assert(bytes_.size() - open_data_ <= UINT32_MAX && "Grid row larger than 4 GiB");
  ends_.push_back(static_cast<uint32_t>(bytes_.size() - open_data_));
  open_cell_start_ = bytes_.size();
}

void Grid::EndRow() {
  // Drop trailing blank cells.
  while (ends_.size() > open_ends_) {
    const size_t last = ends_.size() - 1;
    const size_t begin = last == open_ends_ ? 0 : ends_[last - 1];
    const std::string_view cell(bytes_.data() + open_data_ + begin, ends_[last] - begin);
    if (!IsBlank(cell)) break;
    ends_.pop_back();
  }
  if (ends_.size() == open_ends_) {  // nothing but blanks: discard
    bytes_.resize(open_data_);
    open_cell_start_ = bytes_.size();
    return;
  }
  bytes_.resize(open_data_ + ends_.back());
  if (!rows_.empty() && open_source_row_ <= rows_.back().source_row) ascending_ = false;
  rows_.push_back(RowRef{open_data_, open_ends_, static_cast<uint32_t>(ends_.size() - open_ends_),
                         open_source_row_});
  open_data_ = bytes_.size();
  open_ends_ = ends_.size();
  open_cell_start_ = bytes_.size();
}

void Grid::AddRow(int64_t source_row, std::span<const std::string_view> cells) {
  BeginRow(source_row);
  for (const auto cell : cells) {
    AppendToCell(cell);
    EndCell();
  }
  EndRow();
}

void Grid::AddRow(int64_t source_row, std::span<const std::string> cells) {
  BeginRow(source_row);
  for (const auto& cell : cells) {
    AppendToCell(cell);
    EndCell();
  }
  EndRow();
}

void Grid::ReplaceRow(size_t i, std::span<const std::string> cells) {
  const bool ascending = ascending_;
  const size_t before = rows_.size();
  AddRow(rows_[i].source_row, cells);
  if (rows_.size() == before) {  // the new content is blank: keep an empty row
    rows_[i].count = 0;
    return;
  }
  rows_[i] = rows_.back();
  rows_.pop_back();
  ascending_ = ascending;
}

void Grid::DropFront(size_t n) {
  n = std::min(n, rows_.size());
  rows_.erase(rows_.begin(), rows_.begin() + static_cast<std::ptrdiff_t>(n));
}

std::string_view Grid::Cell(size_t i, size_t col) const {
  const RowRef& r = rows_[i];
  if (col >= r.count) return {};
  const uint32_t end = ends_[r.ends + col];
  const uint32_t begin = col == 0 ? 0 : ends_[r.ends + col - 1];
  return {bytes_.data() + r.data + begin, end - begin};
}

std::vector<std::string> Grid::RowStrings(size_t i) const {
  std::vector<std::string> out;
  out.reserve(rows_[i].count);
  for (size_t c = 0; c < rows_[i].count; ++c) out.emplace_back(Cell(i, c));
  return out;
}

size_t Grid::MaxCellCount() const {
  size_t m = 0;
  for (const auto& r : rows_) m = std::max<size_t>(m, r.count);
  return m;
}

std::optional<size_t> Grid::FindSourceRow(int64_t source_row) const {
  if (ascending_) {
    const auto it = std::lower_bound(
        rows_.begin(), rows_.end(), source_row,
        [](const RowRef& r, int64_t v) { return r.source_row < v; });
    if (it != rows_.end() && it->source_row == source_row) {
      return static_cast<size_t>(it - rows_.begin());
    }
    return std::nullopt;
  }
  for (size_t i = 0; i < rows_.size(); ++i) {
    if (rows_[i].source_row == source_row) return i;
  }
  return std::nullopt;
}

size_t Grid::MemoryBytes() const {
  return bytes_.capacity() + ends_.capacity() * sizeof(uint32_t) + rows_.capacity() * sizeof(RowRef);
}

void Grid::Reserve(size_t rows, size_t cells, size_t bytes) {
  rows_.reserve(rows);
  ends_.reserve(cells);
  bytes_.reserve(bytes);
}

}  // namespace minsheng::exchange
