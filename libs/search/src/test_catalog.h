#pragma once
// A hand-built catalog of ~50 realistic products for the search tests: video
// games (PlayStation and Xbox controllers, consoles, charging stations,
// cameras), lawn and garden, books, pet supplies, shoes, phones; and
// generated catalogs and a result comparison for tests over many requests.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "atelier/catalog/snapshot.h"
#include "atelier/search/types.h"

namespace atelier::search::testing {

std::shared_ptr<const catalog::CatalogSnapshot> TestCatalog();

// A catalog of `count` products drawn from `seed` (version 1), with many
// equal prices, dates and title shapes (ties in every sort order and in BM25
// weights), a few non-ASCII titles and brands that differ only in case.
std::shared_ptr<const catalog::CatalogSnapshot> GeneratedCatalog(int count, uint64_t seed = 1234);

// Expects `got` to equal `want` field by field (items with ids, scores and
// highlighted titles, total, suggestion, corrected, relaxed, facets);
// `label` names the request in failures.
void ExpectSameResult(const SearchResult& got, const SearchResult& want, const std::string& label);

// Every combination of a query, a filter (its other fields kept), each sort
// order and a (page, per_page): the request grids of the comparison tests.
std::vector<SearchRequest> RequestGrid(const std::vector<std::string>& queries,
                                       const std::vector<SearchRequest>& filters,
                                       const std::vector<std::pair<int, int>>& pages);

// One line naming a request in a failure message.
std::string Label(const SearchRequest& r);

}  // namespace atelier::search::testing
