// POST /api/v1/shopper/find (shopper_routes.h has the JSON shapes).
//
// The handler parses the request into a shopper::FindRequest (naming the
// field at fault), runs Find over the current catalog snapshot and product
// models, and encodes the result with the catalog's product summaries.

#include "atelier/server/shopper_routes.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <memory>
#include <mutex>
#include <string>

#include "atelier/server/errors.h"
#include "atelier/server/json.h"
#include "atelier/shopper/find.h"
#include "internal/catalog_json.h"

namespace atelier::server {

namespace {

namespace json = boost::json;

// The candidate index of the newest catalog snapshot and model registry
// seen, rebuilt when either is republished.
class IndexCache {
 public:
  std::shared_ptr<const shopper::CandidateIndex> Get(
      const std::shared_ptr<const catalog::CatalogSnapshot>& catalog,
      const std::shared_ptr<const ProductModelRegistry>& registry, const shopper::CompiledModels& models) {
    std::lock_guard<std::mutex> lock(mu_);
    if (catalog_ != catalog || registry_ != registry) {
      // The index refers into the snapshot; the aliasing pointer keeps the
      // snapshot alive as long as the index is used.
      auto holder = std::make_shared<
          std::pair<std::shared_ptr<const catalog::CatalogSnapshot>, shopper::CandidateIndex>>(
          catalog, shopper::CandidateIndex(*catalog, models));
      index_ = std::shared_ptr<const shopper::CandidateIndex>(holder, &holder->second);
      catalog_ = catalog;
      registry_ = registry;
    }
    return index_;
  }

