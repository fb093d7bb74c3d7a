#include "atelier/config/importers.h"

#include <gtest/gtest.h>

#include "atelier/config/compiled_model.h"
#include "atelier/config/parser.h"

namespace atelier::config {
namespace {

std::string Count(const ProductModel& m) {
  auto cm = CompiledModel::Compile(m);
  EXPECT_TRUE(cm.ok()) << (cm.ok() ? "" : cm.error().message);
  if (!cm.ok()) return "";
  return (*cm)->CountConfigurations().value_or("unknown");
}

TEST(ImportersTest, DimacsNamesOptionsFromComments) {
  auto m = ImportDimacs("c 1 Root\nc 2 Fast CPU\nc 3 and\np cnf 3 2\n1 0\n-2 -3 0\n", "tiny");
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->options.size(), 3u);
  EXPECT_EQ(m->options[1].id, "Fast_CPU");
  EXPECT_EQ(m->options[1].label, "Fast CPU");
  EXPECT_EQ(m->options[2].id, "and_");  // keywords are made safe
  EXPECT_EQ(m->rules[1].id, "c2");
  EXPECT_EQ(Count(*m), "3");  // root fixed; not both 2 and 3
}

TEST(ImportersTest, DimacsErrorsNameTheLine) {
  auto m = ImportDimacs("p cnf 2 1\n1 x 0\n", "bad");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message, "bad:2: expected an integer literal, got 'x'");
  auto big = ImportDimacs("p cnf 2 1\n1 3 0\n", "bad");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().message, "bad:2: literal 3 exceeds the 2 declared variables");
}

TEST(ImportersTest, SxfmTreeGroupsAndConstraints) {
  const char* text = R"(<feature_model name="Phone">
<feature_tree>
:r Phone (phone)
	:m Screen (screen)
		:g [1,1]
			: Basic (basic)
			: HD (hd)
	:o GPS (gps)
	:o Media (media)
		:g [1,*]
			: Camera (camera)
			: MP3 (mp3)
</feature_tree>
<constraints>
c1: ~camera or hd
c2: ~gps or ~basic
</constraints>
</feature_model>
)";
  auto m = ImportSxfm(text, "phone");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->name, "Phone");
  EXPECT_EQ(m->options.size(), 8u);
  // Screen: basic|hd. GPS excludes basic; camera needs hd.
  // Enumerated by hand: basic: gps off, media in {off, mp3} -> 2;
  // hd: gps 2 x media {off, cam, mp3, cam+mp3} 4 -> 8. Total 10.
  EXPECT_EQ(Count(*m), "10");
}

TEST(ImportersTest, FeatureIdeReadsPricesAndRules) {
  const char* text = R"(<?xml version="1.0"?>
<extendedFeatureModel>
  <struct>
    <and abstract="true" mandatory="true" name="PC">
      <attribute name="Price" type="double" value="100.5"/>
      <alt mandatory="true" name="CPU">
        <feature name="i3"><attribute name="Price" type="double" value="80.0"/></feature>
        <feature name="i7"><attribute name="Price" type="double" value="300.25"/></feature>
      </alt>
      <feature name="Cooler"><attribute name="Price" type="double" value="20"/></feature>
    </and>
  </struct>
  <constraints>
    <rule><imp><var>i7</var><var>Cooler</var></imp></rule>
  </constraints>
</extendedFeatureModel>
)";
  auto m = ImportFeatureIde(text, "pc");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->currency, "EUR");
  EXPECT_EQ(m->base_price, 10050);
  EXPECT_EQ(m->options[m->OptionIndex("i7")].values[1].price_delta, 30025);
  EXPECT_EQ(Count(*m), "3");  // i3, i3+cooler, i7+cooler
  auto cm = CompiledModel::Compile(*m);
  ASSERT_TRUE(cm.ok());
  auto st = (*cm)->Configure({});
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(*st->price_min, 10050 + 8000);
  EXPECT_EQ(*st->price_max, 10050 + 30025 + 2000);
}

TEST(ImportersTest, XcspTablesWithJoker) {
  const char* text = R"(<instance>
<presentation format="XCSP 2.1"/>
<domains nbDomains="2">
<domain name="D0" nbValues="3"> 0 1 2 </domain>
<domain name="D1" nbValues="2" optional="-1"> -1 0 </domain>
</domains>
<variables nbVariables="2">
<variable name="v0" domain="D0"/>
<variable name="v1" domain="D1"/>
</variables>
<relations nbRelations="1">
<relation name="r" arity="2" nbTuples="3" semantics="supports"> 0 -1|1 0|2 0 </relation>
</relations>
<constraints nbConstraints="1">
<constraint name="c1" arity="2" scope="v0 v1" reference="r"/>
</constraints>
</instance>
)";
  auto m = ImportXcsp(text, "car");
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->options.size(), 2u);
  EXPECT_EQ(m->options[1].values[0].id, "-1");
  EXPECT_EQ(Count(*m), "3");
}

TEST(ImportersTest, DetectsFormats) {
  EXPECT_EQ(DetectModelFormat("c 1 a\np cnf 1 0\n"), ModelFormat::kDimacs);
  EXPECT_EQ(DetectModelFormat("<feature_model name=\"x\">"), ModelFormat::kSxfm);
  EXPECT_EQ(DetectModelFormat("<?xml?>\n<extendedFeatureModel>"), ModelFormat::kFeatureIde);
  EXPECT_EQ(DetectModelFormat("<instance>"), ModelFormat::kXcsp);
  EXPECT_EQ(DetectModelFormat("model: x\n"), ModelFormat::kYaml);
}

TEST(ImportersTest, ImportedModelsWriteAsYamlAndReadBack) {
  auto m = ImportDimacs("c 1 Root\nc 2 Fast CPU\nc 3 and\np cnf 3 2\n1 0\n-2 -3 0\n", "tiny");
  ASSERT_TRUE(m.ok());
  auto again = ParseProductModel(WriteProductModel(*m), "tiny.yaml");
  ASSERT_TRUE(again.ok()) << again.error().message << "\n" << WriteProductModel(*m);
  EXPECT_EQ(Count(*again), "3");
}

TEST(ImportersTest, FeatureTreesWriteAsYamlAndReadBack) {
  const char* text = R"(<feature_model name="Phone">
<feature_tree>
:r Phone (phone)
	:m Screen (screen)
		:g [1,1]
			: Basic (basic)
			: HD (hd)
	:o GPS (gps)
</feature_tree>
<constraints>
c1: ~gps or ~basic
</constraints>
</feature_model>
)";
  auto m = ImportSxfm(text, "phone");
  ASSERT_TRUE(m.ok()) << m.error().message;
  auto again = ParseProductModel(WriteProductModel(*m), "phone.yaml");
  ASSERT_TRUE(again.ok()) << again.error().message << "\n" << WriteProductModel(*m);
  EXPECT_EQ(Count(*m), "3");
  EXPECT_EQ(Count(*again), "3");
}

}  // namespace
}  // namespace atelier::config
