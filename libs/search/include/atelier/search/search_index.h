#pragma once
// Full-text search over one catalog snapshot, on Xapian.
//
// A SearchIndex is built once from an immutable CatalogSnapshot into an
// on-disk Xapian glass database and is immutable afterwards: the server makes
// the next one off to the side when the catalog changes and swaps the
// shared_ptr (SnapshotHolder<SearchIndex>), the same way as the catalog.
// When only a few products differ, Update() derives the next index from the
// live one instead of building it whole: it copies the database, re-indexes
// only those products and keeps the in-memory postings of every term they do
// not touch; its answers equal a full build's (same ids, order, scores,
// totals, facets, highlights, suggestions).
//
// What a query does (details in search_index.cc):
//  - field weights: every field is indexed into one term space with a
//    per-field wdf increment (title > brand > category names > description >
//    attributes), so BM25 ranks a title match above a description match;
//    BM25's length normalisation is folded into the stored wdf at build time
//    (internal/schema.h), so the matcher reads no document lengths;
//    title and brand are also indexed under their own prefixes for
//    `title:word` and `brand:word` in the query text;
//  - English stemming ("mowers" finds "mower"), case-insensitive;
//  - the last word is a prefix unless the query ends in a space ("playst"
//    finds PlayStation), expanded to its Options::max_prefix_expansion most
//    frequent completions;
//  - all words must match; when none of the products matches them all, the
//    products matching any word are returned with `relaxed`;
//  - spelling: every word unknown to the index is checked against a
//    dictionary of the words of titles, brands, category names and text
//    attributes; a close known word gives `suggestion`, and when the original
//    query matches fewer than Options::correction_threshold products the
//    corrected query is run instead (`corrected`);
//  - filters (category subtree, brands, price range) are boolean terms and
//    value ranges; facets are counted over the whole match set by a Xapian
//    MatchSpy reading per-document facet codes held in memory (or, with
//    Options::facets_from_value_slots, by ValueCountMatchSpy on value
//    slots); totals are exact (the matcher checks every match);
//  - with Options::match_from_memory (the default), the match set, total
//    and facets come from posting lists decoded once and kept in memory
//    (internal/match_set.h) and Xapian's matcher ranks only the matches
//    that can reach the requested page; filters without words never reach
//    the matcher. The answers are those of the matcher alone;
//  - a browse of the whole catalog (no words, no filters) is answered from
//    counts and orders computed at build time, without a matcher run.
//
// Thread-safety: Search() is safe to call concurrently. A Xapian::Database
// handle is not, so each call borrows a read handle on the same on-disk
// database from a small pool (a mutex guards only the pool's free list);
// the in-memory postings are shared, behind a mutex held only to look up or
// add a decoded list.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "atelier/catalog/snapshot.h"
#include "atelier/core/result.h"
#include "atelier/search/types.h"

namespace Xapian {
class WritableDatabase;
}

