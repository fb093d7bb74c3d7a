// SearchIndex::Update against SearchIndex::Build: after random catalog edits
// the derived index holds the same database (documents, postings, spelling
// dictionary, values) and gives the same answers as an index built from
// scratch; it builds whole when deriving would not be exact or cheaper; it
// leaves the index it starts from answering as before.

#include <gtest/gtest.h>
#include <xapian.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "atelier/core/strings.h"
#include "atelier/search/search_index.h"
#include "test_catalog.h"

namespace atelier::search {
namespace {

using testing::Label;
using testing::RequestGrid;

using catalog::CatalogSnapshot;
using catalog::Product;

// Edits a copy of a catalog the ways a shop does: one product's title,
// description, price, category, brand, attributes, date or stock; a product
// added or removed; a category renamed.
class CatalogEditor {
 public:
  CatalogEditor(const CatalogSnapshot& from, std::mt19937_64& rng) : rng_(rng) {
    data_.categories = from.categories();
    data_.products = from.products();
    data_.locations = from.locations();
    for (const Product& p : data_.products) {
      for (const catalog::StockUnit* unit : from.StockOf(p.id)) data_.stock.push_back(*unit);
    }
    if (data_.locations.empty()) data_.locations.push_back({1, "DC-EAST", "East", {}, "us-east"});
  }

  // One edit of a random kind; returns its name.
  std::string RandomEdit() {
    const int kind = static_cast<int>(rng_() % 21);
    if (kind == 20) return RenameCategory();
    if (kind >= 18) return AddProduct();
    if (kind == 17 && data_.products.size() > 1) {
      data_.products.erase(data_.products.begin() + static_cast<std::ptrdiff_t>(Index()));
      return "remove";
    }
    Product& p = data_.products[Index()];
    switch (kind % 9) {
      case 0:
        p.title = p.brand + " " + Pick(kWords) + " " + Pick(kNouns) + " - " + Pick(kColours);
        return "title";
      case 1:
        p.price.amount = static_cast<int64_t>(500 + (rng_() % 60) * 250);
        return "price";
      case 2:
        p.category_id = data_.categories[rng_() % data_.categories.size()].id;
        return "category";
      case 3:
        p.brand = Pick(kBrands);
        return "brand";
      case 4:
        p.attributes = {{"colour", ToLower(Pick(kColours))}};
        if (rng_() % 2 == 0) p.attributes.push_back({"waterproof", rng_() % 2 == 0});
        if (rng_() % 2 == 0) p.attributes.push_back({"size", 8.0 + static_cast<double>(rng_() % 8) / 2});
        return "attributes";
      case 5:
        p.description = "The " + Pick(kNouns) + " with " + Pick(kWords) + " " + Pick(kNouns);
        return "description";
      case 6:
        p.created_at = 1'700'000'000 + static_cast<int64_t>(rng_() % 50) * 86'400;
        return "created_at";
      default:
        SetStock(p.id, static_cast<int64_t>(rng_() % 7));
        return "stock";
    }
  }

  std::string AddProduct() {
    Product p = data_.products[Index()];
    int64_t max_id = 0;
    for (const Product& q : data_.products) max_id = std::max(max_id, q.id);
    p.id = max_id + 1;
    p.sku = "NEW-" + std::to_string(p.id);
    p.brand = Pick(kBrands);
    p.title = p.brand + " " + Pick(kWords) + " " + Pick(kNouns);
    data_.products.push_back(std::move(p));
    return "add";
  }

  std::string RenameCategory() {
    catalog::Category& c = data_.categories[rng_() % data_.categories.size()];
    c.name = Pick(kWords) + " " + c.name;
    return "rename category";
  }

  void SetStock(int64_t product_id, int64_t quantity) {
    for (catalog::StockUnit& unit : data_.stock) {
      if (unit.product_id == product_id) {
        unit.quantity = quantity;
        return;
      }
    }
    data_.stock.push_back(
        {static_cast<int64_t>(data_.stock.size()) + 1, product_id, data_.locations.front().id, "", quantity});
  }

