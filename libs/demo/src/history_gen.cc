#include "internal/history_gen.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <set>

#include "atelier/core/clock.h"
#include "atelier/core/strings.h"
#include "internal/random.h"

namespace atelier::demo::internal {

namespace {

constexpr int64_t kDay = 86400;
constexpr const char* kPs = "PlayStation 5";
constexpr const char* kXbox = "Xbox Series X|S";
constexpr const char* kSwitch = "Nintendo Switch";

// What brings a shopper to the shop. A user has two or three.
enum class Mission {
  kPlayStation,
  kXbox,
  kSwitch,
  kGarden,
  kDog,
  kCat,
  kBirdFish,
  kReader,
  kShoes,
  kFashion,
  kHomeCook,
  kParent,
  kGrocery,
  kPhone,
  kElectronics,
  kAuto,
  kSports,
};

struct MissionWeight {
  Mission mission;
  double weight;
  bool repeat;  // consumables bought again on a cadence
};

const std::vector<MissionWeight>& Missions() {
  static const std::vector<MissionWeight> k = {
      {Mission::kPlayStation, 0.10, false}, {Mission::kXbox, 0.08, false},
      {Mission::kSwitch, 0.04, false},      {Mission::kGarden, 0.08, false},
      {Mission::kDog, 0.09, true},          {Mission::kCat, 0.08, true},
      {Mission::kBirdFish, 0.02, true},     {Mission::kReader, 0.12, false},
      {Mission::kShoes, 0.07, false},       {Mission::kFashion, 0.07, false},
      {Mission::kHomeCook, 0.06, false},    {Mission::kParent, 0.06, false},
      {Mission::kGrocery, 0.08, true},      {Mission::kPhone, 0.05, false},
      {Mission::kElectronics, 0.06, false}, {Mission::kAuto, 0.04, false},
      {Mission::kSports, 0.05, false},
  };
  return k;
}

// The catalog indexed for drawing products by kind and attribute, each list
// in popularity order so that a Zipf draw over it skews to the top sellers.
class Shelf {
 public:
  explicit Shelf(const DemoCatalog& catalog) : catalog_(catalog) {
    for (size_t i = 0; i < catalog.products.size(); ++i) {
      const DemoProduct& p = catalog.products[i];
      if (!p.input.product.model_id.empty()) continue;  // configurable: not in the generated history
      by_kind_[Key(p.top, p.kind)].push_back(static_cast<int>(i));
    }
    for (auto& [key, list] : by_kind_) SortByRank(list);
  }

  const std::vector<int>& Of(const std::string& top, const std::string& kind) const {
    static const std::vector<int> kNone;
    auto it = by_kind_.find(Key(top, kind));
    return it == by_kind_.end() ? kNone : it->second;
  }

  // Products of a kind whose attribute `key` is `value` (or, when `prefix`,
  // whose title starts with `value`).
  const std::vector<int>& Where(const std::string& top, const std::string& kind, const std::string& key,
                                const std::string& value) {
    std::string k = Key(top, kind) + "|" + key + "=" + value;
    auto it = filtered_.find(k);
    if (it != filtered_.end()) return it->second;
    std::vector<int> list;
    for (int i : Of(top, kind)) {
      const catalog::Product& p = product(i);
      if (key == "title_prefix" ? StartsWith(p.title, value) : AttributeString(p, key) == value)
        list.push_back(i);
    }
    return filtered_.emplace(k, std::move(list)).first->second;
  }

  // A popular product of `list` (Zipf over popularity), or -1 when empty.
  int Popular(const std::vector<int>& list, Random& rng) {
    if (list.empty()) return -1;
    auto it = zipf_.find(list.size());
    if (it == zipf_.end()) it = zipf_.emplace(list.size(), Zipf(list.size(), 1.05)).first;
    return list[it->second.Sample(rng)];
  }