namespace atelier::search {
namespace internal {
class DocumentTables;
class PostingCache;
class TemporaryDirectory;
}  // namespace internal

struct FieldWeights {
  // wdf increment per occurrence of a word in each field.
  int title = 10;
  int brand = 6;
  int category = 4;
  int description = 2;
  int attributes = 1;
};

// Xapian BM25Weight parameters. k1 is scaled to the wdf increments above: with
// Xapian's default k1 = 1 a word's weight saturates after one wdf unit, and a
// title occurrence (wdf 10) would score barely more than a description one.
struct Bm25Params {
  double k1 = 4.0;
  double b = 0.5;  // document length normalization
};

struct Options {
  // Where the glass database is written: created when missing; an existing
  // directory must be empty or hold a previous search index (it is
  // overwritten). The index does not remove it. Empty: a private temporary
  // directory, removed when the index is destroyed (tests, the CLI).
  std::string directory{};
  FieldWeights weights{};
  Bm25Params bm25{};
  // Upper bounds (minor units, ascending) of the price facet buckets; the
  // last bucket is open-ended. Default: under 10, 10-25, 25-50, 50-100,
  // 100-250, 250-500, 500-1000, 1000 and over (in major units).
  std::vector<int64_t> price_bucket_bounds = {1000, 2500, 5000, 10000, 25000, 50000, 100000};
  // Brands listed in the brand facet.
  int brand_facet_size = 10;
  // Count facets with Xapian ValueCountMatchSpy on the value slots instead of
  // the in-memory per-document tables (the slots are written either way, for
  // tools and remote shards). Several times slower per match; see
  // BENCHMARKS.md.
  bool facets_from_value_slots = false;
  // BM25's document length normalisation (Bm25Params::b) applied when the
  // index is built, by rescaling each term's wdf, so that the matcher reads
  // no document lengths (the largest cost per match; same ranking up to the
  // rounding of the stored wdf to 1/1024, same scores within 0.1%). false:
  // Xapian's BM25 with b at query time. For comparisons; see BENCHMARKS.md.
  bool normalise_length_at_build = true;
  // Highlight titles with Xapian's MSet::snippet instead of the module's own
  // highlighter (which gives the same text for less work: it reads the query
  // once per search and stems only the words that can match). Non-ASCII
  // titles use MSet::snippet either way. For comparisons; see BENCHMARKS.md.
  bool highlight_with_xapian_snippet = false;
  // Completions of the word being typed (the last word, without a trailing
  // space) that a query matches: the most frequent ones in the index.
  // Xapian's default is 100.
  int max_prefix_expansion = 10;
  // Compute each query's match set, total and facets from posting lists
  // decoded from the index once and kept in memory, and let Xapian's matcher
  // weigh and rank only the matches that can reach the requested page (by
  // bounds on their BM25 weight, or by the sort value); a search with
  // filters and no words is answered without the matcher. The same answers
  // as false, where the matcher visits and weighs every match and a
  // MatchSpy counts facets; false stays for comparisons (BENCHMARKS.md).
  // Applies with normalise_length_at_build and without
  // facets_from_value_slots; queries of other shapes use the matcher alone.
  bool match_from_memory = true;
  // Postings match_from_memory keeps in memory (8 bytes each; a 100,000
  // product catalog has about 5 million); the postings of terms beyond it
  // are decoded for each search that needs them.
  size_t max_cached_postings = 16'000'000;
  // Run the spelling-corrected query when the original matched fewer products.
  int64_t correction_threshold = 3;
  // Deepest page reachable: (page - 1) * per_page + per_page may not exceed it.
  int max_result_window = 10000;
  // Longest accepted query text, in bytes.
  size_t max_query_bytes = 512;
  // Read handles kept open between calls (more are opened under load and
  // closed when returned to a full pool).
  int max_idle_readers = 8;
  // Update() re-indexes only the products that differ (added, changed or
  // removed) when they are at most this fraction of the catalog, and builds
  // the whole index beyond it. Re-indexing a product costs about 1.3 times
  // indexing it in a full build, plus a fixed cost (copying the database,
  // finding the changed products: ~7 ms CPU at 6,000 products, ~90 ms at
  // 100,000), so an update of a quarter of the catalog still takes about a
  // third of a full build's CPU time (BENCHMARKS.md "Search").
  double max_incremental_fraction = 0.25;
};

// How an index came to be (SearchIndex::derivation()).
struct Derivation {
  // True when derived from another index by re-indexing only the products
  // below; false for a full build.
  bool incremental = false;
  size_t added = 0;
  size_t changed = 0;
  size_t removed = 0;
  // Why Update() built the whole index instead ("" otherwise).
  std::string full_build_reason{};
};

class SearchIndex {
 public:
  // Indexes every product of `catalog`. Errors: kInvalidArgument (field
  // "directory") when the directory holds something other than a search
  // index or Options are inconsistent; kUnavailable when it cannot be written.
  // REQUIRES: catalog != nullptr.
  static Result<std::shared_ptr<const SearchIndex>> Build(
      std::shared_ptr<const catalog::CatalogSnapshot> catalog, Options options = {});

