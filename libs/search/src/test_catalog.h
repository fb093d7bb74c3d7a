#pragma once
// A hand-built catalog of ~50 realistic products for the search tests: video
// games (PlayStation and Xbox controllers, consoles, charging stations,
// cameras), lawn and garden, books, pet supplies, shoes, phones.

#include <memory>

#include "atelier/catalog/snapshot.h"

namespace atelier::search::testing {

std::shared_ptr<const catalog::CatalogSnapshot> TestCatalog();

}  // namespace atelier::search::testing
