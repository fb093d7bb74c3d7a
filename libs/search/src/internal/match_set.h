#pragma once
// A query's match set computed from posting lists held in memory.
//
// Xapian's matcher weighs every match to rank a page, and the search keeps
// totals exact and counts facets over the whole match set, so a query with
// 10,000 matches costs 10,000 weight computations, match spy calls and
// posting-list block reads. Here the posting lists of the terms a query uses
// are decoded from the database once (PostingCache, shared by all searches of
// an index) and the match set is computed by merging sorted docid arrays;
// each match gets bounds on the BM25 weight Xapian would give it. The total
// and the facets come from the match set; Xapian then ranks only the
// candidates (Candidates) that can reach the requested page, under the same
// query, so every weight, order and tie-break on the page is Xapian's own.
//
// Exactness: the match set is Xapian's (same terms, same wildcard
// expansion; shapes it cannot reproduce exactly are refused and the caller
// uses the matcher alone). The weight bounds hold for BM25 with b = 0 (the
// index folds length normalisation into the wdf): a term's part is
// termweight * wdf / (k1 + wdf) with termweight depending only on its
// document frequency, known exactly for a term and bracketed for a
// wildcard's synonym (Xapian estimates the frequency of the union).
//
// Thread-safety: PostingCache is safe to use concurrently; the rest is per
// search.

#include <xapian.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace atelier::search::internal {

// The query Search() runs for `text` (lower case): English stemming, every
// word (default_op OP_AND) or any word (OP_OR), the last word also as a
// prefix expanded to its `max_expansion` most frequent completions,
// `title:` and `brand:` field prefixes, no phrase or boolean syntax.
Xapian::Query ParseQueryText(const Xapian::Database& db, const Xapian::Stem& stem,
                             const std::string& text, Xapian::Query::op default_op,
                             uint32_t max_expansion);

// The postings of one term (or of a wildcard's terms merged, wdfs summed):
// docids ascending, with each one's wdf and BM25 wdf factor wdf / (k1 + wdf).
struct TermPostings {
  std::vector<uint32_t> docids;
  std::vector<uint32_t> wdfs;
  std::vector<double> parts;
};

// The terms an OP_WILDCARD pattern expands to, with their frequencies.
struct WildcardExpansion {
  std::vector<std::string> terms;
  std::vector<uint32_t> termfreqs;
  bool exact = true;  // false: Xapian's choice at the limit is a tie we cannot reproduce
  std::shared_ptr<const TermPostings> merged;  // the terms' postings merged (when exact)
};

class PostingCache {
 public:
  // Keeps at most `max_postings` postings in memory (terms beyond that are
  // decoded for each use and not kept); `k1` is the BM25 k1 of
  // TermPostings::parts.
  PostingCache(size_t max_postings, double k1) : max_postings_(max_postings), k1_(k1) {}

  // The postings of `term` on `db` (decoded on first use). `db` is any read
  // handle on the index this cache belongs to.
  std::shared_ptr<const TermPostings> Postings(Xapian::Database& db, const std::string& term) const;

  // The expansion of prefix `pattern` to at most `limit` terms as Xapian's
  // WILDCARD_LIMIT_MOST_FREQUENT chooses them (the most frequent ones), with
  // their postings merged.
  std::shared_ptr<const WildcardExpansion> Expand(Xapian::Database& db, const std::string& pattern,
                                                  uint32_t limit) const;

  // A cache for an index derived from this one's by re-indexing documents
  // that held or now hold the terms `changed` (ascending, unique) and no
  // others: it starts with this cache's postings of every other term and its
  // expansions of every prefix no changed term starts with (shared, not
  // copied); the rest are decoded from the new index on first use.
  std::unique_ptr<PostingCache> Derive(const std::vector<std::string>& changed) const;

 private:
  // Keeps `postings` when the budget allows; returns what to use.
  std::shared_ptr<const TermPostings> Keep(
      std::unordered_map<std::string, std::shared_ptr<const TermPostings>>& map,
      const std::string& key, std::shared_ptr<const TermPostings> postings) const;