  // The index of `catalog`, derived from `base` when that is cheaper, built
  // whole otherwise; the answers are the same either way. Derived: the
  // products whose indexed fields (title, description, brand, category path
  // and names, price, created_at, attributes) differ between base's catalog
  // and `catalog` are found by id; the base's database is copied into
  // options.directory (as in Build) and only those documents are replaced,
  // deleted or added; the in-memory postings of the terms they do not touch
  // are shared with `base`. When no indexed field differs (a stock change, a
  // new image), the new index shares base's database and directory, and
  // options.directory is not used. Built whole (derivation() says why) when
  // base is null, its options index differently, more than
  // options.max_incremental_fraction of the products differ, a new product
  // sorts before an indexed one in catalog order, the catalog's average
  // document length moves to another step (schema.h), or removals left more
  // than a quarter of the docids unused. `base` is not modified and stays
  // usable by readers meanwhile.
  // Errors: those of Build; kInvalidArgument (field "directory") when
  // options.directory is base's own directory.
  // REQUIRES: catalog != nullptr.
  static Result<std::shared_ptr<const SearchIndex>> Update(
      const std::shared_ptr<const SearchIndex>& base,
      std::shared_ptr<const catalog::CatalogSnapshot> catalog, Options options = {});

  ~SearchIndex();
  SearchIndex(const SearchIndex&) = delete;
  SearchIndex& operator=(const SearchIndex&) = delete;

  // Runs one search. Errors: kInvalidArgument naming the field at fault
  // ("q" too long, "page" < 1 or beyond max_result_window, "per_page" outside
  // 1..100, "min_price"/"max_price" negative or min > max, "category" not a
  // known slug); kInternal when Xapian fails.
  Result<SearchResult> Search(const SearchRequest& request) const;

  // The catalog this index was built from (to resolve hit product ids).
  const std::shared_ptr<const catalog::CatalogSnapshot>& catalog() const { return catalog_; }
  // The catalog to read the products of this index's hits from: `live` (the
  // shop's current snapshot) when it is the version this index was built
  // from, so that stock written since (a stock write keeps the version)
  // shows in the answers; otherwise this index's own catalog, which holds
  // every hit. Never null.
  std::shared_ptr<const catalog::CatalogSnapshot> CatalogFor(
      std::shared_ptr<const catalog::CatalogSnapshot> live) const;
  const std::string& directory() const { return directory_; }
  size_t product_count() const;
  const Derivation& derivation() const { return derivation_; }

 private:
  class ReaderPool;
  struct Query;

  SearchIndex() = default;
  // Build() without the const: Update() notes why it built in full.
  static Result<std::shared_ptr<SearchIndex>> BuildWhole(
      std::shared_ptr<const catalog::CatalogSnapshot> catalog, Options options);
  // A search without words or filters: every product, from tables_.
  void BrowseCatalog(const SearchRequest& request, SearchResult& out) const;

  // Ends a build or an update: stamps the catalog version into `db`,
  // commits and closes it, then opens readers_ with one handle taken at once
  // so that an unreadable index fails here, not on the first search.
  // Xapian errors propagate to the caller.
  void CommitAndOpenReaders(Xapian::WritableDatabase& db);
  // Makes tables_, catalog_facets_ and, when null, postings_ (the database
  // is written and readers_ set). `documents` as DocumentTables takes it;
  // with `base`, the tables are carried over from base's but for the
  // documents at indexes `rewritten`.
  void Finish(std::vector<int32_t> documents, const SearchIndex* base = nullptr,
              const std::vector<uint32_t>& rewritten = {});

  std::shared_ptr<const catalog::CatalogSnapshot> catalog_;
  Options options_;
  Derivation derivation_;
  std::string directory_;
  // Set when directory_ is a private temporary directory: removes it once no
  // index uses it (indexes derived without changes share it).
  std::shared_ptr<const internal::TemporaryDirectory> owned_directory_;
  std::shared_ptr<ReaderPool> readers_;  // shared the same way
  std::unique_ptr<const internal::DocumentTables> tables_;
  std::shared_ptr<const internal::PostingCache> postings_;  // with match_from_memory
  Facets catalog_facets_;  // facets of the whole catalog
  // With normalise_length_at_build: the sum of the documents' lengths before
  // normalisation, and the length they were normalised by (schema.h).
  double total_length_ = 0;
  double norm_length_ = 1;
};

}  // namespace atelier::search
