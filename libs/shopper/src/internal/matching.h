#pragma once
// How one spec or preference is checked against one value (find.h, "How a
// value matches"), and how the check reads in a "how it meets" line.
//
// Checks run for every candidate, so they allocate nothing: a ValueView
// points into the catalog snapshot or the product model it was read from,
// and a Condition carries its text values already normalized.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "atelier/catalog/types.h"
#include "atelier/config/model.h"
#include "atelier/shopper/find.h"

namespace atelier::shopper::internal {

// A condition on one field: a Spec, or a Preference without its weight.
struct Condition {
  std::string field;  // canonical (CanonicalField)
  SpecOp op = SpecOp::kEq;
  std::vector<SpecValue> values;
  // Filled by Prepare: per value, its words padded with spaces (" calf
  // leather "), empty for numbers and flags; and "<field>_".
  std::vector<std::string> needles;
  std::string prefix;
};

Condition MakeCondition(std::string_view field, SpecOp op, std::vector<SpecValue> values);

// What a value offers to be compared: a catalog attribute, an option value or
// a price. Views into storage that outlives it.
struct ValueView {
  std::optional<double> number;
  std::optional<bool> flag;
  std::string_view texts[2];
  int text_count = 0;
  // What the shopper reads: the attribute, the option value's label, the
  // price (set by the factories below only when asked).
  std::string display;
};

ValueView ViewOf(const catalog::AttributeValue& value, bool with_display);
ValueView ViewOf(const config::OptionValue& value, bool with_display);
ValueView ViewOfPrice(int64_t minor_units, bool with_display);

// True when `value` meets `condition`.
bool Meets(const Condition& condition, const ValueView& value);

// lower_snake_case of a label: "Heel height (cm)" -> "heel_height_cm".
std::string SnakeCase(std::string_view text);

// The field as the catalog spells it: lower_snake_case, "color" -> "colour".
std::string CanonicalField(std::string_view field);

// "10.5", "leather", "true".
std::string ValueText(const SpecValue& value);
// "= 10.5", "in {black, navy}", "<= 2".
std::string ConditionText(SpecOp op, const std::vector<SpecValue>& values);

// "size 10.5 ✓", "heel_height_cm 1.5 ≤ 2 ✓", "width M, wanted W ✗"; `value`
// null when the candidate does not give the field.
std::string CheckText(const std::string& name, const Condition& condition, const ValueView* value, bool ok);

}  // namespace atelier::shopper::internal
