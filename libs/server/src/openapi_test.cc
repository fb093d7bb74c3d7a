#include "atelier/server/openapi.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <regex>
#include <set>

#include "atelier/server/routes.h"

namespace atelier::server {
namespace {

std::set<std::pair<std::string, std::string>> Pairs(const std::vector<RouteInfo>& routes) {
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& r : routes) out.emplace(r.method, r.pattern);
  return out;
}

std::set<std::pair<std::string, std::string>> RegisteredRoutes() {
  Services services;
  Router router;
  RegisterAllRoutes(router, services, "");
  return Pairs(router.routes());
}

TEST(OpenApiTest, IsAValidOpenApi31Document) {
  Result<std::string> text = OpenApiDocument();
  ASSERT_TRUE(text.ok()) << text.error().ToString();
  auto doc = boost::json::parse(*text).as_object();
  EXPECT_TRUE(std::string(doc.at("openapi").as_string()).rfind("3.1", 0) == 0);
  EXPECT_TRUE(doc.at("components").at("schemas").as_object().contains("Error"));
}

TEST(OpenApiTest, DocumentsEveryRegisteredRoute) {
  auto documented = OpenApiRoutes();
  ASSERT_TRUE(documented.ok()) << documented.error().ToString();
  auto in_doc = Pairs(*documented);
  for (const auto& route : RegisteredRoutes()) {
    EXPECT_TRUE(in_doc.count(route)) << route.first << " " << route.second << " is not in openapi/*.json";
  }
}

TEST(OpenApiTest, DocumentsNoRouteThatIsNotRegistered) {
  auto documented = OpenApiRoutes();
  ASSERT_TRUE(documented.ok());
  auto registered = RegisteredRoutes();
  for (const auto& route : Pairs(*documented)) {
    EXPECT_TRUE(registered.count(route)) << route.first << " " << route.second << " is documented but not routed";
  }
}

TEST(OpenApiTest, EveryOperationDeclaresItsPathParametersAndResponses) {
  auto doc = boost::json::parse(*OpenApiDocument()).as_object();
  const auto& components = doc.at("components").as_object();
  const std::regex placeholder("\\{([a-z_]+)\\}");
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, op] : item.as_object()) {
      const auto& operation = op.as_object();
      EXPECT_TRUE(operation.contains("responses")) << method << " " << path;
      std::set<std::string> declared;
      if (const auto* params = operation.if_contains("parameters")) {
        for (const auto& p : params->as_array()) {
          const boost::json::object* param = &p.as_object();
          if (param->contains("$ref")) {
            std::string ref(param->at("$ref").as_string());
            param = &components.at("parameters").at(ref.substr(ref.rfind('/') + 1)).as_object();
          }
          if (param->at("in").as_string() == "path") declared.insert(std::string(param->at("name").as_string()));
        }
      }
      const std::string p(path);
      for (std::sregex_iterator it(p.begin(), p.end(), placeholder), end; it != end; ++it) {
        EXPECT_TRUE(declared.count((*it)[1])) << method << " " << path << " lacks path parameter " << (*it)[1];
      }
    }
  }
}

// The address state, "save this address" and the saved account address
// (migration 9) are described where clients look for them.
TEST(OpenApiTest, DescribesTheAddressStateAndTheSavedAddress) {
  auto doc = boost::json::parse(*OpenApiDocument()).as_object();
  const auto& paths = doc.at("paths").as_object();
  const auto& checkout = paths.at("/api/v1/checkout")
                             .at("post")
                             .at("requestBody")
                             .at("content")
                             .at("application/json")
                             .at("schema")
                             .at("properties")
                             .as_object();
  EXPECT_TRUE(checkout.at("shipping").at("properties").as_object().contains("state"));
  EXPECT_EQ(checkout.at("save_address").at("type").as_string(), "boolean");
  // The deprecated one-text form is still described, as deprecated.
  EXPECT_TRUE(checkout.at("shipping").at("properties").at("address").at("deprecated").as_bool());
  const auto& order = doc.at("components").at("schemas").at("Order").at("properties").as_object();
  EXPECT_TRUE(order.at("shipping").at("properties").as_object().contains("state"));
  const auto& address = paths.at("/api/v1/account/address").as_object();
  for (const char* method : {"get", "put", "delete"}) EXPECT_TRUE(address.contains(method)) << method;
  EXPECT_TRUE(address.at("put").at("responses").as_object().contains("400"));
  const auto& fields = doc.at("components").at("schemas").at("AddressFields").at("properties").as_object();
  for (const char* member : {"name", "line1", "line2", "city", "state", "postal_code", "country"}) {
    EXPECT_TRUE(fields.contains(member)) << member;
  }
  const auto& buy = paths.at("/api/v1/stylist-requests/{id}/picks/{pick_id}/buy").at("post").as_object();
  EXPECT_NE(std::string(buy.at("responses").at("409").at("description").as_string()).find("shipping"),
            std::string::npos);
  EXPECT_TRUE(buy.at("responses")
                  .at("201")
                  .at("content")
                  .at("application/json")
                  .at("schema")
                  .at("properties")
                  .at("order")
                  .at("properties")
                  .as_object()
                  .contains("shipping"));
}

}  // namespace
}  // namespace atelier::server
