#include "atelier/search/types.h"

#include <string>

namespace atelier::search {

const char* SortOrderName(SortOrder order) {
  switch (order) {
    case SortOrder::kRelevance:
      return "relevance";
    case SortOrder::kPriceAsc:
      return "price_asc";
    case SortOrder::kPriceDesc:
      return "price_desc";
    case SortOrder::kNewest:
      return "newest";
  }
  return "relevance";
}

Result<SortOrder> ParseSortOrder(std::string_view text) {
  for (SortOrder order : {SortOrder::kRelevance, SortOrder::kPriceAsc, SortOrder::kPriceDesc,
                          SortOrder::kNewest}) {
    if (text == SortOrderName(order)) return order;
  }
  if (text.empty()) return SortOrder::kRelevance;
  return Error::InvalidArgument(
      "unknown sort '" + std::string(text) + "' (expected relevance, price_asc, price_desc or newest)",
      "sort");
}

}  // namespace atelier::search
