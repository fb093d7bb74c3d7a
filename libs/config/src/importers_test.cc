#include "atelier/config/importers.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

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

// Found by fuzz_feature_import (fuzz/regressions/fuzz_feature_import/):
// a header whose variable count does not parse read as 0 variables, and a
// model without options was accepted.
TEST(ImportersTest, DimacsRejectsAHeaderWithoutVariables) {
  for (const char* text : {"p cnf ]2\x04<?xml0", "p cnf 0 0\n", "p cnf\n", "p cnf 2\n1 0\n", "p cnf -1 0\n",
                           "p dnf 2 1\n1 0\n", "p cnf 100001 0\n"}) {
    auto m = ImportDimacs(text, "bad");
    ASSERT_FALSE(m.ok()) << text;
    EXPECT_EQ(m.error().field, "bad:1") << text;
  }
}

// Found by fuzz_feature_import (dimacs-second-header-shrinks-variables): a
// second header shrank the variable count under clauses already read, and
// writing the model read past its options.
TEST(ImportersTest, DimacsRejectsASecondHeader) {
  auto m = ImportDimacs("p cnf 6 2\n1 0\n-2 -3 0\np cnf 2 2\n1 0\n", "bad");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message, "bad:4: a second 'p cnf' header");
}

// The smallest 64-bit literal has no positive counterpart: it must be out
// of range, not wrap around to a negative magnitude.
TEST(ImportersTest, DimacsRejectsTheSmallestLiteral) {
  auto m = ImportDimacs("p cnf 2 1\n-9223372036854775808 0\n", "bad");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message, "bad:2: literal -9223372036854775808 exceeds the 2 declared variables");
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

// Found by fuzz_feature_import (fuzz/regressions/fuzz_feature_import/
// sxfm-repeated-constraint-name): two constraints of one name became two
// rules of one id, a model that cannot be written back and read again.
TEST(ImportersTest, SxfmRepeatedConstraintNamesGetUniqueRuleIds) {
  const char* text = R"(<feature_model name="Phone">
<feature_tree>
:r Phone (phone)
	:o GPS (gps)
	:o Camera (camera)
</feature_tree>
<constraints>
c1: ~gps or ~camera
c1: gps or camera
c 1: ~gps or camera
c_1: gps or ~camera
</constraints>
</feature_model>
)";
  auto m = ImportSxfm(text, "phone");
  ASSERT_TRUE(m.ok()) << m.error().message;
  std::set<std::string> ids;
  for (const Rule& r : m->rules) EXPECT_TRUE(ids.insert(r.id).second) << r.id;
  auto again = ParseProductModel(WriteProductModel(*m), "phone.yaml");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->rules.size(), m->rules.size());
}

// XCSP domains: ranges at the ends of the 64-bit integers must not overflow
// (nor loop forever), huge ones are refused, a value may appear once, and
// repeated constraint names still give unique rule ids.
TEST(ImportersTest, XcspDomainsAreBoundedAndDistinct) {
  auto instance = [](const std::string& domain) {
    return "<instance><domains><domain name=\"D\">" + domain +
           "</domain></domains><variables><variable name=\"v\" domain=\"D\"/></variables>"
           "<relations><relation name=\"r\" arity=\"1\" semantics=\"supports\">0</relation></relations>"
           "<constraints><constraint name=\"c\" arity=\"1\" scope=\"v\" reference=\"r\"/>"
           "<constraint name=\"c\" arity=\"1\" scope=\"v\" reference=\"r\"/></constraints></instance>";
  };
  for (const char* bad : {"-9223372036854775808..9223372036854775807", "0..100000", "5..1", "0 1 0", "0..3 2"}) {
    auto m = ImportXcsp(instance(bad), "car");
    EXPECT_FALSE(m.ok()) << bad;
  }
  auto top = ImportXcsp(instance("9223372036854775806..9223372036854775807 0"), "car");
  ASSERT_TRUE(top.ok()) << top.error().message;
  EXPECT_EQ(top->options[0].values.size(), 3u);
  auto m = ImportXcsp(instance("-1 0..2"), "car");
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->options.size(), 1u);
  EXPECT_EQ(m->options[0].values.size(), 4u);
  ASSERT_EQ(m->rules.size(), 2u);
  EXPECT_NE(m->rules[0].id, m->rules[1].id);
  auto again = ParseProductModel(WriteProductModel(*m), "car.yaml");
  ASSERT_TRUE(again.ok()) << again.error().message;
}