  catalog::CatalogData& data() { return data_; }

  std::shared_ptr<const CatalogSnapshot> Snapshot(int64_t version) {
    // Stock of removed products goes with them.
    std::erase_if(data_.stock, [&](const catalog::StockUnit& unit) {
      return std::none_of(data_.products.begin(), data_.products.end(),
                          [&](const Product& p) { return p.id == unit.product_id; });
    });
    return CatalogSnapshot::Build(data_, version);
  }

  // Words that are new to the generated catalog, extend its words
  // ("controllers", "contraption" under the cached prefix "contr") or repeat
  // them.
  inline static const std::vector<std::string> kWords = {
      "Zanzibarian", "Quokka", "Contraption", "Controllers", "Cobalt", "Wireless",
      "Deluxe",      "Nébula", "Food",        "Sony",        "Pro",    "Velvet"};
  inline static const std::vector<std::string> kNouns = {
      "Controller", "Lamp", "Lawn Mower", "Dog Food", "Headset", "Coffee Press", "Torch"};
  inline static const std::vector<std::string> kColours = {"Black", "White", "Teal", "Red"};
  inline static const std::vector<std::string> kBrands = {"Sony",   "Honda", "Quokka Works",
                                                          "PowerA", "sony",  ""};

 private:
  size_t Index() { return static_cast<size_t>(rng_() % data_.products.size()); }
  const std::string& Pick(const std::vector<std::string>& v) { return v[rng_() % v.size()]; }

