#include "test_catalog.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "atelier/core/strings.h"

namespace atelier::search::testing {
namespace {

using catalog::Attribute;
using catalog::Category;
using catalog::Product;

Product P(int64_t id, std::string sku, std::string title, std::string brand, int64_t category,
          int64_t price, int64_t created_at, std::string description,
          std::vector<Attribute> attributes = {}) {
  Product p;
  p.id = id;
  p.sku = std::move(sku);
  p.title = std::move(title);
  p.brand = std::move(brand);
  p.category_id = category;
  p.price = {price, "USD"};
  p.created_at = created_at;
  p.updated_at = created_at;
  p.description = std::move(description);
  p.attributes = std::move(attributes);
  return p;
}

}  // namespace

std::shared_ptr<const catalog::CatalogSnapshot> TestCatalog() {
  catalog::CatalogData d;
  d.categories = {
      {1, 0, "video-games", "Video Games", 0},
      {2, 1, "video-games-controllers", "Controllers", 0},
      {3, 1, "video-games-consoles", "Consoles", 1},
      {4, 1, "video-games-accessories", "Accessories", 2},
      {5, 4, "video-games-accessories-charging", "Charging Stations", 0},
      {6, 0, "lawn-garden", "Lawn & Garden", 1},
      {7, 6, "lawn-garden-mowers", "Mowers", 0},
      {8, 6, "lawn-garden-fertiliser-seed", "Fertiliser & Seed", 1},
      {9, 0, "books", "Books", 2},
      {10, 9, "books-fiction", "Fiction", 0},
      {11, 9, "books-cooking", "Cooking", 1},
      {12, 0, "pet-supplies", "Pet Supplies", 3},
      {13, 12, "pet-supplies-dog-food", "Dog Food", 0},
      {14, 12, "pet-supplies-dog-toys", "Dog Toys", 1},
      {15, 0, "shoes", "Shoes", 4},
      {16, 15, "shoes-running", "Running Shoes", 0},
      {17, 0, "phones-tablets", "Phones & Tablets", 5},
  };
  const int64_t t = 1'700'000'000;  // created_at base (Nov 2023)
  const int64_t day = 86'400;
  d.products = {
      // Controllers.
      P(101, "PS5-DS-WHT", "DualSense Wireless Controller for PlayStation 5 - White", "Sony", 2, 6999,
        t + 1 * day,
        "Haptic feedback and adaptive triggers. Built-in microphone and USB-C charging.",
        {{"colour", std::string("white")}, {"platform", std::string("PlayStation 5")}}),
      P(102, "PS5-DS-BLK", "DualSense Wireless Controller for PlayStation 5 - Midnight Black", "Sony",
        2, 6999, t + 20 * day, "Haptic feedback, adaptive triggers and a built-in microphone.",
        {{"colour", std::string("black")}, {"platform", std::string("PlayStation 5")}}),
      P(103, "PS5-DSE", "DualSense Edge Wireless Pro Controller", "Sony", 2, 19999, t + 40 * day,
        "Pro controller for PlayStation 5 with remappable buttons and swappable stick modules.",
        {{"platform", std::string("PlayStation 5")}}),
      P(104, "PS4-DS4", "DualShock 4 Wireless Controller for PlayStation 4", "Sony", 2, 4999,
        t - 300 * day, "The classic PlayStation 4 gamepad with touch pad and light bar.",
        {{"platform", std::string("PlayStation 4")}}),
      P(105, "XB-CTRL-CB", "Xbox Wireless Controller - Carbon Black", "Microsoft", 2, 5999,
        t + 5 * day, "Textured grip, hybrid D-pad and Bluetooth for Xbox Series X|S and PC.",
        {{"colour", std::string("black")}, {"platform", std::string("Xbox")}}),
      P(106, "XB-ELITE2", "Xbox Elite Wireless Controller Series 2", "Microsoft", 2, 17999,
        t + 60 * day, "Adjustable-tension thumbsticks and wrap-around rubberized grip.",
        {{"platform", std::string("Xbox")}}),
      P(107, "PDP-XB-WIRED", "PDP Wired Controller for Xbox Series X", "PDP", 2, 2999, t + 9 * day,
        "Wired gamepad with dual rumble and a 3 m cable.", {{"platform", std::string("Xbox")}}),
      P(108, "8BD-PRO2", "8BitDo Pro 2 Bluetooth Controller", "8BitDo", 2, 4999, t + 12 * day,
        "Works with Switch, PC, Android and Raspberry Pi. Works with PlayStation Remote Play.",
        {{"platform", std::string("multi")}}),
      // Consoles.
      P(111, "PS5-CONSOLE", "PlayStation 5 Console - Disc Edition", "Sony", 3, 49999, t + 2 * day,
        "Ultra-high speed SSD, ray tracing and 4K gaming. Includes one DualSense controller.",
        {{"storage_gb", 825.0}}),
      P(112, "PS5-DIGITAL", "PlayStation 5 Digital Edition", "Sony", 3, 39999, t + 3 * day,
        "All-digital PlayStation 5 without a disc drive.", {{"storage_gb", 825.0}}),
      P(113, "XB-SERIES-X", "Xbox Series X 1TB Console", "Microsoft", 3, 49999, t + 4 * day,
        "The fastest, most powerful Xbox ever. Includes a wireless controller.",
        {{"storage_gb", 1000.0}}),
      P(114, "XB-SERIES-S", "Xbox Series S 512GB Console", "Microsoft", 3, 29999, t + 6 * day,
        "Next-gen performance in the smallest Xbox ever.", {{"storage_gb", 512.0}}),
      P(115, "NSW-OLED", "Nintendo Switch OLED Model", "Nintendo", 3, 34999, t + 8 * day,
        "7-inch OLED screen, wide adjustable stand and 64 GB storage.", {{"storage_gb", 64.0}}),
      // Accessories and charging stations.
      P(121, "PS5-CHG", "DualSense Charging Station", "Sony", 5, 2999, t + 7 * day,
        "Charge two DualSense wireless controllers at once without a PlayStation 5 console."),
      P(122, "XB-CHG-DUO", "Dual Charging Dock for Xbox Controllers", "PowerA", 5, 3999,
        t + 14 * day, "Charges two Xbox wireless controllers, includes two rechargeable battery packs."),
      P(123, "NYKO-CHG-PS5", "Nyko Charge Base for PS5 Controllers", "Nyko", 5, 1999, t + 15 * day,
        "Quick-charge base for two Sony DualSense controllers with LED charge indicators."),
      P(124, "PS5-HDCAM", "HD Camera for PlayStation 5", "Sony", 4, 5999, t + 10 * day,
        "Dual 1080p lenses and a built-in stand for streaming your gameplay.",
        {{"resolution", std::string("1080p")}}),
      P(125, "PS5-PULSE3D", "Pulse 3D Wireless Headset", "Sony", 4, 9999, t + 11 * day,
        "3D audio on PlayStation 5 with dual noise-cancelling microphones."),
      P(126, "XB-HEADSET", "Xbox Wireless Headset", "Microsoft", 4, 9999, t + 13 * day,
        "Auto-mute and voice isolation for Xbox Series X|S."),
      P(127, "LOGI-C920", "Logitech C920 HD Pro Webcam", "Logitech", 4, 6999, t + 16 * day,
        "Full HD 1080p streaming webcam with stereo audio.",
        {{"resolution", std::string("1080p")}}),
      // Mowers.
      P(201, "HONDA-HRN216", "Honda HRN216 Self-Propelled Lawn Mower", "Honda", 7, 54900,
        t + 30 * day, "21-inch deck, Smart Drive and a Honda GCV170 engine.",
        {{"deck_inches", 21.0}, {"fuel", std::string("gas")}}),
      P(202, "EGO-LM2135", "EGO Power+ 21-inch Cordless Lawn Mower", "EGO", 7, 49900,
        t + 31 * day, "56V battery-powered mower with a 5.0Ah battery and charger.",
        {{"deck_inches", 21.0}, {"fuel", std::string("battery")}}),
      P(203, "GW-REEL-16", "Great States 16-inch Push Reel Mower", "Great States", 7, 8999,
        t + 32 * day, "Quiet, emission-free reel mower for small lawns.",
        {{"deck_inches", 16.0}, {"fuel", std::string("manual")}}),
      P(204, "HUSQ-AM115H", "Husqvarna Automower 115H Robotic Mower", "Husqvarna", 7, 139900,
        t + 33 * day, "Robotic lawn mower for lawns up to 0.4 acre; cuts in all weathers.",
        {{"fuel", std::string("battery")}}),
      P(205, "TORO-RECYCLER", "Toro Recycler 22-inch Gas Mower", "Toro", 7, 42900, t + 34 * day,
        "Personal Pace self-propelled mower with a Briggs & Stratton engine.",
        {{"deck_inches", 22.0}, {"fuel", std::string("gas")}}),
      // Fertiliser and seed.
      P(211, "SCOTTS-TB-5M", "Scotts Turf Builder Lawn Food", "Scotts", 8, 2999, t + 35 * day,
        "Lawn fertiliser that feeds and strengthens grass; covers 5,000 sq ft.",
        {{"weight_kg", 5.6}}),
      P(212, "MG-ALLPURP", "Miracle-Gro All Purpose Plant Food", "Miracle-Gro", 8, 1299,
        t + 36 * day, "Water-soluble fertiliser for flowers, vegetables and houseplants.",
        {{"weight_kg", 1.8}}),
      P(213, "PENN-SEED-TALL", "Pennington Tall Fescue Grass Seed", "Pennington", 8, 3499,
        t + 37 * day, "Drought-tolerant grass seed mix with fertiliser coating.",
        {{"weight_kg", 3.1}}),
      // Books.
      P(301, "BK-DUNE", "Dune", "Ace", 10, 1099, t - 900 * day,
        "Frank Herbert's science fiction epic of the desert planet Arrakis.",
        {{"author", std::string("Frank Herbert")}, {"format", std::string("paperback")}}),
      P(302, "BK-PHM", "Project Hail Mary", "Ballantine", 10, 1899, t - 200 * day,
        "A lone astronaut must save the earth. From the author of The Martian.",
        {{"author", std::string("Andy Weir")}, {"format", std::string("hardcover")}}),
      P(303, "BK-MARTIAN", "The Martian", "Crown", 10, 1199, t - 800 * day,
        "Stranded on Mars, an astronaut fights to survive.",
        {{"author", std::string("Andy Weir")}, {"format", std::string("paperback")}}),
      P(304, "BK-SALTFAT", "Salt, Fat, Acid, Heat", "Simon & Schuster", 11, 2599, t - 600 * day,
        "Mastering the elements of good cooking.",
        {{"author", std::string("Samin Nosrat")}, {"format", std::string("hardcover")}}),
      P(305, "BK-FOODLAB", "The Food Lab: Better Home Cooking Through Science", "W. W. Norton", 11,
        3299, t - 500 * day, "J. Kenji Lopez-Alt explains the science of the kitchen.",
        {{"author", std::string("J. Kenji Lopez-Alt")}, {"format", std::string("hardcover")}}),
      P(306, "BK-GAMEDEV", "The Art of Game Design", "CRC Press", 10, 4499, t - 400 * day,
        "A book of lenses for designing video games, from board games to PlayStation titles.",
        {{"author", std::string("Jesse Schell")}, {"format", std::string("paperback")}}),
      // Dog food and toys.
      P(401, "PP-LB-15", "Purina Pro Plan Large Breed Adult Dog Food, 15 kg", "Purina", 13, 7499,
        t + 41 * day, "Chicken and rice formula for large breed dogs.",
        {{"species", std::string("dog")}, {"weight_kg", 15.0}}),
      P(402, "BB-LP-12", "Blue Buffalo Life Protection Dog Food, 12 kg", "Blue Buffalo", 13, 6499,
        t + 42 * day, "Natural dry dog food with real chicken and brown rice.",
        {{"species", std::string("dog")}, {"weight_kg", 12.0}}),
      P(403, "HILLS-SD-PUP", "Hill's Science Diet Puppy Food", "Hill's", 13, 5499, t + 43 * day,
        "Balanced nutrition for growing puppies.",
        {{"species", std::string("dog")}, {"weight_kg", 7.0}}),
      P(404, "KONG-CLASSIC-L", "KONG Classic Dog Toy, Large", "KONG", 14, 1399, t + 44 * day,
        "Durable rubber chew toy; stuff it with treats.", {{"species", std::string("dog")}}),
      P(405, "CHUCKIT-LAUNCH", "Chuckit! Ball Launcher", "Chuckit!", 14, 1199, t + 45 * day,
        "Throw a tennis ball farther for your dog.", {{"species", std::string("dog")}}),
      P(406, "NYLA-DURA", "Nylabone Dura Chew Bone", "Nylabone", 14, 899, t + 46 * day,
        "Long-lasting chew toy for powerful chewers.", {{"species", std::string("dog")}}),
      // Shoes.
      P(501, "NIKE-PEG40", "Nike Air Zoom Pegasus 40 Running Shoe", "Nike", 16, 12999,
        t + 50 * day, "Responsive cushioning for everyday runs.",
        {{"shoe_size", 10.0}, {"width", std::string("regular")}, {"colour", std::string("black")}}),
      P(502, "BROOKS-GHOST15", "Brooks Ghost 15 Running Shoe - Wide", "Brooks", 16, 13999,
        t + 51 * day, "Soft, smooth ride for neutral runners.",
        {{"shoe_size", 8.0}, {"width", std::string("wide")}, {"colour", std::string("blue")}}),
      P(503, "ASICS-GEL-NIM", "ASICS Gel-Nimbus 25 Running Shoe", "ASICS", 16, 15999, t + 52 * day,
        "Maximum cushioning for long distances.",
        {{"shoe_size", 9.5}, {"width", std::string("regular")}, {"colour", std::string("white")}}),
      P(504, "NB-880", "New Balance Fresh Foam 880v13", "New Balance", 16, 13499, t + 53 * day,
        "Everyday running shoe in red with a wide fit option.",
        {{"shoe_size", 11.0}, {"width", std::string("wide")}, {"colour", std::string("red")},
         {"waterproof", false}}),
      P(505, "ADI-TERREX", "Adidas Terrex Trail Running Shoe", "Adidas", 16, 11999, t + 54 * day,
        "Grippy outsole for muddy trails.",
        {{"shoe_size", 10.5}, {"width", std::string("regular")}, {"colour", std::string("grey")},
         {"waterproof", true}}),
      // Phones and tablets.
      P(601, "IPHONE15", "Apple iPhone 15 128GB", "Apple", 17, 79900, t + 55 * day,
        "Dynamic Island, 48MP main camera and USB-C. The camera takes great photos.",
        {{"storage_gb", 128.0}, {"colour", std::string("pink")}}),
      P(602, "GALAXY-S24", "Samsung Galaxy S24 256GB", "Samsung", 17, 85999, t + 56 * day,
        "Galaxy AI, triple camera system with a 50MP camera and 3x optical zoom camera.",
        {{"storage_gb", 256.0}}),
      P(603, "IPAD-AIR", "Apple iPad Air 11-inch", "Apple", 17, 59900, t + 57 * day,
        "M2 chip tablet with a Liquid Retina display.", {{"storage_gb", 128.0}}),
      P(604, "PIXEL-8", "Google Pixel 8", "Google", 17, 69900, t + 58 * day,
        "Google AI phone with the best Pixel camera yet.", {{"storage_gb", 128.0}}),
      P(605, "ANKER-PWR", "Anker USB-C Charging Station, 7-in-1", "Anker", 17, 4999, t + 59 * day,
        "Desktop charging station for phones, tablets and laptops."),
      P(606, "ATT-SIM", "AT&T Prepaid SIM Kit <5G>", "AT&T", 17, 999, t + 60 * day,
        "Nano, micro and standard SIM for unlocked phones."),
  };
  return catalog::CatalogSnapshot::Build(std::move(d), 7);
}

std::shared_ptr<const catalog::CatalogSnapshot> GeneratedCatalog(int count, uint64_t seed) {
  std::mt19937_64 rng(seed);
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

std::vector<SearchRequest> RequestGrid(const std::vector<std::string>& queries,
                                       const std::vector<SearchRequest>& filters,
                                       const std::vector<std::pair<int, int>>& pages) {
  std::vector<SearchRequest> out;
  for (const std::string& query : queries) {
    for (const SearchRequest& filter : filters) {
      for (SortOrder sort :
           {SortOrder::kRelevance, SortOrder::kPriceAsc, SortOrder::kPriceDesc, SortOrder::kNewest}) {
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
  return "q='" + r.query + "' category=" + r.category + " brands=" + std::to_string(r.brands.size()) +
         " price=" + std::to_string(r.min_price.value_or(-1)) + ".." +
         std::to_string(r.max_price.value_or(-1)) + " sort=" + SortOrderName(r.sort) +
         " page=" + std::to_string(r.page) + "x" + std::to_string(r.per_page);
}

}  // namespace atelier::search::testing
