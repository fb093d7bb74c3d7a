#include "atelier/search/search_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "internal/schema.h"
#include "test_catalog.h"

namespace atelier::search {
namespace {

namespace fs = std::filesystem;
using catalog::CatalogSnapshot;
using catalog::Product;

class SearchIndexTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto built = SearchIndex::Build(testing::TestCatalog());
    ASSERT_TRUE(built.ok()) << built.error().ToString();
    index_ = new std::shared_ptr<const SearchIndex>(std::move(built).value());
  }
  static void TearDownTestSuite() {
    delete index_;
    index_ = nullptr;
  }

  static const SearchIndex& index() { return **index_; }
  static const CatalogSnapshot& catalog() { return *index().catalog(); }

  static SearchResult Run(const SearchRequest& request) {
    auto result = index().Search(request);
    EXPECT_TRUE(result.ok()) << result.error().ToString();
    return result.ok() ? std::move(result).value() : SearchResult{};
  }
  static SearchResult Run(const std::string& query) {
    SearchRequest request;
    request.query = query;
    return Run(request);
  }

  static const Product& ProductOf(const SearchHit& hit) {
    const Product* p = catalog().FindProduct(hit.product_id);
    EXPECT_NE(p, nullptr);
    return *p;
  }
  static std::vector<std::string> Skus(const SearchResult& result) {
    std::vector<std::string> skus;
    for (const SearchHit& hit : result.items) skus.push_back(ProductOf(hit).sku);
    return skus;
  }
  // Every match of `request`, fetched page by page.
  static std::vector<const Product*> AllMatches(SearchRequest request) {
    request.per_page = 100;
    std::vector<const Product*> out;
    for (request.page = 1;; ++request.page) {
      SearchResult r = Run(request);
      for (const SearchHit& hit : r.items) out.push_back(&ProductOf(hit));
      if (r.items.size() < 100u) break;
    }
    return out;
  }
  static std::set<int64_t> Ids(const std::vector<const Product*>& products) {
    std::set<int64_t> ids;
    for (const Product* p : products) ids.insert(p->id);
    return ids;
  }

  static std::shared_ptr<const SearchIndex>* index_;
};

std::shared_ptr<const SearchIndex>* SearchIndexTest::index_ = nullptr;

TEST_F(SearchIndexTest, BrowsesEverythingOnEmptyQuery) {
  SearchResult r = Run("  ");
  EXPECT_EQ(r.total, static_cast<int64_t>(catalog().products().size()));
  EXPECT_EQ(r.items.size(), 20u);
  EXPECT_FALSE(r.suggestion.has_value());
}

TEST_F(SearchIndexTest, RanksTitleMatchAboveDescriptionMatch) {
  // "camera" is in the title of the HD Camera, and only in the descriptions
  // (several times) of the phones.
  auto skus = Skus(Run("camera "));
  auto pos = [&](const std::string& sku) {
    return std::find(skus.begin(), skus.end(), sku) - skus.begin();
  };
  ASSERT_LT(pos("PS5-HDCAM"), static_cast<long>(skus.size()));
  ASSERT_LT(pos("GALAXY-S24"), static_cast<long>(skus.size()));
  EXPECT_EQ(skus.front(), "PS5-HDCAM");
  EXPECT_LT(pos("PS5-HDCAM"), pos("GALAXY-S24"));
  EXPECT_LT(pos("PS5-HDCAM"), pos("IPHONE15"));
}

TEST_F(SearchIndexTest, RanksBrandMatchAboveDescriptionMatch) {
  // No title says "Sony"; the Nyko charge base mentions Sony in its
  // description only, below every Sony-branded product.
  SearchResult r = Run("sony ");
  auto skus = Skus(r);
  ASSERT_FALSE(skus.empty());
  EXPECT_EQ(skus.back(), "NYKO-CHG-PS5");
  for (size_t i = 0; i + 1 < r.items.size(); ++i) EXPECT_EQ(ProductOf(r.items[i]).brand, "Sony");
}

TEST_F(SearchIndexTest, StemsPluralsToTheirSingular) {
  SearchResult r = Run("mowers ");
  EXPECT_EQ(r.total, 5);
  for (const SearchHit& hit : r.items) {
    EXPECT_EQ(ProductOf(hit).category_id, 7) << ProductOf(hit).title;
  }
  EXPECT_FALSE(r.suggestion.has_value());
}

