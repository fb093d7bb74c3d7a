#pragma once
// The search module's vocabulary: what a shopper asks (SearchRequest) and what
// comes back (SearchResult). Plain values; the HTTP layer maps them to JSON.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "atelier/core/result.h"

namespace atelier::search {

enum class SortOrder {
  kRelevance,  // best match first; ties (and a browse without words) in catalog order
  kPriceAsc,   // cheapest first, relevance breaks ties
  kPriceDesc,  // dearest first, relevance breaks ties
  kNewest,     // latest created_at first, relevance breaks ties
};

// "relevance", "price_asc", "price_desc", "newest".
const char* SortOrderName(SortOrder order);
// The inverse of SortOrderName; "" means relevance. Error: kInvalidArgument
// naming field "sort".
Result<SortOrder> ParseSortOrder(std::string_view text);

struct SearchRequest {
  // Free text, typed as the shopper typed it. The last word is matched as a
  // prefix unless the text ends in a space (search-as-you-type). Empty or
  // blank: browse (every product passing the filters).
  std::string query{};
  std::string category{};           // a category slug: this category and all below it
  std::vector<std::string> brands{};  // any of these brands (case-insensitive); empty: all
  std::optional<int64_t> min_price{};  // minor units, inclusive
  std::optional<int64_t> max_price{};  // minor units, inclusive
  SortOrder sort = SortOrder::kRelevance;
  int page = 1;       // 1-based
  int per_page = 20;  // 1..100
};

struct SearchHit {
  int64_t product_id = 0;
  double score = 0;  // BM25 weight; 0 for a browse
  // The title, HTML-escaped, with query matches wrapped in <mark>...</mark>.
  std::string highlighted_title;
};

struct CategoryCount {
  std::string slug;
  std::string name;
  std::string parent_slug;  // "" for a top-level category
  int64_t count = 0;
};

struct BrandCount {
  std::string name;
  int64_t count = 0;
};

struct PriceBucketCount {
  int64_t min = 0;                // minor units, inclusive
  std::optional<int64_t> max;     // minor units, exclusive; empty for the last bucket
  int64_t count = 0;
};

// Counted over the whole match set (every product matching the query and the
// filters), not only the returned page. Only non-zero counts are listed.
struct Facets {
  // Top-level categories by count (descending, then name), followed, when
  // the request names a category, by that category's children by count.
  std::vector<CategoryCount> category;
  // The Options::brand_facet_size most frequent brands, by count then name.
  std::vector<BrandCount> brand;
  // Options::price_bucket_bounds buckets in ascending price order.
  std::vector<PriceBucketCount> price;
};

struct SearchResult {
  std::vector<SearchHit> items;
  int64_t total = 0;  // exact number of matching products
  int page = 1;
  int per_page = 20;
  Facets facets;
  // The query with likely misspellings corrected ("playstation controller"),
  // set whenever a word of the query is unknown to the index and close to a
  // known word.
  std::optional<std::string> suggestion;
  // True when the original query matched too few products and the items,
  // total and facets are those of `suggestion` instead.
  bool corrected = false;
  // True when no product matched all the words and the items are those
  // matching any of them (best first).
  bool relaxed = false;
};

}  // namespace atelier::search
