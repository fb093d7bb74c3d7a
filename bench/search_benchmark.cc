// Search latency on generated catalogs of 6,000 and 100,000 products.
//
// Each BM_Search_<Operation>/<products> runs one query of its set per
// iteration (cycling through the set) and reports, besides Google Benchmark's
// mean, the p50 and p99 of the per-iteration latencies (p50_us, p99_us).
// BM_Search_BuildIndex/<products> times building the index once;
// BM_Search_ApplyEdits/<products>/<edited> times deriving the index of a
// catalog with a few products edited from the live one (SearchIndex::Update)
// against building it whole.
//
//   build-search/bin/search_benchmark --benchmark_min_time=2
//
// With ATELIER_SEARCH_BENCH_PER_QUERY set, each query set also prints the
// median CPU time of each of its queries (stderr). BM_Search_MixedVs<Peer>
// runs the default index and a peer variant alternately, query by query.
//
// The catalog is generated here from a fixed seed with a shop's vocabulary
// (12 top-level categories, brands, model names, descriptions), so runs are
// comparable across machines and commits.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "atelier/catalog/snapshot.h"
#include "atelier/core/strings.h"
#include "atelier/search/search_index.h"

namespace atelier::search {
namespace {

using catalog::Category;
using catalog::Product;

struct LeafSpec {
  const char* name;
  std::vector<const char*> brands;
  std::vector<const char*> nouns;
  std::vector<const char*> suffixes;  // "" allowed
  std::vector<const char*> features;
  int64_t min_price;  // minor units
  int64_t max_price;
};

struct TopSpec {
  const char* name;
  std::vector<LeafSpec> leaves;
};

const std::vector<TopSpec>& Shop() {
  static const std::vector<TopSpec> shop = {
      {"Video Games",
       {{"Controllers",
         {"Sony", "Microsoft", "Nintendo", "PDP", "PowerA", "8BitDo", "Razer", "Turtle Beach"},
         {"Wireless Controller", "Controller", "Pro Controller", "Gamepad", "Wired Controller"},
         {"for PlayStation 5", "for PlayStation 4", "for Xbox Series X", "for Nintendo Switch",
          "for PC", ""},
         {"haptic feedback", "adaptive triggers", "rechargeable battery", "remappable buttons",
          "textured grip", "Bluetooth"},
         1999, 19999},
        {"Consoles",
         {"Sony", "Microsoft", "Nintendo", "Valve"},
         {"Console", "Console Bundle", "Handheld Console"},
         {"Disc Edition", "Digital Edition", "1TB", "512GB", "OLED"},
         {"4K gaming", "ray tracing", "fast SSD", "HDR output"},
         19999, 69999},
        {"Charging Stations",
         {"Sony", "PowerA", "Nyko", "PDP", "Venom", "OIVO"},
         {"Charging Station", "Charging Dock", "Charge Base", "Dual Charger"},
         {"for DualSense", "for Xbox Controllers", "for Joy-Con", ""},
         {"LED charge indicators", "two controllers at once", "USB-C"},
         1499, 4999},
        {"Cameras",
         {"Sony", "Logitech", "Razer", "Elgato"},
         {"HD Camera", "Streaming Camera", "Webcam", "Capture Card"},
         {"for PlayStation 5", "1080p", "4K", ""},
         {"dual lenses", "built-in stand", "streaming", "background removal"},
         3999, 19999},
        {"Headsets",
         {"Sony", "Microsoft", "Turtle Beach", "SteelSeries", "HyperX", "Razer", "Logitech"},
         {"Wireless Headset", "Gaming Headset", "Headset", "Earbuds"},
         {"for PlayStation", "for Xbox", "for PC", ""},
         {"3D audio", "noise-cancelling microphone", "surround sound", "memory foam ear cushions"},
         2999, 24999}}},
      {"Books",
       {{"Fiction",
         {"Penguin", "HarperCollins", "Vintage", "Ace", "Tor", "Orbit"},
         {"Novel", "Thriller", "Mystery", "Science Fiction Novel", "Fantasy Saga"},
         {"Paperback", "Hardcover", "Collector's Edition", ""},
         {"bestselling author", "award-winning", "page-turner", "book club pick"},
         799, 3499},
        {"Cooking",
         {"Ten Speed Press", "Clarkson Potter", "Phaidon", "America's Test Kitchen"},
         {"Cookbook", "Baking Book", "Kitchen Guide", "Recipes"},
         {"Hardcover", "Paperback", ""},
         {"weeknight dinners", "baking bread", "vegetarian recipes", "kitchen science"},
         1499, 4999},
        {"History",
         {"Penguin", "Oxford University Press", "Knopf", "Norton"},
         {"History", "Biography", "Chronicle", "Atlas"},
         {"Hardcover", "Paperback", "Illustrated Edition"},
         {"ancient empires", "world war", "revolution", "explorers"},
         999, 5999}}},
      {"Lawn & Garden",
       {{"Mowers",
         {"Honda", "EGO", "Toro", "Husqvarna", "Greenworks", "Ryobi", "Great States"},
         {"Lawn Mower", "Self-Propelled Mower", "Cordless Mower", "Robotic Mower", "Reel Mower"},
         {"21-inch", "22-inch", "16-inch", "40V", "56V", ""},
         {"mulching", "rear bag", "electric start", "battery powered", "gas engine"},
         8999, 149999},
        {"Seed",
         {"Scotts", "Pennington", "Jonathan Green", "Burpee"},
         {"Grass Seed", "Lawn Seed Mix", "Wildflower Seed", "Vegetable Seeds"},
         {"Sun & Shade", "Tall Fescue", "Kentucky Bluegrass", ""},
         {"drought tolerant", "fast growing", "covers 2,000 sq ft"},
         599, 5999},
        {"Fertiliser",
         {"Scotts", "Miracle-Gro", "Espoma", "Milorganite", "Jobe's"},
         {"Lawn Food", "Fertiliser", "Plant Food", "Weed and Feed"},
         {"All Purpose", "Organic", "Slow Release", ""},
         {"feeds and strengthens", "organic nitrogen", "water soluble"},
         799, 4999}}},
      {"Pet Supplies",
       {{"Dog Food",
         {"Purina", "Blue Buffalo", "Hill's", "Royal Canin", "Pedigree", "Orijen"},
         {"Dog Food", "Puppy Food", "Dry Dog Food", "Wet Dog Food", "Grain-Free Dog Food"},
         {"15 kg", "12 kg", "6 kg", "Large Breed", "Small Breed", ""},
         {"real chicken", "brown rice", "high protein", "sensitive stomach"},
         1499, 8999},
        {"Dog Toys",
         {"KONG", "Chuckit!", "Nylabone", "Outward Hound", "Benebone"},
         {"Dog Toy", "Chew Toy", "Ball Launcher", "Rope Toy", "Puzzle Toy"},
         {"Large", "Medium", "Small", ""},
         {"durable rubber", "for powerful chewers", "floats in water"},
         599, 2999},
        {"Cat Food",
         {"Purina", "Whiskas", "Hill's", "Royal Canin", "Iams"},
         {"Cat Food", "Kitten Food", "Dry Cat Food", "Wet Cat Food"},
         {"Indoor", "Senior", "Salmon", ""},
         {"real salmon", "hairball control", "urinary health"},
         999, 6999}}},
      {"Phones & Tablets",
       {{"Phones",
         {"Apple", "Samsung", "Google", "OnePlus", "Motorola", "Nokia"},
         {"Smartphone", "Phone", "5G Phone"},
         {"128GB", "256GB", "512GB", "Unlocked"},
         {"triple camera", "OLED display", "all-day battery", "fast charging"},
         19999, 149999},
        {"Tablets",
         {"Apple", "Samsung", "Lenovo", "Amazon", "Microsoft"},
         {"Tablet", "Tablet with Keyboard", "Kids Tablet"},
         {"10-inch", "11-inch", "64GB", "128GB"},
         {"stylus support", "Retina display", "long battery life"},
         9999, 129999},
        {"Cases & Chargers",
         {"Anker", "Belkin", "OtterBox", "Spigen", "Apple", "Samsung"},
         {"Phone Case", "Wireless Charger", "Charging Station", "USB-C Cable", "Screen Protector"},
         {"for iPhone 15", "for Galaxy S24", "3-in-1", ""},
         {"MagSafe compatible", "drop protection", "fast charging"},
         999, 14999}}},
      {"Shoes",
       {{"Running Shoes",
         {"Nike", "Brooks", "ASICS", "New Balance", "Adidas", "Hoka", "Saucony"},
         {"Running Shoe", "Trail Running Shoe", "Racing Flat", "Road Running Shoe"},
         {"Wide", "Narrow", "Women's", "Men's"},
         {"responsive cushioning", "breathable mesh", "grippy outsole"},
         5999, 24999},
        {"Boots",
         {"Timberland", "Dr. Martens", "UGG", "Columbia", "Red Wing"},
         {"Boot", "Hiking Boot", "Chelsea Boot", "Winter Boot"},
         {"Waterproof", "Leather", "Women's", "Men's"},
         {"waterproof leather", "insulated lining", "lug sole"},
         7999, 39999},
        {"Heels",
         {"Sam Edelman", "Steve Madden", "Nine West", "Clarks"},
         {"Pump", "Low Heel Pump", "Block Heel Sandal", "Kitten Heel"},
         {"Wide", "Black", "Nude", "Red"},
         {"cushioned footbed", "low heel", "pointed toe"},
         4999, 19999}}},
      {"Clothing",
       {{"Shirts",
         {"Uniqlo", "Levi's", "Gap", "Patagonia", "Ralph Lauren"},
         {"T-Shirt", "Oxford Shirt", "Flannel Shirt", "Polo Shirt"},
         {"Slim Fit", "Regular Fit", "Organic Cotton", ""},
         {"organic cotton", "wrinkle resistant", "classic fit"},
         1499, 8999},
        {"Jackets",
         {"Patagonia", "The North Face", "Columbia", "Arc'teryx"},
         {"Rain Jacket", "Down Jacket", "Fleece Jacket", "Parka"},
         {"Waterproof", "Packable", "Hooded", ""},
         {"recycled down", "waterproof shell", "zip pockets"},
         7999, 49999}}},
      {"Home",
       {{"Kitchen",
         {"KitchenAid", "Cuisinart", "Lodge", "OXO", "Instant Pot", "Ninja"},
         {"Stand Mixer", "Cast Iron Skillet", "Blender", "Pressure Cooker", "Air Fryer"},
         {"5-Quart", "10-inch", "6-Quart", ""},
         {"dishwasher safe", "stainless steel", "non-stick"},
         1999, 49999},
        {"Bedding",
         {"Brooklinen", "Casper", "Parachute", "Pottery Barn"},
         {"Sheet Set", "Duvet Cover", "Pillow", "Comforter"},
         {"Queen", "King", "Twin", ""},
         {"percale cotton", "hypoallergenic", "machine washable"},
         2999, 29999}}},
      {"Toys",
       {{"Building Sets",
         {"LEGO", "Mega Bloks", "K'NEX", "Magna-Tiles"},
         {"Building Set", "Star Wars Set", "Technic Car", "City Fire Station"},
         {"500 pieces", "1,000 pieces", "Ages 8+", ""},
         {"buildable model", "minifigures included", "motorized"},
         1999, 39999},
        {"Puzzles",
         {"Ravensburger", "Buffalo Games", "Melissa & Doug"},
         {"Jigsaw Puzzle", "3D Puzzle", "Floor Puzzle"},
         {"1000 pieces", "500 pieces", "Kids", ""},
         {"premium quality", "glare-free", "family fun"},
         999, 4999}}},
      {"Groceries",
       {{"Coffee",
         {"Lavazza", "Starbucks", "Peet's", "Illy", "Death Wish"},
         {"Whole Bean Coffee", "Ground Coffee", "Espresso Beans", "Coffee Pods"},
         {"Dark Roast", "Medium Roast", "Decaf", "1 kg"},
         {"fair trade", "single origin", "rich crema"},
         799, 3999},
        {"Snacks",
         {"KIND", "Clif", "Pringles", "Lay's", "Annie's"},
         {"Protein Bars", "Potato Chips", "Trail Mix", "Granola Bars"},
         {"Variety Pack", "12 Count", "Family Size", ""},
         {"gluten free", "no artificial flavours", "high protein"},
         299, 2999}}},
      {"Automotive",
       {{"Tyres",
         {"Michelin", "Bridgestone", "Goodyear", "Pirelli", "Continental"},
         {"All-Season Tyre", "Winter Tyre", "Performance Tyre", "Truck Tyre"},
         {"205/55R16", "225/45R17", "265/70R17", ""},
         {"long tread life", "wet grip", "low rolling resistance"},
         7999, 29999},
        {"Motor Oil",
         {"Mobil 1", "Castrol", "Valvoline", "Pennzoil"},
         {"Synthetic Motor Oil", "Motor Oil", "High Mileage Oil"},
         {"5W-30", "0W-20", "10W-40", "5 Quart"},
         {"engine protection", "full synthetic", "reduces wear"},
         1999, 5999}}},
      {"Electronics",
       {{"TVs",
         {"Samsung", "LG", "Sony", "TCL", "Hisense", "Vizio"},
         {"4K Smart TV", "OLED TV", "QLED TV", "LED TV"},
         {"55-inch", "65-inch", "75-inch", "43-inch"},
         {"HDR10", "Dolby Vision", "120Hz refresh rate"},
         29999, 299999},
        {"Headphones",
         {"Sony", "Bose", "Apple", "Sennheiser", "JBL", "Beats"},
         {"Wireless Headphones", "Noise Cancelling Headphones", "Earbuds", "Over-Ear Headphones"},
         {"Black", "Silver", "Midnight Blue", ""},
         {"active noise cancellation", "30-hour battery", "spatial audio"},
         4999, 54999}}},
  };
  return shop;
}

const std::vector<const char*> kAdjectives = {
    "Premium", "Classic", "Ultra", "Compact", "Deluxe", "Essential", "Pro", "Lite", "Plus",
    "Eco", "Max", "Sport", "Original", "Advanced", "Everyday"};
const std::vector<const char*> kColours = {"Black", "White", "Red", "Blue", "Grey", "Green",
                                           "Navy", "Pink", "Silver", "Olive"};
const std::vector<const char*> kSentences = {
    "Designed for everyday use and built to last.",
    "Backed by a two-year warranty and free returns.",
    "A customer favourite with thousands of five-star reviews.",
    "Ships in recyclable packaging.",
    "Lightweight, durable and easy to clean.",
    "Made with responsibly sourced materials.",
    "Tested to the highest quality standards.",
    "Perfect as a gift for friends and family.",
    "Pairs well with the rest of the collection.",
    "Engineered for comfort, performance and style."};

template <typename T>
const T& Pick(const std::vector<T>& v, std::mt19937_64& rng) {
  return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
}

std::shared_ptr<const catalog::CatalogSnapshot> GenerateCatalog(int products, uint64_t seed) {
  std::mt19937_64 rng(seed);
  catalog::CatalogData data;
  struct Leaf {
    int64_t id;
    const LeafSpec* spec;
  };
  std::vector<Leaf> leaves;
  int64_t next_category = 1;
  int position = 0;
  for (const TopSpec& top : Shop()) {
    int64_t top_id = next_category++;
    data.categories.push_back({top_id, 0, Slugify(top.name), top.name, position++});
    int child_position = 0;
    for (const LeafSpec& leaf : top.leaves) {
      int64_t leaf_id = next_category++;
      data.categories.push_back({leaf_id, top_id, Slugify(std::string(top.name) + " " + leaf.name),
                                 leaf.name, child_position++});
      leaves.push_back({leaf_id, &leaf});
    }
  }
  const int64_t base_time = 1'600'000'000;
  for (int i = 0; i < products; ++i) {
    const Leaf& leaf = Pick(leaves, rng);
    const LeafSpec& s = *leaf.spec;
    Product p;
    p.id = i + 1;
    p.sku = "GEN-" + std::to_string(p.id);
    p.brand = Pick(s.brands, rng);
    std::string adjective = Pick(kAdjectives, rng);
    std::string noun = Pick(s.nouns, rng);
    std::string suffix = Pick(s.suffixes, rng);
    std::string colour = Pick(kColours, rng);
    // A model name makes titles unique and the vocabulary grow with the catalog.
    std::string model = std::string(1, static_cast<char>('A' + rng() % 26)) +
                        std::string(1, static_cast<char>('A' + rng() % 26)) + "-" +
                        std::to_string(100 + rng() % 9900);
    p.title = p.brand + " " + adjective + " " + noun + " " + model;
    if (!suffix.empty()) p.title += " " + suffix;
    p.title += " - " + colour;
    p.description = "The " + p.brand + " " + noun + " with " + Pick(s.features, rng) + " and " +
                    Pick(s.features, rng) + ". " + Pick(kSentences, rng) + " " +
                    Pick(kSentences, rng) + " " + Pick(kSentences, rng);
    p.category_id = leaf.id;
    p.price = {std::uniform_int_distribution<int64_t>(s.min_price / 100, s.max_price / 100)(rng) *
                       100 -
                   1,
               "USD"};
    p.created_at = base_time + static_cast<int64_t>(rng() % (3 * 365 * 86400));
    p.attributes = {{"colour", ToLower(colour)}, {"model", model}};
    data.products.push_back(std::move(p));
  }
  return catalog::CatalogSnapshot::Build(std::move(data), 1);
}

// How an index is built: the default, or a peer measured against it.
enum class Variant {
  kDefault,
  kValueSlotFacets,
  kNoReaderPool,
  kXapianSnippet,
  kQueryTimeLength,
  kBaseline,  // the module before the 2026-12-01 changes: all three below
  kMatcherOnly,  // Xapian's matcher visits every match (no in-memory match set)
};

Options OptionsFor(Variant variant) {
  Options options;
  options.facets_from_value_slots = variant == Variant::kValueSlotFacets;
  if (variant == Variant::kNoReaderPool) options.max_idle_readers = 0;
  const bool baseline = variant == Variant::kBaseline;
  options.highlight_with_xapian_snippet = baseline || variant == Variant::kXapianSnippet;
  options.normalise_length_at_build = !(baseline || variant == Variant::kQueryTimeLength);
  if (baseline) options.max_prefix_expansion = 100;  // Xapian's default
  options.match_from_memory = !(baseline || variant == Variant::kMatcherOnly);
  return options;
}

// One index per (catalog size, variant), built on first use (or by
// BM_Search_BuildIndex) and kept for the process.
std::mutex indexes_mu;
std::map<std::pair<int, Variant>, std::shared_ptr<const SearchIndex>> indexes;  // guarded by indexes_mu

const SearchIndex& IndexOf(int products, Variant variant = Variant::kDefault) {
  std::lock_guard<std::mutex> lock(indexes_mu);
  auto it = indexes.find({products, variant});
  if (it == indexes.end()) {
    auto built = SearchIndex::Build(GenerateCatalog(products, 42), OptionsFor(variant));
    if (!built.ok()) {
      fprintf(stderr, "%s\n", built.error().ToString().c_str());
      std::abort();
    }
    it = indexes.emplace(std::make_pair(products, variant), std::move(built).value()).first;
  }
  return *it->second;
}

double ThreadCpuMicros() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

double Percentile(std::vector<double>& sorted, double p) {
  size_t i = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

// Runs the queries of `requests` in turn, one per iteration, and reports the
// p50/p99 of wall-clock (p50_us, p99_us) and of thread CPU time (p50_cpu_us,
// p99_cpu_us) per query: on a shared machine the wall-clock tail includes
// time the thread spent descheduled.
void RunQueries(benchmark::State& state, const std::vector<SearchRequest>& requests,
                Variant variant = Variant::kDefault) {
  const SearchIndex& index = IndexOf(static_cast<int>(state.range(0)), variant);
  std::vector<double> wall, cpu;
  std::vector<std::vector<double>> cpu_by_query(requests.size());
  size_t next = static_cast<size_t>(state.thread_index()) * 7;
  int64_t matches = 0;
  for (auto _ : state) {
    const size_t query_index = next++ % requests.size();
    const SearchRequest& request = requests[query_index];
    const double cpu_start = ThreadCpuMicros();
    const auto start = std::chrono::steady_clock::now();
    auto result = index.Search(request);
    const auto end = std::chrono::steady_clock::now();
    cpu.push_back(ThreadCpuMicros() - cpu_start);
    cpu_by_query[query_index].push_back(cpu.back());
    if (!result.ok()) {
      state.SkipWithError(result.error().ToString().c_str());
      return;
    }
    matches += result->total;
    benchmark::DoNotOptimize(result);
    wall.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  if (wall.empty()) return;
  if (std::getenv("ATELIER_SEARCH_BENCH_PER_QUERY") != nullptr) {
    // Median CPU time of each query of the set, to find the slow ones.
    for (size_t i = 0; i < requests.size(); ++i) {
      auto& samples = cpu_by_query[i];
      if (samples.empty()) continue;
      std::sort(samples.begin(), samples.end());
      fprintf(stderr,
              "  %-24s category=%-26s sort=%-10s page=%d: cpu p50 %8.0f us, p90 %8.0f us, "
              "max %8.0f us\n",
              ("'" + requests[i].query + "'").c_str(), requests[i].category.c_str(),
              SortOrderName(requests[i].sort), requests[i].page, Percentile(samples, 0.5),
              Percentile(samples, 0.9), samples.back());
    }
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  // kAvgThreads: with ->Threads(n) each thread reports its own percentiles.
  using benchmark::Counter;
  state.counters["p50_us"] = Counter(Percentile(wall, 0.50), Counter::kAvgThreads);
  state.counters["p99_us"] = Counter(Percentile(wall, 0.99), Counter::kAvgThreads);
  state.counters["p50_cpu_us"] = Counter(Percentile(cpu, 0.50), Counter::kAvgThreads);
  state.counters["p99_cpu_us"] = Counter(Percentile(cpu, 0.99), Counter::kAvgThreads);
  state.counters["avg_total"] = Counter(
      static_cast<double>(matches) / static_cast<double>(wall.size()), Counter::kAvgThreads);
}

// Runs each query of `requests` on the default index and then on the
// `peer` variant's, alternately, so that both see the same machine load, and
// reports for each the p50/p99 of CPU and wall-clock time (the peer's
// counters are prefixed "peer_") and the ratio of their mean CPU times
// (cpu_ratio = default / peer). With `same_answers`, the two must answer
// alike (items, scores, titles, totals, facets); `mismatches` counts the
// queries where they do not.
bool SameAnswer(const SearchResult& a, const SearchResult& b) {
  if (a.total != b.total || a.items.size() != b.items.size() || a.suggestion != b.suggestion ||
      a.corrected != b.corrected || a.relaxed != b.relaxed) {
    return false;
  }
  for (size_t i = 0; i < a.items.size(); ++i) {
    if (a.items[i].product_id != b.items[i].product_id || a.items[i].score != b.items[i].score ||
        a.items[i].highlighted_title != b.items[i].highlighted_title) {
      return false;
    }
  }
  const Facets &fa = a.facets, &fb = b.facets;
  if (fa.category.size() != fb.category.size() || fa.brand.size() != fb.brand.size() ||
      fa.price.size() != fb.price.size()) {
    return false;
  }
  for (size_t i = 0; i < fa.category.size(); ++i) {
    if (fa.category[i].slug != fb.category[i].slug || fa.category[i].count != fb.category[i].count) {
      return false;
    }
  }
  for (size_t i = 0; i < fa.brand.size(); ++i) {
    if (fa.brand[i].name != fb.brand[i].name || fa.brand[i].count != fb.brand[i].count) return false;
  }
  for (size_t i = 0; i < fa.price.size(); ++i) {
    if (fa.price[i].min != fb.price[i].min || fa.price[i].count != fb.price[i].count) return false;
  }
  return true;
}

void RunPaired(benchmark::State& state, const std::vector<SearchRequest>& requests,
               Variant peer, bool same_answers = false) {
  const int products = static_cast<int>(state.range(0));
  const SearchIndex* indexes_of[2] = {&IndexOf(products), &IndexOf(products, peer)};
  std::vector<double> wall[2], cpu[2];
  size_t next = 0;
  int64_t mismatches = 0;
  for (auto _ : state) {
    const SearchRequest& request = requests[next++ % requests.size()];
    std::optional<SearchResult> answers[2];
    for (int v = 0; v < 2; ++v) {
      const double cpu_start = ThreadCpuMicros();
      const auto start = std::chrono::steady_clock::now();
      auto result = indexes_of[v]->Search(request);
      const auto end = std::chrono::steady_clock::now();
      cpu[v].push_back(ThreadCpuMicros() - cpu_start);
      wall[v].push_back(std::chrono::duration<double, std::micro>(end - start).count());
      if (!result.ok()) {
        state.SkipWithError(result.error().ToString().c_str());
        return;
      }
      benchmark::DoNotOptimize(result);
      if (same_answers) answers[v] = std::move(result).value();
    }
    if (same_answers && !SameAnswer(*answers[0], *answers[1])) {
      if (mismatches++ == 0) {
        fprintf(stderr, "different answers to '%s' (category '%s', sort %s, page %d)\n",
                request.query.c_str(), request.category.c_str(), SortOrderName(request.sort),
                request.page);
      }
    }
  }
  if (wall[0].empty()) return;
  if (same_answers) state.counters["mismatches"] = static_cast<double>(mismatches);
  double mean_cpu[2];
  for (int v = 0; v < 2; ++v) {
    mean_cpu[v] = 0;
    for (double c : cpu[v]) mean_cpu[v] += c / static_cast<double>(cpu[v].size());
    std::sort(wall[v].begin(), wall[v].end());
    std::sort(cpu[v].begin(), cpu[v].end());
    const std::string prefix = v == 0 ? "" : "peer_";
    state.counters[prefix + "mean_cpu_us"] = mean_cpu[v];
    state.counters[prefix + "p50_cpu_us"] = Percentile(cpu[v], 0.50);
    state.counters[prefix + "p99_cpu_us"] = Percentile(cpu[v], 0.99);
    state.counters[prefix + "p50_us"] = Percentile(wall[v], 0.50);
    state.counters[prefix + "p99_us"] = Percentile(wall[v], 0.99);
  }
  state.counters["cpu_ratio"] = mean_cpu[0] / mean_cpu[1];
}

std::vector<SearchRequest> Queries(std::initializer_list<const char*> texts) {
  std::vector<SearchRequest> out;
  for (const char* t : texts) out.push_back({.query = t});
  return out;
}

const std::vector<SearchRequest>& OneWord() {
  static const auto q = Queries({"controller ", "mower ", "headset ", "tablet ", "coffee ",
                                 "boots ", "puppy ", "tyre ", "puzzle ", "novel "});
  return q;
}
const std::vector<SearchRequest>& TwoWords() {
  static const auto q =
      Queries({"wireless controller ", "dog food ", "running shoe ", "lawn mower ",
               "charging station ", "gaming headset ", "grass seed ", "smart tv ",
               "cast iron ", "rain jacket "});
  return q;
}
const std::vector<SearchRequest>& Typos() {
  static const auto q =
      Queries({"playstaton controler", "wireles headset ", "lawn mowr ", "grass sed ",
               "runing shoes ", "fertilizer ", "expresso beans ", "hedphones ", "robotic mower",
               "cordles mower "});
  return q;
}
const std::vector<SearchRequest>& Prefixes() {
  static const auto q = Queries({"playst", "contr", "mow", "head", "fert", "wireless cont",
                                 "dog fo", "runn", "sams", "lego tech"});
  return q;
}
const std::vector<SearchRequest>& CategoryFiltered() {
  static const std::vector<SearchRequest> q = {
      {.query = "wireless ", .category = "video-games"},
      {.query = "black ", .category = "shoes"},
      {.query = "premium ", .category = "pet-supplies"},
      {.query = "sony ", .category = "electronics-headphones"},
      {.query = "organic ", .category = "lawn-garden"},
      {.query = "", .category = "video-games-controllers"},
      {.query = "", .category = "books-fiction"},
      {.query = "pro ", .category = "phones-tablets", .max_price = 50000},
  };
  return q;
}
const std::vector<SearchRequest>& SortedByPrice() {
  static const std::vector<SearchRequest> q = {
      {.query = "controller ", .sort = SortOrder::kPriceAsc},
      {.query = "mower ", .sort = SortOrder::kPriceDesc},
      {.query = "dog food ", .sort = SortOrder::kPriceAsc},
      {.query = "headphones ", .sort = SortOrder::kPriceAsc, .page = 3},
      {.query = "", .category = "electronics-tvs", .sort = SortOrder::kPriceAsc},
      {.query = "wireless ", .sort = SortOrder::kNewest},
  };
  return q;
}
// Every product: the worst case for exact totals and facets.
const std::vector<SearchRequest>& BrowseAll() {
  static const std::vector<SearchRequest> q = {{}};
  return q;
}
const std::vector<SearchRequest>& Mixed() {
  static const auto q = [] {
    std::vector<SearchRequest> all;
    for (const auto* set : {&OneWord(), &TwoWords(), &Typos(), &Prefixes(), &CategoryFiltered(),
                            &SortedByPrice()}) {
      all.insert(all.end(), set->begin(), set->end());
    }
    // Interleave deterministically so that consecutive queries differ in kind.
    std::shuffle(all.begin(), all.end(), std::mt19937_64(7));
    return all;
  }();
  return q;
}

void BM_Search_BuildIndex(benchmark::State& state) {
  const int products = static_cast<int>(state.range(0));
  auto catalog = GenerateCatalog(products, 42);
  for (auto _ : state) {
    auto built = SearchIndex::Build(catalog);
    if (!built.ok()) {
      state.SkipWithError(built.error().ToString().c_str());
      return;
    }
    std::lock_guard<std::mutex> lock(indexes_mu);
    indexes[{products, Variant::kDefault}] = std::move(built).value();
  }
  state.counters["products"] = products;
}

// A live index per catalog size for the update benchmarks, with the CPU and
// wall time of its full build (the peer of an update: a catalog with a few
// products edited costs a full build the same).
struct LiveIndex {
  std::shared_ptr<const SearchIndex> index;
  double build_cpu_ms = 0;
  double build_wall_ms = 0;
};
std::mutex live_mu;
std::map<int, LiveIndex> live_indexes;  // guarded by live_mu

const LiveIndex& LiveIndexOf(int products, const Options& options) {
  std::lock_guard<std::mutex> lock(live_mu);
  auto it = live_indexes.find(products);
  if (it != live_indexes.end()) return it->second;
  auto catalog = GenerateCatalog(products, 42);
  LiveIndex live;
  const double cpu_start = ThreadCpuMicros();
  const auto start = std::chrono::steady_clock::now();
  auto built = SearchIndex::Build(catalog, options);
  live.build_cpu_ms = (ThreadCpuMicros() - cpu_start) / 1e3;
  live.build_wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!built.ok()) {
    fprintf(stderr, "%s\n", built.error().ToString().c_str());
    std::abort();
  }
  live.index = std::move(built).value();
  // Warm, as a serving index is: the search mix decodes its postings.
  for (const SearchRequest& request : Mixed()) (void)live.index->Search(request);
  return live_indexes.emplace(products, std::move(live)).first->second;
}

// `catalog` with `edits` products (spread over it, from `first`) edited as a
// PATCH /api/v1/admin/products/{id} does: a new title and price. The title
// keeps its number of words (its colour becomes "Refurbished"), so that many
// edits together do not move the average document length to another step
// (which makes Update build in full).
std::shared_ptr<const catalog::CatalogSnapshot> WithEdits(const catalog::CatalogSnapshot& catalog,
                                                          size_t first, size_t edits,
                                                          int64_t version) {
  catalog::CatalogData data;
  data.categories = catalog.categories();
  data.products = catalog.products();
  data.locations = catalog.locations();
  const size_t n = data.products.size();
  for (size_t e = 0; e < edits; ++e) {
    Product& p = data.products[(first + e * (n / edits)) % n];
    p.title = p.title.substr(0, p.title.rfind(" - ")) + " - Refurbished";
    p.price.amount += 100;
  }
  return catalog::CatalogSnapshot::Build(std::move(data), version);
}

// Applying a catalog change of range(1) edited products to the search index
// of range(0) products: SearchIndex::Update deriving the new index from the
// live one (each iteration edits other products of the same live index),
// against the full build of that catalog in the same run. Counters (CPU and
// wall, ms): update_* per update (without making the catalog snapshot),
// full_build_*, and full_over_update (CPU). Update never falls back to a
// full build here (max_incremental_fraction = 1).
void BM_Search_ApplyEdits(benchmark::State& state) {
  const int products = static_cast<int>(state.range(0));
  const size_t edits = static_cast<size_t>(state.range(1));
  Options options;
  options.max_incremental_fraction = 1;
  const LiveIndex& live = LiveIndexOf(products, options);
  std::vector<double> cpu, wall;
  size_t iteration = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto next = WithEdits(*live.index->catalog(), iteration * 7919, edits,
                          static_cast<int64_t>(iteration) + 2);
    ++iteration;
    state.ResumeTiming();
    const double cpu_start = ThreadCpuMicros();
    const auto start = std::chrono::steady_clock::now();
    auto updated = SearchIndex::Update(live.index, next, options);
    cpu.push_back((ThreadCpuMicros() - cpu_start) / 1e3);
    wall.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    if (!updated.ok() || !(*updated)->derivation().incremental) {
      state.SkipWithError(updated.ok() ? (*updated)->derivation().full_build_reason.c_str()
                                       : updated.error().ToString().c_str());
      return;
    }
    state.PauseTiming();
    updated->reset();  // removes its directory
    state.ResumeTiming();
  }
  if (cpu.empty()) return;
  double cpu_mean = 0, wall_mean = 0;
  for (size_t i = 0; i < cpu.size(); ++i) {
    cpu_mean += cpu[i] / static_cast<double>(cpu.size());
    wall_mean += wall[i] / static_cast<double>(wall.size());
  }
  state.counters["update_cpu_ms"] = cpu_mean;
  state.counters["update_wall_ms"] = wall_mean;
  state.counters["full_build_cpu_ms"] = live.build_cpu_ms;
  state.counters["full_build_wall_ms"] = live.build_wall_ms;
  state.counters["full_over_update"] = live.build_cpu_ms / cpu_mean;
}

void BM_Search_OneWord(benchmark::State& state) { RunQueries(state, OneWord()); }
void BM_Search_TwoWords(benchmark::State& state) { RunQueries(state, TwoWords()); }
void BM_Search_Typo(benchmark::State& state) { RunQueries(state, Typos()); }
void BM_Search_Prefix(benchmark::State& state) { RunQueries(state, Prefixes()); }
void BM_Search_CategoryFilter(benchmark::State& state) { RunQueries(state, CategoryFiltered()); }
void BM_Search_SortByPrice(benchmark::State& state) { RunQueries(state, SortedByPrice()); }
void BM_Search_BrowseAll(benchmark::State& state) { RunQueries(state, BrowseAll()); }
void BM_Search_Mixed(benchmark::State& state) { RunQueries(state, Mixed()); }
// Peers: facets by ValueCountMatchSpy on value slots; a new Xapian::Database
// opened for every search instead of a pooled read handle.
void BM_Search_MixedValueSlotFacets(benchmark::State& state) {
  RunQueries(state, Mixed(), Variant::kValueSlotFacets);
}
void BM_Search_MixedNoReaderPool(benchmark::State& state) {
  RunQueries(state, Mixed(), Variant::kNoReaderPool);
}
// Peer, interleaved query by query with the default: titles highlighted by
// Xapian's MSet::snippet (the same text) instead of the module's highlighter.
void BM_Search_MixedVsXapianSnippet(benchmark::State& state) {
  RunPaired(state, Mixed(), Variant::kXapianSnippet);
}
// Peer: BM25 length normalisation at query time (Xapian reads each match's
// document length) instead of folded into the stored wdf at build time.
void BM_Search_MixedVsQueryTimeLength(benchmark::State& state) {
  RunPaired(state, Mixed(), Variant::kQueryTimeLength);
}
// Peer: all of the above plus Xapian's default prefix expansion (100
// completions), i.e. the search module as it was before these three changes.
void BM_Search_MixedVsBaseline(benchmark::State& state) {
  RunPaired(state, Mixed(), Variant::kBaseline);
}
// Peer: Xapian's matcher visits and weighs every match, a MatchSpy counts
// the facets (Options::match_from_memory = false). The answers must be the
// same (counter `mismatches`).
void BM_Search_MixedVsMatcherOnly(benchmark::State& state) {
  RunPaired(state, Mixed(), Variant::kMatcherOnly, /*same_answers=*/true);
}

BENCHMARK(BM_Search_BuildIndex)->Arg(6000)->Arg(100000)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Search_ApplyEdits)
    ->Args({6000, 1})
    ->Args({6000, 60})
    ->Args({6000, 300})
    ->Args({6000, 1200})
    ->Args({100000, 1})
    ->Args({100000, 1000})
    ->Args({100000, 5000})
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond);
#define ATELIER_SEARCH_BENCH(fn) \
  BENCHMARK(fn)->Arg(6000)->Arg(100000)->Unit(benchmark::kMicrosecond)
ATELIER_SEARCH_BENCH(BM_Search_OneWord);
ATELIER_SEARCH_BENCH(BM_Search_TwoWords);
ATELIER_SEARCH_BENCH(BM_Search_Typo);
ATELIER_SEARCH_BENCH(BM_Search_Prefix);
ATELIER_SEARCH_BENCH(BM_Search_CategoryFilter);
ATELIER_SEARCH_BENCH(BM_Search_SortByPrice);
ATELIER_SEARCH_BENCH(BM_Search_BrowseAll);
ATELIER_SEARCH_BENCH(BM_Search_Mixed);
ATELIER_SEARCH_BENCH(BM_Search_MixedValueSlotFacets);
ATELIER_SEARCH_BENCH(BM_Search_MixedVsXapianSnippet);
ATELIER_SEARCH_BENCH(BM_Search_MixedVsQueryTimeLength);
ATELIER_SEARCH_BENCH(BM_Search_MixedVsBaseline);
ATELIER_SEARCH_BENCH(BM_Search_MixedVsMatcherOnly);
BENCHMARK(BM_Search_MixedNoReaderPool)->Arg(6000)->Unit(benchmark::kMicrosecond);
// Two threads on the same index share its pool of read handles.
BENCHMARK(BM_Search_Mixed)->Arg(100000)->Threads(2)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace atelier::search

BENCHMARK_MAIN();