  std::mt19937_64& rng_;
  catalog::CatalogData data_;
};

// Requests over the generated vocabulary and the editor's words: plain and
// typed words, typos, field prefixes, filters, every sort, two pages.
std::vector<SearchRequest> Requests() {
  const std::vector<std::string> queries = {"controller ",   "wireless controller ",
                                            "contr",         "co",
                                            "dog fo",        "food ",
                                            "sony ",         "zanzibarian ",
                                            "zanzib",        "quokka lamp ",
                                            "quoka ",        "contraption ",
                                            "nebula",        "teal ",
                                            "waterproof ",   "title:sony cont",
                                            "brand:quokka ", "lamp torch",
                                            "cobalt ",       "",
                                            "velvet fo"};
  const std::vector<SearchRequest> filters = {
      {},
      {.category = "video-games"},
      {.brands = {"Sony", "quokka works"}},
      {.min_price = 2000, .max_price = 6000},
  };
  return RequestGrid(queries, filters, {{1, 20}, {2, 7}});
}

// What a database holds, with documents named by product id (docids differ
// between a derived index and a full build).
struct DatabaseContents {
  Xapian::doccount documents = 0;
  std::map<std::string, std::vector<std::pair<int64_t, Xapian::termcount>>> postings;
  std::map<std::string, Xapian::doccount> spellings;
  std::map<int64_t, std::vector<std::string>> values;  // slots 0..9 of each document
};

DatabaseContents ReadDatabase(const std::string& directory) {
  Xapian::Database db(directory);
  DatabaseContents out;
  out.documents = db.get_doccount();
  std::map<Xapian::docid, int64_t> product_of;
  for (auto t = db.allterms_begin("Q"); t != db.allterms_end("Q"); ++t) {
    const int64_t id = std::stoll((*t).substr(1));
    for (auto p = db.postlist_begin(*t); p != db.postlist_end(*t); ++p) product_of[*p] = id;
  }
  for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) {
    auto& list = out.postings[*t];
    for (auto p = db.postlist_begin(*t); p != db.postlist_end(*t); ++p) {
      auto id = product_of.find(*p);
      list.emplace_back(id == product_of.end() ? -1 : id->second, p.get_wdf());
    }
    std::sort(list.begin(), list.end());
  }
  for (auto s = db.spellings_begin(); s != db.spellings_end(); ++s) {
    out.spellings[*s] = s.get_termfreq();
  }
  for (const auto& [docid, id] : product_of) {
    Xapian::Document doc = db.get_document(docid);
    auto& values = out.values[id];
    for (Xapian::valueno slot = 0; slot < 10; ++slot) values.push_back(doc.get_value(slot));
  }
  return out;
}

void ExpectSameDatabase(const SearchIndex& got, const SearchIndex& want, const std::string& label) {
  const DatabaseContents a = ReadDatabase(got.directory());
  const DatabaseContents b = ReadDatabase(want.directory());
  EXPECT_EQ(a.documents, b.documents) << label;
  EXPECT_EQ(a.spellings, b.spellings) << label;
  EXPECT_EQ(a.values, b.values) << label;
  EXPECT_EQ(a.postings.size(), b.postings.size()) << label;
  for (const auto& [term, list] : b.postings) {
    auto it = a.postings.find(term);
    if (it == a.postings.end()) {
      ADD_FAILURE() << label << ": no term " << term;
      return;
    }
    if (it->second != list) {
      ADD_FAILURE() << label << ": postings of " << term << " differ";
      return;
    }
  }
}

// Chains `rounds` updates of 1-4 random edits each from a generated
// catalog's index; after each, the derived index must hold what a full
// build of the edited catalog holds and answer every request alike.
void ExpectUpdatesLikeFullBuilds(const Options& options, int rounds, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto built = SearchIndex::Build(testing::GeneratedCatalog(1500), options);
  ASSERT_TRUE(built.ok()) << built.error().ToString();
  std::shared_ptr<const SearchIndex> index = *built;
  const std::vector<SearchRequest> requests = Requests();
  const int kRounds = rounds;
  int incremental = 0;
  size_t edits_applied = 0;
  for (int round = 0; round < kRounds; ++round) {
    // The base's caches hold the postings and expansions an update must
    // drop or keep.
    for (const SearchRequest& request : requests) ASSERT_TRUE(index->Search(request).ok());
    CatalogEditor editor(*index->catalog(), rng);
    std::string edits;
    const int count = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < count; ++i) edits += editor.RandomEdit() + ",";
    auto next = editor.Snapshot(round + 2);
    auto updated = SearchIndex::Update(index, next, options);
    auto full = SearchIndex::Build(next, options);
    ASSERT_TRUE(updated.ok()) << updated.error().ToString();
    ASSERT_TRUE(full.ok()) << full.error().ToString();
    const Derivation& how = (*updated)->derivation();
    const std::string label = "round " + std::to_string(round) + " (" + edits + " " +
                              (how.incremental ? "incremental" : how.full_build_reason) + ")";
    if (how.incremental) {
      ++incremental;
      edits_applied += how.added + how.changed + how.removed;
    }
    ExpectSameDatabase(**updated, **full, label);
    for (const SearchRequest& request : requests) {
      auto a = (*updated)->Search(request);
      auto b = (*full)->Search(request);
      ASSERT_TRUE(a.ok() && b.ok()) << label << " " << Label(request);
      testing::ExpectSameResult(*a, *b, label + " " + Label(request));
      if (::testing::Test::HasFailure()) return;
    }
    index = *updated;
  }
  // Most rounds went the incremental way (the rest crossed a length step or
  // renamed a large category).
  EXPECT_GE(incremental, kRounds * 3 / 4);
  EXPECT_GT(edits_applied, static_cast<size_t>(kRounds));
}

TEST(SearchUpdateTest, AnswersLikeAFullBuildAfterRandomEdits) { ExpectUpdatesLikeFullBuilds({}, 16, 2026); }

// The same with Xapian's matcher alone (no in-memory match sets) and facets
// counted from value slots.
TEST(SearchUpdateTest, AnswersLikeAFullBuildWithTheMatcherAlone) {
  ExpectUpdatesLikeFullBuilds({.facets_from_value_slots = true, .match_from_memory = false}, 6, 7);
}

