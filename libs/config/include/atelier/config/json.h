#pragma once
// JSON encodings of the configurator's API (see the shape documented in
// compiled_model.h), so the HTTP handlers only route:
//   GET  /api/v1/models/{id}            -> ProductModelToJson
//   POST /api/v1/models/{id}/configure  -> ParseConfigureRequestJson, then
//                                          CompiledModel::Configure, then
//                                          ConfigureStateToJson
// Money is {"amount": <minor units>, "currency": "USD"} (DESIGN.md).
//
// Thread-safety: free functions; no shared state.

#include <string>
#include <string_view>

#include "atelier/config/compiled_model.h"
#include "atelier/config/model.h"
#include "atelier/core/result.h"

namespace atelier::config {

// The model for shoppers: options with values (id, label, price_delta,
// lead_time_days, image, available-by-default is not included), the rules'
// ids and messages, personalization fields with their limits, base price,
// lead time and plants.
std::string ProductModelToJson(const ProductModel& model);

// Parses {"selections": {...}, "personalization": [...]}. Errors:
// kInvalidArgument with `field` naming the offending member ("selections.engine",
// "personalization[1].bytes").
Result<ConfigureRequest> ParseConfigureRequestJson(std::string_view body);

std::string ConfigureStateToJson(const ConfigureState& state);

// Indents compact JSON two spaces per level (for golden files and the CLI).
std::string PrettyJson(std::string_view compact);

}  // namespace atelier::config
