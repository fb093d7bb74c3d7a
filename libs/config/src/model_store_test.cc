#include "atelier/config/model_store.h"

#include <gtest/gtest.h>

#include <string>

#include "atelier/config/demo_models.h"

namespace atelier::config {
namespace {

constexpr const char* kMugV1 = R"(model: mug
name: Printed mug
version: 1
currency: USD
base_price: 12
options:
  - id: colour
    label: Colour
    values:
      - {id: white, label: White}
      - {id: black, label: Black, price: 2}
)";

std::string WithVersion(int version, const std::string& extra_value = "") {
  std::string text = kMugV1;
  text.replace(text.find("version: 1"), 10, "version: " + std::to_string(version));
  if (!extra_value.empty()) text += "      - {id: " + extra_value + ", label: X}\n";
  return text;
}

class ModelStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::OpenDatabase("sqlite::memory:");
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    db_ = std::move(*db);
  }
  std::unique_ptr<store::Database> db_;
};

TEST_F(ModelStoreTest, SavesVersionsAndServesTheNewest) {
  auto v1 = SaveProductModel(*db_, kMugV1, "mug.yaml");
  ASSERT_TRUE(v1.ok()) << v1.error().ToString();
  EXPECT_TRUE(v1->created);
  EXPECT_EQ(v1->model_id, "mug");
  EXPECT_EQ(v1->version, 1);
  auto v2 = SaveProductModel(*db_, WithVersion(2, "red"), "api");
  ASSERT_TRUE(v2.ok()) << v2.error().ToString();

  auto latest = LoadLatestProductModels(*db_);
  ASSERT_TRUE(latest.ok()) << latest.error().ToString();
  ASSERT_EQ(latest->size(), 1u);
  EXPECT_EQ((*latest)[0].version, 2);
  EXPECT_EQ((*latest)[0].options[0].values.size(), 3u);

  // Old versions stay loadable (orders name the version they were made with).
  auto old = LoadProductModel(*db_, "mug", 1);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->options[0].values.size(), 2u);
  auto versions = ListProductModelVersions(*db_, "mug");
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version, 2);
  EXPECT_EQ((*versions)[1].origin, "mug.yaml");
}

TEST_F(ModelStoreTest, SameTextAgainIsANoOpAndAnotherTextUnderAStoredVersionIsAConflict) {
  ASSERT_TRUE(SaveProductModel(*db_, kMugV1, "mug.yaml").ok());
  auto again = SaveProductModel(*db_, kMugV1, "mug.yaml");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  auto changed = SaveProductModel(*db_, WithVersion(1, "red"), "api");
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(changed.error().code, ErrorCode::kConflict);
  EXPECT_EQ(changed.error().field, "version");
  // Nothing stored was damaged.
  auto stored = LoadProductModel(*db_, "mug", 1);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->options[0].values.size(), 2u);
}

TEST_F(ModelStoreTest, RejectsBrokenAndUnsatisfiableModelsWithoutStoringThem) {
  auto broken = SaveProductModel(*db_, "model: mug\nname: [unclosed\n", "bad.yaml");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(broken.error().message.find("bad.yaml"), std::string::npos) << broken.error().message;

  std::string impossible = std::string(kMugV1) +
                           "rules:\n  - {id: no-white, message: not white, rule: colour != white}\n"
                           "  - {id: no-black, message: not black, rule: colour != black}\n";
  auto conflict = SaveProductModel(*db_, impossible, "impossible.yaml");
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code, ErrorCode::kConflict) << conflict.error().ToString();

  auto latest = LoadLatestProductModels(*db_);
  ASSERT_TRUE(latest.ok());
  EXPECT_TRUE(latest->empty());
}

TEST_F(ModelStoreTest, SeedsTheDemoModelsOnce) {
  ModelCache cache;
  auto added = SeedDemoProductModels(*db_, &cache);
  ASSERT_TRUE(added.ok()) << added.error().ToString();
  EXPECT_EQ(*added, static_cast<int>(DemoModelSources().size()));
  EXPECT_EQ(cache.size(), DemoModelSources().size());
  auto again = SeedDemoProductModels(*db_, &cache);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  auto latest = LoadLatestProductModels(*db_);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->size(), DemoModelSources().size());
}

}  // namespace
}  // namespace atelier::config
