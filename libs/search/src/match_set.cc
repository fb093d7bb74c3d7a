#include "internal/match_set.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string_view>
#include <utility>

#include "internal/schema.h"
#include "internal/title_highlighter.h"

namespace atelier::search::internal {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
// Relative slack on each term's weight bounds, far above the rounding of
// Xapian's and our arithmetic (a few ulps).
constexpr double kSlack = 1e-9;

// BM25Weight's termweight for a term in `termfreq` of `doc_count` documents,
// without relevance information, wqf 1 and k3 = 1 (Xapian 1.4's formula,
// including its adjustment of small idf values), times (k1 + 1).
double TermWeight(double termfreq, double doc_count, double k1) {
  double tw = (doc_count - termfreq + 0.5) / (termfreq + 0.5);
  if (tw < 2) tw = tw * 0.5 + 1;
  return std::log(tw) * (k1 + 1);
}

// Bounds on the frequency Xapian 1.4 gives a synonym of terms of
// frequencies `tfs` in `n` documents: it estimates the union's frequency
// assuming independence, pairwise up an OR tree (each step rounded), which
// lies between the largest frequency and their sum, and within a few units
// of n * (1 - prod(1 - tf / n)). False when no useful bound exists (a sum
// beyond n, where the termweight can turn negative).
bool SynonymFrequency(const std::vector<uint32_t>& tfs, double n, double& low, double& high) {
  double max = 0, sum = 0, miss = 1;
  for (uint32_t tf : tfs) {
    max = std::max(max, static_cast<double>(tf));
    sum += tf;
    miss *= 1 - static_cast<double>(tf) / n;
  }
  if (sum > n) return false;
  low = max;
  high = sum;
  // The products of the pairwise steps stay below 2^32 (no overflow in
  // unsigned arithmetic) when the sum is below 2^17.
  if (sum < 131072) {
    const double independent = n * (1 - miss);
    const double margin = 2.0 * static_cast<double>(tfs.size()) + 2;
    low = std::max(low, independent - margin);
    high = std::min(high, independent + margin);
  }
  return true;
}

struct Evaluator {
  const MatchContext& context;
  std::set<std::string> seen;  // every term the query weighs, to refuse repeats

  // Matches of one weighted term or synonym, with a termweight between those
  // of termfreqs `tf_low` and `tf_high` (`usable` false: unknown).
  WeightedMatches Weighted(const TermPostings& postings, bool usable, double tf_low,
                           double tf_high) const {
    WeightedMatches out;
    const size_t size = postings.docids.size();
    out.docids = postings.docids;
    out.low.resize(size);
    out.high.resize(size);
    if (!usable) {
      std::fill(out.low.begin(), out.low.end(), -kInfinity);
      std::fill(out.high.begin(), out.high.end(), kInfinity);
      return out;
    }
    const double n = context.doc_count;
    const double w_high = TermWeight(tf_low, n, context.k1) * (1 + kSlack);
    const double w_low = TermWeight(tf_high, n, context.k1) * (1 - kSlack);
    for (size_t i = 0; i < size; ++i) {
      out.low[i] = w_low * postings.parts[i];
      out.high[i] = w_high * postings.parts[i];
    }
    return out;
  }

  static WeightedMatches And(const WeightedMatches& a, const WeightedMatches& b) {
    WeightedMatches out;
    const size_t most = std::min(a.docids.size(), b.docids.size());
    out.docids.reserve(most);
    out.low.reserve(most);
    out.high.reserve(most);
    size_t i = 0, j = 0;
    while (i < a.docids.size() && j < b.docids.size()) {
      if (a.docids[i] < b.docids[j]) {
        ++i;
      } else if (b.docids[j] < a.docids[i]) {
        ++j;
      } else {
        out.docids.push_back(a.docids[i]);
        out.low.push_back(a.low[i] + b.low[j]);
        out.high.push_back(a.high[i] + b.high[j]);
        ++i;
        ++j;
      }
    }
    return out;
  }