  const catalog::Product& product(int i) const {
    return catalog_.products[static_cast<size_t>(i)].input.product;
  }
  const DemoProduct& demo(int i) const { return catalog_.products[static_cast<size_t>(i)]; }

 private:
  static std::string Key(const std::string& top, const std::string& kind) { return top + "/" + kind; }
  void SortByRank(std::vector<int>& list) const {
    std::stable_sort(list.begin(), list.end(), [this](int a, int b) { return demo(a).rank < demo(b).rank; });
  }

  const DemoCatalog& catalog_;
  std::map<std::string, std::vector<int>> by_kind_;
  std::map<std::string, std::vector<int>> filtered_;
  std::map<size_t, Zipf> zipf_;
};

struct Pending {
  DemoEvent event;
  uint64_t seq;  // generation order, to break timestamp ties deterministically
};

class HistoryWriter {
 public:
  HistoryWriter(Shelf& shelf, const DemoOptions& options)
      : shelf_(shelf), start_(options.history_end - options.history_days * kDay), end_(options.history_end) {}

  // Records a basket bought at `ts`: searches, views and carts shortly
  // before, then the purchases.
  void Basket(Random& rng, const std::string& user, int64_t ts,
              const std::vector<std::pair<int, int>>& items) {
    if (items.empty() || ts >= end_ || ts < start_) return;
    char basket[32];
    std::snprintf(basket, sizeof basket, "demo-b%06d", basket_count_++);
    const int64_t session = ts - 60 * rng.Between(8, 45);
    int64_t t = session;
    if (rng.Chance(0.25)) {
      const catalog::Product& first = shelf_.product(items[0].first);
      std::string kind = shelf_.demo(items[0].first).kind;
      std::replace(kind.begin(), kind.end(), '-', ' ');
      Add(rng, "search", user, "", "", 1, ToLower(first.brand + " " + kind), t);
    }
    for (const auto& [item, qty] : items) {
      t += 30 + rng.Between(0, 240);
      Add(rng, "view", user, shelf_.product(item).sku, "", 1, "", t);
      if (rng.Chance(0.25)) {
        // Compared with a competitor of the same kind.
        const DemoProduct& d = shelf_.demo(item);
        int other = shelf_.Popular(shelf_.Of(d.top, d.kind), rng);
        if (other >= 0 && other != item) Add(rng, "view", user, shelf_.product(other).sku, "", 1, "", t + 20);
      }
      if (rng.Chance(0.4)) Add(rng, "cart", user, shelf_.product(item).sku, "", qty, "", t + 45);
    }
    for (const auto& [item, qty] : items)
      Add(rng, "purchase", user, shelf_.product(item).sku, basket, qty, "", ts);
    ++baskets_;
  }

  // A browsing session that ends without a purchase.
  void Browse(Random& rng, const std::string& user, int64_t ts, const std::vector<int>& items) {
    int64_t t = ts;
    for (int item : items) {
      if (item < 0) continue;
      Add(rng, "view", user, shelf_.product(item).sku, "", 1, "", t);
      t += 20 + rng.Between(0, 180);
    }
  }

  std::vector<DemoEvent> Finish() {
    std::stable_sort(pending_.begin(), pending_.end(),
                     [](const Pending& a, const Pending& b) { return a.event.ts < b.event.ts; });
    std::vector<DemoEvent> out;
    out.reserve(pending_.size());
    for (auto& p : pending_) out.push_back(std::move(p.event));
    pending_.clear();
    return out;
  }

  int64_t start() const { return start_; }
  int64_t end() const { return end_; }

 private:
  void Add(Random&, const char* type, const std::string& user, const std::string& sku,
           const std::string& basket, int64_t qty, std::string query, int64_t ts) {
    if (ts < start_ || ts >= end_) return;
    pending_.push_back({DemoEvent{type, user, sku, basket, qty, std::move(query), ts}, seq_++});
  }

