#include "atelier/core/csv.h"

#include "atelier/core/strings.h"

namespace atelier {

CsvReader::CsvReader(std::istream& in, char separator) : in_(in), separator_(separator) {}

Result<bool> CsvReader::Next(std::vector<std::string>& fields) {
  fields.clear();
  std::string line;
  if (!std::getline(in_, line)) return false;
  record_line_ = next_line_;
  ++next_line_;
  bytes_read_ += static_cast<int64_t>(line.size()) + 1;
  if (first_) {
    first_ = false;
    if (line.size() >= 3 && static_cast<unsigned char>(line[0]) == 0xEF &&
        static_cast<unsigned char>(line[1]) == 0xBB && static_cast<unsigned char>(line[2]) == 0xBF) {
      line.erase(0, 3);
    }
  }
  std::string field;
  bool in_quotes = false;
  size_t i = 0;
  while (true) {
    if (i >= line.size()) {
      if (in_quotes) {
        // A newline inside a quoted field: the record continues on the next line.
        field += '\n';
        if (!std::getline(in_, line)) {
          return Error::InvalidArgument(
              "unterminated quoted field starting on line " + std::to_string(record_line_),
              "line " + std::to_string(record_line_));
        }
        ++next_line_;
        bytes_read_ += static_cast<int64_t>(line.size()) + 1;
        i = 0;
        continue;
      }
      break;
    }
    char c = line[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          field += '"';
          i += 2;
          continue;
        }
        in_quotes = false;
        ++i;
        continue;
      }
      field += c;
      ++i;
      continue;
    }
    if (c == '"' && field.empty()) {
      in_quotes = true;
      ++i;
      continue;
    }
    if (c == separator_) {
      fields.push_back(std::move(field));
      field.clear();
      ++i;
      continue;
    }
    if (c == '\r' && i + 1 == line.size()) {
      ++i;
      continue;
    }
    field += c;
    ++i;
  }
  fields.push_back(std::move(field));
  return true;
}

CsvHeader::CsvHeader(const std::vector<std::string>& names) {
  names_.reserve(names.size());
  for (const auto& n : names) names_.push_back(ToLower(Trim(n)));
}

std::optional<size_t> CsvHeader::Find(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return i;
  }
  return std::nullopt;
}

}  // namespace atelier
