// SearchIndex::Search: query parsing, spelling, filters, facets, sorting and
// pagination on a borrowed read handle.

#include <xapian.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "atelier/core/strings.h"
#include "atelier/search/search_index.h"
#include "internal/document_tables.h"
#include "internal/match_set.h"
#include "internal/query_words.h"
#include "internal/reader_pool.h"
#include "internal/schema.h"
#include "internal/title_highlighter.h"

namespace atelier::search {
namespace {

constexpr int kMaxPerPage = 100;
const std::string kMarkStart = "<mark>";
const std::string kMarkEnd = "</mark>";

Status ValidateRequest(const SearchRequest& request, const Options& options) {
  if (request.query.size() > options.max_query_bytes) {
    return Error::InvalidArgument(
        "query is longer than " + std::to_string(options.max_query_bytes) + " bytes", "q");
  }
  if (request.per_page < 1 || request.per_page > kMaxPerPage) {
    return Error::InvalidArgument("per_page must be between 1 and 100", "per_page");
  }
  if (request.page < 1) return Error::InvalidArgument("page must be >= 1", "page");
  if (static_cast<int64_t>(request.page) * request.per_page > options.max_result_window) {
    return Error::InvalidArgument("page is beyond the last reachable result (" +
                                      std::to_string(options.max_result_window) + ")",
                                  "page");
  }
  if (request.min_price && *request.min_price < 0) {
    return Error::InvalidArgument("min_price must be >= 0", "min_price");
  }
  if (request.max_price && *request.max_price < 0) {
    return Error::InvalidArgument("max_price must be >= 0", "max_price");
  }
  if (request.min_price && request.max_price && *request.min_price > *request.max_price) {
    return Error::InvalidArgument("min_price must not exceed max_price", "min_price");
  }
  return Ok();
}

// As MSet::snippet escapes text for HTML.
std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  internal::AppendHtmlEscaped(text, out);
  return out;
}

// True for a word the spelling dictionary should not second-guess: numbers,
// model codes ("ps5") and very short words.
bool IsSpellcheckable(const std::string& word) {
  if (word.size() < 3) return false;
  return std::none_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The dictionary word to suggest for `word`, or "" when the word looks right.
std::string SuggestWord(const Xapian::Database& db, const Xapian::Stem& stem,
                        const std::string& word, bool is_prefix) {
  if (!IsSpellcheckable(word)) return {};
  // A word of the catalog, in any field, is no misspelling. (Checked first:
  // a term lookup is much cheaper than a dictionary search.)
  if (db.term_exists(word)) return {};
  // The word being typed: a prefix of an indexed word is not a misspelling.
  if (is_prefix) {
    Xapian::TermIterator it = db.allterms_begin(word);
    if (it != db.allterms_end(word)) return {};
  }
  // Words up to 6 letters get one edit, longer ones two (Xapian's default):
  // two edits turn short words into unrelated ones ("playst" -> "planet").
  unsigned max_edits = word.size() <= 6 ? 1 : 2;
  std::string suggestion = db.get_spelling_suggestion(word, max_edits);
  if (suggestion.empty() || suggestion == word) return {};
  // An inflection of the suggested word ("mowers" for "mower") already
  // matches through stemming and is no misspelling; a typo that happens to
  // stem the same ("controler") is not a prefix of it.
  std::string a = stem(word), b = stem(suggestion);
  if (a == b && (StartsWith(word, suggestion) || StartsWith(suggestion, word))) return {};
  return suggestion;
}

}  // namespace

// One search on one read handle.
struct SearchIndex::Query {
  const SearchIndex& index;
  const SearchRequest& request;
  Xapian::Database& db;
  Xapian::Stem stem{"english"};
  Xapian::Query filter;  // empty: no filter
  const catalog::Category* category = nullptr;
  int category_depth = -1;

  Xapian::Query Parse(const std::string& text, Xapian::Query::op default_op) const {
    return internal::ParseQueryText(db, stem, text, default_op,
                                    static_cast<uint32_t>(index.options_.max_prefix_expansion));
  }

