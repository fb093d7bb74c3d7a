#include "internal/query_words.h"

#include <xapian.h>

namespace atelier::search::internal {

std::string LowerUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (Xapian::Utf8Iterator it(text.data(), text.size()); it != Xapian::Utf8Iterator(); ++it) {
    Xapian::Unicode::append_utf8(out, Xapian::Unicode::tolower(*it));
  }
  return out;
}

std::vector<QueryWord> SplitWords(std::string_view lowered) {
  std::vector<QueryWord> words;
  const char* base = lowered.data();
  Xapian::Utf8Iterator it(base, lowered.size());
  const Xapian::Utf8Iterator end;
  while (it != end) {
    if (!Xapian::Unicode::is_wordchar(*it)) {
      ++it;
      continue;
    }
    QueryWord word;
    word.begin = static_cast<size_t>(it.raw() - base);
    while (it != end && Xapian::Unicode::is_wordchar(*it)) ++it;
    word.end = it == end ? lowered.size() : static_cast<size_t>(it.raw() - base);
    word.text.assign(lowered.substr(word.begin, word.end - word.begin));
    words.push_back(std::move(word));
  }
  return words;
}

std::string ReplaceWords(std::string_view lowered, const std::vector<QueryWord>& words,
                         const std::vector<std::string>& replacements) {
  std::string out;
  size_t pos = 0;
  for (size_t i = 0; i < words.size(); ++i) {
    out.append(lowered.substr(pos, words[i].begin - pos));
    out.append(replacements[i].empty() ? words[i].text : replacements[i]);
    pos = words[i].end;
  }
  out.append(lowered.substr(pos));
  return out;
}

}  // namespace atelier::search::internal