TEST_F(SearchIndexTest, IsCaseInsensitive) {
  EXPECT_EQ(Skus(Run("MOWERS ")), Skus(Run("mowers ")));
  EXPECT_EQ(Skus(Run("PlayStation")), Skus(Run("playstation")));
}

TEST_F(SearchIndexTest, MatchesTheLastWordAsAPrefix) {
  SearchResult r = Run("playst");
  ASSERT_GT(r.total, 5);
  EXPECT_NE(ProductOf(r.items.front()).title.find("PlayStation"), std::string::npos);
  EXPECT_EQ(r.items.front().highlighted_title.find("<mark>PlayStation</mark>") == std::string::npos,
            false)
      << r.items.front().highlighted_title;
  EXPECT_FALSE(r.suggestion.has_value());
  // A finished word (followed by a space) is not a prefix.
  EXPECT_EQ(Run("playst ").total, 0);
  // Only the last word is a prefix: no product has both words.
  EXPECT_TRUE(Run("playst controller").relaxed);
}

TEST_F(SearchIndexTest, CorrectsTyposAndSuggests) {
  SearchResult r = Run("playstaton controler");
  ASSERT_TRUE(r.suggestion.has_value());
  EXPECT_EQ(*r.suggestion, "playstation controller");
  EXPECT_TRUE(r.corrected);
  ASSERT_GE(r.items.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const Product& p = ProductOf(r.items[i]);
    EXPECT_EQ(p.category_id, 2) << p.title;
    EXPECT_NE(p.title.find("PlayStation"), std::string::npos) << p.title;
  }
}

TEST_F(SearchIndexTest, SuggestsButKeepsResultsWhenTheQueryMatchesEnough) {
  // "controler" stems like "controller", so it matches every controller.
  SearchResult r = Run("controler ");
  ASSERT_TRUE(r.suggestion.has_value());
  EXPECT_EQ(*r.suggestion, "controller");
  EXPECT_FALSE(r.corrected);
  EXPECT_GE(r.total, 8);
}

TEST_F(SearchIndexTest, DoesNotSuggestForKnownWordsOrInflections) {
  for (const char* q : {"dog food", "mowers ", "wireless controllers ", "chew", "ps5", "dune"}) {
    EXPECT_FALSE(Run(q).suggestion.has_value()) << q;
  }
}

TEST_F(SearchIndexTest, RelaxesToAnyWordWhenNothingMatchesAll) {
  SearchResult r = Run("honda dualsense ");
  EXPECT_TRUE(r.relaxed);
  std::set<std::string> skus;
  for (const auto& s : Skus(r)) skus.insert(s);
  EXPECT_TRUE(skus.count("HONDA-HRN216"));
  EXPECT_TRUE(skus.count("PS5-DS-WHT"));
  EXPECT_FALSE(Run("honda mower").relaxed);
}

TEST_F(SearchIndexTest, FiltersByCategoryIncludingSubcategories) {
  SearchRequest request;
  request.category = "video-games";
  auto matches = AllMatches(request);
  EXPECT_EQ(matches.size(), catalog().ProductCountInTree(1));
  for (const Product* p : matches) EXPECT_TRUE(catalog().InCategory(p->category_id, 1));

  request.category = "video-games-accessories";
  request.query = "charging";
  matches = AllMatches(request);
  EXPECT_EQ(Ids(matches), (std::set<int64_t>{121, 122, 123}));
}

TEST_F(SearchIndexTest, FiltersByBrandCaseInsensitively) {
  SearchRequest request;
  request.query = "controller";
  request.brands = {"sony", "PDP"};
  auto matches = AllMatches(request);
  ASSERT_FALSE(matches.empty());
  std::set<int64_t> expected;
  for (const Product* p : AllMatches({.query = "controller"})) {
    if (p->brand == "Sony" || p->brand == "PDP") expected.insert(p->id);
  }
  EXPECT_EQ(Ids(matches), expected);
}

