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

using testing::Label;
using testing::RequestGrid;

using catalog::Product;

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
  return RequestGrid(Queries(), filters, pages);
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
    testing::ExpectSameResult(*a, *b, Label(request));
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
  ExpectSameAnswers(testing::GeneratedCatalog(1500));
}

// Every match of each query, with Xapian's weight inside the bounds.
TEST(SearchMemoryMatchTest, BoundsHoldXapiansWeights) {
  auto index = SearchIndex::Build(testing::GeneratedCatalog(1500));
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
