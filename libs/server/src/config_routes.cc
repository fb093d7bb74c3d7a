// GET /api/v1/models, /api/v1/models/{id}; POST /api/v1/models/{id}/configure
// (which with "from_order"/"from_stock_unit" hands over to buying_routes.cc)
//
// The configurator is stateless: each configure request carries the
// shopper's selections and gets back the full state. The JSON encodings are
// the config library's (atelier/config/json.h); these handlers only route,
// pick the compiled model from the registry snapshot and map errors.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <memory>
#include <string>

#include "atelier/config/json.h"
#include "atelier/server/errors.h"
#include "atelier/server/json.h"
#include "atelier/server/routes.h"
#include "internal/buying.h"

namespace atelier::server {

namespace {

namespace json = boost::json;

Response ModelsUnavailable() { return ErrorResponse(Error::Unavailable("the product models are still loading")); }

// The compiled model named by the {id} path placeholder of `request`, from
// `registry`; kNotFound (field "id") when there is none.
Result<const config::CompiledModel*> FindModel(const ProductModelRegistry& registry, const Request& request) {
  const std::string_view id = request.PathParam("id");
  auto it = registry.by_id.find(id);
  if (it == registry.by_id.end()) {
    return Error::NotFound("no product model with id \"" + std::string(id) + "\"", "id");
  }
  return it->second.get();
}

}  // namespace

void RegisterConfigRoutes(Router& router, Services& services) {
  router.Get("/api/v1/models", [&services](Request&) {
    auto registry = services.product_models.Get();
    if (!registry) return ModelsUnavailable();
    json::array items;
    for (const auto& [id, compiled] : registry->by_id) {
      const config::ProductModel& model = compiled->model();
      json::object item;
      item["id"] = model.id;
      item["name"] = model.name;
      item["version"] = model.version;
      item["base_price"] = MoneyJson(Money{model.base_price, model.currency});
      item["option_count"] = static_cast<int64_t>(model.options.size());
      item["personalization_count"] = static_cast<int64_t>(model.personalization.size());
      items.push_back(std::move(item));
    }
    json::object body;
    body["total"] = static_cast<int64_t>(items.size());
    body["items"] = std::move(items);
    return JsonResponse(body);
  });

  router.Get("/api/v1/models/{id}", [&services](Request& request) {
    auto registry = services.product_models.Get();
    if (!registry) return ModelsUnavailable();
    auto compiled = FindModel(*registry, request);
    if (!compiled.ok()) return ErrorResponse(compiled.error());
    return JsonText(config::ProductModelToJson((*compiled)->model()));
  });

  router.Post("/api/v1/models/{id}/configure", [&services](Request& request) {
    auto registry = services.product_models.Get();
    if (!registry) return ModelsUnavailable();
    auto compiled = FindModel(*registry, request);
    if (!compiled.ok()) return ErrorResponse(compiled.error());
    // "The same, but in red": starting from an order line or a stock unit
    // is the buying routes' business (they know the caller and the stock).
    if (request.body.find("\"from_") != std::string::npos) {
      auto body = ParseJsonBody(request);
      if (body.ok() && body->is_object() && internal::StartsFromSource(body->as_object())) {
        return internal::ConfigureFrom(services, request, **compiled, std::move(body->as_object()));
      }
    }
    auto parsed = config::ParseConfigureRequestJson(request.body);
    if (!parsed.ok()) return ErrorResponse(parsed.error());
    // Conflicting picks are not an error: the state says so (status "conflict").
    auto sales = registry->sales.find((*compiled)->model().id);
    auto state = (*compiled)->Configure(*parsed, {}, sales == registry->sales.end() ? nullptr : sales->second.get());
    if (!state.ok()) return ErrorResponse(state.error());
    return JsonText(config::ConfigureStateToJson(*state));
  });
}

}  // namespace atelier::server