  Shelf& shelf_;
  int64_t start_;
  int64_t end_;
  std::vector<Pending> pending_;
  uint64_t seq_ = 0;
  int basket_count_ = 0;
  int baskets_ = 0;
};

// A time of day when people shop: 7:00 to 23:00, evenings busier.
int64_t ShoppingTime(Random& rng, int64_t day_start) {
  int64_t hour = rng.Chance(0.45) ? rng.Between(18, 22) : rng.Between(7, 17);
  return day_start + hour * 3600 + rng.Between(0, 3599);
}

int64_t DayStart(int64_t ts) { return ts - ((ts % kDay) + kDay) % kDay; }

// One shopper's year.
class Shopper {
 public:
  Shopper(int index, Shelf& shelf, HistoryWriter& out, Random rng) : shelf_(shelf), out_(out), rng_(rng) {
    char id[16];
    std::snprintf(id, sizeof id, "u%05d", index + 1);
    id_ = id;
    // Activity is skewed: most shoppers come a few times a year, some weekly.
    trips_ = static_cast<int>(2 + rng_.Below(5) + (rng_.Chance(0.15) ? rng_.Below(18) : 0));
    const int n_missions = rng_.Chance(0.4) ? 3 : 2;
    while (static_cast<int>(missions_.size()) < n_missions) {
      double u = rng_.Unit() * TotalWeight(), acc = 0;
      for (const auto& m : Missions()) {
        acc += m.weight;
        if (u < acc) {
          if (std::find(missions_.begin(), missions_.end(), m.mission) == missions_.end())
            missions_.push_back(m.mission);
          break;
        }
      }
    }
    static const std::vector<double> kSizes = {6.0, 7.0, 8.0, 8.5, 9.0, 9.5, 10.0, 10.5, 11.0, 12.0, 13.0};
    shoe_size_ = kSizes[rng_.Below(kSizes.size())];
    static const std::vector<std::string> kWidths = {"N", "M", "M", "M", "W", "W", "XW"};
    shoe_width_ = kWidths[rng_.Below(kWidths.size())];
    static const std::vector<std::string> kClothing = {"XS", "S", "M", "M", "L", "L", "XL", "XXL"};
    clothing_size_ = kClothing[rng_.Below(kClothing.size())];
    static const std::vector<std::string> kFormats = {"hardcover", "paperback", "paperback", "ebook",
                                                      "audiobook"};
    book_format_ = kFormats[rng_.Below(kFormats.size())];
  }

  void Live() {
    for (Mission m : missions_) {
      const auto& info = *std::find_if(Missions().begin(), Missions().end(),
                                       [m](const MissionWeight& w) { return w.mission == m; });
      if (info.repeat) Repeat(m);
    }
    std::vector<Mission> occasional;
    for (Mission m : missions_) {
      if (m != Mission::kDog && m != Mission::kCat && m != Mission::kBirdFish && m != Mission::kGrocery) {
        occasional.push_back(m);
      }
    }
    if (occasional.empty()) occasional.push_back(Mission::kGrocery);
    for (int t = 0; t < trips_; ++t) {
      Mission m = occasional[rng_.Below(occasional.size())];
      int64_t ts = ShoppingTime(rng_, DayStart(RandomDay(m)));
      out_.Basket(rng_, id_, ts, Trip(m));
      if (rng_.Chance(0.4)) {
        // Window shopping on another day.
        Mission b = missions_[rng_.Below(missions_.size())];
        out_.Browse(rng_, id_, ShoppingTime(rng_, DayStart(RandomDay(b))), BrowseItems(b));
      }
    }
  }

 private:
  static double TotalWeight() {
    double t = 0;
    for (const auto& m : Missions()) t += m.weight;
    return t;
  }