  static WeightedMatches Or(const WeightedMatches& a, const WeightedMatches& b) {
    WeightedMatches out;
    out.docids.reserve(a.docids.size() + b.docids.size());
    out.low.reserve(a.docids.size() + b.docids.size());
    out.high.reserve(a.docids.size() + b.docids.size());
    size_t i = 0, j = 0;
    while (i < a.docids.size() || j < b.docids.size()) {
      if (j == b.docids.size() || (i < a.docids.size() && a.docids[i] < b.docids[j])) {
        out.docids.push_back(a.docids[i]);
        out.low.push_back(a.low[i]);
        out.high.push_back(a.high[i]);
        ++i;
      } else if (i == a.docids.size() || b.docids[j] < a.docids[i]) {
        out.docids.push_back(b.docids[j]);
        out.low.push_back(b.low[j]);
        out.high.push_back(b.high[j]);
        ++j;
      } else {
        out.docids.push_back(a.docids[i]);
        out.low.push_back(a.low[i] + b.low[j]);
        out.high.push_back(a.high[i] + b.high[j]);
        ++i;
        ++j;
      }
    }
    return out;
  }

  std::optional<WeightedMatches> Eval(const Xapian::Query& query) {
    switch (query.get_type()) {
      case Xapian::Query::LEAF_MATCH_NOTHING:
        return WeightedMatches{};
      case Xapian::Query::LEAF_TERM: {
        if (query.get_length() != 1) return std::nullopt;  // wqf other than 1
        auto it = query.get_terms_begin();
        if (it == query.get_terms_end()) return std::nullopt;
        const std::string term = *it;
        if (term.empty() || !seen.insert(term).second) return std::nullopt;
        auto postings = context.cache.Postings(context.db, term);
        const double tf = static_cast<double>(postings->docids.size());
        // A term in more documents than the index holds cannot be; refuse.
        return Weighted(*postings, tf <= context.doc_count, tf, tf);
      }
      case Xapian::Query::OP_WILDCARD: {
        std::string pattern;
        const std::string head = "Query(WILDCARD SYNONYM ";
        if (query.get_description().compare(0, head.size(), head) != 0 ||
            !WildcardPattern(query, pattern)) {
          return std::nullopt;
        }
        auto expansion = context.cache.Expand(context.db, pattern, context.max_expansion);
        if (!expansion->exact) return std::nullopt;
        if (expansion->terms.empty()) return WeightedMatches{};
        for (const std::string& term : expansion->terms) {
          if (!seen.insert(term).second) return std::nullopt;
        }
        double tf_low = 0, tf_high = 0;
        const bool usable = SynonymFrequency(expansion->termfreqs, context.doc_count, tf_low, tf_high);
        return Weighted(*expansion->merged, usable, tf_low, tf_high);
      }
      case Xapian::Query::OP_AND:
      case Xapian::Query::OP_OR: {
        const bool is_and = query.get_type() == Xapian::Query::OP_AND;
        std::optional<WeightedMatches> acc;
        for (size_t i = 0; i < query.get_num_subqueries(); ++i) {
          auto sub = Eval(query.get_subquery(i));
          if (!sub) return std::nullopt;
          if (!acc) {
            acc = std::move(sub);
          } else {
            acc = is_and ? And(*acc, *sub) : Or(*acc, *sub);
          }
        }
        if (!acc) return std::nullopt;
        return acc;
      }
      default:
        return std::nullopt;
    }
  }
};

}  // namespace

Xapian::Query ParseQueryText(const Xapian::Database& db, const Xapian::Stem& stem,
                             const std::string& text, Xapian::Query::op default_op,
                             uint32_t max_expansion) {
  Xapian::QueryParser parser;
  parser.set_database(db);
  parser.set_stemmer(stem);
  parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
  parser.set_default_op(default_op);
  // The word being typed matches its most frequent completions only: a
  // short prefix ("fo") has hundreds, each one more posting list to merge.
  parser.set_max_expansion(max_expansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                           Xapian::QueryParser::FLAG_PARTIAL);
  parser.add_prefix("title", kTitlePrefix);
  parser.add_prefix("brand", kBrandTextPrefix);
  // No phrase or boolean syntax: shoppers type words, and "and"/"not" are
  // words to them. The index has no positions.
  return parser.parse_query(
      text, Xapian::QueryParser::FLAG_PARTIAL | Xapian::QueryParser::FLAG_NO_POSITIONS);
}

