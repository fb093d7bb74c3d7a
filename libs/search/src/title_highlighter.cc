// TitleHighlighter: a port of the parts of Xapian 1.4's TermGenerator
// tokeniser (parse_terms) and MSet::snippet (SnipPipe::drain) that apply to a
// whole ASCII text, so that the output is byte for byte MSet::snippet's
// (search_index_test checks it against MSet::snippet).

#include "internal/title_highlighter.h"

#include <array>

namespace atelier::search::internal {
namespace {

// Character classes of the ASCII range, as Xapian::Unicode sees them.
struct AsciiClasses {
  std::array<bool, 128> word{};      // Unicode::is_wordchar
  std::array<bool, 128> space{};     // Unicode::is_whitespace
  std::array<bool, 128> leading{};   // kept before the first word of a snippet
  std::array<bool, 128> trailing{};  // kept after the last word of a snippet

  AsciiClasses() {
    using Xapian::Unicode::get_category;
    for (unsigned ch = 0; ch < 128; ++ch) {
      word[ch] = Xapian::Unicode::is_wordchar(ch);
      space[ch] = Xapian::Unicode::is_whitespace(ch);
      const bool currency = Xapian::Unicode::is_currency(ch);
      const auto category = get_category(ch);
      leading[ch] = currency || category == Xapian::Unicode::OPEN_PUNCTUATION ||
                    category == Xapian::Unicode::INITIAL_QUOTE_PUNCTUATION;
      trailing[ch] = currency || category == Xapian::Unicode::CLOSE_PUNCTUATION ||
                     category == Xapian::Unicode::FINAL_QUOTE_PUNCTUATION;
    }
    for (unsigned char ch : std::string_view("\"#%&'+-/<@\\`~")) leading[ch] = true;
    for (unsigned char ch : std::string_view("\"%'+-/>@\\`~")) trailing[ch] = true;
  }
};

const AsciiClasses& Classes() {
  static const AsciiClasses classes;
  return classes;
}

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char Lower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }


void CollectWildcards(const Xapian::Query& query, std::vector<std::string>& out, bool& usable) {
  if (query.get_type() == Xapian::Query::OP_WILDCARD) {
    std::string pattern;
    if (WildcardPattern(query, pattern)) {
      out.push_back(std::move(pattern));
    } else {
      usable = false;
    }
    return;
  }
  for (size_t i = 0; i < query.get_num_subqueries(); ++i) {
    CollectWildcards(query.get_subquery(i), out, usable);
  }
}

}  // namespace

bool WildcardPattern(const Xapian::Query& query, std::string& pattern) {
  const std::string desc = query.get_description();
  const std::string_view head = "Query(WILDCARD ";
  if (desc.size() < head.size() + 1 || desc.compare(0, head.size(), head) != 0 ||
      desc.back() != ')') {
    return false;
  }
  const size_t space = desc.find(' ', head.size());
  if (space == std::string::npos) return false;
  pattern = desc.substr(space + 1, desc.size() - space - 2);
  // Escaped or unusual bytes: leave those to MSet::snippet.
  for (char c : pattern) {
    if (static_cast<unsigned char>(c) >= 128 || c == '\\' || c == ' ' || c == ')') return false;
  }
  return !pattern.empty();
}

void AppendHtmlEscaped(std::string_view text, std::string& out) {
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
}

TitleHighlighter::TitleHighlighter(const Xapian::Query& query, const Xapian::Stem& stem)
    : stem_(stem) {
  for (auto it = query.get_terms_begin(); it != query.get_terms_end(); ++it) {
    const std::string& term = *it;
    if (term.size() > 1 && term[0] == 'Z') stem_initial_[static_cast<unsigned char>(term[1])] = true;
    terms_.insert(term);
  }
  CollectWildcards(query, wildcards_, usable_);
}

bool TitleHighlighter::Matches(const std::string& word) {
  // As MSet::snippet: the word itself, then its stem, then the wildcards.
  if (terms_.count(word) != 0) return true;
  if (stem_initial_[static_cast<unsigned char>(word[0])]) {
    auto it = stem_matches_.find(word);
    if (it == stem_matches_.end()) {
      it = stem_matches_.emplace(word, terms_.count("Z" + stem_(word)) != 0).first;
    }
    if (it->second) return true;
  }
  for (const std::string& pattern : wildcards_) {
    if (word.compare(0, pattern.size(), pattern) == 0) return true;
  }
  return false;
}

