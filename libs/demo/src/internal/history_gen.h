#pragma once
// Generates the demo shop's event history from its catalog (no store access).

#include <cstdint>
#include <string>
#include <vector>

#include "internal/catalog_gen.h"

namespace atelier::demo::internal {

struct DemoEvent {
  std::string type;  // view, cart, purchase, search
  std::string user_id;
  std::string item_id;  // SKU
  std::string basket_id;
  int64_t quantity = 1;
  std::string query;
  int64_t ts = 0;
};

// Events in time order (ties in generation order). Event ids are
// "demo-<index>" of this order.
std::vector<DemoEvent> GenerateHistory(const DemoCatalog& catalog, const DemoOptions& options);

}  // namespace atelier::demo::internal
