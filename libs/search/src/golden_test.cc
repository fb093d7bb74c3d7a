// Golden rankings: the queries in tests/cases/search/queries.txt run against
// the test catalog; their rendered results must equal rankings.golden.
//
// Regenerate on purpose (after a deliberate ranking change), then review the diff:
//   ATELIER_REGENERATE_GOLDEN=1 build-search/libs/search/search_test --gtest_filter='SearchGolden*'

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "atelier/core/strings.h"
#include "atelier/search/search_index.h"
#include "test_catalog.h"

namespace atelier::search {
namespace {

const std::string kCasesDir = std::string(ATELIER_SOURCE_DIR) + "/tests/cases/search/";

// One query line: "<query text>" then optional "| key=value" parts
// (category, brand, min_price, max_price, sort, page, per_page).
Result<SearchRequest> ParseCase(const std::string& line) {
  auto parts = Split(line, '|');
  SearchRequest request;
  request.query = std::string(Trim(parts[0]));
  if (request.query.size() >= 2 && request.query.front() == '"' && request.query.back() == '"') {
    request.query = request.query.substr(1, request.query.size() - 2);
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    std::string part(Trim(parts[i]));
    auto eq = part.find('=');
    if (eq == std::string::npos) return Error::InvalidArgument("expected key=value: " + part);
    std::string key = part.substr(0, eq), value = part.substr(eq + 1);
    if (key == "category") {
      request.category = value;
    } else if (key == "brand") {
      request.brands.push_back(value);
    } else if (key == "min_price") {
      request.min_price = ParseInt(value).value_or(-1);
    } else if (key == "max_price") {
      request.max_price = ParseInt(value).value_or(-1);
    } else if (key == "sort") {
      ATELIER_ASSIGN_OR_RETURN(request.sort, ParseSortOrder(value));
    } else if (key == "page") {
      request.page = static_cast<int>(ParseInt(value).value_or(0));
    } else if (key == "per_page") {
      request.per_page = static_cast<int>(ParseInt(value).value_or(0));
    } else {
      return Error::InvalidArgument("unknown key " + key);
    }
  }
  return request;
}

std::string Render(const SearchIndex& index, const std::string& line) {
  std::ostringstream out;
  out << "== " << line << "\n";
  auto request = ParseCase(line);
  if (!request.ok()) return out.str() + "bad case: " + request.error().ToString() + "\n";
  auto result = index.Search(*request);
  if (!result.ok()) return out.str() + "error: " + result.error().ToString() + "\n";
  out << "total " << result->total;
  if (result->suggestion) out << " suggestion \"" << *result->suggestion << "\"";
  if (result->corrected) out << " corrected";
  if (result->relaxed) out << " relaxed";
  out << "\n";
  int rank = (request->page - 1) * request->per_page;
  for (const SearchHit& hit : result->items) {
    const catalog::Product* p = index.catalog()->FindProduct(hit.product_id);
    out << ++rank << ". " << p->sku << "  " << hit.highlighted_title << "\n";
  }
  return out.str();
}

TEST(SearchGoldenTest, RankingsMatchTheGoldenFile) {
  auto built = SearchIndex::Build(testing::TestCatalog());
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  std::ifstream queries(kCasesDir + "queries.txt");
  ASSERT_TRUE(queries) << "missing " << kCasesDir << "queries.txt";
  std::string rendered, line;
  int cases = 0;
  while (std::getline(queries, line)) {
    if (Trim(line).empty() || line[0] == '#') continue;
    rendered += Render(**built, line);
    ++cases;
  }
  ASSERT_GT(cases, 10);

  const std::string golden_path = kCasesDir + "rankings.golden";
  if (std::getenv("ATELIER_REGENERATE_GOLDEN") != nullptr) {
    std::ofstream(golden_path) << rendered;
    GTEST_SKIP() << "regenerated " << golden_path;
  }
  std::ifstream golden(golden_path);
  ASSERT_TRUE(golden) << "missing " << golden_path
                      << "; run with ATELIER_REGENERATE_GOLDEN=1 to create it";
  std::stringstream expected;
  expected << golden.rdbuf();
  EXPECT_EQ(rendered, expected.str());
}

}  // namespace
}  // namespace atelier::search