// A FeatureIDE model with features A and B and one constraint.
std::string FeatureIdeWithConstraint(const std::string& formula) {
  return R"(<featureModel><struct><and mandatory="true" name="Root">
<feature name="A"/><feature name="B"/></and></struct>
<constraints><rule>)" + formula + "</rule></constraints></featureModel>";
}

std::string Nested(const std::string& open, const std::string& inner, const std::string& close, int levels) {
  std::string out;
  for (int i = 0; i < levels; ++i) out += open;
  out += inner;
  for (int i = 0; i < levels; ++i) out += close;
  return out;
}

// A constraint is written back in the expression language, which nests at
// most kMaxExpressionNesting levels: a deeper one is refused on import.
TEST(ImportersTest, FeatureIdeRejectsConstraintsNestedTooDeep) {
  auto deep = ImportFeatureIde(FeatureIdeWithConstraint(Nested("<not>", "<var>A</var>", "</not>", 150)), "deep");
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.error().message.find("nested deeper than"), std::string::npos) << deep.error().message;

  auto fine = ImportFeatureIde(FeatureIdeWithConstraint(Nested("<not>", "<var>A</var>", "</not>", 60)), "fine");
  ASSERT_TRUE(fine.ok()) << fine.error().message;
  auto again = ParseProductModel(WriteProductModel(*fine), "fine.yaml");
  ASSERT_TRUE(again.ok()) << again.error().message;
}

// <eq> holds each operand twice: nested ones would double the formula per
// level (2^40 terms here) and exhaust memory instead of failing.
TEST(ImportersTest, FeatureIdeRejectsExponentialConstraints) {
  std::string formula = "<var>A</var>";
  for (int i = 0; i < 40; ++i) formula = "<eq>" + formula + "<var>B</var></eq>";
  auto m = ImportFeatureIde(FeatureIdeWithConstraint(formula), "eq");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message.find("constraint too large"), std::string::npos) << m.error().message;

  std::string small = "<var>A</var>";
  for (int i = 0; i < 4; ++i) small = "<eq>" + small + "<var>B</var></eq>";
  auto ok = ImportFeatureIde(FeatureIdeWithConstraint(small), "eq");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
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

// Tuples are read in place: values by their exact text (a number written
// another way, such as "7" for the value "007", is no value of the domain),
// a tuple naming a value outside its domain is skipped whatever follows it,
// and a tuple of the wrong length is an error naming the constraint.
TEST(ImportersTest, XcspTuplesMatchValuesByTheirText) {
  auto instance = [](const std::string& tuples) {
    return "<instance><domains><domain name=\"A\">007 -1 0..2</domain>"
           "<domain name=\"B\">1000000 -5 3</domain></domains>"
           "<variables><variable name=\"a\" domain=\"A\"/><variable name=\"b\" domain=\"B\"/></variables>"
           "<relations><relation name=\"r\" arity=\"2\" semantics=\"supports\">" +
           tuples +
           "</relation></relations>"
           "<constraints><constraint name=\"c\" arity=\"2\" scope=\"a b\" reference=\"r\"/></constraints>"
           "</instance>";
  };
  // Values of a: 007 -1 0 1 2 (indices 0..4); of b: 1000000 -5 3.
  auto m = ImportXcsp(instance(" 007 1000000|7 3| -1\t-5 |2 3|\n1 4 9 9|  |0 +3|2 1000000"), "car");
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->rules.size(), 1u);
  const std::vector<std::vector<int>> expected{{0, 0}, {1, 1}, {4, 2}, {4, 0}};
  EXPECT_EQ(m->rules[0].rows, expected);
  EXPECT_EQ(Count(*m), "4");
  auto longer = ImportXcsp(instance("0 3|1 3 3"), "car");
  ASSERT_FALSE(longer.ok());
  EXPECT_NE(longer.error().message.find("tuple longer than the scope"), std::string::npos) << longer.error().message;
  auto shorter = ImportXcsp(instance("0 3|1"), "car");
  ASSERT_FALSE(shorter.ok());
  EXPECT_NE(shorter.error().message.find("tuple shorter than the scope"), std::string::npos) << shorter.error().message;
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