TEST(SearchUpdateTest, FindsAnEditedTitleByItsNewWordAndNotByTheOld) {
  auto catalog = testing::TestCatalog();
  auto base = SearchIndex::Build(catalog);
  ASSERT_TRUE(base.ok());
  SearchRequest old_word{.query = "dualsense ", .per_page = 100};
  auto before = (*base)->Search(old_word);
  ASSERT_TRUE(before.ok() && before->total > 0);
  const int64_t id = 101;  // "DualSense" in its title only
  auto listed = [&](const SearchResult& r) {
    return std::any_of(r.items.begin(), r.items.end(),
                       [&](const SearchHit& hit) { return hit.product_id == id; });
  };
  ASSERT_TRUE(listed(*before));
  std::mt19937_64 rng(1);
  CatalogEditor editor(*catalog, rng);
  for (Product& p : editor.data().products) {
    // As many words as before: the average length stays within its step.
    if (p.id == id) p.title = "Zanzibarian Wireless Controller for PlayStation 5 - White";
  }
  auto updated = SearchIndex::Update(*base, editor.Snapshot(catalog->version() + 1));
  ASSERT_TRUE(updated.ok()) << updated.error().ToString();
  ASSERT_TRUE((*updated)->derivation().incremental) << (*updated)->derivation().full_build_reason;
  EXPECT_EQ((*updated)->derivation().changed, 1u);

  auto found = (*updated)->Search({.query = "zanzibarian "});
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->total, 1);
  EXPECT_EQ(found->items[0].product_id, id);
  EXPECT_EQ(found->items[0].highlighted_title,
            "<mark>Zanzibarian</mark> Wireless Controller for PlayStation 5 - White");
  auto typed = (*updated)->Search({.query = "zanzib"});
  ASSERT_TRUE(typed.ok());
  EXPECT_EQ(typed->total, 1);
  auto misspelt = (*updated)->Search({.query = "zanzibarien "});
  ASSERT_TRUE(misspelt.ok());
  EXPECT_EQ(misspelt->suggestion, "zanzibarian");
  auto after = (*updated)->Search(old_word);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->total, before->total - 1);
  EXPECT_FALSE(listed(*after));

  // The base index still answers from its own catalog.
  auto again = (*base)->Search(old_word);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->total, before->total);
  EXPECT_TRUE(listed(*again));
  auto unknown = (*base)->Search({.query = "zanzibarian "});
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->total, 0);
}

TEST(SearchUpdateTest, SharesTheDatabaseWhenNoIndexedFieldDiffers) {
  auto catalog = testing::TestCatalog();
  auto base = SearchIndex::Build(catalog);
  ASSERT_TRUE(base.ok());
  std::mt19937_64 rng(1);
  CatalogEditor editor(*catalog, rng);
  editor.SetStock(catalog->products().front().id, 3);
  editor.data().products.back().images.push_back("/static/new.png");
  auto next = editor.Snapshot(catalog->version() + 1);
  auto updated = SearchIndex::Update(*base, next);
  ASSERT_TRUE(updated.ok());
  const Derivation& how = (*updated)->derivation();
  EXPECT_TRUE(how.incremental);
  EXPECT_EQ(how.added + how.changed + how.removed, 0u);
  EXPECT_EQ((*updated)->directory(), (*base)->directory());
  EXPECT_EQ((*updated)->catalog(), next);
  auto result = (*updated)->Search({.query = "controller "});
  auto want = (*base)->Search({.query = "controller "});
  ASSERT_TRUE(result.ok() && want.ok());
  testing::ExpectSameResult(*result, *want, "controller");

  // The shared private directory outlives the base.
  const std::string directory = (*base)->directory();
  base->reset();
  EXPECT_TRUE(std::filesystem::exists(directory));
  EXPECT_TRUE((*updated)->Search({.query = "mower "}).ok());
  updated->reset();
  EXPECT_FALSE(std::filesystem::exists(directory));
}

