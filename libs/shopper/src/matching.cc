#include "internal/matching.h"

#include <cctype>
#include <cmath>

#include "atelier/core/money.h"
#include "atelier/core/strings.h"

namespace atelier::shopper::internal {

namespace {

constexpr double kEpsilon = 1e-9;

bool IsWordChar(unsigned char u) { return std::isalnum(u) || u >= 0x80; }

// Lower-case words separated by single spaces, padded with one space on each
// side: "Calf-Leather " -> " calf leather ".
void PaddedWords(std::string_view text, std::string* out) {
  out->assign(1, ' ');
  bool space = false;
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (IsWordChar(u)) {
      if (space && out->size() > 1) *out += ' ';
      space = false;
      *out += static_cast<char>(std::tolower(u));
    } else {
      space = true;
    }
  }
  *out += ' ';
}

bool TextMatches(const std::string& needle, const ValueView& value) {
  if (needle.size() <= 2) return false;
  thread_local std::string words;
  for (int i = 0; i < value.text_count; ++i) {
    PaddedWords(value.texts[i], &words);
    if (words.find(needle) != std::string::npos) return true;
  }
  return false;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::optional<bool> FlagOf(std::string_view text) {
  text = Trim(text);
  if (EqualsIgnoringCase(text, "true") || EqualsIgnoringCase(text, "yes")) return true;
  if (EqualsIgnoringCase(text, "false") || EqualsIgnoringCase(text, "no")) return false;
  return std::nullopt;
}

bool EqualTo(const SpecValue& wanted, const std::string& needle, const ValueView& value) {
  if (const double* d = std::get_if<double>(&wanted)) {
    return value.number && std::fabs(*value.number - *d) < kEpsilon;
  }
  if (const bool* b = std::get_if<bool>(&wanted)) {
    if (value.flag) return *value.flag == *b;
    for (int i = 0; i < value.text_count; ++i) {
      if (FlagOf(value.texts[i]) == *b) return true;
    }
    return false;
  }
  const std::string& s = std::get<std::string>(wanted);
  if (value.number) {
    if (auto n = ParseDouble(s)) return std::fabs(*value.number - *n) < kEpsilon;
  }
  if (value.flag) {
    if (auto f = FlagOf(s)) return *value.flag == *f;
  }
  return TextMatches(needle, value);
}

const char* Symbol(SpecOp op) {
  switch (op) {
    case SpecOp::kLe:
      return "\u2264";
    case SpecOp::kGe:
      return "\u2265";
    default:
      return SpecOpName(op);
  }
}

std::string Shown(const SpecValue& v, bool money) {
  if (money) {
    if (const double* d = std::get_if<double>(&v)) return FormatMinorUnits(std::llround(*d));
  }
  return ValueText(v);
}

std::string Wanted(const Condition& c, bool money) {
  if (c.op == SpecOp::kIn) {
    std::vector<std::string> parts;
    for (const auto& v : c.values) parts.push_back(Shown(v, money));
    return "one of " + Join(parts, ", ");
  }
  std::string out = c.op == SpecOp::kEq ? "" : std::string(Symbol(c.op)) + " ";
  return out + (c.values.empty() ? std::string() : Shown(c.values.front(), money));
}

}  // namespace

Condition MakeCondition(std::string_view field, SpecOp op, std::vector<SpecValue> values) {
  Condition c;
  c.field = CanonicalField(field);
  c.op = op;
  c.values = std::move(values);
  for (const auto& v : c.values) {
    std::string needle;
    if (const std::string* s = std::get_if<std::string>(&v)) PaddedWords(*s, &needle);
    c.needles.push_back(std::move(needle));
  }
  c.prefix = c.field + "_";
  return c;
}

ValueView ViewOf(const catalog::AttributeValue& value, bool with_display) {
  ValueView view;
  if (const double* d = std::get_if<double>(&value)) {
    view.number = *d;
  } else if (const bool* b = std::get_if<bool>(&value)) {
    view.flag = *b;
  } else {
    const std::string& s = std::get<std::string>(value);
    view.number = ParseDouble(s);
    view.flag = FlagOf(s);
    view.texts[view.text_count++] = s;
  }
  if (with_display) view.display = ValueText(value);
  return view;
}

ValueView ViewOf(const config::OptionValue& value, bool with_display) {
  ValueView view;
  view.number = value.number ? value.number : ParseDouble(value.id);
  view.texts[view.text_count++] = value.id;
  view.texts[view.text_count++] = value.label;
  if (with_display) view.display = value.label.empty() ? value.id : value.label;
  return view;
}

ValueView ViewOfPrice(int64_t minor_units, bool with_display) {
  ValueView view;
  view.number = static_cast<double>(minor_units);
  if (with_display) view.display = FormatMinorUnits(minor_units);
  return view;
}

bool Meets(const Condition& condition, const ValueView& value) {
  switch (condition.op) {
    case SpecOp::kEq:
    case SpecOp::kIn:
      for (size_t i = 0; i < condition.values.size(); ++i) {
        if (EqualTo(condition.values[i], condition.needles[i], value)) return true;
      }
      return false;
    case SpecOp::kLe:
    case SpecOp::kGe:
    case SpecOp::kLt:
    case SpecOp::kGt: {
      if (!value.number || condition.values.empty()) return false;
      const double* bound = std::get_if<double>(&condition.values.front());
      if (!bound) return false;
      const double x = *value.number;
      if (condition.op == SpecOp::kLe) return x <= *bound + kEpsilon;
      if (condition.op == SpecOp::kGe) return x >= *bound - kEpsilon;
      if (condition.op == SpecOp::kLt) return x < *bound - kEpsilon;
      return x > *bound + kEpsilon;
    }
  }
  return false;
}

std::string SnakeCase(std::string_view text) {
  std::string out;
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      out += static_cast<char>(std::tolower(u));
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

std::string CanonicalField(std::string_view field) {
  std::string f = SnakeCase(field);
  if (f == "color") return "colour";
  return f;
}

std::string ValueText(const SpecValue& value) {
  if (const double* d = std::get_if<double>(&value)) return config::FormatNumber(*d);
  return catalog::AttributeText(value);
}

std::string ConditionText(SpecOp op, const std::vector<SpecValue>& values) {
  if (op == SpecOp::kIn) {
    std::vector<std::string> parts;
    for (const auto& v : values) parts.push_back(ValueText(v));
    return "in {" + Join(parts, ", ") + "}";
  }
  return std::string(SpecOpName(op)) + " " + (values.empty() ? std::string() : ValueText(values.front()));
}

std::string CheckText(const std::string& name, const Condition& condition, const ValueView* value, bool ok) {
  const bool money = condition.field == "price";
  const char* mark = ok ? " \u2713" : " \u2717";
  if (!value) return name + " not given, wanted " + Wanted(condition, money) + mark;
  if (ok) {
    if (condition.op == SpecOp::kEq || condition.op == SpecOp::kIn) return name + " " + value->display + mark;
    return name + " " + value->display + " " + Wanted(condition, money) + mark;
  }
  return name + " " + value->display + ", wanted " + Wanted(condition, money) + mark;
}

}  // namespace atelier::shopper::internal