  void BuildFilter() {
    std::vector<Xapian::Query> parts;
    if (category != nullptr) {
      parts.emplace_back(internal::kCategoryPrefix + category->slug);
    }
    if (!request.brands.empty()) {
      std::vector<Xapian::Query> brands;
      for (const std::string& brand : request.brands) {
        brands.emplace_back(internal::kBrandPrefix + internal::LowerUtf8(brand));
      }
      parts.emplace_back(Xapian::Query::OP_OR, brands.begin(), brands.end());
    }
    if (request.min_price && request.max_price) {
      parts.emplace_back(Xapian::Query::OP_VALUE_RANGE, internal::kPriceSlot,
                         Xapian::sortable_serialise(static_cast<double>(*request.min_price)),
                         Xapian::sortable_serialise(static_cast<double>(*request.max_price)));
    } else if (request.min_price) {
      parts.emplace_back(Xapian::Query::OP_VALUE_GE, internal::kPriceSlot,
                         Xapian::sortable_serialise(static_cast<double>(*request.min_price)));
    } else if (request.max_price) {
      parts.emplace_back(Xapian::Query::OP_VALUE_LE, internal::kPriceSlot,
                         Xapian::sortable_serialise(static_cast<double>(*request.max_price)));
    }
    if (!parts.empty()) filter = Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
  }

  // Runs `query` under the filters; fills items, total and facets of `out`.
  // `browse`: the query is MatchAll, and every match weighs the same.
  void Run(const Xapian::Query& query, bool browse, SearchResult& out) const {
    const Options& options = index.options_;
    if (options.match_from_memory && options.normalise_length_at_build &&
        !options.facets_from_value_slots && RunFromMemory(query, browse, out)) {
      return;
    }
    RunMatcher(query, browse, nullptr, out);
  }

  // Facets of the category children listed: those of the filter category.
  int ChildrenDepth() const {
    return category != nullptr && category_depth + 1 < internal::kMaxCategoryDepth
               ? category_depth + 1
               : -1;
  }

  // The documents the category and brand filters allow (ascending docids),
  // from the postings of their boolean terms; nullopt without such filters.
  std::optional<std::vector<uint32_t>> AllowedByTerms(const internal::PostingCache& cache) const {
    std::optional<std::vector<uint32_t>> allowed;
    if (category != nullptr) {
      allowed = cache.Postings(db, internal::kCategoryPrefix + category->slug)->docids;
    }
    if (!request.brands.empty()) {
      std::vector<uint32_t> brands;
      std::vector<std::string> seen;
      for (const std::string& brand : request.brands) {
        std::string term = internal::kBrandPrefix + internal::LowerUtf8(brand);
        if (std::find(seen.begin(), seen.end(), term) != seen.end()) continue;
        const std::shared_ptr<const internal::TermPostings> postings = cache.Postings(db, term);
        brands.insert(brands.end(), postings->docids.begin(), postings->docids.end());
        seen.push_back(std::move(term));
      }
      std::sort(brands.begin(), brands.end());
      brands.erase(std::unique(brands.begin(), brands.end()), brands.end());
      if (allowed) {
        std::vector<uint32_t> both;
        std::set_intersection(allowed->begin(), allowed->end(), brands.begin(), brands.end(),
                              std::back_inserter(both));
        allowed = std::move(both);
      } else {
        allowed = std::move(brands);
      }
    }
    return allowed;
  }

  // The price filter, as Xapian compares the price slot's values.
  bool PriceAllowed(uint32_t docid) const {
    const double price = static_cast<double>(index.tables_->product(docid - 1).price.amount);
    if (request.min_price && price < static_cast<double>(*request.min_price)) return false;
    if (request.max_price && price > static_cast<double>(*request.max_price)) return false;
    return true;
  }

  // The value Xapian sorts by under request.sort (ties then by weight, then
  // docid); false for relevance.
  bool SortKeys(const std::vector<uint32_t>& docids, std::vector<double>& keys,
                bool& descending) const {
    const internal::DocumentTables& tables = *index.tables_;
    keys.clear();
    keys.reserve(docids.size());
    switch (request.sort) {
      case SortOrder::kRelevance:
        return false;
      case SortOrder::kPriceAsc:
      case SortOrder::kPriceDesc:
        descending = request.sort == SortOrder::kPriceDesc;
        for (uint32_t d : docids) keys.push_back(static_cast<double>(tables.product(d - 1).price.amount));
        return true;
      case SortOrder::kNewest:
        descending = true;
        for (uint32_t d : docids) keys.push_back(static_cast<double>(tables.product(d - 1).created_at));
        return true;
    }
    return false;
  }