TEST_F(SearchIndexTest, FiltersByInclusivePriceRange) {
  SearchRequest request;
  request.min_price = 2999;
  request.max_price = 6999;
  std::set<int64_t> expected;
  for (const Product& p : catalog().products()) {
    if (p.price.amount >= 2999 && p.price.amount <= 6999) expected.insert(p.id);
  }
  EXPECT_EQ(Ids(AllMatches(request)), expected);

  request.max_price.reset();
  for (const Product* p : AllMatches(request)) EXPECT_GE(p->price.amount, 2999);
  request.min_price.reset();
  request.max_price = 1199;
  auto cheap = AllMatches(request);
  EXPECT_FALSE(cheap.empty());
  for (const Product* p : cheap) EXPECT_LE(p->price.amount, 1199);
}

// Facet counts recomputed by brute force over every match of `request`.
Facets BruteForceFacets(const CatalogSnapshot& catalog, const std::vector<const Product*>& matches,
                        const SearchRequest& request, const Options& options) {
  Facets f;
  std::map<int64_t, int64_t> top, children, buckets;
  std::map<std::string, int64_t> brands;
  const catalog::Category* chosen =
      request.category.empty() ? nullptr : catalog.FindCategoryBySlug(request.category);
  for (const Product* p : matches) {
    auto path = catalog.CategoryPath(p->category_id);
    top[path[0]->id]++;
    if (chosen != nullptr) {
      for (size_t d = 0; d + 1 < path.size(); ++d) {
        if (path[d]->id == chosen->id) children[path[d + 1]->id]++;
      }
    }
    if (!p->brand.empty()) brands[p->brand]++;
    buckets[static_cast<int64_t>(internal::PriceBucket(p->price.amount, options.price_bucket_bounds))]++;
  }
  auto add_categories = [&](const std::map<int64_t, int64_t>& counts) {
    std::vector<CategoryCount> list;
    for (auto [id, n] : counts) {
      const catalog::Category* c = catalog.FindCategory(id);
      const catalog::Category* parent = catalog.FindCategory(c->parent_id);
      list.push_back({c->slug, c->name, parent ? parent->slug : "", n});
    }
    std::sort(list.begin(), list.end(), [](const CategoryCount& a, const CategoryCount& b) {
      return a.count != b.count ? a.count > b.count : a.name < b.name;
    });
    f.category.insert(f.category.end(), list.begin(), list.end());
  };
  add_categories(top);
  add_categories(children);
  for (auto [name, n] : brands) f.brand.push_back({name, n});
  std::sort(f.brand.begin(), f.brand.end(), [](const BrandCount& a, const BrandCount& b) {
    return a.count != b.count ? a.count > b.count : a.name < b.name;
  });
  if (f.brand.size() > static_cast<size_t>(options.brand_facet_size)) {
    f.brand.resize(static_cast<size_t>(options.brand_facet_size));
  }
  for (auto [bucket, n] : buckets) {
    PriceBucketCount b;
    b.min = bucket == 0 ? 0 : options.price_bucket_bounds[static_cast<size_t>(bucket) - 1];
    if (static_cast<size_t>(bucket) < options.price_bucket_bounds.size()) {
      b.max = options.price_bucket_bounds[static_cast<size_t>(bucket)];
    }
    b.count = n;
    f.price.push_back(b);
  }
  return f;
}

void ExpectSameFacets(const Facets& got, const Facets& want, const std::string& label) {
  ASSERT_EQ(got.category.size(), want.category.size()) << label;
  for (size_t i = 0; i < got.category.size(); ++i) {
    EXPECT_EQ(got.category[i].slug, want.category[i].slug) << label;
    EXPECT_EQ(got.category[i].name, want.category[i].name) << label;
    EXPECT_EQ(got.category[i].parent_slug, want.category[i].parent_slug) << label;
    EXPECT_EQ(got.category[i].count, want.category[i].count) << label << " " << want.category[i].slug;
  }
  // Brands tied at the cut-off may be either; compare the counts there.
  ASSERT_EQ(got.brand.size(), want.brand.size()) << label;
  for (size_t i = 0; i < got.brand.size(); ++i) {
    EXPECT_EQ(got.brand[i].count, want.brand[i].count) << label;
    if (i + 1 < got.brand.size() || got.brand.size() < 10u) {
      EXPECT_EQ(got.brand[i].name, want.brand[i].name) << label;
    }
  }
  ASSERT_EQ(got.price.size(), want.price.size()) << label;
  for (size_t i = 0; i < got.price.size(); ++i) {
    EXPECT_EQ(got.price[i].min, want.price[i].min) << label;
    EXPECT_EQ(got.price[i].max, want.price[i].max) << label;
    EXPECT_EQ(got.price[i].count, want.price[i].count) << label;
  }
}

