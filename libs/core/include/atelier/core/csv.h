#pragma once
// Streaming RFC 4180 CSV reader.
//
// Reads one record at a time from an std::istream: quoted fields, doubled
// quotes, separators and newlines inside quotes, CRLF or LF line ends, a UTF-8
// BOM at the start. Memory is bounded by the largest record, so files far
// larger than memory stream through.
//
// Thread-safety: one reader per thread.

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "atelier/core/result.h"

namespace atelier {

class CsvReader {
 public:
  // REQUIRES: `in` outlives the reader.
  explicit CsvReader(std::istream& in, char separator = ',');

  // Reads the next record into `fields`. Returns false at end of input.
  // Returns an error (naming the line) for an unterminated quoted field.
  Result<bool> Next(std::vector<std::string>& fields);

  // 1-based line on which the record last returned by Next() starts.
  int64_t line() const { return record_line_; }
  // Bytes consumed so far (for progress bars).
  int64_t bytes_read() const { return bytes_read_; }

 private:
  std::istream& in_;
  char separator_;
  int64_t next_line_ = 1;
  int64_t record_line_ = 0;
  int64_t bytes_read_ = 0;
  bool first_ = true;
};

// Maps header names (trimmed, lower-cased) to column indexes.
class CsvHeader {
 public:
  explicit CsvHeader(const std::vector<std::string>& names);
  // Column index of `name`, or nullopt when the header lacks it.
  std::optional<size_t> Find(std::string_view name) const;
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;
};

}  // namespace atelier