  const size_t max_postings_;
  const double k1_;
  mutable std::mutex mu_;
  mutable size_t cached_postings_ = 0;  // guarded by mu_
  mutable std::unordered_map<std::string, std::shared_ptr<const TermPostings>>
      terms_;  // guarded by mu_
  mutable std::unordered_map<std::string, std::shared_ptr<const WildcardExpansion>>
      expansions_;  // guarded by mu_
};

// Matches of a query, ascending by docid, with bounds on each one's weight
// (low[i] <= Xapian's weight of docids[i] <= high[i]; infinite when a
// term's weight cannot be bounded).
struct WeightedMatches {
  std::vector<uint32_t> docids;
  std::vector<double> low;
  std::vector<double> high;
};

struct MatchContext {
  Xapian::Database& db;
  const PostingCache& cache;
  double k1 = 0;                // BM25 k1 the matcher uses (b = 0, k3 = 1), as the cache's
  uint32_t doc_count = 0;       // documents in the index
  uint32_t max_expansion = 0;   // OP_WILDCARD limit (WILDCARD_LIMIT_MOST_FREQUENT)
};

// The matches of `query` as QueryParser builds it (terms, OP_AND, OP_OR,
// OP_WILDCARD with OP_SYNONYM, OP_SYNONYM of terms), or nullopt for any other
// shape, a term used twice, or a wildcard expansion that is ambiguous.
std::optional<WeightedMatches> Evaluate(const Xapian::Query& query, const MatchContext& context);

// Keeps the matches whose docid is in `allowed` (ascending).
void Restrict(WeightedMatches& matches, const std::vector<uint32_t>& allowed);

// Keeps the matches whose docid passes `keep(docid)`.
template <typename Keep>
void RestrictIf(WeightedMatches& matches, Keep keep) {
  size_t w = 0;
  for (size_t i = 0; i < matches.docids.size(); ++i) {
    if (!keep(matches.docids[i])) continue;
    matches.docids[w] = matches.docids[i];
    matches.low[w] = matches.low[i];
    matches.high[w] = matches.high[i];
    ++w;
  }
  matches.docids.resize(w);
  matches.low.resize(w);
  matches.high.resize(w);
}

// The matches of `matches` that can be among the first `needed` when ranked
// by weight (descending, ties by docid): every match whose upper bound
// reaches the needed-th largest lower bound. Ascending docids.
std::vector<uint32_t> RelevanceCandidates(const WeightedMatches& matches, size_t needed);

// The docids among `docids` that can be among the first `needed` when
// ordered by `keys` (parallel to `docids`; ascending, or descending when
// `descending`) with any tie-break: every one whose key reaches the
// needed-th key. Ascending docids.
std::vector<uint32_t> KeyCandidates(const std::vector<uint32_t>& docids,
                                    const std::vector<double>& keys, bool descending,
                                    size_t needed);

// A PostingSource over a sorted docid list (weight 0), to restrict a query
// to candidates with OP_FILTER.
class DocidListSource : public Xapian::PostingSource {
 public:
  // REQUIRES: `docids` ascending and outlives this object.
  explicit DocidListSource(const std::vector<uint32_t>& docids) : docids_(docids) {}

  Xapian::doccount get_termfreq_min() const override { return Count(); }
  Xapian::doccount get_termfreq_est() const override { return Count(); }
  Xapian::doccount get_termfreq_max() const override { return Count(); }
  void init(const Xapian::Database&) override {
    started_ = false;
    pos_ = 0;
  }
  void next(double) override;
  void skip_to(Xapian::docid did, double) override;
  bool at_end() const override { return started_ && pos_ >= docids_.size(); }
  Xapian::docid get_docid() const override { return docids_[pos_]; }

 private:
  Xapian::doccount Count() const { return static_cast<Xapian::doccount>(docids_.size()); }

  const std::vector<uint32_t>& docids_;
  bool started_ = false;
  size_t pos_ = 0;
};

}  // namespace atelier::search::internal