  // A day in the history; garden shopping happens in spring and summer.
  int64_t RandomDay(Mission m) {
    const int64_t days = (out_.end() - out_.start()) / kDay;
    for (int attempt = 0; attempt < 8; ++attempt) {
      int64_t ts = out_.start() + rng_.Between(0, days - 1) * kDay;
      if (m != Mission::kGarden) return ts;
      const int month = std::stoi(FormatDate(ts).substr(5, 2));
      if (month >= 3 && month <= 8) return ts;
    }
    return out_.start() + rng_.Between(0, days - 1) * kDay;
  }

  // Products looked at in a session about `m`, without buying.
  std::vector<int> BrowseItems(Mission m) {
    static const std::map<Mission, std::pair<std::string, std::vector<std::string>>> kShelves = {
        {Mission::kPlayStation, {"video-games", {"controllers", "games", "headsets", "consoles"}}},
        {Mission::kXbox, {"video-games", {"controllers", "games", "headsets", "consoles"}}},
        {Mission::kSwitch, {"video-games", {"controllers", "games"}}},
        {Mission::kGarden, {"garden", {"mowers", "seed", "fertiliser", "hoses", "garden-tools"}}},
        {Mission::kDog, {"pets", {"dog-food", "dog-toys"}}},
        {Mission::kCat, {"pets", {"cat-food", "cat-litter", "cat-toys"}}},
        {Mission::kBirdFish, {"pets", {"bird-fish"}}},
        {Mission::kReader, {"books", {"books"}}},
        {Mission::kShoes, {"shoes", {"running", "boots", "dress-shoes", "sneakers"}}},
        {Mission::kFashion, {"clothing", {"t-shirts", "jeans", "jackets", "dresses", "hoodies"}}},
        {Mission::kHomeCook, {"home", {"cookware", "coffee", "knives", "appliances"}}},
        {Mission::kParent, {"toys", {"building", "board-games", "dolls", "outdoor-play"}}},
        {Mission::kGrocery, {"groceries", {"coffee-tea", "snacks", "pantry", "candy"}}},
        {Mission::kPhone, {"phones", {"smartphones", "tablets", "cases"}}},
        {Mission::kElectronics, {"electronics", {"headphones", "tvs", "speakers", "laptops", "smart-home"}}},
        {Mission::kAuto, {"automotive", {"car-care", "tires", "accessories"}}},
        {Mission::kSports, {"sports", {"fitness", "cycling", "camping", "team-sports"}}},
    };
    const auto& [top, kinds] = kShelves.at(m);
    const std::string& kind = kinds[rng_.Below(kinds.size())];
    std::vector<int> items;
    const int n = static_cast<int>(2 + rng_.Below(3));
    for (int i = 0; i < n; ++i) items.push_back(Pick(top, kind));
    return items;
  }

  int Pick(const std::string& top, const std::string& kind) {
    return shelf_.Popular(shelf_.Of(top, kind), rng_);
  }
  int PickWhere(const std::string& top, const std::string& kind, const std::string& key,
                const std::string& value) {
    return shelf_.Popular(shelf_.Where(top, kind, key, value), rng_);
  }

  static void Put(std::vector<std::pair<int, int>>& basket, int item, int qty = 1) {
    if (item < 0) return;
    for (const auto& [i, q] : basket) {
      if (i == item) return;
    }
    basket.emplace_back(item, qty);
  }

