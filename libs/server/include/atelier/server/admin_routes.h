#pragma once
// The merchant dashboard's API under /api/v1/admin (besides the order
// pipeline, which the buying routes serve). Every route takes a merchant API
// key (`Authorization: Bearer <key>`, auth.h) with the scope named below:
// 401 without a key or with an unknown or revoked one, 403 when the key lacks
// the scope, 503 while the buying services (which hold the keys) are not up.
//
//   GET  /api/v1/admin/locations                      catalog
//   GET  /api/v1/admin/stock?location=&q=&page=       catalog
//   POST /api/v1/admin/models/validate                models
//   POST /api/v1/admin/recommender/reload             models
//   GET  /api/v1/admin/analytics/sales?days=          analytics
//   GET  /api/v1/admin/analytics/bought-together      analytics
//   GET  /api/v1/admin/analytics/options?model=       analytics
//   GET  /api/v1/admin/analytics/fulfilment           analytics
//   GET  /api/v1/admin/analytics/recommendations      analytics
//
// Shapes are documented in libs/server/openapi/admin.json. Analytics read the
// store on each request (orders, order lines, events) and say in each answer
// which source a figure comes from.
//
// Thread-safety: handlers read snapshots and the thread-safe store.

#include "atelier/server/router.h"
#include "atelier/server/services.h"

namespace atelier::server {

void RegisterAdminRoutes(Router& router, Services& services);

}  // namespace atelier::server
