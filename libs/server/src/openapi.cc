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

// Saved account addresses and the address state (migration 9): the new
// operations as a fragment, and what they add to the checkout, the order and
// one-click buy of openapi/buying.json and openapi/styling.json.
constexpr const char* kAddressFragment = R"json({
 "paths": {
  "/api/v1/account/address": {
   "get": {
    "tags": ["buying"],
    "operationId": "getSavedAddress",
    "summary": "The shopper's saved default shipping address: what the checkout page fills in, and where one-click buys of a stylist's pick ship to. null when none is saved.",
    "parameters": [{"$ref": "#/components/parameters/AddressSessionCookie"}],
    "responses": {
     "200": {"description": "The saved address, or null.", "content": {"application/json": {"schema": {"type": "object", "required": ["address"], "properties": {"address": {"oneOf": [{"$ref": "#/components/schemas/SavedAddress"}, {"type": "null"}]}}}}}},
     "401": {"$ref": "#/components/responses/BuyingUnauthorized"},
     "503": {"$ref": "#/components/responses/Unavailable"}
    }
   },
   "put": {
    "tags": ["buying"],
    "operationId": "putSavedAddress",
    "summary": "Saves the shopper's default shipping address, replacing any. Checked as a checkout's address is (400 naming the field as shipping.<member>, e.g. shipping.state). A checkout with save_address: true saves its address the same way.",
    "parameters": [{"$ref": "#/components/parameters/AddressSessionCookie"}, {"$ref": "#/components/parameters/AddressCsrfToken"}],
    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AddressFields"}}}},
    "responses": {
     "200": {"description": "The address as saved (trimmed, country and state upper-cased).", "content": {"application/json": {"schema": {"type": "object", "required": ["address"], "properties": {"address": {"$ref": "#/components/schemas/SavedAddress"}}}}}},
     "400": {"$ref": "#/components/responses/BadRequest"},
     "401": {"$ref": "#/components/responses/BuyingUnauthorized"},
     "403": {"$ref": "#/components/responses/BuyingForbidden"},
     "503": {"$ref": "#/components/responses/Unavailable"}
    }
   },
   "delete": {
    "tags": ["buying"],
    "operationId": "deleteSavedAddress",
    "summary": "Forgets the saved address (none saved is not an error). One-click buys then answer 409 (field shipping) until an address is saved again.",
    "parameters": [{"$ref": "#/components/parameters/AddressSessionCookie"}, {"$ref": "#/components/parameters/AddressCsrfToken"}],
    "responses": {
     "204": {"description": "Forgotten."},
     "401": {"$ref": "#/components/responses/BuyingUnauthorized"},
     "403": {"$ref": "#/components/responses/BuyingForbidden"},
     "503": {"$ref": "#/components/responses/Unavailable"}
    }
   }
  }
 },
 "components": {
  "parameters": {
   "AddressSessionCookie": {"name": "atelier_session", "in": "cookie", "required": true, "description": "Session id (HttpOnly; SameSite=Lax; Path=/; Secure behind TLS).", "schema": {"type": "string"}},
   "AddressCsrfToken": {"name": "X-CSRF-Token", "in": "header", "required": true, "description": "The session's CSRF token (403 field csrf_token without it).", "schema": {"type": "string"}}
  },
  "schemas": {
   "AddressFields": {
    "type": "object",
    "required": ["name", "line1", "city", "postal_code", "country"],
    "properties": {
     "name": {"type": "string", "description": "Who receives it."},
     "line1": {"type": "string", "description": "Street and number."},
     "line2": {"type": "string", "description": "Optional: flat, floor, c/o."},
     "city": {"type": "string"},
     "state": {"type": "string", "description": "State, province or territory. Required for US, CA and AU, as the postal code of one of the country's states, provinces or territories (\"NY\", \"QC\", \"NSW\"; stored upper-cased); elsewhere optional, at most 100 bytes. 400 field shipping.state otherwise."},
     "postal_code": {"type": "string", "description": "2-12 letters, digits, spaces or hyphens."},
     "country": {"type": "string", "description": "ISO 3166-1 alpha-2; stored upper-cased."}
    }
   },
   "SavedAddress": {
    "allOf": [{"$ref": "#/components/schemas/AddressFields"}],
    "type": "object",
    "properties": {"updated_at": {"type": "integer", "description": "When it was saved (unix seconds)."}}
   }
  }
 }
})json";