std::vector<SearchRequest> FacetRequests() {
  return {
      {},
      {.query = "controller"},
      {.query = "wireless", .per_page = 2},
      {.category = "video-games"},
      {.category = "video-games-accessories"},
      {.query = "dog", .max_price = 6000},
      {.query = "shoe", .brands = {"Nike", "Brooks"}},
      {.query = "playstaton controler"},
  };
}

TEST_F(SearchIndexTest, CountsFacetsOverTheWholeMatchSet) {
  Options defaults;
  for (const SearchRequest& request : FacetRequests()) {
    const std::string label = "q='" + request.query + "' category=" + request.category;
    SearchResult r = Run(request);
    auto matches = AllMatches(request);
    EXPECT_EQ(r.total, static_cast<int64_t>(matches.size())) << label;
    ExpectSameFacets(r.facets, BruteForceFacets(catalog(), matches, request, defaults), label);
  }
}

TEST_F(SearchIndexTest, CountsTheSameFacetsFromValueSlots) {
  auto slots = SearchIndex::Build(index().catalog(), {.facets_from_value_slots = true});
  ASSERT_TRUE(slots.ok()) << slots.error().ToString();
  for (const SearchRequest& request : FacetRequests()) {
    auto r = (*slots)->Search(request);
    ASSERT_TRUE(r.ok());
    ExpectSameFacets(r->facets, Run(request).facets, "q='" + request.query + "'");
  }
}

TEST_F(SearchIndexTest, BrowsesTheWholeCatalogLikeTheMatcher) {
  // No words and no filters is answered from precomputed tables; a filter
  // that every product passes (min_price 0) goes through Xapian's matcher.
  for (SortOrder sort : {SortOrder::kRelevance, SortOrder::kPriceAsc, SortOrder::kPriceDesc,
                         SortOrder::kNewest}) {
    for (int page = 1; page <= 3; ++page) {
      SearchRequest plain{.sort = sort, .page = page, .per_page = 20};
      SearchRequest filtered = plain;
      filtered.min_price = 0;
      SearchResult a = Run(plain), b = Run(filtered);
      const std::string label = std::string(SortOrderName(sort)) + " page " + std::to_string(page);
      EXPECT_EQ(a.total, b.total) << label;
      ASSERT_EQ(a.items.size(), b.items.size()) << label;
      for (size_t i = 0; i < a.items.size(); ++i) {
        EXPECT_EQ(a.items[i].product_id, b.items[i].product_id) << label << " item " << i;
        EXPECT_EQ(a.items[i].highlighted_title, b.items[i].highlighted_title) << label;
      }
      ExpectSameFacets(a.facets, b.facets, label);
    }
  }
}

