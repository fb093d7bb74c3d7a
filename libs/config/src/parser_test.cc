#include "atelier/config/parser.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace atelier::config {
namespace {

const char* kShoe = R"(model: shoe
name: Custom shoe
base_price: 120
lead_time_days: 10
plants: [porto]
options:
  - id: size
    range: {min: 5, max: 15, step: 0.5}
  - id: width
    values: [N, M, W, XW]
  - id: material
    values:
      - {id: leather, label: Leather, price: 30, lead_time: 2}
      - {id: suede, price: 20}
      - {id: canvas}
  - id: colour
    values: [black, brown, red, white]
  - id: laces
    type: bool
    price: 5
  - id: charm
    optional: true
    values: [star, heart]
rules:
  - id: suede-colours
    rule: material = suede implies colour in {brown, black}
    message: Suede comes in brown or black only.
  - id: big-narrow
    rule: size >= 13 excludes width = N
  - id: canvas-width
    forbidden:
      options: [material, width]
      rows: [[canvas, XW]]
adjustments:
  - {id: laces-leather, when: laces and material = leather, price: -2.50, label: Leather lace deal}
)";

ProductModel ParseOk(const char* text) {
  auto m = ParseProductModel(text, "shoe.yaml");
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  return m.ok() ? *m : ProductModel{};
}

TEST(ParserTest, ParsesOptionsValuesAndPrices) {
  ProductModel m = ParseOk(kShoe);
  ASSERT_EQ(m.options.size(), 6u);
  EXPECT_EQ(m.id, "shoe");
  EXPECT_EQ(m.base_price, 12000);
  EXPECT_EQ(m.base_lead_time_days, 10);
  EXPECT_EQ(m.plants, std::vector<std::string>{"porto"});
  const Option& size = m.options[0];
  EXPECT_EQ(size.kind, OptionKind::kRange);
  ASSERT_EQ(size.values.size(), 21u);  // 5, 5.5, ..., 15
  EXPECT_EQ(size.values[1].id, "5.5");
  EXPECT_EQ(size.values[20].id, "15");
  const Option& material = m.options[2];
  EXPECT_EQ(material.values[0].price_delta, 3000);
  EXPECT_EQ(material.values[0].lead_time_days, 2);
  EXPECT_EQ(material.values[2].label, "canvas");
  EXPECT_EQ(m.options[4].kind, OptionKind::kBool);
  EXPECT_EQ(m.options[4].values[1].price_delta, 500);
  const Option& charm = m.options[5];
  ASSERT_EQ(charm.values.size(), 3u);
  EXPECT_TRUE(charm.values[2].absent);
  EXPECT_EQ(charm.values[2].id, "none");
  EXPECT_EQ(m.adjustments[0].delta, -250);
}

TEST(ParserTest, LowersComparisonsToValueSets) {
  ProductModel m = ParseOk(kShoe);
  auto e = ParseExpression(m, "size < 6");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->kind, Expr::Kind::kIn);
  EXPECT_EQ(e->values, (std::vector<int>{0, 1}));
  auto le = ParseExpression(m, "size <= 6");
  ASSERT_TRUE(le.ok());
  EXPECT_EQ(le->values, (std::vector<int>{0, 1, 2}));
  auto gt = ParseExpression(m, "size > 14.5");
  ASSERT_TRUE(gt.ok());
  EXPECT_EQ(gt->values, (std::vector<int>{20}));
}

TEST(ParserTest, AndBindsTighterThanOrAndImpliesIsLoosest) {
  ProductModel m = ParseOk(kShoe);
  // a or b and c  ==  a or (b and c)
  auto e = ParseExpression(m, "width = N or width = M and laces implies colour = red");
  ASSERT_TRUE(e.ok());
  // implies lowers to (not lhs) or rhs.
  ASSERT_EQ(e->kind, Expr::Kind::kOr);
  const Expr& lhs = e->children[0];
  ASSERT_EQ(lhs.kind, Expr::Kind::kNot);
  const Expr& inner = lhs.children[0];
  ASSERT_EQ(inner.kind, Expr::Kind::kOr);
  EXPECT_EQ(inner.children[1].kind, Expr::Kind::kAnd);
  // Check truth on assignments: width=N, laces=false, colour=black => lhs true, rhs false => false.
  std::vector<int> a{0, 0, 0, 0, 0, 2};
  EXPECT_FALSE(Evaluate(*e, a));
  a[1] = 1;  // width=M, laces=false: lhs false => true
  EXPECT_TRUE(Evaluate(*e, a));
}

TEST(ParserTest, ExcludesAndRequiresHaveTheirMeaning) {
  ProductModel m = ParseOk(kShoe);
  auto ex = ParseExpression(m, "laces excludes material = canvas");
  auto rq = ParseExpression(m, "laces requires material in {leather, suede}");
  ASSERT_TRUE(ex.ok() && rq.ok());
  std::vector<int> a{0, 0, 2, 0, 1, 2};  // canvas + laces
  EXPECT_FALSE(Evaluate(*ex, a));
  EXPECT_FALSE(Evaluate(*rq, a));
  a[2] = 0;  // leather + laces
  EXPECT_TRUE(Evaluate(*ex, a));
  EXPECT_TRUE(Evaluate(*rq, a));
  a[4] = 0;  // no laces
  a[2] = 2;
  EXPECT_TRUE(Evaluate(*ex, a));
  EXPECT_TRUE(Evaluate(*rq, a));
}

