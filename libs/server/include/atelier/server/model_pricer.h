#pragma once
// The buying module's ConfigurationPricer (atelier/orders/pricer.h) over the
// server's compiled product models.
//
// Price() runs the configurator on the selections (without explanations,
// counts or price ranges, so it costs one consistency check plus the price
// sum) and accepts only a consistent, complete configuration whose
// personalization validates. The product line whose plant capacity a build
// consumes is the model id ("suv"); the plants are the model's.
//
// Personalization travels as field id -> text ({"engraving": "Ada"}); a
// text field's font is the key "<field>.font" ({"engraving.font": "serif"}).
// An image field holds a PictureReference to a checked upload (uploads.h;
// AddToCart in buying_routes.cc turns the shopper's upload id into one);
// anything else there is kInvalidArgument naming the field.
//
// Model versions: the current version of each model is the one in
// Services::product_models; earlier versions still in the ModelCache (a cart
// or order made before an upgrade) are found there.
//
// Thread-safety: safe to call concurrently; reads snapshots only and never
// touches the store.

#include <memory>
#include <string_view>
#include <vector>

#include "atelier/config/compiled_model.h"
#include "atelier/core/snapshot.h"
#include "atelier/orders/pricer.h"

namespace atelier::server {

struct ProductModelRegistry;

class ModelPricer : public orders::ConfigurationPricer {
 public:
  // REQUIRES: `models` and `cache` outlive this object.
  ModelPricer(const SnapshotHolder<ProductModelRegistry>& models, const config::ModelCache& cache)
      : models_(models), cache_(cache) {}

  // Errors: kNotFound (field "model_id") for an unknown model or version;
  // kUnavailable while the models are loading; kInvalidArgument with field
  // "selections.<option>" for an unknown, missing or conflicting pick, and
  // "personalization.<field>" for a personalization error.
  Result<orders::PricedConfiguration> Price(std::string_view model_id, int model_version,
                                            const orders::Selections& selections,
                                            const orders::Personalization& personalization) override;

  // Errors: kNotFound (field "model_id"); kUnavailable while loading.
  Result<orders::ModelDescription> Describe(std::string_view model_id, int model_version) override;

  // The compiled model for `model_id` at `model_version` (0 = current).
  // Errors as Describe.
  Result<std::shared_ptr<const config::CompiledModel>> Find(std::string_view model_id, int model_version) const;

 private:
  const SnapshotHolder<ProductModelRegistry>& models_;
  const config::ModelCache& cache_;
};

// Personalization as the configurator's inputs (see the file comment).
// Errors: kInvalidArgument (field "personalization.<field>") for an image
// field without a PictureReference or a font key of an unknown field.
Result<std::vector<config::PersonalizationInput>> PersonalizationInputs(const config::ProductModel& model,
                                                                         const orders::Personalization& values);

}  // namespace atelier::server
