#include "atelier/config/json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "atelier/config/demo_models.h"

namespace atelier::config {
namespace {

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(JsonTest, ParsesSelectionsOfEveryScalarType) {
  auto req = ParseConfigureRequestJson(R"({"selections": {"engine": "v6", "towing": true, "size": 8.5}})");
  ASSERT_TRUE(req.ok()) << req.error().message;
  EXPECT_EQ(req->selections.at("engine"), "v6");
  EXPECT_EQ(req->selections.at("towing"), "true");
  EXPECT_EQ(req->selections.at("size"), "8.5");
}

TEST(JsonTest, RejectsMalformedRequestsNamingTheField) {
  auto bad = ParseConfigureRequestJson("{not json");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "body");
  auto arr = ParseConfigureRequestJson(R"({"selections": {"engine": ["v6"]}})");
  ASSERT_FALSE(arr.ok());
  EXPECT_EQ(arr.error().field, "selections.engine");
  auto bytes = ParseConfigureRequestJson(R"({"personalization": [{"field": "photo", "bytes": "big"}]})");
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.error().field, "personalization[0].bytes");
  auto extra = ParseConfigureRequestJson(R"({"selection": {}})");
  ASSERT_FALSE(extra.ok());
  EXPECT_EQ(extra.error().field, "selection");
}

TEST(JsonTest, ModelJsonListsOptionsAndFields) {
  auto models = DemoModels();
  ASSERT_TRUE(models.ok());
  for (const ProductModel& m : *models) {
    boost::json::value v = boost::json::parse(ProductModelToJson(m));
    EXPECT_EQ(v.at("id").as_string(), m.id);
    EXPECT_EQ(v.at("options").as_array().size(), m.options.size());
    EXPECT_EQ(v.at("personalization").as_array().size(), m.personalization.size());
  }
}

// Golden configurator states: tests/cases/config/states/<case>.case.json holds
// {"model": <demo model id>, "request": <configure request>}; the pretty JSON
// state must equal <case>.state.json. ATELIER_UPDATE_GOLDEN=1 rewrites them.
TEST(JsonTest, ConfigureStatesMatchGoldenFiles) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(ATELIER_SOURCE_DIR) / "tests/cases/config/states";
  const bool update = std::getenv("ATELIER_UPDATE_GOLDEN") != nullptr;
  auto models = DemoModels();
  ASSERT_TRUE(models.ok());
  std::map<std::string, std::shared_ptr<const CompiledModel>> compiled;
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.size() < 10 || name.substr(name.size() - 10) != ".case.json") continue;
    boost::json::value c = boost::json::parse(ReadFile(entry.path()));
    std::string model_id(c.at("model").as_string());
    if (!compiled.count(model_id)) {
      for (const auto& m : *models) {
        if (m.id == model_id) compiled[model_id] = *CompiledModel::Compile(m);
      }
    }
    ASSERT_TRUE(compiled.count(model_id)) << model_id;
    auto req = ParseConfigureRequestJson(boost::json::serialize(c.at("request")));
    ASSERT_TRUE(req.ok()) << req.error().message;
    auto st = compiled[model_id]->Configure(*req);
    ASSERT_TRUE(st.ok()) << st.error().message;
    std::string got = PrettyJson(ConfigureStateToJson(*st)) + "\n";
    fs::path golden = dir / (name.substr(0, name.size() - 10) + ".state.json");
    if (update) std::ofstream(golden) << got;
    ASSERT_TRUE(fs::exists(golden)) << golden;
    EXPECT_EQ(got, ReadFile(golden)) << golden;
    ++checked;
  }
  EXPECT_GE(checked, 5);
}

}  // namespace
}  // namespace atelier::config
