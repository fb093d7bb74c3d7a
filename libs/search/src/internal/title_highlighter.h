#pragma once
// Highlights the words of a product title that match a query: the same text
// Xapian's MSet::snippet returns for a whole title (length > title size, no
// flags, empty omit marker), computed without it.
//
// MSet::snippet re-derives the query's terms and weights and stems every word
// of the text on each call; a search highlights 20 titles of ~10 words each.
// TitleHighlighter collects the query's terms and wildcard patterns once per
// query, tokenises a title as Xapian's TermGenerator does, and stems only the
// words whose first letter starts one of the query's stemmed terms (the
// English stemmer keeps a word's first letter). It handles ASCII titles;
// Highlight() returns false for any other title (and for queries it cannot
// read), and the caller uses MSet::snippet instead.
//
// Thread-safety: one instance per query and thread (it caches stems).

#include <xapian.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace atelier::search::internal {

// The pattern of an OP_WILDCARD query, read from its description
// ("Query(WILDCARD <combiner> <pattern>)"); false when it looks different or
// holds bytes outside printable ASCII.
bool WildcardPattern(const Xapian::Query& query, std::string& pattern);

// Appends `text` to `out` escaped as MSet::snippet escapes (&, <, >).
void AppendHtmlEscaped(std::string_view text, std::string& out);

class TitleHighlighter {
 public:
  // `query`: the query the matcher ran. REQUIRES: `stem` outlives this object.
  TitleHighlighter(const Xapian::Query& query, const Xapian::Stem& stem);

  // Appends `title`, HTML-escaped, with matching words wrapped in
  // `mark_start`/`mark_end`, to `out`. Returns false (and appends nothing)
  // when the title is not ASCII or the query could not be read.
  bool Highlight(std::string_view title, const std::string& mark_start,
                 const std::string& mark_end, std::string& out);

 private:
  bool Matches(const std::string& word);

  const Xapian::Stem& stem_;
  bool usable_ = true;
  std::unordered_set<std::string> terms_;  // leaf terms of the query
  std::vector<std::string> wildcards_;     // OP_WILDCARD patterns
  bool stem_initial_[256] = {};            // first letters of the stemmed ("Z") terms
  std::unordered_map<std::string, bool> stem_matches_;  // word -> Z+stem(word) in terms_
  std::string word_;                                    // scratch
};

}  // namespace atelier::search::internal
