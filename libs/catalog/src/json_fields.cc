#include "internal/json_fields.h"

#include <charconv>
#include <cmath>

namespace atelier::catalog::internal {

namespace json = boost::json;

// Written by hand rather than through json::serialize so that numbers keep
// their shortest decimal form ("10.5", not Boost's "1.05E1"): the column is
// read by people and by other backends' tools too.
std::string AttributesToJson(const std::vector<Attribute>& attributes) {
  std::string out = "{";
  for (const Attribute& a : attributes) {
    if (out.size() > 1) out += ',';
    out += json::serialize(json::string(a.key));
    out += ':';
    if (auto s = std::get_if<std::string>(&a.value)) {
      out += json::serialize(json::string(*s));
    } else if (auto b = std::get_if<bool>(&a.value)) {
      out += *b ? "true" : "false";
    } else {
      double d = std::get<double>(a.value);
      if (!std::isfinite(d)) {
        out += "null";
        continue;
      }
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
      out.append(buf, ec == std::errc() ? end : buf);
    }
  }
  out += '}';
  return out;
}

std::string ImagesToJson(const std::vector<std::string>& images) {
  json::array arr;
  arr.reserve(images.size());
  for (const auto& i : images) arr.emplace_back(i);
  return json::serialize(arr);
}

Result<std::vector<Attribute>> AttributesFromJson(const json::value& value, const std::string& field) {
  const json::object* obj = value.if_object();
  if (obj == nullptr) return Error::InvalidArgument("must be an object of key/value pairs", field);
  std::vector<Attribute> out;
  out.reserve(obj->size());
  for (const auto& kv : *obj) {
    std::string key(kv.key());
    const json::value& v = kv.value();
    switch (v.kind()) {
      case json::kind::string:
        out.push_back({key, std::string(v.get_string())});
        break;
      case json::kind::bool_:
        out.push_back({key, v.get_bool()});
        break;
      case json::kind::int64:
        out.push_back({key, static_cast<double>(v.get_int64())});
        break;
      case json::kind::uint64:
        out.push_back({key, static_cast<double>(v.get_uint64())});
        break;
      case json::kind::double_:
        out.push_back({key, v.get_double()});
        break;
      case json::kind::null:
        break;
      default:
        return Error::InvalidArgument("must be a string, number or boolean", field + "." + key);
    }
  }
  return out;
}

Result<std::vector<std::string>> ImagesFromJson(const json::value& value, const std::string& field) {
  const json::array* arr = value.if_array();
  if (arr == nullptr) return Error::InvalidArgument("must be an array of strings", field);
  std::vector<std::string> out;
  out.reserve(arr->size());
  for (const auto& v : *arr) {
    if (!v.is_string()) return Error::InvalidArgument("must be an array of strings", field);
    out.emplace_back(v.get_string());
  }
  return out;
}

std::vector<Attribute> ParseStoredAttributes(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return {};
  auto attrs = AttributesFromJson(v);
  return attrs.ok() ? std::move(attrs).value() : std::vector<Attribute>{};
}

std::vector<std::string> ParseStoredImages(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return {};
  auto images = ImagesFromJson(v);
  return images.ok() ? std::move(images).value() : std::vector<std::string>{};
}

}  // namespace atelier::catalog::internal
