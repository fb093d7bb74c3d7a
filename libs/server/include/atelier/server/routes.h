#pragma once
// Route registration, one function per module, each in its own file
// (<module>_routes.cc). A new module adds its Register<Module>Routes here and
// one line to RegisterAllRoutes, and documents its routes in
// libs/server/openapi/<module>.json.

#include <string>

#include "atelier/server/router.h"
#include "atelier/server/services.h"

namespace atelier::server {

// GET /healthz, GET /metrics, GET /api/v1/openapi.json
void RegisterSystemRoutes(Router& router, Services& services);
// GET /api/v1/categories, /api/v1/products, /api/v1/products/{id}
void RegisterCatalogRoutes(Router& router, Services& services);
// GET /api/v1/search
void RegisterSearchRoutes(Router& router, Services& services);
// POST /api/v1/events, GET /api/v1/recommendations, GET /api/v1/products/{id}/recommendations,
// POST /api/v1/recommendations/basket
void RegisterRecommendRoutes(Router& router, Services& services);
// GET /api/v1/models, /api/v1/models/{id}; POST /api/v1/models/{id}/configure
void RegisterConfigRoutes(Router& router, Services& services);
// /api/v1/auth/*, /api/v1/cart[/items], /api/v1/checkout, /api/v1/orders[/{id}],
// /api/v1/admin/orders..., POST /api/v1/models/{id}/availability
void RegisterBuyingRoutes(Router& router, Services& services);

// Every module's routes. `web_dir` (may be empty or absent) holds the built
// storefront, served as the router's fallback (static_files.h).
void RegisterAllRoutes(Router& router, Services& services, const std::string& web_dir);

}  // namespace atelier::server