TEST(SearchUpdateTest, BuildsWholeWhenManyProductsDiffer) {
  auto catalog = testing::GeneratedCatalog(400);
  auto base = SearchIndex::Build(catalog);
  ASSERT_TRUE(base.ok());
  std::mt19937_64 rng(3);
  CatalogEditor editor(*catalog, rng);
  for (size_t i = 0; i < 40; ++i) editor.data().products[i * 10].price.amount += 100;
  Options options;
  options.max_incremental_fraction = 0.05;  // 20 of 400
  auto updated = SearchIndex::Update(*base, editor.Snapshot(2), options);
  ASSERT_TRUE(updated.ok());
  EXPECT_FALSE((*updated)->derivation().incremental);
  EXPECT_EQ((*updated)->derivation().full_build_reason, "40 of 400 products differ");
  options.max_incremental_fraction = 0.2;
  updated = SearchIndex::Update(*base, editor.Snapshot(2), options);
  ASSERT_TRUE(updated.ok());
  EXPECT_TRUE((*updated)->derivation().incremental);
  EXPECT_EQ((*updated)->derivation().changed, 40u);
}

TEST(SearchUpdateTest, BuildsWholeWhenANewProductSortsBeforeAnIndexedOne) {
  auto catalog = testing::TestCatalog();
  auto base = SearchIndex::Build(catalog);
  ASSERT_TRUE(base.ok());
  std::mt19937_64 rng(1);
  CatalogEditor editor(*catalog, rng);
  Product p = catalog->products().back();
  p.id = catalog->products().front().id - 1;  // catalogs list products by id
  p.sku = "FIRST";
  editor.data().products.insert(editor.data().products.begin(), p);
  auto updated = SearchIndex::Update(*base, editor.Snapshot(catalog->version() + 1));
  ASSERT_TRUE(updated.ok());
  EXPECT_FALSE((*updated)->derivation().incremental);
  EXPECT_EQ((*updated)->derivation().full_build_reason, "a new product sorts before an indexed one");
}

TEST(SearchUpdateTest, BuildsWholeWithoutABaseOrWithOtherWeights) {
  auto catalog = testing::TestCatalog();
  auto first = SearchIndex::Update(nullptr, catalog);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE((*first)->derivation().incremental);
  EXPECT_EQ((*first)->derivation().full_build_reason, "no index to update");
  Options options;
  options.weights.title = 12;
  auto reweighted = SearchIndex::Update(*first, catalog, options);
  ASSERT_TRUE(reweighted.ok());
  EXPECT_EQ((*reweighted)->derivation().full_build_reason, "the options index differently");
}

TEST(SearchUpdateTest, NeverWritesOverTheIndexItStartsFrom) {
  const std::string dir = ::testing::TempDir() + "atelier-update-test";
  std::filesystem::remove_all(dir);
  auto catalog = testing::TestCatalog();
  auto base = SearchIndex::Build(catalog, {.directory = dir});
  ASSERT_TRUE(base.ok());
  std::mt19937_64 rng(1);
  CatalogEditor editor(*catalog, rng);
  editor.data().products.front().title = "Renamed";
  auto updated = SearchIndex::Update(*base, editor.Snapshot(catalog->version() + 1), {.directory = dir});
  ASSERT_FALSE(updated.ok());
  EXPECT_EQ(updated.error().field, "directory");
  base->reset();
  std::filesystem::remove_all(dir);
}

TEST(SearchCatalogForTest, ResolvesHitsAgainstTheLiveCatalogOfItsVersion) {
  auto catalog = testing::TestCatalog();
  auto index = SearchIndex::Build(catalog);
  ASSERT_TRUE(index.ok());
  std::mt19937_64 rng(1);
  CatalogEditor same(*catalog, rng);
  same.SetStock(catalog->products().front().id, 9);
  auto restocked = same.Snapshot(catalog->version());
  EXPECT_EQ((*index)->CatalogFor(restocked), restocked);
  auto newer = same.Snapshot(catalog->version() + 1);
  EXPECT_EQ((*index)->CatalogFor(newer), catalog);
  EXPECT_EQ((*index)->CatalogFor(nullptr), catalog);
}

}  // namespace
}  // namespace atelier::search