std::shared_ptr<const TermPostings> PostingCache::Keep(
    std::unordered_map<std::string, std::shared_ptr<const TermPostings>>& map,
    const std::string& key, std::shared_ptr<const TermPostings> postings) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = map.emplace(key, nullptr);
  if (!inserted) return it->second;  // made meanwhile by another search
  if (cached_postings_ + postings->docids.size() > max_postings_) {
    map.erase(it);
    return postings;
  }
  cached_postings_ += postings->docids.size();
  it->second = std::move(postings);
  return it->second;
}

std::shared_ptr<const TermPostings> PostingCache::Postings(Xapian::Database& db,
                                                           const std::string& term) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = terms_.find(term);
    if (it != terms_.end()) return it->second;
  }
  auto postings = std::make_shared<TermPostings>();
  const Xapian::doccount tf = db.get_termfreq(term);
  postings->docids.reserve(tf);
  postings->wdfs.reserve(tf);
  postings->parts.reserve(tf);
  for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
    const Xapian::termcount wdf = it.get_wdf();
    postings->docids.push_back(*it);
    postings->wdfs.push_back(wdf);
    postings->parts.push_back(static_cast<double>(wdf) / (k1_ + static_cast<double>(wdf)));
  }
  return Keep(terms_, term, std::move(postings));
}

std::shared_ptr<const WildcardExpansion> PostingCache::Expand(Xapian::Database& db,
                                                              const std::string& pattern,
                                                              uint32_t limit) const {
  const std::string key = pattern + '\0' + std::to_string(limit);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = expansions_.find(key);
    if (it != expansions_.end()) return it->second;
  }
  std::vector<std::pair<uint32_t, std::string>> all;  // termfreq, term
  for (auto it = db.allterms_begin(pattern); it != db.allterms_end(pattern); ++it) {
    all.emplace_back(it.get_termfreq(), *it);
  }
  auto expansion = std::make_shared<WildcardExpansion>();
  if (limit > 0 && all.size() > limit) {
    // Xapian keeps the `limit` most frequent (nth_element): exact unless the
    // limit falls inside a run of equal frequencies.
    std::stable_sort(all.begin(), all.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    expansion->exact = all[limit - 1].first != all[limit].first;
    all.resize(limit);
    std::sort(all.begin(), all.end(),
              [](const auto& a, const auto& b) { return a.second < b.second; });
  }
  for (auto& [tf, term] : all) {
    expansion->terms.push_back(std::move(term));
    expansion->termfreqs.push_back(tf);
  }
  if (expansion->exact) {
    // The terms' postings merged, wdfs summed (a synonym's wdf).
    std::vector<std::pair<uint32_t, uint32_t>> merged;  // docid, wdf
    for (const std::string& term : expansion->terms) {
      auto postings = Postings(db, term);
      for (size_t i = 0; i < postings->docids.size(); ++i) {
        merged.emplace_back(postings->docids[i], postings->wdfs[i]);
      }
    }
    std::sort(merged.begin(), merged.end());
    auto out = std::make_shared<TermPostings>();
    for (const auto& [docid, wdf] : merged) {
      if (!out->docids.empty() && out->docids.back() == docid) {
        out->wdfs.back() += wdf;
      } else {
        out->docids.push_back(docid);
        out->wdfs.push_back(wdf);
      }
    }
    out->parts.reserve(out->wdfs.size());
    for (uint32_t wdf : out->wdfs) {
      out->parts.push_back(static_cast<double>(wdf) / (k1_ + static_cast<double>(wdf)));
    }
    expansion->merged = std::move(out);
  }
  const size_t size = expansion->merged ? expansion->merged->docids.size() : 0;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = expansions_.find(key);
  if (it != expansions_.end()) return it->second;  // made meanwhile by another search
  if (cached_postings_ + size > max_postings_) return expansion;
  cached_postings_ += size;
  return expansions_.emplace(key, std::move(expansion)).first->second;
}

