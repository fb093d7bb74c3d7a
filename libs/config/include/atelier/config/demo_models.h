#pragma once
// The demo shop's configurable products (SUV, printed candy, engraved tablet,
// custom shoes). Their YAML sources live in libs/config/models/*.yaml and are
// embedded into the library at build time, so nothing is read from disk.
//
// Thread-safety: free functions; no shared state.

#include <string>
#include <vector>

#include "atelier/config/model.h"
#include "atelier/core/result.h"

namespace atelier::config {

struct ModelSource {
  std::string file_name;  // "suv.yaml"
  std::string yaml;       // the model text, as a merchant would upload it
};

// The embedded demo model texts, sorted by file name.
std::vector<ModelSource> DemoModelSources();

// The demo models, parsed. Errors only if an embedded text is broken (a bug
// caught by the tests).
Result<std::vector<ProductModel>> DemoModels();

}  // namespace atelier::config