 private:
  std::mutex mu_;
  std::shared_ptr<const catalog::CatalogSnapshot> catalog_;  // guarded by mu_
  std::shared_ptr<const ProductModelRegistry> registry_;     // guarded by mu_
  std::shared_ptr<const shopper::CandidateIndex> index_;     // guarded by mu_
};

Error Bad(std::string message, std::string field) {
  return Error::InvalidArgument(std::move(message), std::move(field));
}

Result<shopper::SpecValue> ScalarValue(const json::value& v, const std::string& field) {
  if (v.is_string()) return shopper::SpecValue(std::string(v.as_string()));
  if (v.is_bool()) return shopper::SpecValue(v.as_bool());
  if (v.is_number()) return shopper::SpecValue(v.to_number<double>());
  return Bad("must be a string, a number or a boolean", field);
}

// One spec or preference: field, op, value(s). `path` is "specs[2]".
struct ParsedCondition {
  std::string field;
  shopper::SpecOp op = shopper::SpecOp::kEq;
  std::vector<shopper::SpecValue> values;
  double weight = 1;
};

Result<ParsedCondition> ParseCondition(const json::value& item, const std::string& path, bool preference) {
  if (!item.is_object()) return Bad("must be an object {\"field\", \"op\", \"value\"}", path);
  ParsedCondition c;
  for (const auto& [key, value] : item.as_object()) {
    const std::string field = path + "." + std::string(key);
    if (key == "field") {
      if (!value.is_string()) return Bad("must be a string", field);
      c.field = std::string(value.as_string());
    } else if (key == "op") {
      if (!value.is_string() || !shopper::ParseSpecOp(value.as_string(), &c.op)) {
        return Bad("must be one of \"=\", \"in\", \"<=\", \">=\", \"<\", \">\"", field);
      }
    } else if (key == "value") {
      if (value.is_array()) {
        const json::array& values = value.as_array();
        for (size_t i = 0; i < values.size(); ++i) {
          ATELIER_ASSIGN_OR_RETURN(shopper::SpecValue v,
                                   ScalarValue(values[i], field + "[" + std::to_string(i) + "]"));
          c.values.push_back(std::move(v));
        }
      } else {
        ATELIER_ASSIGN_OR_RETURN(shopper::SpecValue v, ScalarValue(value, field));
        c.values.push_back(std::move(v));
      }
    } else if (key == "weight" && preference) {
      if (!value.is_number()) return Bad("must be a number", field);
      c.weight = value.to_number<double>();
    } else {
      return Bad("unknown member", field);
    }
  }
  if (c.field.empty()) return Bad("is required", path + ".field");
  if (c.values.empty()) return Bad("is required", path + ".value");
  return c;
}

Result<int64_t> IntegerMember(const json::value& value, const std::string& field) {
  if (value.is_int64()) return value.as_int64();
  if (value.is_uint64() && value.as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(value.as_uint64());
  }
  if (value.is_double()) {
    const double d = value.as_double();
    if (d == static_cast<double>(static_cast<int64_t>(d))) return static_cast<int64_t>(d);
  }
  return Bad("must be an integer", field);
}

Result<shopper::FindRequest> ParseFindRequest(const json::value& body) {
  if (!body.is_object()) return Bad("expected a JSON object {\"specs\": [...], \"budget\": ...}", "body");
  shopper::FindRequest request;
  for (const auto& [key, value] : body.as_object()) {
    const std::string name(key);
    if (key == "specs" || key == "preferences") {
      if (!value.is_array()) return Bad("must be an array", name);
      const json::array& items = value.as_array();
      for (size_t i = 0; i < items.size(); ++i) {
        const bool preference = key == "preferences";
        ATELIER_ASSIGN_OR_RETURN(ParsedCondition c,
                                 ParseCondition(items[i], name + "[" + std::to_string(i) + "]", preference));
        if (preference) {
          request.preferences.push_back({std::move(c.field), c.op, std::move(c.values), c.weight});
        } else {
          request.specs.push_back({std::move(c.field), c.op, std::move(c.values)});
        }
      }
    } else if (key == "budget") {
      if (value.is_null()) continue;
      const json::value* amount = &value;
      if (value.is_object()) {
        amount = value.as_object().if_contains("amount");
        if (!amount) return Bad("must be minor units or {\"amount\", \"currency\"}", name);
      }
      ATELIER_ASSIGN_OR_RETURN(int64_t budget, IntegerMember(*amount, name));
      request.budget = budget;
    } else if (key == "category") {
      if (!value.is_string()) return Bad("must be a string", name);
      request.category = std::string(value.as_string());
    } else if (key == "kind") {
      if (value == "any") {
        request.kind = shopper::KindFilter::kAny;
      } else if (value == "product") {
        request.kind = shopper::KindFilter::kProducts;
      } else if (value == "configuration") {
        request.kind = shopper::KindFilter::kConfigurations;
      } else {
        return Bad("must be \"any\", \"product\" or \"configuration\"", name);
      }
    } else if (key == "limit") {
      ATELIER_ASSIGN_OR_RETURN(int64_t limit, IntegerMember(value, name));
      if (limit < 1 || limit > 100) return Bad("must be between 1 and 100", name);
      request.limit = static_cast<int>(limit);
    } else {
      return Bad("unknown member", name);
    }
  }
  return request;
}

json::value SpecValueJson(const shopper::SpecValue& v) {
  if (const double* d = std::get_if<double>(&v)) return *d;
  if (const bool* b = std::get_if<bool>(&v)) return *b;
  return json::value(std::get<std::string>(v));
}

json::array ChecksJson(const std::vector<shopper::SpecCheck>& checks, const char* index_name,
                       const std::vector<std::string>& fields) {
  json::array out;
  for (const auto& c : checks) {
    json::object o;
    o[index_name] = c.index;
    o["field"] = fields[c.index];
    o["text"] = c.text;
    o["ok"] = c.ok;
    out.push_back(std::move(o));
  }
  return out;
}

struct Encoder {
  const catalog::CatalogSnapshot& catalog;
  const shopper::FindRequest& request;
  std::vector<std::string> spec_fields;
  std::vector<std::string> pref_fields;

  Encoder(const catalog::CatalogSnapshot& c, const shopper::FindRequest& r) : catalog(c), request(r) {
    for (const auto& s : r.specs) spec_fields.push_back(s.field);
    for (const auto& p : r.preferences) pref_fields.push_back(p.field);
  }

  json::object Match(const shopper::Match& m) const {
    json::object o;
    const bool configuration = m.kind == shopper::Match::Kind::kConfiguration;
    o["kind"] = configuration ? "configuration" : "product";
    o["product"] = internal::ProductSummaryJson(catalog, *m.product);
    if (configuration || m.stock_unit) {
      o["model_id"] = m.model_id;
      json::object selections;
      for (const auto& [option, value] : m.configuration) selections[option] = value;
      o["configuration"] = std::move(selections);
    } else {
      o["model_id"] = nullptr;
      o["configuration"] = nullptr;
    }
    if (m.stock_unit) {
      json::object stock;
      if (const catalog::Location* location = catalog.FindLocation(m.stock_unit->location_id)) {
        stock["location"] = location->code;
        stock["location_name"] = location->name;
        stock["region"] = location->region;
      }
      stock["quantity"] = m.stock_unit->quantity;
      o["stock"] = std::move(stock);
    } else {
      o["stock"] = nullptr;
    }
    o["price"] = MoneyJson(m.price);
    o["score"] = m.score;
    o["meets"] = ChecksJson(m.meets, "spec", spec_fields);
    o["prefers"] = ChecksJson(m.prefers, "preference", pref_fields);
    return o;
  }

