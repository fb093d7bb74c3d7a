#pragma once
// The OpenAPI fragments (libs/server/openapi/*.json), embedded at build time
// by embed_openapi.cmake, in file-name order.

#include <cstddef>

namespace atelier::server::internal {

struct EmbeddedFile {
  const char* name;     // "catalog.json"
  const char* content;  // the file's text
};

extern const EmbeddedFile kOpenApiFragments[];
extern const size_t kOpenApiFragmentCount;

}  // namespace atelier::server::internal