  std::vector<std::pair<int, int>> Gaming(const char* platform, double charger, double camera,
                                          double headset) {
    std::vector<std::pair<int, int>> b;
    double u = rng_.Unit();
    if (u < 0.5) {
      Put(b, PickWhere("video-games", "controllers", "platform", platform));
      if (rng_.Chance(charger)) Put(b, PickWhere("video-games", "chargers", "platform", platform));
      if (rng_.Chance(camera)) Put(b, PickWhere("video-games", "cameras", "platform", platform));
      if (rng_.Chance(headset)) Put(b, PickWhere("video-games", "headsets", "platform", platform));
      if (rng_.Chance(0.25)) Put(b, PickWhere("video-games", "games", "platform", platform));
    } else if (u < 0.62) {
      Put(b, PickWhere("video-games", "consoles", "platform", platform));
      if (rng_.Chance(0.6)) Put(b, PickWhere("video-games", "controllers", "platform", platform));
      if (rng_.Chance(0.7)) Put(b, PickWhere("video-games", "games", "platform", platform));
      if (rng_.Chance(charger / 2)) Put(b, PickWhere("video-games", "chargers", "platform", platform));
    } else if (u < 0.85) {
      Put(b, PickWhere("video-games", "games", "platform", platform));
      if (rng_.Chance(0.3)) Put(b, PickWhere("video-games", "games", "platform", platform));
    } else {
      Put(b, PickWhere("video-games", "headsets", "platform", platform));
      if (rng_.Chance(0.3)) Put(b, PickWhere("video-games", "controllers", "platform", platform));
    }
    return b;
  }

  std::vector<std::pair<int, int>> Trip(Mission m) {
    std::vector<std::pair<int, int>> b;
    switch (m) {
      case Mission::kPlayStation:
        return Gaming(kPs, 0.65, 0.4, 0.2);
      case Mission::kXbox:
        return Gaming(kXbox, 0.6, 0.12, 0.5);
      case Mission::kSwitch:
        return Gaming(kSwitch, 0.5, 0.0, 0.2);
      case Mission::kGarden:
        if (!bought_mower_ && rng_.Chance(0.5)) {
          bought_mower_ = true;
          Put(b, Pick("garden", "mowers"));
          if (rng_.Chance(0.65)) Put(b, Pick("garden", "fertiliser"));
          if (rng_.Chance(0.5)) Put(b, Pick("garden", "seed"));
          if (rng_.Chance(0.2)) Put(b, Pick("garden", "garden-tools"));
        } else {
          Put(b, Pick("garden", rng_.Chance(0.5) ? "fertiliser" : "garden-tools"));
          if (rng_.Chance(0.45)) Put(b, Pick("garden", "seed"));
          if (rng_.Chance(0.3)) Put(b, Pick("garden", "hoses"));
        }
        return b;
      case Mission::kReader:
        return Books();
      case Mission::kShoes: {
        static const std::vector<std::string> kKinds = {"running", "boots", "dress-shoes", "sneakers"};
        const std::string& kind = kKinds[rng_.Below(kKinds.size())];
        std::vector<int> fits;
        for (int i : shelf_.Where("shoes", kind, "size", catalog::AttributeText(shoe_size_))) {
          if (AttributeString(shelf_.product(i), "width") == shoe_width_) fits.push_back(i);
        }
        Put(b, shelf_.Popular(fits, rng_));
        if (rng_.Chance(0.3)) Put(b, PickWhere("clothing", "socks", "size", clothing_size_));
        return b;
      }
      case Mission::kFashion: {
        static const std::vector<std::string> kKinds = {"t-shirts", "jeans", "jackets",
                                                        "dresses",  "socks", "hoodies"};
        int n = static_cast<int>(1 + rng_.Below(3));
        for (int i = 0; i < n; ++i)
          Put(b, PickWhere("clothing", kKinds[rng_.Below(kKinds.size())], "size", clothing_size_));
        return b;
      }
      case Mission::kHomeCook: {
        static const std::vector<std::string> kKinds = {"cookware", "coffee", "knives", "bedding",
                                                        "appliances"};
        const std::string& kind = kKinds[rng_.Below(kKinds.size())];
        Put(b, Pick("home", kind));
        if (kind == "coffee" && rng_.Chance(0.5)) Put(b, Pick("groceries", "coffee-tea"));
        if (kind == "cookware" && rng_.Chance(0.3)) Put(b, Pick("home", "knives"));
        return b;
      }
      case Mission::kParent: {
        static const std::vector<std::string> kKinds = {"building", "board-games", "dolls", "outdoor-play"};
        Put(b, Pick("toys", kKinds[rng_.Below(kKinds.size())]));
        if (rng_.Chance(0.35)) Put(b, Pick("toys", kKinds[rng_.Below(kKinds.size())]));
        if (rng_.Chance(0.15)) Put(b, Pick("books", "books"));
        return b;
      }
      case Mission::kPhone: {
        if (rng_.Chance(0.5)) {
          int phone = Pick("phones", "smartphones");
          Put(b, phone);
          if (phone >= 0 && rng_.Chance(0.6)) {
            for (const char* model : {"iPhone 16", "Galaxy S25", "Pixel 9"}) {
              const catalog::Product& p = shelf_.product(phone);
              if (StartsWith(p.title, p.brand + " " + model + " \u2013")) {
                Put(b, PickWhere("phones", "cases", "compatible_with", model));
              }
            }
          }
          if (rng_.Chance(0.35)) Put(b, Pick("phones", "chargers"));
        } else {
          Put(b, Pick("phones", rng_.Chance(0.4) ? "tablets" : rng_.Chance(0.5) ? "cases" : "chargers"));
        }
        return b;
      }
      case Mission::kElectronics: {
        static const std::vector<std::string> kKinds = {"headphones", "tvs", "speakers", "laptops",
                                                        "smart-home"};
        const std::string& kind = kKinds[rng_.Below(kKinds.size())];
        Put(b, Pick("electronics", kind));
        if (kind == "tvs" && rng_.Chance(0.3)) Put(b, Pick("electronics", "speakers"));
        if (kind == "smart-home" && rng_.Chance(0.3)) Put(b, Pick("electronics", "smart-home"));
        return b;
      }
      case Mission::kAuto: {
        double u = rng_.Unit();
        if (u < 0.35) {
          Put(b, Pick("automotive", "car-care"));
          if (rng_.Chance(0.4)) Put(b, Pick("automotive", "car-care"));
        } else if (u < 0.65) {
          Put(b, Pick("automotive", "motor-oil"));
        } else if (u < 0.8) {
          Put(b, Pick("automotive", "tires"), 4);
        } else {
          Put(b, Pick("automotive", "accessories"));
        }
        return b;
      }
      case Mission::kSports: {
        static const std::vector<std::string> kKinds = {"fitness", "cycling", "camping", "team-sports"};
        const std::string& kind = kKinds[rng_.Below(kKinds.size())];
        Put(b, Pick("sports", kind));
        if (rng_.Chance(0.3)) Put(b, Pick("sports", kind));
        return b;
      }
      case Mission::kDog:
      case Mission::kCat:
      case Mission::kBirdFish:
      case Mission::kGrocery:
        return RepeatBasket(m, false);
    }
    return b;
  }