std::unique_ptr<PostingCache> PostingCache::Derive(const std::vector<std::string>& changed) const {
  auto out = std::make_unique<PostingCache>(max_postings_, k1_);
  auto is_changed = [&](const std::string& term) {
    return std::binary_search(changed.begin(), changed.end(), term);
  };
  // Some changed term starts with `pattern` (the first one not below it does
  // when any does).
  auto covers_changed = [&](std::string_view pattern) {
    auto it = std::lower_bound(changed.begin(), changed.end(), pattern);
    return it != changed.end() && std::string_view(*it).substr(0, pattern.size()) == pattern;
  };
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [term, postings] : terms_) {
    if (is_changed(term)) continue;
    out->terms_.emplace(term, postings);
    out->cached_postings_ += postings->docids.size();
  }
  for (const auto& [key, expansion] : expansions_) {
    const std::string_view pattern = std::string_view(key).substr(0, key.find('\0'));
    if (covers_changed(pattern)) continue;
    out->expansions_.emplace(key, expansion);
    if (expansion->merged) out->cached_postings_ += expansion->merged->docids.size();
  }
  return out;
}

std::optional<WeightedMatches> Evaluate(const Xapian::Query& query, const MatchContext& context) {
  Evaluator evaluator{context, {}};
  return evaluator.Eval(query);
}

void Restrict(WeightedMatches& matches, const std::vector<uint32_t>& allowed) {
  size_t w = 0, j = 0;
  for (size_t i = 0; i < matches.docids.size(); ++i) {
    const uint32_t d = matches.docids[i];
    while (j < allowed.size() && allowed[j] < d) ++j;
    if (j == allowed.size()) break;
    if (allowed[j] != d) continue;
    matches.docids[w] = d;
    matches.low[w] = matches.low[i];
    matches.high[w] = matches.high[i];
    ++w;
  }
  matches.docids.resize(w);
  matches.low.resize(w);
  matches.high.resize(w);
}

std::vector<uint32_t> RelevanceCandidates(const WeightedMatches& matches, size_t needed) {
  if (matches.docids.size() <= needed || needed == 0) return matches.docids;
  std::vector<double> lows = matches.low;
  auto nth = lows.begin() + static_cast<std::ptrdiff_t>(needed - 1);
  std::nth_element(lows.begin(), nth, lows.end(), std::greater<double>());
  const double threshold = *nth;
  std::vector<uint32_t> out;
  for (size_t i = 0; i < matches.docids.size(); ++i) {
    if (matches.high[i] >= threshold) out.push_back(matches.docids[i]);
  }
  return out;
}

std::vector<uint32_t> KeyCandidates(const std::vector<uint32_t>& docids,
                                    const std::vector<double>& keys, bool descending,
                                    size_t needed) {
  if (docids.size() <= needed || needed == 0) return docids;
  std::vector<double> sorted = keys;
  auto nth = sorted.begin() + static_cast<std::ptrdiff_t>(needed - 1);
  if (descending) {
    std::nth_element(sorted.begin(), nth, sorted.end(), std::greater<double>());
  } else {
    std::nth_element(sorted.begin(), nth, sorted.end());
  }
  const double threshold = *nth;
  std::vector<uint32_t> out;
  for (size_t i = 0; i < docids.size(); ++i) {
    if (descending ? keys[i] >= threshold : keys[i] <= threshold) out.push_back(docids[i]);
  }
  return out;
}

void DocidListSource::next(double) {
  if (!started_) {
    started_ = true;
    pos_ = 0;
  } else {
    ++pos_;
  }
}

void DocidListSource::skip_to(Xapian::docid did, double) {
  if (!started_) {
    started_ = true;
    pos_ = 0;
  }
  if (pos_ < docids_.size() && docids_[pos_] >= did) return;
  pos_ = static_cast<size_t>(
      std::lower_bound(docids_.begin() + static_cast<std::ptrdiff_t>(pos_), docids_.end(), did) -
      docids_.begin());
}

}  // namespace atelier::search::internal