TEST_F(SearchIndexTest, EscapesTitlesForHtml) {
  SearchResult r = Run("sim kit");
  ASSERT_EQ(r.total, 1);
  EXPECT_EQ(r.items[0].highlighted_title,
            "AT&amp;T Prepaid <mark>SIM</mark> <mark>Kit</mark> &lt;5G&gt;");
  SearchRequest browse{.sort = SortOrder::kPriceAsc, .per_page = 100};
  bool found = false;
  for (const SearchHit& hit : Run(browse).items) {
    if (hit.product_id == 606) {
      EXPECT_EQ(hit.highlighted_title, "AT&amp;T Prepaid SIM Kit &lt;5G&gt;");
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

// Every query's highlighted titles equal MSet::snippet's (the reference the
// module's own highlighter reproduces), on the test catalog and on titles
// with the tokeniser's special cases.
void ExpectSameHighlightsAsXapianSnippet(std::shared_ptr<const CatalogSnapshot> catalog,
                                         const std::vector<SearchRequest>& requests) {
  auto own = SearchIndex::Build(catalog);
  auto reference = SearchIndex::Build(catalog, {.highlight_with_xapian_snippet = true});
  ASSERT_TRUE(own.ok() && reference.ok());
  size_t compared = 0;
  for (SearchRequest request : requests) {
    request.per_page = 100;
    auto a = (*own)->Search(request);
    auto b = (*reference)->Search(request);
    ASSERT_TRUE(a.ok() && b.ok()) << request.query;
    ASSERT_EQ(a->items.size(), b->items.size()) << request.query;
    for (size_t i = 0; i < a->items.size(); ++i) {
      EXPECT_EQ(a->items[i].product_id, b->items[i].product_id) << request.query;
      EXPECT_EQ(a->items[i].highlighted_title, b->items[i].highlighted_title)
          << "query '" << request.query << "'";
      ++compared;
    }
  }
  EXPECT_GT(compared, requests.size());
}

TEST_F(SearchIndexTest, HighlightsLikeXapianSnippet) {
  std::vector<SearchRequest> requests;
  for (const char* q :
       {"playstation controller", "playstaton controler", "playst", "controler ", "xbox",
        "wireless controller", "charging station", "camera ", "mowers ", "lawn mow", "dog food",
        "dog", "running shoe", "andy weir", "cooking", "headset", "honda dualsense", "fertilizer",
        "grass seed", "sim kit", "at&t", "5g", "title:dune", "brand:sony", "wireless", "s", "d",
        "ps5", "pro 2", "c", "the", "for", "black", "edition", "wi-fi", "kit"}) {
    requests.push_back({.query = q});
  }
  requests.push_back({.category = "video-games"});
  requests.push_back({.query = "black", .min_price = 0});
  ExpectSameHighlightsAsXapianSnippet(index().catalog(), requests);
}

TEST(SearchHighlightTest, HighlightsSpecialTitlesLikeXapianSnippet) {
  catalog::CatalogData data;
  data.categories = {{1, 0, "misc", "Misc", 0}};
  const std::vector<std::string> titles = {
      "AT&T Prepaid SIM Kit <5G>",
      "U.S.A. Road Atlas (2024 Edition)",
      "C++ Primer, 5th Edition!",
      "C# in Depth...",
      "Hill's Science Diet 1,000 Treats; 2.5 kg",
      "  ***Deluxe*** Mower -- \"Quiet\" Edition ~~~~~~",
      "[Refurbished] $49.99 Controller + Stand #1",
      "Well-Known Wi-Fi Router.  ",
      "fish+chips Kit++++ and A+B, C.D and e.f.g",
      "_Underscore_ Kit 2nd-gen?!",
      std::string(70, 'k') + " Kit",
      "Mowing Mowers Mowed Mower's Kit'",
      "Café Crème Kit",
      "...",
      "",
  };
  for (size_t i = 0; i < titles.size(); ++i) {
    Product p;
    p.id = static_cast<int64_t>(i) + 1;
    p.sku = "SKU-" + std::to_string(i);
    p.title = titles[i];
    p.category_id = 1;
    p.price = {1000, "USD"};
    p.description = "kit";
    data.products.push_back(std::move(p));
  }
  auto catalog = CatalogSnapshot::Build(std::move(data), 1);
  std::vector<SearchRequest> requests;
  for (const char* q :
       {"kit", "at&t", "usa", "u.s.a.", "c++", "c#", "primer", "hill's", "1,000", "2.5", "quiet",
        "deluxe", "refurbished", "controller", "wi-fi", "router", "well", "fish", "chips", "a",
        "b", "underscore", "2nd", "gen", "mow", "mower", "mowing", "cafe", "café", "crème",
        "edit", "e.f.g", "kkk", "treats kg", "sim"}) {
    requests.push_back({.query = q});
  }
  requests.push_back({.min_price = 0});
  ExpectSameHighlightsAsXapianSnippet(catalog, requests);
}

TEST_F(SearchIndexTest, RanksLikeBm25WithQueryTimeLengthNormalisation) {
  auto reference = SearchIndex::Build(index().catalog(), {.normalise_length_at_build = false});
  ASSERT_TRUE(reference.ok());
  for (const char* q : {"camera ", "sony ", "wireless", "controller", "playst", "dog food",
                        "honda dualsense ", "black", "pro", "title:dune", "charging station"}) {
    SearchRequest request{.query = q, .per_page = 100};
    SearchResult a = Run(request);
    auto b = (*reference)->Search(request);
    ASSERT_TRUE(b.ok());
    ASSERT_EQ(a.total, b->total) << q;
    ASSERT_EQ(a.items.size(), b->items.size()) << q;
    for (size_t i = 0; i < a.items.size(); ++i) {
      EXPECT_EQ(a.items[i].product_id, b->items[i].product_id) << q << " rank " << i;
      EXPECT_NEAR(a.items[i].score, b->items[i].score, 1e-2 * b->items[i].score) << q;
    }
  }
}

TEST_F(SearchIndexTest, ListsTheChosenCategorysChildren) {
  SearchResult r = Run(SearchRequest{.category = "video-games"});
  std::vector<std::string> children;
  for (const CategoryCount& c : r.facets.category) {
    if (c.parent_slug == "video-games") children.push_back(c.slug);
  }
  std::sort(children.begin(), children.end());
  EXPECT_EQ(children, (std::vector<std::string>{"video-games-accessories", "video-games-consoles",
                                                "video-games-controllers"}));
  ASSERT_FALSE(r.facets.category.empty());
  EXPECT_EQ(r.facets.category.front().slug, "video-games");
  EXPECT_EQ(r.facets.category.front().count, r.total);
}

TEST_F(SearchIndexTest, SortsByPriceAndNewness) {
  auto check = [&](SortOrder sort, auto in_order) {
    SearchRequest request;
    request.sort = sort;
    auto matches = AllMatches(request);
    ASSERT_EQ(matches.size(), catalog().products().size());
    for (size_t i = 1; i < matches.size(); ++i) {
      EXPECT_TRUE(in_order(*matches[i - 1], *matches[i]))
          << SortOrderName(sort) << ": " << matches[i - 1]->sku << " then " << matches[i]->sku;
    }
  };
  check(SortOrder::kPriceAsc,
        [](const Product& a, const Product& b) { return a.price.amount <= b.price.amount; });
  check(SortOrder::kPriceDesc,
        [](const Product& a, const Product& b) { return a.price.amount >= b.price.amount; });
  check(SortOrder::kNewest,
        [](const Product& a, const Product& b) { return a.created_at >= b.created_at; });
}

TEST_F(SearchIndexTest, SortsMatchesOfAQueryByPrice) {
  auto matches = AllMatches({.query = "controller", .sort = SortOrder::kPriceAsc});
  ASSERT_GE(matches.size(), 8u);
  for (size_t i = 1; i < matches.size(); ++i) {
    EXPECT_LE(matches[i - 1]->price.amount, matches[i]->price.amount);
  }
}

TEST_F(SearchIndexTest, PaginatesWithAnExactTotal) {
  SearchRequest request;
  request.query = "wireless";
  request.per_page = 3;
  SearchResult first = Run(request);
  ASSERT_GT(first.total, 6);
  std::vector<int64_t> seen;
  for (request.page = 1; request.page <= (first.total + 2) / 3; ++request.page) {
    SearchResult r = Run(request);
    EXPECT_EQ(r.total, first.total);
    EXPECT_EQ(r.page, request.page);
    EXPECT_EQ(r.per_page, 3);
    for (const SearchHit& hit : r.items) seen.push_back(hit.product_id);
  }
  EXPECT_EQ(static_cast<int64_t>(seen.size()), first.total);
  EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), seen.size());
  // A page past the end is empty but keeps the total.
  request.page = 50;
  SearchResult past = Run(request);
  EXPECT_TRUE(past.items.empty());
  EXPECT_EQ(past.total, first.total);
  // Pages agree with one big page.
  request.page = 1;
  request.per_page = 100;
  std::vector<int64_t> all;
  for (const SearchHit& hit : Run(request).items) all.push_back(hit.product_id);
  EXPECT_EQ(all, seen);
}

TEST_F(SearchIndexTest, RejectsBadRequestsNamingTheField) {
  auto field_of = [&](SearchRequest request) {
    auto r = index().Search(request);
    EXPECT_FALSE(r.ok());
    if (r.ok()) return std::string("<ok>");
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    return r.error().field;
  };
  EXPECT_EQ(field_of({.per_page = 0}), "per_page");
  EXPECT_EQ(field_of({.per_page = 101}), "per_page");
  EXPECT_EQ(field_of({.page = 0}), "page");
  EXPECT_EQ(field_of({.page = -1}), "page");
  EXPECT_EQ(field_of({.page = 1000, .per_page = 100}), "page");
  EXPECT_EQ(field_of({.min_price = 500, .max_price = 100}), "min_price");
  EXPECT_EQ(field_of({.min_price = -1}), "min_price");
  EXPECT_EQ(field_of({.max_price = -1}), "max_price");
  EXPECT_EQ(field_of({.category = "no-such-category"}), "category");
  EXPECT_EQ(field_of({.query = std::string(600, 'a')}), "q");
  EXPECT_TRUE(index().Search({.per_page = 100}).ok());
  EXPECT_TRUE(index().Search({.min_price = 100, .max_price = 100}).ok());
}

TEST_F(SearchIndexTest, ToleratesQuerySyntaxCharacters) {
  for (const char* q : {"\"lawn mower", "dog AND food", "-(", "brand:sony", "title:dune", "?*&",
                        "NOT", "wi-fi"}) {
    EXPECT_TRUE(index().Search({.query = q}).ok()) << q;
  }
  EXPECT_EQ(Skus(Run("title:dune")), std::vector<std::string>{"BK-DUNE"});
}

TEST_F(SearchIndexTest, AnswersConcurrentSearchesLikeSequentialOnes) {
  const std::vector<std::string> queries = {"playst", "playstaton controler", "mowers ", "dog food",
                                            "", "wireless", "camera", "running shoe"};
  std::vector<std::vector<int64_t>> expected;
  for (const auto& q : queries) {
    std::vector<int64_t> ids;
    for (const SearchHit& hit : Run(q).items) ids.push_back(hit.product_id);
    expected.push_back(ids);
  }
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        size_t k = static_cast<size_t>(i + t) % queries.size();
        auto r = index().Search({.query = queries[k]});
        std::vector<int64_t> ids;
        if (r.ok()) {
          for (const SearchHit& hit : r->items) ids.push_back(hit.product_id);
        }
        if (!r.ok() || ids != expected[k]) mismatches++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(SearchIndexBuildTest, WritesToTheGivenDirectoryAndLeavesIt) {
  fs::path dir = fs::temp_directory_path() / ("atelier-search-test-" + std::to_string(getpid()));
  fs::remove_all(dir);
  {
    auto built = SearchIndex::Build(testing::TestCatalog(), {.directory = dir.string()});
    ASSERT_TRUE(built.ok()) << built.error().ToString();
    EXPECT_EQ((*built)->directory(), dir.string());
    EXPECT_TRUE(fs::exists(dir / "iamglass"));
    // Rebuilding over a previous index is allowed.
    auto again = SearchIndex::Build(testing::TestCatalog(), {.directory = (dir / "v2").string()});
    ASSERT_TRUE(again.ok()) << again.error().ToString();
  }
  EXPECT_TRUE(fs::exists(dir / "iamglass"));
  fs::remove_all(dir / "v2");
  auto over = SearchIndex::Build(testing::TestCatalog(), {.directory = dir.string()});
  EXPECT_TRUE(over.ok());
  fs::remove_all(dir);
}

TEST(SearchIndexBuildTest, RefusesADirectoryHoldingOtherFiles) {
  fs::path dir = fs::temp_directory_path() / ("atelier-search-other-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "atelier.db") << "not an index";
  auto built = SearchIndex::Build(testing::TestCatalog(), {.directory = dir.string()});
  ASSERT_FALSE(built.ok());
  EXPECT_EQ(built.error().field, "directory");
  EXPECT_TRUE(fs::exists(dir / "atelier.db"));
  fs::remove_all(dir);
}

TEST(SearchIndexBuildTest, RemovesItsPrivateDirectory) {
  std::string dir;
  {
    auto built = SearchIndex::Build(testing::TestCatalog());
    ASSERT_TRUE(built.ok());
    dir = (*built)->directory();
    EXPECT_TRUE(fs::exists(dir));
  }
  EXPECT_FALSE(fs::exists(dir));
}

TEST(SearchIndexBuildTest, RejectsUnorderedPriceBuckets) {
  auto built = SearchIndex::Build(testing::TestCatalog(), {.price_bucket_bounds = {500, 100}});
  ASSERT_FALSE(built.ok());
  EXPECT_EQ(built.error().field, "price_bucket_bounds");
}

TEST(SortOrderTest, ParsesWireNames) {
  for (SortOrder s : {SortOrder::kRelevance, SortOrder::kPriceAsc, SortOrder::kPriceDesc,
                      SortOrder::kNewest}) {
    auto parsed = ParseSortOrder(SortOrderName(s));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, s);
  }
  EXPECT_EQ(*ParseSortOrder(""), SortOrder::kRelevance);
  auto bad = ParseSortOrder("cheapest");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "sort");
}

}  // namespace
}  // namespace atelier::search