  // Readers follow authors: most books bought are by an author the reader
  // already bought, in the reader's preferred format.
  std::vector<std::pair<int, int>> Books() {
    std::vector<std::pair<int, int>> b;
    int n = rng_.Chance(0.3) ? 2 : 1;
    for (int k = 0; k < n; ++k) {
      std::string author;
      if (!authors_.empty() && rng_.Chance(0.7)) {
        author = authors_[rng_.Below(authors_.size())];
      } else {
        int seed_book = PickWhere("books", "books", "format", book_format_);
        if (seed_book < 0) continue;
        author = AttributeString(shelf_.product(seed_book), "author");
        authors_.push_back(author);
      }
      std::vector<int> unread;
      for (int i : shelf_.Where("books", "books", "author", author)) {
        const catalog::Product& p = shelf_.product(i);
        if (AttributeString(p, "format") == book_format_ && !bought_.count(i)) unread.push_back(i);
      }
      if (unread.empty()) {
        for (int i : shelf_.Where("books", "books", "author", author)) {
          if (!bought_.count(i)) unread.push_back(i);
        }
      }
      int book = shelf_.Popular(unread, rng_);
      if (book >= 0) {
        bought_.insert(book);
        Put(b, book);
      }
    }
    return b;
  }

  // Consumables: a favourite bought again every few weeks, with the usual
  // companions (dog food with a toy, cat food with litter).
  std::vector<std::pair<int, int>> RepeatBasket(Mission m, bool first) {
    std::vector<std::pair<int, int>> b;
    auto favourite = [&](const std::string& key, const std::function<int()>& draw) {
      auto it = favourites_.find(key);
      if (it == favourites_.end() || rng_.Chance(0.08)) it = favourites_.insert_or_assign(key, draw()).first;
      return it->second;
    };
    switch (m) {
      case Mission::kDog:
        Put(b, favourite("dog-food", [&] { return Pick("pets", "dog-food"); }), rng_.Chance(0.2) ? 2 : 1);
        if (rng_.Chance(first ? 0.8 : 0.4)) Put(b, Pick("pets", "dog-toys"));
        break;
      case Mission::kCat:
        Put(b, favourite("cat-food", [&] { return Pick("pets", "cat-food"); }), rng_.Chance(0.3) ? 2 : 1);
        if (rng_.Chance(0.75)) Put(b, favourite("cat-litter", [&] { return Pick("pets", "cat-litter"); }));
        if (rng_.Chance(first ? 0.4 : 0.12)) Put(b, Pick("pets", "cat-toys"));
        break;
      case Mission::kBirdFish:
        Put(b, favourite("bird-fish", [&] { return Pick("pets", "bird-fish"); }));
        break;
      case Mission::kGrocery: {
        static const std::vector<std::string> kKinds = {"coffee-tea", "snacks", "pantry", "candy"};
        if (grocery_list_.empty()) {
          int n = static_cast<int>(3 + rng_.Below(4));
          for (int i = 0; i < n; ++i)
            grocery_list_.push_back(Pick("groceries", kKinds[rng_.Below(kKinds.size())]));
        }
        for (int item : grocery_list_) {
          if (rng_.Chance(0.7)) Put(b, item, rng_.Chance(0.25) ? 2 : 1);
        }
        if (rng_.Chance(0.4)) Put(b, Pick("groceries", kKinds[rng_.Below(kKinds.size())]));
        if (b.empty()) Put(b, grocery_list_[0]);
        break;
      }
      default:
        break;
    }
    return b;
  }

