#include "internal/catalog_json.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "atelier/core/clock.h"
#include "atelier/server/json.h"

namespace atelier::server::internal {

namespace json = boost::json;

json::object CategoryRefJson(const catalog::Category& category) {
  json::object o;
  o["id"] = category.id;
  o["slug"] = category.slug;
  o["name"] = category.name;
  return o;
}

json::object ProductSummaryJson(const catalog::CatalogSnapshot& catalog, const catalog::Product& product) {
  json::object o;
  o["id"] = product.id;
  o["sku"] = product.sku;
  o["title"] = product.title;
  o["brand"] = product.brand;
  o["price"] = MoneyJson(product.price);
  if (const catalog::Category* c = catalog.FindCategory(product.category_id)) {
    o["category"] = CategoryRefJson(*c);
  } else {
    o["category"] = nullptr;
  }
  if (product.images.empty()) {
    o["image"] = nullptr;
  } else {
    o["image"] = product.images.front();
  }
  const int64_t stock = catalog.TotalStock(product.id);
  o["total_stock"] = stock;
  o["in_stock"] = stock > 0;
  o["configurable"] = !product.model_id.empty();
  if (product.model_id.empty()) {
    o["model_id"] = nullptr;
  } else {
    o["model_id"] = product.model_id;
  }
  return o;
}

json::object ProductJson(const catalog::CatalogSnapshot& catalog, const catalog::Product& product) {
  json::object o = ProductSummaryJson(catalog, product);
  o["description"] = product.description;
  json::array path;
  for (const catalog::Category* c : catalog.CategoryPath(product.category_id)) path.push_back(CategoryRefJson(*c));
  o["category_path"] = std::move(path);
  json::object attributes;
  for (const catalog::Attribute& a : product.attributes) {
    std::visit([&](const auto& v) { attributes[a.key] = v; }, a.value);
  }
  o["attributes"] = std::move(attributes);
  json::array images;
  for (const auto& image : product.images) images.push_back(json::string(image));
  o["images"] = std::move(images);
  json::array stock;
  for (const catalog::StockUnit* unit : catalog.StockOf(product.id)) {
    json::object s;
    const catalog::Location* location = catalog.FindLocation(unit->location_id);
    json::object where;
    if (location != nullptr) {
      where["code"] = location->code;
      where["name"] = location->name;
      where["type"] = catalog::LocationTypeName(location->type);
      where["region"] = location->region;
    }
    s["location"] = std::move(where);
    s["quantity"] = unit->quantity;
    if (unit->configuration.empty()) {
      s["configuration"] = nullptr;
    } else {
      // Stored as the JSON object of option values; passed through as one.
      boost::system::error_code ec;
      json::value parsed = json::parse(unit->configuration, ec);
      if (ec) {
        s["configuration"] = unit->configuration;
      } else {
        s["configuration"] = std::move(parsed);
      }
    }
    stock.push_back(std::move(s));
  }
  o["stock"] = std::move(stock);
  o["created_at"] = FormatIso8601(product.created_at);
  o["updated_at"] = FormatIso8601(product.updated_at);
  return o;
}

}  // namespace atelier::server::internal
