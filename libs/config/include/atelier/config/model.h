#pragma once
// The product model: what a shopper can choose for one configurable product.
//
// A ProductModel is plain data: options with finite domains, rules over them
// (Boolean expressions and allowed/forbidden tables), prices, personalization
// fields, lead time and plants. It is produced by the YAML parser (parser.h) or
// by an importer (importers.h) and compiled by compiled_model.h. Every option
// has a finite, explicit list of values (ranges are expanded at parse time), so
// rules and engines only ever see value indices.
//
// Thread-safety: values; no shared state.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace atelier::config {

// Where a model element was written; empty file for imported/in-memory models.
struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based; 0 = unknown

  // "file:line:column" (or the parts known).
  std::string ToString() const;
};

enum class OptionKind { kEnum, kRange, kBool };

// One value of an option's domain.
struct OptionValue {
  std::string id;     // what selections carry: "red", "8.5", "true", "none"
  std::string label;  // what the shopper reads
  int64_t price_delta = 0;     // minor units of the model currency
  int lead_time_days = 0;      // added to the model's base lead time
  std::string image;           // optional image URL/path
  std::optional<double> number;  // numeric value (ranges, numeric enums)
  bool absent = false;         // the "none" value of an optional option
};

// The value id an optional option takes when the shopper leaves it out.
inline constexpr std::string_view kAbsentValueId = "none";

struct Option {
  std::string id;
  std::string label;
  OptionKind kind = OptionKind::kEnum;
  bool optional = false;  // when true, `values` ends with an absent ("none") value
  std::vector<OptionValue> values;
  SourceLocation location;

  // Index of the value with this id, or -1.
  int ValueIndex(std::string_view value_id) const;
};

// A Boolean expression over option values. Every comparison is lowered at
// parse time to "option in {value indices}", so engines see only kIn atoms.
struct Expr {
  enum class Kind { kTrue, kFalse, kIn, kNot, kAnd, kOr };
  Kind kind = Kind::kTrue;
  int option = -1;              // kIn
  std::vector<int> values;      // kIn: sorted value indices
  std::vector<Expr> children;   // kNot (1), kAnd/kOr (2+)

  static Expr True() { return Expr{}; }
  static Expr False() {
    Expr e;
    e.kind = Kind::kFalse;
    return e;
  }
  static Expr In(int option, std::vector<int> values);
  static Expr Not(Expr e);
  static Expr And(std::vector<Expr> children);
  static Expr Or(std::vector<Expr> children);
};

// Wildcard in a table row: any value of that column's option.
inline constexpr int kAnyValue = -1;

struct Rule {
  enum class Kind { kConstraint, kAllowedTable, kForbiddenTable };
  std::string id;       // unique within the model; used in explanations
  std::string message;  // human sentence shown when this rule excludes a value
  std::string text;     // the expression as written (kConstraint)
  Kind kind = Kind::kConstraint;
  Expr expr;                                // kConstraint
  std::vector<int> table_options;           // tables: column options
  std::vector<std::vector<int>> rows;       // tables: value indices or kAnyValue
  SourceLocation location;
};

// Price change applied when `when` holds (e.g. a package discount).
struct PriceAdjustment {
  std::string id;
  std::string label;
  std::string text;  // the condition as written
  Expr when;
  int64_t delta = 0;  // minor units; negative for discounts
  SourceLocation location;
};

struct Font {
  std::string id;
  std::string label;
  bool emoji = false;  // whether the font can render emoji
};

// Free-text personalization (engraving, printed text).
struct TextFieldSpec {
  int max_lines = 1;
  int max_chars_per_line = 20;  // counted in Unicode code points
  // "ascii" (printable ASCII), "latin" (ASCII + Latin-1/Latin Extended-A),
  // "alnum" (ASCII letters, digits, space), or "custom" (`custom_chars` only).
  std::string charset = "latin";
  std::string custom_chars;  // UTF-8; used when charset == "custom"
  bool allow_emoji = false;  // emoji also need a font with emoji = true
  std::vector<Font> fonts;   // empty = no font choice
};

// An uploaded picture.
struct ImageFieldSpec {
  std::vector<std::string> accepted_types;  // MIME types, e.g. "image/png"
  int64_t max_bytes = 10 * 1024 * 1024;
  int min_width = 0;
  int min_height = 0;
};

struct PersonalizationField {
  enum class Kind { kText, kImage };
  std::string id;
  std::string label;
  Kind kind = Kind::kText;
  bool required = false;
  int64_t price_delta = 0;  // charged when the field is filled in
  TextFieldSpec text;
  ImageFieldSpec image;
  SourceLocation location;
};

struct ProductModel {
  std::string id;
  std::string name;
  int version = 1;
  std::string currency = "USD";
  int64_t base_price = 0;  // minor units
  int base_lead_time_days = 0;
  std::vector<std::string> plants;  // plant codes that can build it
  std::vector<Option> options;
  std::vector<Rule> rules;
  std::vector<PriceAdjustment> adjustments;
  std::vector<PersonalizationField> personalization;

  // Index of the option with this id, or -1.
  int OptionIndex(std::string_view option_id) const;
  // Index of the rule with this id, or -1.
  int RuleIndex(std::string_view rule_id) const;
};

// Evaluates `e` on a complete assignment (one value index per option).
bool Evaluate(const Expr& e, const std::vector<int>& assignment);

// Three-valued evaluation on a partial assignment (-1 = not chosen):
// returns true/false when decided by the chosen values, nullopt otherwise.
std::optional<bool> EvaluatePartial(const Expr& e, const std::vector<int>& assignment);

// True when the complete assignment satisfies rule `r`.
bool Satisfies(const Rule& r, const std::vector<int>& assignment);

// Writes a number the way range value ids are spelled: "8", "8.5", "0.25".
std::string FormatNumber(double value);

}  // namespace atelier::config
