#pragma once
// Generates the demo catalog as values (no store access).

#include <string>
#include <vector>

#include "atelier/catalog/catalog_store.h"
#include "atelier/demo/demo_shop.h"

namespace atelier::demo::internal {

struct DemoProduct {
  catalog::ProductInput input;
  std::string top;   // top-level category key: "video-games"
  std::string kind;  // subcategory key: "controllers", "dog-food", ...
  // 0 = most popular within its subcategory.
  int rank = 0;
  bool consumable = false;  // bought again every few weeks
};

struct DemoCatalog {
  std::vector<catalog::CategoryInput> categories;  // in display order
  std::vector<DemoProduct> products;               // generated, then configurable
  std::vector<catalog::Location> locations;
};

DemoCatalog GenerateCatalog(const DemoOptions& options);

// Text of an attribute of `p`, "" when absent.
std::string AttributeString(const catalog::Product& p, const std::string& key);

}  // namespace atelier::demo::internal
