#pragma once
// JSON shapes of catalog values, shared by the catalog and search routes
// (DESIGN.md: money is {"amount", "currency"}).

#include <boost/json/object.hpp>

#include "atelier/catalog/snapshot.h"

namespace atelier::server::internal {

// {"id", "slug", "name"}
boost::json::object CategoryRefJson(const catalog::Category& category);

// A product in a list: id, sku, title, brand, price, category, image (first
// or null), total_stock, in_stock, configurable, model_id (or null).
boost::json::object ProductSummaryJson(const catalog::CatalogSnapshot& catalog, const catalog::Product& product);

// The whole product: the summary plus description, category_path, attributes
// (typed values), images, stock by location (with location type and region),
// created_at/updated_at (ISO 8601).
boost::json::object ProductJson(const catalog::CatalogSnapshot& catalog, const catalog::Product& product);

}  // namespace atelier::server::internal
