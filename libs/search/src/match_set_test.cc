// The in-memory match set (Options::match_from_memory) against Xapian's
// matcher alone: the same answers on every kind of request, weight bounds
// that hold Xapian's weights, and candidate selection at ties.

#include "internal/match_set.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "atelier/core/strings.h"
#include "atelier/search/search_index.h"
#include "internal/schema.h"
#include "test_catalog.h"

namespace atelier::search {
namespace {

using catalog::Product;

// A seeded catalog of `count` products with many equal prices, dates and
// title shapes (ties in every sort order and in BM25 weights), a few
// non-ASCII titles and brands that differ only in case.
std::shared_ptr<const catalog::CatalogSnapshot> GeneratedCatalog(int count) {
  std::mt19937_64 rng(1234);
  auto pick = [&](const std::vector<std::string>& v) -> const std::string& {
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
  };
  catalog::CatalogData d;
  d.categories = {
      {1, 0, "video-games", "Video Games", 0},
      {2, 1, "video-games-controllers", "Controllers", 0},
      {3, 1, "video-games-accessories", "Accessories", 1},
      {4, 0, "lawn-garden", "Lawn & Garden", 1},
      {5, 4, "lawn-garden-mowers", "Mowers", 0},
      {6, 0, "pet-supplies", "Pet Supplies", 2},
      {7, 6, "pet-supplies-dog-food", "Dog Food", 0},
      {8, 0, "kitchen", "Kitchen", 3},
  };
  const std::vector<int64_t> leaves = {2, 3, 5, 7, 8, 1};
  const std::vector<std::string> brands = {"Sony", "Microsoft", "Honda", "Purina", "PowerA",
                                           "Café Noir", "sony", "Nike"};
  const std::vector<std::string> adjectives = {"Pro", "Classic", "Wireless", "Compact", "Crème",
                                               "Deluxe", ""};
  const std::vector<std::string> nouns = {
      "Wireless Controller", "Controller", "Charging Station", "Lawn Mower", "Dog Food",
      "Puppy Food", "Headset", "Camera", "Brûlée Torch", "Coffee Press", "Food Bowl"};
  const std::vector<std::string> colours = {"Black", "White", "Red", "Blue"};
  const std::vector<std::string> features = {"rechargeable battery", "for dogs", "for PlayStation",
                                             "fast charging", "controller grip", "food grade"};
  for (int i = 0; i < count; ++i) {
    Product p;
    p.id = 1000 + i;
    p.sku = "GEN-" + std::to_string(i);
    p.brand = pick(brands);
    std::string adjective = pick(adjectives);
    p.title = p.brand + (adjective.empty() ? "" : " " + adjective) + " " + pick(nouns);
    if (rng() % 3 == 0) p.title += " " + std::to_string(100 + rng() % 40);
    p.title += " - " + pick(colours);
    p.description = "The " + pick(nouns) + " with " + pick(features);
    if (rng() % 2 == 0) p.description += " and " + pick(features);
    p.category_id = leaves[rng() % leaves.size()];
    p.price = {static_cast<int64_t>(500 + (rng() % 40) * 250), "USD"};
    p.created_at = 1'700'000'000 + static_cast<int64_t>(rng() % 50) * 86'400;
    p.attributes = {{"colour", ToLower(pick(colours))}};
    d.products.push_back(std::move(p));
  }
  return catalog::CatalogSnapshot::Build(std::move(d), 1);
}

void ExpectSameResult(const SearchResult& got, const SearchResult& want, const std::string& label) {
  ASSERT_EQ(got.total, want.total) << label;
  ASSERT_EQ(got.items.size(), want.items.size()) << label;
  for (size_t i = 0; i < got.items.size(); ++i) {
    EXPECT_EQ(got.items[i].product_id, want.items[i].product_id) << label << " item " << i;
    EXPECT_EQ(got.items[i].score, want.items[i].score) << label << " item " << i;
    EXPECT_EQ(got.items[i].highlighted_title, want.items[i].highlighted_title) << label;
  }
  EXPECT_EQ(got.suggestion, want.suggestion) << label;
  EXPECT_EQ(got.corrected, want.corrected) << label;
  EXPECT_EQ(got.relaxed, want.relaxed) << label;
  const Facets& a = got.facets;
  const Facets& b = want.facets;
  ASSERT_EQ(a.category.size(), b.category.size()) << label;
  for (size_t i = 0; i < a.category.size(); ++i) {
    EXPECT_EQ(a.category[i].slug, b.category[i].slug) << label;
    EXPECT_EQ(a.category[i].count, b.category[i].count) << label;
  }
  ASSERT_EQ(a.brand.size(), b.brand.size()) << label;
  for (size_t i = 0; i < a.brand.size(); ++i) {
    EXPECT_EQ(a.brand[i].name, b.brand[i].name) << label;
    EXPECT_EQ(a.brand[i].count, b.brand[i].count) << label;
  }
  ASSERT_EQ(a.price.size(), b.price.size()) << label;
  for (size_t i = 0; i < a.price.size(); ++i) {
    EXPECT_EQ(a.price[i].min, b.price[i].min) << label;
    EXPECT_EQ(a.price[i].count, b.price[i].count) << label;
  }
}

std::vector<std::string> Queries() {
  return {"controller ", "wireless controller ", "contr", "c", "co", "dog fo", "food ", "sony ",
          "playstaton controler", "lawn mowr ", "crème", "café ", "brûlée torch", "black ",
          "pro", "title:sony cont", "brand:nike ", "wireless camera", "mower fo", "zzzz ", "a",
          "controller controller", "dog food bowl ", "charging station for playstation", "",
          "   ", "c++ &", "powera wireless"};
}

std::vector<SearchRequest> Requests() {
  std::vector<SearchRequest> filters = {
      {},
      {.category = "video-games"},
      {.category = "pet-supplies-dog-food"},
      {.brands = {"Sony", "honda", "SONY"}},
      {.min_price = 2000, .max_price = 6000},
      {.category = "lawn-garden", .max_price = 7500},
  };
  std::vector<std::pair<int, int>> pages = {{1, 20}, {1, 1}, {2, 3}, {4, 7}, {40, 100}};
  std::vector<SearchRequest> out;
  for (const std::string& query : Queries()) {
    for (const SearchRequest& filter : filters) {
      for (SortOrder sort : {SortOrder::kRelevance, SortOrder::kPriceAsc, SortOrder::kPriceDesc,
                             SortOrder::kNewest}) {
        for (const auto& [page, per_page] : pages) {
          SearchRequest r = filter;
          r.query = query;
          r.sort = sort;
          r.page = page;
          r.per_page = per_page;
          out.push_back(std::move(r));
        }
      }
    }
  }
  return out;
}

std::string Label(const SearchRequest& r) {
  return "q='" + r.query + "' category=" + r.category + " brands=" +
         std::to_string(r.brands.size()) + " price=" + std::to_string(r.min_price.value_or(-1)) +
         ".." + std::to_string(r.max_price.value_or(-1)) + " sort=" + SortOrderName(r.sort) +
         " page=" + std::to_string(r.page) + "x" + std::to_string(r.per_page);
}

void ExpectSameAnswers(std::shared_ptr<const catalog::CatalogSnapshot> catalog,
                       Options options = {}) {
  auto memory = SearchIndex::Build(catalog, options);
  auto matcher = SearchIndex::Build(catalog, {.match_from_memory = false});
  ASSERT_TRUE(memory.ok() && matcher.ok());
  for (const SearchRequest& request : Requests()) {
    auto a = (*memory)->Search(request);
    auto b = (*matcher)->Search(request);
    ASSERT_TRUE(a.ok() && b.ok()) << Label(request);
    ExpectSameResult(*a, *b, Label(request));
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(SearchMemoryMatchTest, AnswersLikeTheMatcherOnTheTestCatalog) {
  ExpectSameAnswers(testing::TestCatalog());
}

// Every posting list decoded for each search, none kept.
TEST(SearchMemoryMatchTest, AnswersLikeTheMatcherWithoutKeepingPostings) {
  ExpectSameAnswers(testing::TestCatalog(), {.max_cached_postings = 0});
}

TEST(SearchMemoryMatchTest, AnswersLikeTheMatcherOnAGeneratedCatalog) {
  ExpectSameAnswers(GeneratedCatalog(1500));
}

// Every match of each query, with Xapian's weight inside the bounds.
TEST(SearchMemoryMatchTest, BoundsHoldXapiansWeights) {
  auto index = SearchIndex::Build(GeneratedCatalog(1500));
  ASSERT_TRUE(index.ok());
  Xapian::Database db((*index)->directory(), Xapian::DB_BACKEND_GLASS);
  Options options;
  internal::PostingCache cache(1'000'000, options.bm25.k1 * internal::kLengthScale);
  const internal::MatchContext context{db, cache, options.bm25.k1 * internal::kLengthScale,
                                       db.get_doccount(),
                                       static_cast<uint32_t>(options.max_prefix_expansion)};
  Xapian::Stem stem("english");
  int evaluated = 0;
  for (const std::string& text : Queries()) {
    for (auto op : {Xapian::Query::OP_AND, Xapian::Query::OP_OR}) {
      Xapian::Query query = internal::ParseQueryText(
          db, stem, text, op, static_cast<uint32_t>(options.max_prefix_expansion));
      auto matches = internal::Evaluate(query, context);
      if (!matches) continue;
      ++evaluated;
      Xapian::Enquire enquire(db);
      enquire.set_weighting_scheme(Xapian::BM25Weight(context.k1, 0, 1, 0,
                                                      internal::kMinNormLength));
      enquire.set_query(query);
      Xapian::MSet mset = enquire.get_mset(0, db.get_doccount(), db.get_doccount());
      ASSERT_EQ(mset.size(), matches->docids.size()) << text;
      for (auto it = mset.begin(); it != mset.end(); ++it) {
        auto pos = std::lower_bound(matches->docids.begin(), matches->docids.end(), *it);
        ASSERT_TRUE(pos != matches->docids.end() && *pos == *it) << text << " docid " << *it;
        const size_t i = static_cast<size_t>(pos - matches->docids.begin());
        EXPECT_LE(matches->low[i], it.get_weight()) << text << " docid " << *it;
        EXPECT_GE(matches->high[i], it.get_weight()) << text << " docid " << *it;
      }
    }
  }
  // The repeated word is refused; everything else is evaluated.
  EXPECT_GE(evaluated, static_cast<int>(Queries().size()) * 2 - 4);
}

TEST(SearchMemoryMatchTest, RefusesARepeatedTerm) {
  auto index = SearchIndex::Build(testing::TestCatalog());
  ASSERT_TRUE(index.ok());
  Xapian::Database db((*index)->directory(), Xapian::DB_BACKEND_GLASS);
  internal::PostingCache cache(1000, 4096);
  const internal::MatchContext context{db, cache, 4096, db.get_doccount(), 10};
  Xapian::Stem stem("english");
  EXPECT_FALSE(internal::Evaluate(
      internal::ParseQueryText(db, stem, "dog dog ", Xapian::Query::OP_AND, 10), context));
  EXPECT_TRUE(internal::Evaluate(
      internal::ParseQueryText(db, stem, "dog food ", Xapian::Query::OP_AND, 10), context));
}

TEST(SearchMemoryMatchTest, FlagsAWildcardLimitInsideATie) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("atelier-match-set-" + std::to_string(getpid())))
          .string();
  {
    Xapian::WritableDatabase db(dir, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS);
    // "cab" in 3 documents, "car" and "cat" in 2 each, "cap" in 1.
    for (const std::vector<std::string>& terms :
         std::vector<std::vector<std::string>>{{"cab", "car", "cat"}, {"cab", "car", "cat"},
                                               {"cab", "cap"}}) {
      Xapian::Document doc;
      for (const std::string& t : terms) doc.add_term(t);
      db.add_document(doc);
    }
    db.commit();
  }
  Xapian::Database db(dir, Xapian::DB_BACKEND_GLASS);
  internal::PostingCache cache(1000, 4096);
  auto two = cache.Expand(db, "ca", 2);  // cab, then car or cat
  EXPECT_FALSE(two->exact);
  auto three = cache.Expand(db, "ca", 3);  // cab, car, cat
  EXPECT_TRUE(three->exact);
  EXPECT_EQ(three->terms, (std::vector<std::string>{"cab", "car", "cat"}));
  auto all = cache.Expand(db, "ca", 10);
  EXPECT_TRUE(all->exact);
  EXPECT_EQ(all->terms.size(), 4u);
  EXPECT_EQ(cache.Postings(db, "cab")->docids, (std::vector<uint32_t>{1, 2, 3}));
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

TEST(SearchMemoryMatchTest, KeepsEveryCandidateTiedAtTheLimit) {
  internal::WeightedMatches m;
  m.docids = {1, 2, 3, 4, 5, 6};
  m.low = {1.0, 5.0, 3.0, 3.0, 0.5, 2.9};
  m.high = {1.1, 5.1, 3.1, 3.1, 0.6, 3.0};
  // The second-best lower bound is 3.0: docs 2, 3, 4 and 6 (upper 3.0) can rank second.
  EXPECT_EQ(internal::RelevanceCandidates(m, 2), (std::vector<uint32_t>{2, 3, 4, 6}));
  EXPECT_EQ(internal::RelevanceCandidates(m, 6), m.docids);

  const std::vector<uint32_t> docids = {1, 2, 3, 4, 5};
  const std::vector<double> keys = {10, 20, 20, 5, 30};
  EXPECT_EQ(internal::KeyCandidates(docids, keys, false, 2), (std::vector<uint32_t>{1, 4}));
  EXPECT_EQ(internal::KeyCandidates(docids, keys, false, 3), (std::vector<uint32_t>{1, 2, 3, 4}));
  EXPECT_EQ(internal::KeyCandidates(docids, keys, true, 2), (std::vector<uint32_t>{2, 3, 5}));
}

}  // namespace
}  // namespace atelier::search
