#pragma once
// Product models, versioned in the store (table product_models).
//
// A merchant uploads a model's YAML text; the store keeps every version's
// text exactly as uploaded, keyed by (model id, version) where both come from
// the text itself (`model:` and `version:`). A version, once stored, never
// changes: saving the same text again is a no-op, saving a different text
// under a stored version is a conflict (raise `version:`). Orders and carts
// name the version they were configured against, so old versions stay
// loadable. What is served is each model's newest version.
//
// Save() parses the text and compiles it first (through `cache` when given,
// so the compiled form is reused by the server), so the store only ever holds
// models that have at least one valid configuration.
//
// Thread-safety: free functions over a thread-safe store::Database.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "atelier/config/compiled_model.h"
#include "atelier/config/model.h"
#include "atelier/core/result.h"
#include "atelier/store/database.h"

namespace atelier::config {

struct StoredModelInfo {
  std::string model_id;
  int version = 0;
  std::string origin;      // file name or "api", for the merchant's records
  int64_t created_at = 0;  // unix seconds
  bool created = false;    // Save(): false when this exact text was already stored
};

// Parses, compiles and stores `yaml_text`. `origin` labels parse errors and
// the stored row. Errors: the parser's kInvalidArgument (file, line, column);
// the compiler's kConflict for a model without any valid configuration;
// kConflict (field "version") when the version is stored with another text.
Result<StoredModelInfo> SaveProductModel(store::Database& db, std::string_view yaml_text, std::string_view origin,
                                         ModelCache* cache = nullptr);

// The newest version of every stored model, parsed, in model id order.
// Errors: the store's; kInternal naming the model when a stored text no
// longer parses (it did when saved).
Result<std::vector<ProductModel>> LoadLatestProductModels(store::Database& db);

// One stored version. Errors: kNotFound (field "version").
Result<ProductModel> LoadProductModel(store::Database& db, std::string_view model_id, int version);

// Every stored version of `model_id`, newest first (empty when none).
Result<std::vector<StoredModelInfo>> ListProductModelVersions(store::Database& db, std::string_view model_id);

// Stores the demo models (DemoModelSources) that the store does not hold
// yet; returns how many were added.
Result<int> SeedDemoProductModels(store::Database& db, ModelCache* cache = nullptr);

}  // namespace atelier::config