bool TitleHighlighter::Highlight(std::string_view text, const std::string& mark_start,
                                 const std::string& mark_end, std::string& out) {
  if (!usable_) return false;
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 128) return false;
  }
  const AsciiClasses& cls = Classes();
  auto is_word = [&](size_t i) { return cls.word[static_cast<unsigned char>(text[i])]; };
  const size_t n = text.size();
  constexpr size_t kMaxWordLength = 64;  // MSet::snippet skips longer words

  // Tokenise (TermGenerator's parse_terms): for each word, the offset of its
  // end and whether it matches. A word's "segment" runs from the previous
  // word's end to its own end.
  struct Segment {
    size_t end;
    bool highlight;
  };
  std::vector<Segment> segments;
  size_t i = 0;
  while (true) {
    while (i < n && !is_word(i)) ++i;
    if (i == n) break;
    std::string& term = word_;
    term.clear();
    bool done = false;
    // Initials separated by '.' ("U.S.A.") make one word.
    if (IsUpper(text[i])) {
      size_t p = i;
      do {
        term += Lower(text[p++]);
      } while (p != n && text[p] == '.' && ++p != n && IsUpper(text[p]));
      if (term.size() > 1 && (p == n || !is_word(p))) {
        i = p;
        done = true;
      } else {
        term.clear();
      }
    }
    if (!done) {
      char ch = Lower(text[i]);
      while (true) {
        char prev;
        bool at_end = false;
        do {
          term += ch;
          prev = ch;
          if (++i == n) {
            at_end = true;
            break;
          }
          ch = is_word(i) ? Lower(text[i]) : 0;
        } while (ch != 0);
        if (at_end) {
          done = true;
          break;
        }
        // text[i] is not a word character: an infix ("AT&T", "1,000") joins
        // the words on either side.
        const size_t next = i + 1;
        if (next == n || !is_word(next)) break;
        const char infix = text[i];
        const bool joins = IsDigit(prev) && IsDigit(text[next])
                               ? (infix == ',' || infix == '.' || infix == ';')
                               : (infix == '\'' || infix == '&');
        if (!joins) break;
        term += infix;
        ch = Lower(text[next]);
        i = next;
      }
      if (!done) {
        // Up to three '+' or '#' suffixes ("C++", "C#"), unless a word
        // character follows them.
        const size_t len = term.size();
        unsigned count = 0;
        while (text[i] == '+' || text[i] == '#') {
          if (++count > 3) {
            term.resize(len);
            break;
          }
          term += text[i];
          if (++i == n) {
            done = true;
            break;
          }
        }
        if (!done && is_word(i)) term.resize(len);
      }
    }
    if (term.size() > kMaxWordLength) continue;
    segments.push_back({i, Matches(term)});
  }

  // Assemble (SnipPipe::drain for a pipe holding the whole text).
  size_t begin = 0;
  for (size_t s = 0; s < segments.size(); ++s) {
    const Segment& segment = segments[s];
    if (s == 0) {
      // Leading punctuation that carries meaning is kept, at most 4 bytes.
      for (size_t k = 0; k < segment.end; ++k) {
        const unsigned char ch = static_cast<unsigned char>(text[k]);
        if (cls.word[ch]) {
          if (k - begin > 4) begin = k;
          break;
        }
        if (!cls.leading[ch]) begin = k + 1;
      }
    }
    if (segment.highlight) {
      size_t k = begin;
      while (k < n && !is_word(k)) ++k;
      AppendHtmlEscaped(text.substr(begin, k - begin), out);
      begin = k;
      out += mark_start;
    }
    AppendHtmlEscaped(text.substr(begin, segment.end - begin), out);
    begin = segment.end;
    if (segment.highlight) out += mark_end;
  }

  // After the last word: end-of-sentence punctuation, else up to 4
  // characters of meaningful trailing punctuation.
  const size_t last = begin;
  if (last == n) return true;
  bool sentence_end = false;
  size_t k = last;
  for (; k < n; ++k) {
    const unsigned char ch = static_cast<unsigned char>(text[k]);
    if (sentence_end && cls.space[ch]) break;
    sentence_end = ch == '.' || ch == '?' || ch == '!';
    if (cls.word[ch]) break;
  }
  if (sentence_end) {
    AppendHtmlEscaped(text.substr(last, k - last), out);
    return true;
  }
  int trailing = 0;
  for (k = last; k < n && cls.trailing[static_cast<unsigned char>(text[k])]; ++k) {
    if (++trailing > 4) {
      trailing = 0;
      break;
    }
  }
  if (trailing != 0) AppendHtmlEscaped(text.substr(last, k - last), out);
  return true;
}

}  // namespace atelier::search::internal