  void Repeat(Mission m) {
    const int64_t cadence_days = m == Mission::kGrocery ? rng_.Between(10, 28) : rng_.Between(21, 42);
    int64_t ts = out_.start() + rng_.Between(0, cadence_days) * kDay;
    bool first = true;
    while (ts < out_.end()) {
      out_.Basket(rng_, id_, ShoppingTime(rng_, DayStart(ts)), RepeatBasket(m, first));
      first = false;
      ts += (cadence_days + rng_.Between(-3, 3)) * kDay;
    }
  }

  Shelf& shelf_;
  HistoryWriter& out_;
  Random rng_;
  std::string id_;
  int trips_ = 0;
  std::vector<Mission> missions_;
  double shoe_size_ = 9;
  std::string shoe_width_;
  std::string clothing_size_;
  std::string book_format_;
  std::vector<std::string> authors_;
  std::set<int> bought_;
  std::map<std::string, int> favourites_;
  std::vector<int> grocery_list_;
  bool bought_mower_ = false;
};

}  // namespace

std::vector<DemoEvent> GenerateHistory(const DemoCatalog& catalog, const DemoOptions& options) {
  Shelf shelf(catalog);
  HistoryWriter writer(shelf, options);
  const Random root = Random(options.seed).Fork("history");
  for (int u = 0; u < options.user_count; ++u) {
    Shopper shopper(u, shelf, writer, root.Fork("user/" + std::to_string(u)));
    shopper.Live();
  }
  return writer.Finish();
}

}  // namespace atelier::demo::internal