// The member at `path` of `root` as an object; null when any step is missing.
json::object* At(json::object& root, std::initializer_list<std::string_view> path) {
  json::object* o = &root;
  for (std::string_view key : path) {
    json::value* v = o->if_contains(key);
    if (v == nullptr || !v->is_object()) return nullptr;
    o = &v->as_object();
  }
  return o;
}

json::object StateProperty() {
  return json::object{
      {"type", "string"},
      {"description",
       "State, province or territory. Required for US, CA and AU: the postal code of one of the country's "
       "states, provinces or territories (\"NY\", \"QC\", \"NSW\"), stored upper-cased; elsewhere optional, "
       "at "
       "most 100 bytes. 400 field shipping.state when missing or not a code."}};
}

Status AmendForAddresses(json::object& doc) {
  boost::system::error_code ec;
  json::value fragment = json::parse(kAddressFragment, ec);
  if (ec || !fragment.is_object()) return Error::Internal("the address fragment is not a JSON object");
  ATELIER_RETURN_IF_ERROR(Merge(doc, fragment.as_object(), "openapi.cc address fragment"));
  if (json::object* shipping = At(doc, {"paths", "/api/v1/checkout", "post", "requestBody", "content",
                                        "application/json", "schema", "properties", "shipping"})) {
    if (json::object* props = At(*shipping, {"properties"})) (*props)["state"] = StateProperty();
    (*shipping)["description"] =
        "Who and where the order is delivered to: name with line1, line2 (optional), city, state (required "
        "for "
        "US, CA and AU), postal_code (2-12 letters, digits, spaces, hyphens) and country (ISO 3166-1 "
        "alpha-2), "
        "or (deprecated) name with the whole address as one text in `address`. Each field is checked (400 "
        "naming it, e.g. shipping.postal_code, shipping.state); a retry under the same Idempotency-Key with "
        "another address is 409. Only region (or no shipping at all): the order is stored without an "
        "address.";
  }
  if (json::object* body = At(doc, {"paths", "/api/v1/checkout", "post", "requestBody", "content",
                                    "application/json", "schema", "properties"})) {
    (*body)["save_address"] = json::object{
        {"type", "boolean"},
        {"default", false},
        {"description",
         "Also make this address the account's saved address (GET /api/v1/account/address), with the order: "
         "only when the order is placed, and only for an address sent in fields (never the deprecated "
         "one-text "
         "form). Not part of the request for idempotency."}};
  }
  if (json::object* props =
          At(doc, {"components", "schemas", "Order", "properties", "shipping", "properties"})) {
    (*props)["state"] = json::object{{"type", "string"},
                                     {"description",
                                      "State, province or territory; "
                                      " when none was given."}};
  }
  if (json::object* buy = At(doc, {"paths", "/api/v1/stylist-requests/{id}/picks/{pick_id}/buy", "post"})) {
    if (json::value* summary = buy->if_contains("summary"); summary != nullptr && summary->is_string()) {
      *summary =
          std::string(summary->as_string()) +
          " The order ships to the shopper's saved address (GET/PUT /api/v1/account/address); without "
          "one it is 409 with code conflict and field \"shipping\", the message saying to add an address.";
    }
    if (json::object* order = At(*buy, {"responses", "201", "content", "application/json", "schema",
                                        "properties", "order", "properties"})) {
      (*order)["shipping"] =
          json::object{{"$ref", "#/components/schemas/AddressFields"},
                       {"description", "Where it ships: the saved address it was bought with."}};
    }
    if (json::object* conflict = At(*buy, {"responses", "409"})) {
      (*conflict)["description"] =
          "The request is closed (field state), stock ran out (field stock), the Idempotency-Key was used "
          "for "
          "another purchase (field idempotency_key), or the shopper has no saved shipping address (field "
          "shipping: add one with PUT /api/v1/account/address or by checking out with save_address).";
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
  ATELIER_RETURN_IF_ERROR(AmendForAddresses(doc));
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
