// GET /healthz, GET /metrics, GET /api/v1/openapi.json

#include <boost/json/object.hpp>

#include "atelier/server/errors.h"
#include "atelier/server/json.h"
#include "atelier/server/openapi.h"
#include "atelier/server/routes.h"

namespace atelier::server {

namespace {

template <typename Holder>
double VersionOf(const Holder& holder) {
  auto snapshot = holder.Get();
  return snapshot ? static_cast<double>(snapshot->catalog_version()) : -1.0;
}

}  // namespace

void RegisterSystemRoutes(Router& router, Services& services) {
  const std::string help = "Catalog version of each published read snapshot (-1: none yet).";
  services.metrics.AddGauge("atelier_snapshot_version", "name=\"catalog\"", help, [&services] {
    auto c = services.catalog.Get();
    return c ? static_cast<double>(c->version()) : -1.0;
  });
  services.metrics.AddGauge("atelier_snapshot_version", "name=\"search\"", help, [&services] {
    auto s = services.search.Get();
    return s ? static_cast<double>(s->catalog()->version()) : -1.0;
  });
  services.metrics.AddGauge("atelier_snapshot_version", "name=\"bought_together\"", help,
                            [&services] { return VersionOf(services.bought_together); });
  services.metrics.AddGauge("atelier_catalog_products", "", "Products in the published catalog snapshot.",
                            [&services] {
                              auto c = services.catalog.Get();
                              return c ? static_cast<double>(c->products().size()) : 0.0;
                            });

  // Liveness: the process answers. The body says whether the read snapshots
  // are in place, for a human or a readiness probe.
  router.Get("/healthz", [&services](Request&) {
    auto catalog = services.catalog.Get();
    auto search = services.search.Get();
    boost::json::object body;
    body["status"] = "ok";
    body["catalog_version"] = catalog ? boost::json::value(catalog->version()) : boost::json::value(nullptr);
    body["search_ready"] = search != nullptr;
    return JsonResponse(body);
  });

  router.Get("/metrics", [&services](Request&) {
    Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = services.metrics.Render();
    return r;
  });

  router.Get("/api/v1/openapi.json", [](Request&) {
    Result<std::string> doc = OpenApiDocument();
    if (!doc.ok()) return ErrorResponse(doc.error());
    return JsonText(*doc);
  });
}

}  // namespace atelier::server