  json::object Change(const shopper::RelaxChange& c) const {
    json::object o;
    switch (c.kind) {
      case shopper::RelaxChange::Kind::kDrop:
        o["kind"] = "drop";
        break;
      case shopper::RelaxChange::Kind::kLoosen:
        o["kind"] = "loosen";
        break;
      case shopper::RelaxChange::Kind::kRaiseBudget:
        o["kind"] = "raise_budget";
        break;
    }
    if (c.spec >= 0) {
      o["spec"] = c.spec;
      o["field"] = spec_fields[c.spec];
    } else {
      o["spec"] = nullptr;
      o["field"] = nullptr;
    }
    o["text"] = c.text;
    if (c.loosened) {
      json::object l;
      l["field"] = c.loosened->field;
      l["op"] = shopper::SpecOpName(c.loosened->op);
      if (c.loosened->op == shopper::SpecOp::kIn) {
        json::array values;
        for (const auto& v : c.loosened->values) values.push_back(SpecValueJson(v));
        l["value"] = std::move(values);
      } else {
        l["value"] = SpecValueJson(c.loosened->values.front());
      }
      o["loosened"] = std::move(l);
    } else {
      o["loosened"] = nullptr;
    }
    if (c.kind == shopper::RelaxChange::Kind::kRaiseBudget) {
      o["new_budget"] = MoneyJson(Money{c.new_budget, Currency()});
      o["raise_by"] = MoneyJson(Money{c.raise_by, Currency()});
    } else {
      o["new_budget"] = nullptr;
      o["raise_by"] = nullptr;
    }
    return o;
  }

  // The shop currency: that of the catalog's products (budgets carry none).
  std::string Currency() const {
    return catalog.products().empty() ? std::string("USD") : catalog.products().front().price.currency;
  }

  json::object Result(const shopper::FindResult& r) const {
    json::object body;
    json::array matches;
    for (const auto& m : r.matches) matches.push_back(Match(m));
    body["matches"] = std::move(matches);
    body["total"] = r.total_matches;
    json::array relaxations;
    for (const auto& relaxation : r.relaxations) {
      json::object o;
      o["description"] = relaxation.description;
      json::array changes;
      for (const auto& c : relaxation.changes) changes.push_back(Change(c));
      o["changes"] = std::move(changes);
      o["yield_count"] = relaxation.yield_count;
      json::array examples;
      for (const auto& m : relaxation.examples) examples.push_back(Match(m));
      o["examples"] = std::move(examples);
      relaxations.push_back(std::move(o));
    }
    body["relaxations"] = std::move(relaxations);
    body["candidates"] = r.candidates;
    body["configure_calls"] = r.configure_calls;
    return body;
  }
};

}  // namespace

void RegisterShopperRoutes(Router& router, Services& services) {
  auto cache = std::make_shared<IndexCache>();
  router.Post("/api/v1/shopper/find", [&services, cache](Request& request) {
    auto body = ParseJsonBody(request);
    if (!body.ok()) return ErrorResponse(body.error());
    auto find = ParseFindRequest(*body);
    if (!find.ok()) return ErrorResponse(find.error());
    auto catalog = services.catalog.Get();
    if (!catalog) return ErrorResponse(Error::Unavailable("the catalog is still loading"));
    auto registry = services.product_models.Get();
    static const shopper::CompiledModels kNoModels;
    const shopper::CompiledModels& models = registry ? registry->by_id : kNoModels;
    auto index = cache->Get(catalog, registry, models);
    auto result = shopper::Find(*find, *index, models);
    if (!result.ok()) return ErrorResponse(result.error());
    return JsonResponse(Encoder(*catalog, *find).Result(*result));
  });
}

}  // namespace atelier::server
