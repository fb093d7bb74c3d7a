#pragma once
// The product model text format (YAML) and its expression language.
//
// Format (prices are decimal major units, "4500" or "12.50"; see
// libs/config/models/*.yaml for complete examples):
//
//   model: suv                 # id, required
//   name: Trailhead SUV
//   version: 3
//   currency: USD
//   base_price: 32000
//   lead_time_days: 21
//   plants: [detroit, leipzig]
//   options:
//     - id: engine
//       label: Engine
//       values:                # enum: list of {id, label, price, lead_time, image}
//         - {id: i4, label: 2.0 4-cylinder}
//         - {id: v6, label: 3.5 V6, price: 2500, lead_time: 3}
//     - id: size
//       range: {min: 5, max: 15, step: 0.5}   # values "5", "5.5", ... "15"
//     - id: sunroof
//       type: bool             # values "false", "true"; price applies to true
//       price: 1200
//     - id: roof_box
//       optional: true         # adds the value "none" (absent)
//       values: [small, large] # short form: ids only
//   rules:
//     - id: towing-engine
//       rule: towing requires engine in {v6, hybrid}
//       message: Towing needs the V6 or the hybrid engine.
//     - id: wheel-trim
//       allowed:               # or `forbidden:`; "*" matches any value
//         options: [trim, wheels]
//         rows: [[base, w17], [sport, "*"]]
//   adjustments:
//     - {id: bundle, when: towing and winter, price: -500, label: Bundle}
//   personalization:
//     - {id: engraving, type: text, max_lines: 2, max_chars_per_line: 20,
//        charset: latin, allow_emoji: true, price: 25,
//        fonts: [{id: serif}, {id: emoji-sans, emoji: true}]}
//     - {id: photo, type: image, accepted_types: [image/png, image/jpeg],
//        max_bytes: 5000000, min_width: 600, min_height: 600, price: 3}
//
// Expressions, loosest binding first:
//   a implies b | a requires b   (right-associative; same meaning)
//   a excludes b                 (not (a and b))
//   a or b
//   a and b
//   not a
//   opt = v | opt != v | opt in {v1, v2} | opt < n | opt <= n | opt > n |
//   opt >= n | bool_opt (means bool_opt = true) | true | false | ( expr )
// Identifiers are [A-Za-z_][A-Za-z0-9_.-]*; values may also be numbers or
// "quoted strings". `<`/`<=`/`>`/`>=` need an option whose values are numbers.
// Parentheses, `not` and chained implications nest at most
// kMaxExpressionNesting levels deep.
//
// Errors: every function returns kInvalidArgument with a message
// "file:line:column: <what was expected>" and `field` = "file:line:column".
// A model with no valid configuration is rejected by CompileModel, not here.
//
// Thread-safety: free functions; no shared state.

#include <string>
#include <string_view>

#include "atelier/config/model.h"
#include "atelier/core/result.h"

namespace atelier::config {

inline constexpr int kMaxExpressionNesting = 100;

// Parses a model from YAML text. `file_name` only labels error positions.
Result<ProductModel> ParseProductModel(std::string_view yaml_text, std::string_view file_name);

// Reads and parses a YAML model file.
Result<ProductModel> LoadProductModelFile(const std::string& path);

// Parses one expression against `model`'s options (for rules added by API or
// tests). `file_name`, `line`, `column` position the text for error messages.
Result<Expr> ParseExpression(const ProductModel& model, std::string_view text,
                             std::string_view file_name = "<expr>", int line = 1,
                             int column = 1);

// Writes `model` back as YAML in the format above (rules as expressions and
// tables). ParseProductModel(WriteProductModel(m)) yields an equivalent model.
std::string WriteProductModel(const ProductModel& model);

// Writes an expression in the language above.
std::string FormatExpression(const ProductModel& model, const Expr& e);

}  // namespace atelier::config
