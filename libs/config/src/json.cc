#include "atelier/config/json.h"

#include <boost/json.hpp>

namespace atelier::config {

namespace json = boost::json;

namespace {

json::object Money(int64_t amount, const std::string& currency) {
  return json::object{{"amount", amount}, {"currency", currency}};
}

json::array Strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

}  // namespace

std::string ProductModelToJson(const ProductModel& m) {
  json::object out;
  out["id"] = m.id;
  out["name"] = m.name;
  out["version"] = m.version;
  out["base_price"] = Money(m.base_price, m.currency);
  out["lead_time_days"] = m.base_lead_time_days;
  out["plants"] = Strings(m.plants);
  json::array options;
  for (const Option& o : m.options) {
    json::object jo{{"id", o.id},
                    {"label", o.label},
                    {"kind", o.kind == OptionKind::kBool    ? "bool"
                             : o.kind == OptionKind::kRange ? "range"
                                                            : "enum"},
                    {"optional", o.optional}};
    json::array values;
    for (const OptionValue& v : o.values) {
      json::object jv{{"id", v.id}, {"label", v.label}, {"price_delta", Money(v.price_delta, m.currency)}};
      if (v.lead_time_days) jv["lead_time_days"] = v.lead_time_days;
      if (!v.image.empty()) jv["image"] = v.image;
      if (v.number) jv["number"] = *v.number;
      if (v.absent) jv["absent"] = true;
      values.push_back(std::move(jv));
    }
    jo["values"] = std::move(values);
    options.push_back(std::move(jo));
  }
  out["options"] = std::move(options);
  json::array rules;
  for (const Rule& r : m.rules) rules.push_back(json::object{{"id", r.id}, {"message", r.message}});
  out["rules"] = std::move(rules);
  json::array fields;
  for (const PersonalizationField& f : m.personalization) {
    json::object jf{{"id", f.id},
                    {"label", f.label},
                    {"type", f.kind == PersonalizationField::Kind::kText ? "text" : "image"},
                    {"required", f.required},
                    {"price_delta", Money(f.price_delta, m.currency)}};
    if (f.kind == PersonalizationField::Kind::kText) {
      jf["max_lines"] = f.text.max_lines;
      jf["max_chars_per_line"] = f.text.max_chars_per_line;
      jf["charset"] = f.text.charset;
      jf["allow_emoji"] = f.text.allow_emoji;
      json::array fonts;
      for (const Font& font : f.text.fonts) {
        fonts.push_back(json::object{{"id", font.id}, {"label", font.label}, {"emoji", font.emoji}});
      }
      jf["fonts"] = std::move(fonts);
    } else {
      jf["accepted_types"] = Strings(f.image.accepted_types);
      jf["max_bytes"] = f.image.max_bytes;
      jf["min_width"] = f.image.min_width;
      jf["min_height"] = f.image.min_height;
    }
    fields.push_back(std::move(jf));
  }
  out["personalization"] = std::move(fields);
  return json::serialize(out);
}

Result<ConfigureRequest> ParseConfigureRequestJson(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return Error::InvalidArgument("request body is not valid JSON: " + ec.message(), "body");
  if (!v.is_object()) return Error::InvalidArgument("request body must be a JSON object", "body");
  ConfigureRequest req;
  const json::object& o = v.as_object();
  if (const json::value* sel = o.if_contains("selections")) {
    if (!sel->is_object()) return Error::InvalidArgument("selections must be an object", "selections");
    for (const auto& [key, value] : sel->as_object()) {
      std::string field = "selections." + std::string(key);
      if (value.is_string()) {
        req.selections[std::string(key)] = std::string(value.as_string());
      } else if (value.is_bool()) {
        req.selections[std::string(key)] = value.as_bool() ? "true" : "false";
      } else if (value.is_number()) {
        double x = value.to_number<double>();
        req.selections[std::string(key)] = FormatNumber(x);
      } else {
        return Error::InvalidArgument(field + " must be a string, number or boolean", field);
      }
    }
  }
  if (const json::value* pers = o.if_contains("personalization")) {
    if (!pers->is_array()) return Error::InvalidArgument("personalization must be an array", "personalization");
    int i = 0;
    for (const json::value& item : pers->as_array()) {
      std::string at = "personalization[" + std::to_string(i++) + "]";
      if (!item.is_object()) return Error::InvalidArgument(at + " must be an object", at);
      const json::object& io = item.as_object();
      PersonalizationInput in;
      auto str = [&](const char* key, std::string* out) -> Status {
        if (const json::value* x = io.if_contains(key)) {
          if (!x->is_string()) return Error::InvalidArgument(at + "." + key + " must be a string", at + "." + key);
          *out = std::string(x->as_string());
        }
        return Ok();
      };
      auto num = [&](const char* key, int64_t* out) -> Status {
        if (const json::value* x = io.if_contains(key)) {
          if (!x->is_int64() && !x->is_uint64()) {
            return Error::InvalidArgument(at + "." + key + " must be an integer", at + "." + key);
          }
          *out = x->to_number<int64_t>();
        }
        return Ok();
      };
      ATELIER_RETURN_IF_ERROR(str("field", &in.field));
      if (in.field.empty()) return Error::InvalidArgument(at + ".field is required", at + ".field");
      ATELIER_RETURN_IF_ERROR(str("text", &in.text));
      ATELIER_RETURN_IF_ERROR(str("font", &in.font));
      ATELIER_RETURN_IF_ERROR(str("content_type", &in.content_type));
      int64_t w = 0, h = 0;
      ATELIER_RETURN_IF_ERROR(num("bytes", &in.bytes));
      ATELIER_RETURN_IF_ERROR(num("width", &w));
      ATELIER_RETURN_IF_ERROR(num("height", &h));
      in.width = static_cast<int>(w);
      in.height = static_cast<int>(h);
      req.personalization.push_back(std::move(in));
    }
  }
  for (const auto& [key, value] : o) {
    if (key != "selections" && key != "personalization") {
      return Error::InvalidArgument("unknown member '" + std::string(key) + "'", std::string(key));
    }
  }
  return req;
}

std::string ConfigureStateToJson(const ConfigureState& st) {
  json::object out;
  out["model"] = st.model_id;
  out["version"] = st.version;
  out["status"] = st.consistent ? "ok" : "conflict";
  if (st.conflict) {
    out["conflict"] = json::object{{"picks", Strings(st.conflict->picks)},
                                   {"rule_ids", Strings(st.conflict->rule_ids)},
                                   {"message", st.conflict->message}};
  }
  json::array options;
  for (const OptionState& o : st.options) {
    json::object jo{{"id", o.id}, {"label", o.label}};
    jo["selected"] = o.selected ? json::value(*o.selected) : json::value(nullptr);
    if (o.implied) jo["implied"] = *o.implied;
    json::array values;
    for (const ValueState& v : o.values) {
      json::object jv{{"id", v.id},
                      {"label", v.label},
                      {"available", st.consistent && v.available},
                      {"price_delta", Money(v.price_delta, st.currency)},
                      {"popular", v.popular}};
      if (v.reason) {
        jv["reason"] = json::object{{"rule_ids", Strings(v.reason->rule_ids)},
                                    {"message", v.reason->message},
                                    {"picks_to_drop", Strings(v.reason->picks_to_drop)}};
      }
      values.push_back(std::move(jv));
    }
    jo["values"] = std::move(values);
    options.push_back(std::move(jo));
  }
  out["options"] = std::move(options);
  json::object price{{"now", Money(st.price_now, st.currency)}};
  price["min"] = st.price_min ? json::value(Money(*st.price_min, st.currency)) : json::value(nullptr);
  price["max"] = st.price_max ? json::value(Money(*st.price_max, st.currency)) : json::value(nullptr);
  out["price"] = std::move(price);
  out["count"] = st.count ? json::value(*st.count) : json::value(nullptr);
  out["complete"] = st.complete;
  json::object completion;
  for (const auto& [k, v] : st.cheapest_completion) completion[k] = v;
  out["cheapest_completion"] = std::move(completion);
  out["cheapest_exact"] = st.cheapest_exact;
  out["lead_time_days"] = st.lead_time_days;
  out["plants"] = Strings(st.plants);
  json::array errors;
  for (const FieldError& e : st.personalization_errors) {
    errors.push_back(json::object{{"field", e.field}, {"code", e.code}, {"message", e.message}});
  }
  out["personalization_errors"] = std::move(errors);
  return json::serialize(out);
}

std::string PrettyJson(std::string_view s) {
  std::string out;
  int depth = 0;
  bool in_string = false;
  auto newline = [&] {
    out += '\n';
    out.append(static_cast<size_t>(depth) * 2, ' ');
  };
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < s.size()) {
        out += s[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        out += c;
        break;
      case '{':
      case '[':
        out += c;
        if (i + 1 < s.size() && (s[i + 1] == '}' || s[i + 1] == ']')) {
          out += s[++i];
        } else {
          ++depth;
          newline();
        }
        break;
      case '}':
      case ']':
        --depth;
        newline();
        out += c;
        break;
      case ',':
        out += c;
        newline();
        break;
      case ':':
        out += ": ";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace atelier::config
