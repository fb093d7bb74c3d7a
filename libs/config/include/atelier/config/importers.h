#pragma once
// Importers of public configuration models into ProductModel:
//   - DIMACS CNF with `c <id> <name>` comments (feature-model benchmarks):
//     one bool option per variable, one rule per clause (ids "c1", "c2", ...);
//   - SPLOT SXFM (indented feature tree + CNF constraints);
//   - FeatureIDE XML (<and>/<or>/<alt>/<feature> tree, <constraints>, Price
//     attributes become value prices, the root's price the base price; EUR);
//   - XCSP 2.1 extensional constraints (the Renault instances): one enum
//     option per variable whose value ids are the integers of its domain
//     ("-1" is Renault's "absent" joker), one table rule per constraint.
// Option ids are the source names made safe for the expression language
// (other characters become '_', made unique); labels keep the original names.
//
// Errors: kInvalidArgument naming the file and line (or element) at fault;
// kNotFound when a file cannot be read.
// Thread-safety: free functions; no shared state.

#include <string>
#include <string_view>

#include "atelier/config/model.h"
#include "atelier/core/result.h"

namespace atelier::config {

enum class ModelFormat { kAuto, kYaml, kDimacs, kSxfm, kFeatureIde, kXcsp };

// "yaml", "dimacs", "sxfm", "featureide", "xcsp"; kAuto -> "auto".
const char* ModelFormatName(ModelFormat f);
// Parses a format name as above; nullopt-like kAuto for "auto"; error otherwise.
Result<ModelFormat> ParseModelFormat(std::string_view name);

Result<ProductModel> ImportDimacs(std::string_view text, std::string_view model_id);
Result<ProductModel> ImportSxfm(std::string_view text, std::string_view model_id);
Result<ProductModel> ImportFeatureIde(std::string_view text, std::string_view model_id);
Result<ProductModel> ImportXcsp(std::string_view text, std::string_view model_id);

// Guesses the format from the text: DIMACS ("p cnf"/"c " lines), SXFM
// (<feature_model>), FeatureIDE (<extendedFeatureModel>/<featureModel>),
// XCSP (<instance>), YAML otherwise.
ModelFormat DetectModelFormat(std::string_view text);

// Reads `path` and parses or imports it. The model id defaults to the file's
// base name without extensions (made safe).
Result<ProductModel> LoadModel(const std::string& path, ModelFormat format = ModelFormat::kAuto);

// Makes `name` a valid option/model id: letters, digits, '_', '-', '.', not
// starting with a digit, '-' or '.', not a keyword of the expression language.
std::string SafeId(std::string_view name);

}  // namespace atelier::config