  // Run() from in-memory postings (see Options::match_from_memory); false
  // when the query has a shape the in-memory evaluation does not reproduce.
  bool RunFromMemory(const Xapian::Query& query, bool browse, SearchResult& out) const {
    const Options& options = index.options_;
    const internal::DocumentTables& tables = *index.tables_;
    const internal::MatchContext context{
        db, *index.postings_, options.bm25.k1 * internal::kLengthScale,
        static_cast<uint32_t>(tables.live()), static_cast<uint32_t>(options.max_prefix_expansion)};
    internal::WeightedMatches matches;
    if (browse) {
      // Every document passing the filters, each of weight 0.
      std::optional<std::vector<uint32_t>> allowed = AllowedByTerms(*index.postings_);
      if (allowed) {
        matches.docids = std::move(*allowed);
      } else {
        const std::vector<uint32_t>& all = tables.BrowseOrder(SortOrder::kRelevance);
        matches.docids.resize(all.size());
        for (size_t i = 0; i < all.size(); ++i) matches.docids[i] = all[i] + 1;
      }
      matches.low.assign(matches.docids.size(), 0.0);
      matches.high.assign(matches.docids.size(), 0.0);
    } else {
      std::optional<internal::WeightedMatches> evaluated = internal::Evaluate(query, context);
      if (!evaluated) return false;
      matches = std::move(*evaluated);
      if (std::optional<std::vector<uint32_t>> allowed = AllowedByTerms(*index.postings_)) {
        internal::Restrict(matches, *allowed);
      }
    }
    if (request.min_price || request.max_price) {
      internal::RestrictIf(matches, [this](uint32_t docid) { return PriceAllowed(docid); });
    }
    const std::vector<uint32_t>& docids = matches.docids;

    out.total = static_cast<int64_t>(docids.size());
    internal::FacetTally tally = tables.EmptyTally(ChildrenDepth());
    for (uint32_t d : docids) tables.Count(d - 1, tally);
    out.facets = tables.ToFacets(tally, static_cast<size_t>(options.brand_facet_size),
                                 options.price_bucket_bounds);
    out.items.clear();

    const size_t first = static_cast<size_t>(request.page - 1) * static_cast<size_t>(request.per_page);
    const size_t needed = first + static_cast<size_t>(request.per_page);
    if (first >= docids.size()) return true;
    std::vector<double> keys;
    bool descending = false;
    const bool by_key = SortKeys(docids, keys, descending);
    if (browse) {
      // Equal weights: the matcher orders by the sort value, then docid.
      std::vector<size_t> order(docids.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      const size_t end = std::min(needed, order.size());
      if (by_key) {
        std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(end),
                          order.end(), [&](size_t a, size_t b) {
                            if (keys[a] != keys[b]) return descending ? keys[a] > keys[b] : keys[a] < keys[b];
                            return docids[a] < docids[b];
                          });
      }
      for (size_t i = first; i < end; ++i) {
        const catalog::Product& product = tables.product(docids[order[i]] - 1);
        out.items.push_back({product.id, 0.0, HtmlEscape(product.title)});
      }
      return true;
    }
    const std::vector<uint32_t> candidates =
        by_key ? internal::KeyCandidates(docids, keys, descending, needed)
               : internal::RelevanceCandidates(matches, needed);
    RunMatcher(query, false, &candidates, out);
    return true;
  }

