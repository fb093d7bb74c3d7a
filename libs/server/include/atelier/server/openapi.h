#pragma once
// The OpenAPI 3.1 description of the HTTP API, served at
// GET /api/v1/openapi.json.
//
// Each module documents its routes in libs/server/openapi/<module>.json (a
// partial document with "paths" and "components"); the build embeds them and
// this merges them onto base.json. A test checks that the merged document and
// the Router agree route for route.
//
// Thread-safety: the document is built once, on first use, and immutable.

#include <string>
#include <vector>

#include "atelier/core/result.h"
#include "atelier/server/router.h"

namespace atelier::server {

// The merged document, serialized. Errors: kInternal when a fragment is not
// valid JSON or two fragments define the same path and method (a build
// mistake the test catches).
Result<std::string> OpenApiDocument();

// The (method, path template) pairs the document describes, methods upper
// case: {"GET", "/api/v1/products/{id}"}.
Result<std::vector<RouteInfo>> OpenApiRoutes();

}  // namespace atelier::server
