#pragma once
// Splitting query text into words the way Xapian's QueryParser sees them,
// keeping byte offsets so that a corrected word can be put back in place.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace atelier::search::internal {

struct QueryWord {
  std::string text;   // lower case
  size_t begin = 0;   // byte offsets in the lower-cased query
  size_t end = 0;
};

// Unicode-aware lower case of UTF-8 text (invalid bytes pass through).
std::string LowerUtf8(std::string_view text);

// Maximal runs of Unicode word characters of `lowered`.
std::vector<QueryWord> SplitWords(std::string_view lowered);

// `lowered` with each word i replaced by replacements[i] (unchanged when
// empty). REQUIRES: words come from SplitWords(lowered), replacements.size()
// == words.size().
std::string ReplaceWords(std::string_view lowered, const std::vector<QueryWord>& words,
                         const std::vector<std::string>& replacements);

}  // namespace atelier::search::internal