  // Runs `query` under the filters on Xapian's matcher. With `candidates`
  // (ascending docids, a superset of the matches that reach the requested
  // page), only those are matched and only the items of `out` are set;
  // without, the matcher visits every match and sets items, total and facets.
  void RunMatcher(const Xapian::Query& query, bool browse,
                  const std::vector<uint32_t>* candidates, SearchResult& out) const {
    Xapian::Enquire enquire(db);
    const Bm25Params& bm25 = index.options_.bm25;
    if (browse) {
      enquire.set_weighting_scheme(Xapian::BoolWeight());
    } else if (index.options_.normalise_length_at_build) {
      // Length normalisation is in the stored wdf (schema.h).
      enquire.set_weighting_scheme(Xapian::BM25Weight(bm25.k1 * internal::kLengthScale, 0, 1, 0,
                                                      internal::kMinNormLength));
    } else {
      enquire.set_weighting_scheme(
          Xapian::BM25Weight(bm25.k1, 0, 1, bm25.b, internal::kMinNormLength));
    }
    const Xapian::Query filtered =
        filter.empty() ? query : Xapian::Query(Xapian::Query::OP_FILTER, query, filter);
    std::optional<internal::DocidListSource> source;
    if (candidates != nullptr) {
      source.emplace(*candidates);
      enquire.set_query(
          Xapian::Query(Xapian::Query::OP_FILTER, filtered, Xapian::Query(&*source)));
    } else {
      enquire.set_query(filtered);
    }
    switch (request.sort) {
      case SortOrder::kRelevance:
        break;
      case SortOrder::kPriceAsc:
        enquire.set_sort_by_value_then_relevance(internal::kPriceSlot, false);
        break;
      case SortOrder::kPriceDesc:
        enquire.set_sort_by_value_then_relevance(internal::kPriceSlot, true);
        break;
      case SortOrder::kNewest:
        enquire.set_sort_by_value_then_relevance(internal::kCreatedSlot, true);
        break;
    }
    // Facet tallies see every match (check_at_least below).
    const int children_depth = ChildrenDepth();
    const Options& options = index.options_;
    const bool from_slots = options.facets_from_value_slots;
    internal::FacetSpy facet_spy(*index.tables_, from_slots ? -1 : children_depth);
    Xapian::ValueCountMatchSpy top_categories(internal::CategorySlot(0));
    Xapian::ValueCountMatchSpy children(internal::CategorySlot(std::max(children_depth, 0)));
    Xapian::ValueCountMatchSpy brands(internal::kBrandSlot);
    Xapian::ValueCountMatchSpy prices(internal::kPriceBucketSlot);
    if (candidates != nullptr) {
      // Total and facets come from the caller's match set.
    } else if (from_slots) {
      enquire.add_matchspy(&top_categories);
      if (children_depth >= 0) enquire.add_matchspy(&children);
      enquire.add_matchspy(&brands);
      enquire.add_matchspy(&prices);
    } else {
      enquire.add_matchspy(&facet_spy);
    }

    // check_at_least = every document: the matcher visits the whole match
    // set, so the total is exact and the spies see every match.
    const Xapian::doccount first =
        static_cast<Xapian::doccount>((request.page - 1) * request.per_page);
    Xapian::MSet mset = enquire.get_mset(first, static_cast<Xapian::doccount>(request.per_page),
                                         db.get_doccount());
    if (candidates == nullptr) out.total = mset.get_matches_lower_bound();

    out.items.clear();
    // BM25's weight as without the build-time length normalisation.
    const double score_scale = index.options_.normalise_length_at_build
                                   ? (bm25.k1 + 1) / (bm25.k1 * internal::kLengthScale + 1)
                                   : 1.0;
    std::optional<internal::TitleHighlighter> highlighter;
    if (!options.highlight_with_xapian_snippet) highlighter.emplace(filtered, stem);
    for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it) {
      const catalog::Product& product = index.tables_->product(*it - 1);
      SearchHit hit;
      hit.product_id = product.id;
      hit.score = it.get_weight() * score_scale;
      if (!highlighter ||
          !highlighter->Highlight(product.title, kMarkStart, kMarkEnd, hit.highlighted_title)) {
        // The whole title: a snippet longer than the text.
        hit.highlighted_title = mset.snippet(product.title, product.title.size() + 1, stem, 0,
                                             kMarkStart, kMarkEnd, "");
      }
      out.items.push_back(std::move(hit));
    }
    if (candidates != nullptr) return;

    const size_t brand_limit = static_cast<size_t>(options.brand_facet_size);
    if (!from_slots) {
      out.facets =
          index.tables_->ToFacets(facet_spy.tally(), brand_limit, options.price_bucket_bounds);
      return;
    }
    out.facets = Facets();
    AddCategoryCounts(top_categories, out.facets.category);
    if (children_depth >= 0) AddCategoryCounts(children, out.facets.category);
    for (auto it = brands.top_values_begin(brand_limit); it != brands.top_values_end(brand_limit);
         ++it) {
      out.facets.brand.push_back({*it, static_cast<int64_t>(it.get_termfreq())});
    }
    std::stable_sort(out.facets.brand.begin(), out.facets.brand.end(),
                     [](const BrandCount& a, const BrandCount& b) {
                       return a.count != b.count ? a.count > b.count : a.name < b.name;
                     });
    const auto& bounds = options.price_bucket_bounds;
    for (auto it = prices.values_begin(); it != prices.values_end(); ++it) {
      size_t bucket = static_cast<size_t>(std::stoi(*it));
      PriceBucketCount count;
      count.min = bucket == 0 ? 0 : bounds[bucket - 1];
      if (bucket < bounds.size()) count.max = bounds[bucket];
      count.count = it.get_termfreq();
      out.facets.price.push_back(count);
    }
  }

