#include "atelier/server/openapi.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstring>
#include <initializer_list>

#include "atelier/core/strings.h"
#include "internal/openapi_fragments.h"

namespace atelier::server {

namespace {

namespace json = boost::json;

constexpr const char* kMethods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

bool IsMethod(std::string_view key) {
  for (const char* m : kMethods) {
    if (key == m) return true;
  }
  return false;
}

// Adds `fragment`'s paths and components to `doc`; a second definition of the
// same operation or component is an error.
Status Merge(json::object& doc, const json::object& fragment, const std::string& name) {
  if (const json::value* paths = fragment.if_contains("paths")) {
    if (!paths->is_object()) return Error::Internal(name + ": \"paths\" is not an object");
    json::value& target_value = doc["paths"];
    if (!target_value.is_object()) target_value.emplace_object();
    json::object& target = target_value.as_object();
    for (const auto& [path, item] : paths->as_object()) {
      if (!item.is_object()) return Error::Internal(name + ": path " + std::string(path) + " is not an object");
      json::object& into = target[path].is_object() ? target[path].as_object() : target[path].emplace_object();
      for (const auto& [method, operation] : item.as_object()) {
        if (into.contains(method)) {
          return Error::Internal(name + ": " + std::string(method) + " " + std::string(path) + " defined twice");
        }
        into[method] = operation;
      }
    }
  }
  if (const json::value* components = fragment.if_contains("components")) {
    if (!components->is_object()) return Error::Internal(name + ": \"components\" is not an object");
    json::value& target_value = doc["components"];
    if (!target_value.is_object()) target_value.emplace_object();
    json::object& target = target_value.as_object();
    for (const auto& [kind, entries] : components->as_object()) {
      if (!entries.is_object()) return Error::Internal(name + ": components." + std::string(kind) + " not an object");
      json::value& into_value = target[kind];
      if (!into_value.is_object()) into_value.emplace_object();
      json::object& into = into_value.as_object();
      for (const auto& [key, entry] : entries.as_object()) {
        if (into.contains(key)) {
          return Error::Internal(name + ": components." + std::string(kind) + "." + std::string(key) +
                                 " defined twice");
        }
        into[key] = entry;
      }
    }
  }
  return Ok();
}

Result<json::object> Build() {
  json::object doc;
  bool have_base = false;
  // base.json first, then the modules' fragments in name order.
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < internal::kOpenApiFragmentCount; ++i) {
      const internal::EmbeddedFile& file = internal::kOpenApiFragments[i];
      const bool is_base = std::strcmp(file.name, "base.json") == 0;
      if (is_base != (pass == 0)) continue;
      boost::system::error_code ec;
      json::value parsed = json::parse(file.content, ec);
      if (ec || !parsed.is_object()) {
        return Error::Internal(std::string(file.name) + " is not a JSON object: " + ec.message());
      }
      if (is_base) {
        doc = std::move(parsed.as_object());
        if (!doc.contains("paths")) doc["paths"] = json::object();
        have_base = true;
      } else {
        ATELIER_RETURN_IF_ERROR(Merge(doc, parsed.as_object(), file.name));
      }
    }
  }
  if (!have_base) return Error::Internal("openapi/base.json is missing");
  return doc;
}

const Result<json::object>& Document() {
  static const Result<json::object> kDocument = Build();
  return kDocument;
}

}  // namespace

Result<std::string> OpenApiDocument() {
  static const Result<std::string> kText = []() -> Result<std::string> {
    const Result<json::object>& doc = Document();
    if (!doc.ok()) return doc.error();
    return json::serialize(*doc);
  }();
  return kText;
}

Result<std::vector<RouteInfo>> OpenApiRoutes() {
  const Result<json::object>& doc = Document();
  if (!doc.ok()) return doc.error();
  std::vector<RouteInfo> out;
  for (const auto& [path, item] : doc->at("paths").as_object()) {
    if (!item.is_object()) continue;
    for (const auto& [method, operation] : item.as_object()) {
      if (!IsMethod(method)) continue;  // "parameters", "summary", ...
      std::string upper(method);
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out.push_back({upper, std::string(path)});
    }
  }
  return out;
}

}  // namespace atelier::server