// Found by fuzz_expression (fuzz/regressions/fuzz_expression/): some 700
// nested parentheses overflowed the stack of the recursive descent. Deep
// nesting is now an error naming where it starts; moderate nesting parses.
TEST(ParserTest, DeepNestingIsAnErrorNotACrash) {
  ProductModel m = ParseOk(kShoe);
  for (const std::string& opener : {std::string("("), std::string("not "), std::string("laces implies ")}) {
    std::string deep;
    for (int i = 0; i < 100000; ++i) deep += opener;
    deep += "laces";
    if (opener == "(") deep += std::string(100000, ')');
    auto e = ParseExpression(m, deep);
    ASSERT_FALSE(e.ok()) << opener;
    EXPECT_NE(e.error().message.find("nested deeper than 100 levels"), std::string::npos) << e.error().message;

    std::string fine;
    for (int i = 0; i < 50; ++i) fine += opener;
    fine += "laces";
    if (opener == "(") fine += std::string(50, ')');
    auto ok = ParseExpression(m, fine);
    ASSERT_TRUE(ok.ok()) << opener << ": " << ok.error().message;
    EXPECT_TRUE(Evaluate(*ok, {0, 0, 0, 0, 1, 0}));  // laces: true under any even number of nots
  }
}

TEST(ParserTest, BareOptionalOptionMeansPresent) {
  ProductModel m = ParseOk(kShoe);
  auto e = ParseExpression(m, "charm and charm != heart");
  ASSERT_TRUE(e.ok());
  std::vector<int> a{0, 0, 0, 0, 0, 0};
  EXPECT_TRUE(Evaluate(*e, a));
  a[5] = 2;  // none
  EXPECT_FALSE(Evaluate(*e, a));
}

TEST(ParserTest, TablesParseWildcards) {
  ProductModel m = ParseOk(R"(model: t
options:
  - {id: a, values: [x, y]}
  - {id: b, values: [p, q]}
rules:
  - id: t1
    allowed:
      options: [a, b]
      rows: [[x, "*"], [y, q]]
)");
  ASSERT_EQ(m.rules.size(), 1u);
  EXPECT_EQ(m.rules[0].rows[0][1], kAnyValue);
  EXPECT_TRUE(Satisfies(m.rules[0], {0, 0}));
  EXPECT_FALSE(Satisfies(m.rules[0], {1, 0}));
  EXPECT_TRUE(Satisfies(m.rules[0], {1, 1}));
}

// Found by fuzz_feature_import (fuzz/regressions/fuzz_feature_import/
// xcsp-empty-allowed-table-writes-back): an allowed table with no rows was
// written as "rows:" with nothing after it, which does not read back.
TEST(ParserTest, WriterRoundTripsAnEmptyTable) {
  ProductModel m = ParseOk(kShoe);
  Rule empty;
  empty.id = "nothing-allowed";
  empty.kind = Rule::Kind::kForbiddenTable;
  empty.table_options = {0, 1};
  empty.message = "an empty forbidden table forbids nothing";
  m.rules.push_back(empty);
  std::string text = WriteProductModel(m);
  auto again = ParseProductModel(text, "written.yaml");
  ASSERT_TRUE(again.ok()) << again.error().message << "\n" << text;
  ASSERT_EQ(again->rules.size(), m.rules.size());
  EXPECT_TRUE(again->rules.back().rows.empty());
  EXPECT_EQ(again->rules.back().kind, Rule::Kind::kForbiddenTable);
}

TEST(ParserTest, WriterRoundTripsToAnEquivalentModel) {
  ProductModel m = ParseOk(kShoe);
  std::string text = WriteProductModel(m);
  auto again = ParseProductModel(text, "written.yaml");
  ASSERT_TRUE(again.ok()) << again.error().message << "\n" << text;
  ASSERT_EQ(again->options.size(), m.options.size());
  for (size_t o = 0; o < m.options.size(); ++o) {
    ASSERT_EQ(again->options[o].values.size(), m.options[o].values.size()) << m.options[o].id;
  }
  // Same rule semantics on every assignment of a slice of the space.
  std::vector<int> a(m.options.size(), 0);
  for (int size = 0; size < 21; size += 4) {
    for (int w = 0; w < 4; ++w) {
      for (int mat = 0; mat < 3; ++mat) {
        for (int c = 0; c < 4; ++c) {
          a = {size, w, mat, c, 1, 0};
          for (size_t r = 0; r < m.rules.size(); ++r) {
            EXPECT_EQ(Satisfies(m.rules[r], a), Satisfies(again->rules[r], a)) << m.rules[r].id;
          }
        }
      }
    }
  }
}

// Golden error messages: tests/cases/config/errors/<name>.yaml must fail with
// exactly the message in <name>.err. ATELIER_UPDATE_GOLDEN=1 rewrites them.
TEST(ParserTest, ErrorMessagesMatchGoldenFiles) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(ATELIER_SOURCE_DIR) / "tests/cases/config/errors";
  ASSERT_TRUE(fs::exists(dir)) << dir;
  const bool update = std::getenv("ATELIER_UPDATE_GOLDEN") != nullptr;
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    std::ifstream in(entry.path());
    std::stringstream ss;
    ss << in.rdbuf();
    auto m = ParseProductModel(ss.str(), entry.path().filename().string());
    ASSERT_FALSE(m.ok()) << entry.path() << " parsed but should fail";
    fs::path golden = entry.path();
    golden.replace_extension(".err");
    if (update) {
      std::ofstream(golden) << m.error().message << "\n";
    }
    std::ifstream gin(golden);
    ASSERT_TRUE(gin) << "missing golden file " << golden;
    std::string expected;
    std::getline(gin, expected);
    EXPECT_EQ(m.error().message, expected) << entry.path();
    EXPECT_EQ(m.error().code, ErrorCode::kInvalidArgument);
    ++checked;
  }
  EXPECT_GE(checked, 10);
}

}  // namespace
}  // namespace atelier::config