  void AddCategoryCounts(const Xapian::ValueCountMatchSpy& spy,
                         std::vector<CategoryCount>& out) const {
    const size_t begin = out.size();
    for (auto it = spy.values_begin(); it != spy.values_end(); ++it) {
      const catalog::Category* c = index.catalog_->FindCategoryBySlug(*it);
      if (c == nullptr) continue;  // cannot happen: the index was built from this catalog
      const catalog::Category* parent = index.catalog_->FindCategory(c->parent_id);
      out.push_back({c->slug, c->name, parent ? parent->slug : "",
                     static_cast<int64_t>(it.get_termfreq())});
    }
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(begin), out.end(),
              [](const CategoryCount& a, const CategoryCount& b) {
                return a.count != b.count ? a.count > b.count : a.name < b.name;
              });
  }
};

void SearchIndex::BrowseCatalog(const SearchRequest& request, SearchResult& out) const {
  const std::vector<uint32_t>& order = tables_->BrowseOrder(request.sort);
  const size_t first = static_cast<size_t>(request.page - 1) * static_cast<size_t>(request.per_page);
  for (size_t i = first; i < order.size() && i < first + static_cast<size_t>(request.per_page); ++i) {
    const catalog::Product& product = tables_->product(order[i]);
    out.items.push_back({product.id, 0.0, HtmlEscape(product.title)});
  }
  out.total = static_cast<int64_t>(order.size());
  out.facets = catalog_facets_;
}

std::shared_ptr<const catalog::CatalogSnapshot> SearchIndex::CatalogFor(
    std::shared_ptr<const catalog::CatalogSnapshot> live) const {
  return live && live->version() == catalog_->version() ? live : catalog_;
}

Result<SearchResult> SearchIndex::Search(const SearchRequest& request) const {
  ATELIER_RETURN_IF_ERROR(ValidateRequest(request, options_));
  const catalog::Category* category = nullptr;
  int category_depth = -1;
  if (!request.category.empty()) {
    category = catalog_->FindCategoryBySlug(request.category);
    if (category == nullptr) {
      return Error::InvalidArgument("unknown category '" + request.category + "'", "category");
    }
    category_depth = static_cast<int>(catalog_->CategoryPath(category->id).size()) - 1;
  }

  SearchResult result;
  result.page = request.page;
  result.per_page = request.per_page;
  const bool filtered = category != nullptr || !request.brands.empty() || request.min_price ||
                        request.max_price;
  if (!filtered && Trim(request.query).empty()) {
    BrowseCatalog(request, result);
    return result;
  }
  try {
    auto lease = readers_->Acquire();
    Query q{*this, request, lease.db(), Xapian::Stem("english"), Xapian::Query(), category,
            category_depth};
    q.BuildFilter();

    const std::string lowered = internal::LowerUtf8(request.query);
    if (Trim(lowered).empty()) {
      q.Run(Xapian::Query::MatchAll, true, result);
      return result;
    }

    // Spelling: each word unknown to the index and close to a dictionary word.
    const auto words = internal::SplitWords(lowered);
    const bool typing_last_word =
        !words.empty() && words.back().end == lowered.size();  // no trailing space
    std::vector<std::string> corrections(words.size());
    bool any_correction = false;
    for (size_t i = 0; i < words.size(); ++i) {
      corrections[i] =
          SuggestWord(q.db, q.stem, words[i].text, typing_last_word && i + 1 == words.size());
      any_correction = any_correction || !corrections[i].empty();
    }
    std::string text = lowered;
    std::string suggestion;
    if (any_correction) {
      suggestion = std::string(Trim(internal::ReplaceWords(lowered, words, corrections)));
    }

    q.Run(q.Parse(lowered, Xapian::Query::OP_AND), false, result);
    if (!suggestion.empty() && result.total < options_.correction_threshold) {
      SearchResult corrected;
      corrected.page = request.page;
      corrected.per_page = request.per_page;
      q.Run(q.Parse(suggestion, Xapian::Query::OP_AND), false, corrected);
      if (corrected.total > result.total) {
        result = std::move(corrected);
        result.corrected = true;
        text = suggestion;
      }
    }
    if (result.total == 0 && words.size() > 1) {
      q.Run(q.Parse(text, Xapian::Query::OP_OR), false, result);
      result.relaxed = result.total > 0;
    }
    if (!suggestion.empty()) result.suggestion = std::move(suggestion);
    return result;
  } catch (const Xapian::Error& e) {
    return Error::Internal("search failed: " + e.get_description());
  }
}

}  // namespace atelier::search
