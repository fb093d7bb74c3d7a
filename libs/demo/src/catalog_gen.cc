#include "internal/catalog_gen.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "atelier/core/strings.h"
#include "internal/random.h"

namespace atelier::demo::internal {

namespace {

using catalog::Attribute;
using catalog::AttributeValue;

// One value of a variant dimension: how it reads in a title, its attribute
// value, and how it scales the price.
struct DimValue {
  std::string title;
  AttributeValue attr;
  double price_factor = 1.0;
};

// A dimension products of a line vary in (colour, size, weight...).
struct Dim {
  std::string key;
  std::vector<DimValue> values;
  bool in_title = true;
};

// A brand's product line: "Sony" "DualSense Wireless Controller for PS5".
struct Line {
  std::string brand;
  std::string name;
  double min_price;  // major units
  double max_price;
  std::vector<Attribute> fixed;
};

struct Sub {
  std::string key;   // "controllers"
  std::string name;  // "Controllers"
  double weight;     // share of the top-level category
  std::vector<Line> lines;
  std::vector<Dim> dims;
  std::vector<std::string> sentences;  // description sentences; {brand} {line} {variant}
  bool consumable = false;
};

struct Top {
  std::string key;   // "video-games"
  std::string name;  // "Video Games & Consoles"
  double weight;     // share of all products
  std::string blurb;
  std::vector<Sub> subs;
};

DimValue T(std::string text) { return {text, text, 1.0}; }
DimValue N(std::string title, double value, double factor = 1.0) { return {std::move(title), value, factor}; }
DimValue F(std::string text, double factor) { return {text, text, factor}; }
Dim Texts(std::string key, std::vector<std::string> values, bool in_title = true) {
  Dim d{std::move(key), {}, in_title};
  for (auto& v : values) d.values.push_back(T(std::move(v)));
  return d;
}
Attribute A(std::string key, const char* value) { return {std::move(key), std::string(value)}; }
Attribute A(std::string key, double value) { return {std::move(key), value}; }
Attribute A(std::string key, bool value) { return {std::move(key), value}; }

const char* kPs = "PlayStation 5";
const char* kXbox = "Xbox Series X|S";
const char* kSwitch = "Nintendo Switch";

Dim ShoeSizes() {
  Dim d{"size", {}, true};
  for (double s : {6.0, 7.0, 8.0, 8.5, 9.0, 9.5, 10.0, 10.5, 11.0, 12.0, 13.0}) {
    std::string t =
        s == std::floor(s) ? std::to_string(static_cast<int>(s)) : std::to_string(static_cast<int>(s)) + ".5";
    d.values.push_back(N("Size " + t, s));
  }
  return d;
}

Dim ShoeWidths() {
  return {"width",
          {{"Narrow", std::string("N"), 1.0},
           {"Medium", std::string("M"), 1.0},
           {"Wide", std::string("W"), 1.03},
           {"Extra Wide", std::string("XW"), 1.06}},
          true};
}

Dim ClothingSizes() { return Texts("size", {"XS", "S", "M", "L", "XL", "XXL"}); }

std::vector<Top> Specs() {
  std::vector<Top> tops;

  // ---------------------------------------------------------------- games
  tops.push_back(Top{
      "video-games",
      "Video Games & Consoles",
      0.10,
      "Ships from our distribution centres with free returns within 30 days.",
      {
          Sub{"controllers",
              "Controllers",
              0.26,
              {
                  {"Sony",
                   "DualSense Wireless Controller for PS5",
                   64,
                   74,
                   {A("platform", kPs), A("wireless", true), A("battery_hours", 12.0)}},
                  {"Sony",
                   "DualSense Edge Wireless Controller for PS5",
                   189,
                   209,
                   {A("platform", kPs), A("wireless", true), A("battery_hours", 8.0)}},
                  {"PowerA",
                   "Enhanced Wired Controller for PS5",
                   29,
                   39,
                   {A("platform", kPs), A("wireless", false), A("battery_hours", 0.0)}},
                  {"Nacon",
                   "Revolution 5 Pro Controller for PS5",
                   179,
                   199,
                   {A("platform", kPs), A("wireless", true), A("battery_hours", 10.0)}},
                  {"Microsoft",
                   "Xbox Wireless Controller",
                   54,
                   64,
                   {A("platform", kXbox), A("wireless", true), A("battery_hours", 40.0)}},
                  {"Microsoft",
                   "Xbox Elite Wireless Controller Series 2",
                   169,
                   179,
                   {A("platform", kXbox), A("wireless", true), A("battery_hours", 40.0)}},
                  {"PowerA",
                   "Enhanced Wired Controller for Xbox Series X|S",
                   29,
                   34,
                   {A("platform", kXbox), A("wireless", false), A("battery_hours", 0.0)}},
                  {"8BitDo",
                   "Ultimate Wireless Controller for Xbox",
                   49,
                   59,
                   {A("platform", kXbox), A("wireless", true), A("battery_hours", 25.0)}},
                  {"Nintendo",
                   "Switch Pro Controller",
                   64,
                   69,
                   {A("platform", kSwitch), A("wireless", true), A("battery_hours", 40.0)}},
                  {"Nintendo",
                   "Joy-Con Pair",
                   74,
                   79,
                   {A("platform", kSwitch), A("wireless", true), A("battery_hours", 20.0)}},
              },
              {Texts("colour",
                     {"Midnight Black", "Cosmic Red", "Starlight Blue", "Glacier White", "Volcanic Red",
                      "Sterling Silver", "Nova Pink", "Galactic Purple", "Carbon Black", "Robot White",
                      "Shock Blue", "Pulse Red", "Electric Volt", "Deep Pink"})},
              {"Feel every hit with responsive haptic feedback and low-latency input.",
               "Textured grips and sculpted triggers keep long sessions comfortable.",
               "A built-in rechargeable battery charges over USB-C.",
               "Pairs in seconds and remembers your console.",
               "Remappable buttons and a share button for screenshots and clips."}},
          Sub{"chargers",
              "Charging Stations",
              0.12,
              {
                  {"Sony", "DualSense Charging Station", 27, 32, {A("platform", kPs), A("slots", 2.0)}},
                  {"PowerA",
                   "Twin Charging Station for DualSense",
                   22,
                   29,
                   {A("platform", kPs), A("slots", 2.0)}},
                  {"Nyko", "Charge Base for PS5", 19, 24, {A("platform", kPs), A("slots", 2.0)}},
                  {"Microsoft",
                   "Xbox Rechargeable Battery + USB-C Cable",
                   22,
                   25,
                   {A("platform", kXbox), A("slots", 1.0)}},
                  {"PowerA",
                   "Dual Charging Station for Xbox",
                   34,
                   39,
                   {A("platform", kXbox), A("slots", 2.0)}},
                  {"Razer",
                   "Universal Quick Charging Stand for Xbox",
                   39,
                   44,
                   {A("platform", kXbox), A("slots", 1.0)}},
                  {"PowerA", "Joy-Con Charging Dock", 24, 29, {A("platform", kSwitch), A("slots", 4.0)}},
              },
              {Texts("colour", {"Black", "White", "Midnight Black", "Grey", "Blue", "Red"})},
              {"Charges two controllers at once without tying up a console port.",
               "Click-in design: drop the controller in and the LED shows the charge.",
               "Keeps your controllers charged and your desk tidy.", "A full charge in about three hours."}},
          Sub{"cameras",
              "Cameras",
              0.06,
              {
                  {"Sony", "HD Camera for PS5", 49, 59, {A("platform", kPs), A("resolution", "1080p")}},
                  {"Sony",
                   "PlayStation VR2 Camera Mount Kit",
                   29,
                   34,
                   {A("platform", kPs), A("resolution", "1080p")}},
                  {"Microsoft",
                   "Xbox Live Streaming Webcam",
                   59,
                   69,
                   {A("platform", kXbox), A("resolution", "1080p")}},
                  {"Razer",
                   "Kiyo Streaming Camera for Xbox",
                   79,
                   99,
                   {A("platform", kXbox), A("resolution", "1080p")}},
                  {"Logitech",
                   "StreamCam for PlayStation",
                   129,
                   149,
                   {A("platform", kPs), A("resolution", "1080p")}},
              },
              {Texts("colour", {"Black", "White", "Graphite"}), Texts("mount", {"Stand", "Clip", "Tripod"})},
              {"Stream and broadcast your gameplay with a picture-in-picture view.",
               "Dual wide-angle lenses capture you in full HD.",
               "Built-in background removal and a stand that clips to your TV."}},
          Sub{"headsets",
              "Headsets",
              0.12,
              {
                  {"Sony",
                   "Pulse 3D Wireless Headset for PS5",
                   89,
                   99,
                   {A("platform", kPs), A("wireless", true)}},
                  {"Sony",
                   "INZONE H9 Wireless Gaming Headset",
                   249,
                   299,
                   {A("platform", kPs), A("wireless", true)}},
                  {"Turtle Beach",
                   "Stealth 600 Gen 3 for PlayStation",
                   99,
                   109,
                   {A("platform", kPs), A("wireless", true)}},
                  {"Microsoft",
                   "Xbox Wireless Headset",
                   99,
                   109,
                   {A("platform", kXbox), A("wireless", true)}},
                  {"Turtle Beach",
                   "Recon 70 Wired Headset for Xbox",
                   29,
                   39,
                   {A("platform", kXbox), A("wireless", false)}},
                  {"SteelSeries",
                   "Arctis Nova 7X for Xbox",
                   179,
                   199,
                   {A("platform", kXbox), A("wireless", true)}},
                  {"HyperX",
                   "Cloud Stinger 2 for Nintendo Switch",
                   49,
                   59,
                   {A("platform", kSwitch), A("wireless", false)}},
              },
              {Texts("colour", {"Black", "White", "Midnight Black", "Camo Green", "Arctic Blue"})},
              {"3D audio puts footsteps exactly where they are.",
               "Noise-cancelling flip-to-mute microphone for clear party chat.",
               "Memory-foam ear cushions for marathon sessions.",
               "Up to 24 hours of battery on a single charge."}},
          Sub{"consoles",
              "Consoles",
              0.06,
              {
                  {"Sony", "PlayStation 5 Slim Console", 449, 499, {A("platform", kPs)}},
                  {"Sony", "PlayStation 5 Pro Console", 699, 749, {A("platform", kPs)}},
                  {"Microsoft", "Xbox Series X Console", 499, 549, {A("platform", kXbox)}},
                  {"Microsoft", "Xbox Series S Console", 299, 379, {A("platform", kXbox)}},
                  {"Nintendo", "Switch OLED Console", 339, 349, {A("platform", kSwitch)}},
              },
              {Texts("edition", {"Standard Edition", "Digital Edition", "Holiday Bundle", "1TB Edition"}),
               Texts("colour", {"White", "Black", "Carbon Black"})},
              {"Lightning-fast loading with an ultra-high-speed SSD.",
               "Play in 4K at up to 120 frames per second.",
               "Includes one wireless controller and an HDMI cable."}},
          Sub{"games",
              "Games",
              0.38,
              {
                  {"Sony Interactive",
                   "Horizon Forbidden West",
                   39,
                   69,
                   {A("platform", kPs), A("genre", "Action RPG"), A("age_rating", "T")}},
                  {"Sony Interactive",
                   "Marvel's Spider-Man 2",
                   49,
                   69,
                   {A("platform", kPs), A("genre", "Action"), A("age_rating", "T")}},
                  {"Sony Interactive",
                   "Gran Turismo 7",
                   39,
                   69,
                   {A("platform", kPs), A("genre", "Racing"), A("age_rating", "E")}},
                  {"Sony Interactive",
                   "Astro Bot",
                   49,
                   59,
                   {A("platform", kPs), A("genre", "Platformer"), A("age_rating", "E10+")}},
                  {"Microsoft Studios",
                   "Forza Horizon 5",
                   39,
                   59,
                   {A("platform", kXbox), A("genre", "Racing"), A("age_rating", "E")}},
                  {"Microsoft Studios",
                   "Halo Infinite",
                   29,
                   59,
                   {A("platform", kXbox), A("genre", "Shooter"), A("age_rating", "T")}},
                  {"Microsoft Studios",
                   "Starfield",
                   49,
                   69,
                   {A("platform", kXbox), A("genre", "Action RPG"), A("age_rating", "M")}},
                  {"Nintendo",
                   "The Legend of Zelda: Tears of the Kingdom",
                   59,
                   69,
                   {A("platform", kSwitch), A("genre", "Adventure"), A("age_rating", "E10+")}},
                  {"Nintendo",
                   "Mario Kart 8 Deluxe",
                   49,
                   59,
                   {A("platform", kSwitch), A("genre", "Racing"), A("age_rating", "E")}},
                  {"EA Sports",
                   "EA Sports FC 25 for PS5",
                   49,
                   69,
                   {A("platform", kPs), A("genre", "Sports"), A("age_rating", "E")}},
                  {"EA Sports",
                   "EA Sports FC 25 for Xbox",
                   49,
                   69,
                   {A("platform", kXbox), A("genre", "Sports"), A("age_rating", "E")}},
                  {"Ubisoft",
                   "Assassin's Creed Shadows for PS5",
                   59,
                   69,
                   {A("platform", kPs), A("genre", "Action"), A("age_rating", "M")}},
                  {"Ubisoft",
                   "Assassin's Creed Shadows for Xbox",
                   59,
                   69,
                   {A("platform", kXbox), A("genre", "Action"), A("age_rating", "M")}},
              },
              {Texts("edition", {"Standard Edition", "Deluxe Edition", "Gold Edition", "Collector's Edition",
                                 "Launch Edition", "Complete Edition", "Game of the Year Edition"})},
              {"An open world packed with side quests and secrets.",
               "Play solo or team up with friends online.", "Stunning visuals tuned for the latest consoles.",
               "Includes bonus in-game content with this edition."}},
      }});

  // ---------------------------------------------------------------- books are generated apart
  tops.push_back(Top{"books", "Books", 0.15, "Free delivery on orders of two books or more.", {}});

  // ---------------------------------------------------------------- garden
  tops.push_back(Top{
      "garden",
      "Lawn & Garden",
      0.07,
      "Garden ready, with advice from our team of growers.",
      {
          Sub{"mowers",
              "Mowers",
              0.2,
              {
                  {"EGO", "Power+ Cordless Lawn Mower", 449, 649, {A("power_source", "battery")}},
                  {"Greenworks", "Cordless Push Mower", 299, 399, {A("power_source", "battery")}},
                  {"Honda", "Self-Propelled Gas Mower", 499, 699, {A("power_source", "gas")}},
                  {"Toro", "Recycler Gas Lawn Mower", 379, 479, {A("power_source", "gas")}},
                  {"Worx", "Electric Corded Lawn Mower", 179, 229, {A("power_source", "electric")}},
                  {"Husqvarna", "Automower Robotic Lawn Mower", 999, 1599, {A("power_source", "battery")}},
              },
              {{"cutting_width_cm",
                {N("36 cm", 36.0, 0.85), N("42 cm", 42.0, 1.0), N("46 cm", 46.0, 1.1),
                 N("53 cm", 53.0, 1.25)},
                true},
               Texts("grass_collection", {"Mulch & Bag", "Rear Bag", "Side Discharge"})},
              {"Cuts a clean stripe through thick spring grass.",
               "Height adjusts in seconds with a single lever.",
               "Folds flat for storage in a small shed or garage.",
               "Mulches clippings back into the lawn as natural fertiliser."}},
          Sub{"seed",
              "Grass Seed",
              0.16,
              {
                  {"Scotts", "Turf Builder Grass Seed", 19, 49, {}},
                  {"Pennington", "Smart Seed", 17, 44, {}},
                  {"Jonathan Green", "Black Beauty Grass Seed", 24, 59, {}},
                  {"Vigoro", "Fast-Growing Grass Seed", 14, 34, {}},
              },
              {Texts("grass_type", {"Sun & Shade Mix", "Tall Fescue", "Kentucky Bluegrass",
                                    "Perennial Ryegrass", "Bermuda", "Dense Shade Mix"}),
               {"weight_lb", {N("3 lb", 3.0, 0.6), N("7 lb", 7.0, 1.0), N("20 lb", 20.0, 2.2)}, true}},
              {"Germinates in as little as a week in warm soil.",
               "Coated seed holds moisture for faster growth.",
               "Fills bare patches and thickens a thin lawn."},
              true},
          Sub{"fertiliser",
              "Fertiliser",
              0.16,
              {
                  {"Scotts", "Turf Builder Lawn Food", 19, 39, {}},
                  {"Miracle-Gro", "All Purpose Plant Food", 9, 24, {}},
                  {"Milorganite", "Organic Nitrogen Fertiliser", 14, 29, {}},
                  {"Espoma", "Organic Lawn Food", 19, 34, {}},
              },
              {Texts("formula",
                     {"Spring Feed", "Summer Guard", "Fall Winterguard", "Weed & Feed", "Starter Food"}),
               {"weight_lb", {N("5 lb", 5.0, 0.6), N("12.5 lb", 12.5, 1.0), N("32 lb", 32.0, 2.1)}, true}},
              {"Feeds the lawn for up to eight weeks.", "Builds deep roots for a thicker, greener lawn.",
               "Apply with any broadcast or drop spreader."},
              true},
          Sub{"hoses",
              "Hoses & Watering",
              0.14,
              {
                  {"Flexzilla", "Garden Hose", 29, 79, {}},
                  {"Gilmour", "Heavy Duty Rubber Hose", 34, 89, {}},
                  {"Melnor", "Expandable Garden Hose", 24, 49, {}},
                  {"Rain Bird", "Oscillating Sprinkler", 19, 39, {}},
              },
              {{"length_ft",
                {N("25 ft", 25.0, 0.7), N("50 ft", 50.0, 1.0), N("75 ft", 75.0, 1.3),
                 N("100 ft", 100.0, 1.6)},
                true},
               Texts("colour", {"Green", "Grey", "Blue"})},
              {"Kink-free and flexible even in cold weather.", "Crush-proof brass fittings that do not leak.",
               "Lightweight enough to coil with one hand."}},
          Sub{"garden-tools",
              "Garden Tools",
              0.34,
              {
                  {"Fiskars", "Bypass Pruning Shears", 14, 29, {}},
                  {"Fiskars", "Steel Digging Shovel", 29, 44, {}},
                  {"Corona", "Hedge Shears", 29, 49, {}},
                  {"DeWalt", "20V Cordless String Trimmer", 129, 199, {}},
                  {"Black+Decker", "Electric Leaf Blower", 59, 99, {}},
                  {"Ames", "Bow Rake", 19, 34, {}},
                  {"Scotts", "Broadcast Spreader", 39, 79, {}},
              },
              {Texts("finish",
                     {"Steel", "Stainless Steel", "Fiberglass Handle", "Ash Handle", "Ergonomic Grip"}),
               Texts("colour", {"Orange", "Green", "Black", "Yellow"})},
              {"Sharp, rust-resistant blades for clean cuts.",
               "A comfortable grip that reduces hand fatigue.", "Built to last season after season."}},
      }});

  // ---------------------------------------------------------------- pets
  Dim pet_food_weight{"weight_kg",
                      {N("1.5 kg", 1.5, 0.3), N("3 kg", 3.0, 0.55), N("7 kg", 7.0, 1.0),
                       N("12 kg", 12.0, 1.55), N("15 kg", 15.0, 1.85)},
                      true};
  Dim flavours =
      Texts("flavour", {"Chicken & Rice", "Lamb & Rice", "Salmon", "Beef", "Turkey & Sweet Potato", "Duck"});
  Dim life_stage = Texts("life_stage", {"Puppy", "Adult", "Senior"});
  tops.push_back(Top{
      "pets",
      "Pet Food & Supplies",
      0.09,
      "Subscribe and save on every repeat delivery.",
      {
          Sub{"dog-food",
              "Dog Food",
              0.28,
              {
                  {"Purina Pro Plan", "Dry Dog Food", 20, 34, {A("species", "dog")}},
                  {"Hill's Science Diet", "Dry Dog Food", 24, 39, {A("species", "dog")}},
                  {"Blue Buffalo", "Life Protection Dog Food", 22, 36, {A("species", "dog")}},
                  {"Royal Canin", "Size Health Dog Food", 26, 42, {A("species", "dog")}},
              },
              {flavours, life_stage, pet_food_weight},
              {"Real meat is the first ingredient.",
               "Balanced nutrition with antioxidants for a healthy immune system.",
               "Crunchy kibble helps clean teeth.", "No artificial colours, flavours or preservatives."},
              true},
          Sub{"cat-food",
              "Cat Food",
              0.22,
              {
                  {"Purina ONE", "Dry Cat Food", 14, 26, {A("species", "cat")}},
                  {"Hill's Science Diet", "Indoor Cat Food", 18, 32, {A("species", "cat")}},
                  {"Iams", "Proactive Health Cat Food", 15, 27, {A("species", "cat")}},
                  {"Fancy Feast", "Wet Cat Food Variety Pack", 16, 29, {A("species", "cat")}},
              },
              {Texts("flavour", {"Salmon", "Chicken", "Tuna", "Turkey", "Ocean Fish"}),
               Texts("life_stage", {"Kitten", "Adult", "Senior"}),
               {"weight_kg", {N("1.5 kg", 1.5, 0.45), N("3 kg", 3.0, 0.75), N("7 kg", 7.0, 1.4)}, true}},
              {"Supports urinary tract health.", "High in protein for lean muscle.",
               "Made with real fish and no fillers."},
              true},
          Sub{"dog-toys",
              "Dog Toys",
              0.14,
              {
                  {"KONG", "Classic Dog Toy", 9, 19, {A("species", "dog")}},
                  {"Chuckit!", "Ultra Ball", 7, 14, {A("species", "dog")}},
                  {"Nylabone", "Power Chew Bone", 8, 16, {A("species", "dog")}},
                  {"Outward Hound", "Hide-A-Squirrel Puzzle Toy", 12, 24, {A("species", "dog")}},
                  {"Benebone", "Wishbone Chew Toy", 12, 19, {A("species", "dog")}},
              },
              {Texts("size", {"Small", "Medium", "Large", "X-Large"}),
               Texts("colour", {"Red", "Blue", "Orange", "Green"})},
              {"Tough enough for power chewers.", "Bounces unpredictably for games of fetch.",
               "Stuff it with treats for hours of enrichment."}},
          Sub{"cat-litter",
              "Cat Litter",
              0.12,
              {
                  {"Tidy Cats", "Clumping Cat Litter", 14, 24, {A("species", "cat")}},
                  {"Fresh Step", "Clumping Cat Litter", 15, 26, {A("species", "cat")}},
                  {"Dr. Elsey's", "Ultra Premium Clumping Litter", 17, 27, {A("species", "cat")}},
                  {"World's Best", "Corn Cat Litter", 19, 32, {A("species", "cat")}},
              },
              {Texts("scent", {"Unscented", "Fresh Scent", "Lavender", "Odor Control"}),
               {"weight_kg", {N("6 kg", 6.0, 0.7), N("9 kg", 9.0, 1.0), N("18 kg", 18.0, 1.7)}, true}},
              {"Locks in odours for up to ten days.", "Tight clumps for easy scooping.", "99% dust free."},
              true},
          Sub{"cat-toys",
              "Cat Toys & Scratchers",
              0.08,
              {
                  {"Petstages", "Tower of Tracks Cat Toy", 9, 14, {A("species", "cat")}},
                  {"SmartyKat", "Catnip Mice", 4, 8, {A("species", "cat")}},
                  {"Frisco", "Cardboard Cat Scratcher", 12, 24, {A("species", "cat")}},
              },
              {Texts("colour", {"Grey", "Beige", "Multicolour", "Blue"}),
               Texts("pack", {"Single", "2-Pack", "3-Pack"})},
              {"Keeps indoor cats active and curious.", "Catnip-infused for extra interest."}},
          Sub{"bird-fish",
              "Bird & Fish Supplies",
              0.16,
              {
                  {"Kaytee", "Forti-Diet Bird Food", 8, 19, {A("species", "bird")}},
                  {"Lafeber", "Nutri-Berries Bird Food", 9, 21, {A("species", "bird")}},
                  {"TetraMin", "Tropical Fish Flakes", 5, 15, {A("species", "fish")}},
                  {"Hikari", "Fish Food Pellets", 6, 16, {A("species", "fish")}},
              },
              {Texts("flavour", {"Original", "Fruit & Nut", "Vegetable", "Protein Plus"}),
               {"weight_kg", {N("0.2 kg", 0.2, 0.5), N("1 kg", 1.0, 1.0), N("2.5 kg", 2.5, 1.8)}, true}},
              {"Vitamin-enriched for bright colours and energy.", "Easy to digest and keeps water clear."},
              true},
      }});

  // ---------------------------------------------------------------- phones
  tops.push_back(Top{
      "phones",
      "Phones & Tablets",
      0.07,
      "Unlocked, with a two-year warranty.",
      {
          Sub{"smartphones",
              "Smartphones",
              0.28,
              {
                  {"Apple", "iPhone 16", 799, 899, {A("screen_in", 6.1)}},
                  {"Apple", "iPhone 16 Pro Max", 1199, 1299, {A("screen_in", 6.9)}},
                  {"Samsung", "Galaxy S25", 799, 899, {A("screen_in", 6.2)}},
                  {"Samsung", "Galaxy A55", 399, 449, {A("screen_in", 6.6)}},
                  {"Google", "Pixel 9", 699, 799, {A("screen_in", 6.3)}},
                  {"Motorola", "Moto G Power", 199, 249, {A("screen_in", 6.7)}},
              },
              {{"storage_gb",
                {N("128GB", 128.0, 1.0), N("256GB", 256.0, 1.12), N("512GB", 512.0, 1.3)},
                true},
               Texts("colour", {"Black", "White", "Blue", "Green", "Pink", "Titanium"})},
              {"A bright OLED display that is easy to read outdoors.", "All-day battery with fast charging.",
               "A pro-grade camera system for sharp low-light photos."}},
          Sub{"tablets",
              "Tablets",
              0.2,
              {
                  {"Apple", "iPad Air 11-inch", 599, 699, {A("screen_in", 11.0)}},
                  {"Apple", "iPad mini", 499, 549, {A("screen_in", 8.3)}},
                  {"Samsung", "Galaxy Tab S9 FE", 449, 499, {A("screen_in", 10.9)}},
                  {"Amazon", "Fire HD 10 Tablet", 139, 159, {A("screen_in", 10.1)}},
                  {"Lenovo", "Tab P12", 349, 399, {A("screen_in", 12.7)}},
              },
              {{"storage_gb", {N("64GB", 64.0, 0.9), N("128GB", 128.0, 1.0), N("256GB", 256.0, 1.2)}, true},
               Texts("colour", {"Space Grey", "Silver", "Blue", "Purple"})},
              {"Thin and light, with a laminated display.", "Works with a keyboard and a stylus.",
               "Stream, read and sketch wherever you are."}},
          Sub{"cases",
              "Cases & Screen Protectors",
              0.32,
              {
                  {"OtterBox",
                   "Defender Series Case for iPhone 16",
                   49,
                   59,
                   {A("compatible_with", "iPhone 16")}},
                  {"Spigen", "Tough Armor Case for Galaxy S25", 19, 29, {A("compatible_with", "Galaxy S25")}},
                  {"Spigen", "Ultra Hybrid Case for Pixel 9", 17, 24, {A("compatible_with", "Pixel 9")}},
                  {"ZAGG",
                   "InvisibleShield Glass for iPhone 16",
                   39,
                   49,
                   {A("compatible_with", "iPhone 16")}},
                  {"Apple", "Smart Folio for iPad Air", 79, 79, {A("compatible_with", "iPad Air 11-inch")}},
                  {"ESR", "Rebound Magnetic Case for iPad mini", 24, 34, {A("compatible_with", "iPad mini")}},
              },
              {Texts("colour", {"Black", "Clear", "Navy", "Red", "Olive", "Lavender", "Sand"})},
              {"Drop-tested to military standards.", "Raised edges protect the screen and camera.",
               "Precise cut-outs for every port and button."}},
          Sub{"chargers",
              "Chargers & Cables",
              0.2,
              {
                  {"Anker", "Nano USB-C Charger", 19, 39, {}},
                  {"Belkin", "BoostCharge Wireless Charging Pad", 29, 59, {}},
                  {"Apple", "MagSafe Charger", 39, 49, {}},
                  {"Samsung", "Super Fast Wall Charger", 19, 34, {}},
              },
              {{"watts",
                {N("20W", 20.0, 0.8), N("30W", 30.0, 1.0), N("45W", 45.0, 1.3), N("65W", 65.0, 1.5)},
                true},
               Texts("colour", {"White", "Black"})},
              {"Charges a phone to half in about thirty minutes.", "Compact and travel friendly."}},
      }});

  // ---------------------------------------------------------------- shoes
  tops.push_back(Top{
      "shoes",
      "Shoes",
      0.10,
      "Free exchanges for another size or width.",
      {
          Sub{"running",
              "Running Shoes",
              0.3,
              {
                  {"Stride", "Trail Runner", 119, 139, {A("material", "mesh"), A("heel_height_cm", 2.5)}},
                  {"Brooks",
                   "Ghost 16 Running Shoe",
                   139,
                   149,
                   {A("material", "mesh"), A("heel_height_cm", 3.0)}},
                  {"Asics", "Gel-Kayano 31", 159, 169, {A("material", "mesh"), A("heel_height_cm", 3.5)}},
                  {"New Balance",
                   "Fresh Foam 1080v14",
                   159,
                   169,
                   {A("material", "knit"), A("heel_height_cm", 3.0)}},
              },
              {Texts("colour", {"Black", "Grey", "Navy", "White", "Blue"}), ShoeSizes(), ShoeWidths()},
              {"A cushioned midsole that softens every stride.", "Breathable mesh upper keeps feet cool.",
               "Grippy rubber outsole for road and trail."}},
          Sub{"boots",
              "Boots",
              0.22,
              {
                  {"Timberland",
                   "Premium 6-Inch Waterproof Boot",
                   189,
                   209,
                   {A("material", "leather"), A("heel_height_cm", 4.0)}},
                  {"Dr. Martens",
                   "1460 Smooth Leather Boot",
                   169,
                   179,
                   {A("material", "leather"), A("heel_height_cm", 3.5)}},
                  {"Blundstone",
                   "Chelsea Boot",
                   199,
                   229,
                   {A("material", "leather"), A("heel_height_cm", 3.0)}},
                  {"Sorel",
                   "Caribou Winter Boot",
                   169,
                   189,
                   {A("material", "suede"), A("heel_height_cm", 4.0)}},
              },
              {Texts("colour", {"Black", "Brown", "Tan", "Grey"}), ShoeSizes(), ShoeWidths()},
              {"Waterproof leather with sealed seams.", "Goodyear-welted sole that can be resoled.",
               "A padded collar for comfort around the ankle."}},
          Sub{"dress-shoes",
              "Dress Shoes & Heels",
              0.26,
              {
                  {"Cole Haan",
                   "Oxford Dress Shoe",
                   149,
                   179,
                   {A("material", "leather"), A("heel_height_cm", 2.0)}},
                  {"Clarks", "Derby Shoe", 109, 129, {A("material", "leather"), A("heel_height_cm", 2.5)}},
                  {"Sam Edelman",
                   "Hazel Pointed-Toe Pump",
                   119,
                   139,
                   {A("material", "suede"), A("heel_height_cm", 9.0)}},
                  {"Naturalizer",
                   "Vivian Block Heel Pump",
                   99,
                   119,
                   {A("material", "leather"), A("heel_height_cm", 5.0)}},
                  {"Vionic",
                   "Low Heel Loafer",
                   119,
                   139,
                   {A("material", "leather"), A("heel_height_cm", 1.5)}},
              },
              {Texts("colour", {"Black", "Brown", "Navy", "Burgundy", "Nude"}), ShoeSizes(), ShoeWidths()},
              {"A cushioned footbed for all-day wear.", "Hand-finished leather upper.",
               "A low-profile sole for a sleek look."}},
          Sub{"sneakers",
              "Sneakers & Sandals",
              0.22,
              {
                  {"Converse",
                   "Chuck Taylor All Star",
                   59,
                   69,
                   {A("material", "canvas"), A("heel_height_cm", 2.0)}},
                  {"Vans", "Old Skool Sneaker", 64, 74, {A("material", "canvas"), A("heel_height_cm", 2.0)}},
                  {"Birkenstock",
                   "Arizona Sandal",
                   109,
                   119,
                   {A("material", "leather"), A("heel_height_cm", 2.5)}},
                  {"Teva",
                   "Original Universal Sandal",
                   49,
                   59,
                   {A("material", "textile"), A("heel_height_cm", 2.0)}},
              },
              {Texts("colour", {"Black", "White", "Red", "Navy", "Olive"}), ShoeSizes(), ShoeWidths()},
              {"A classic silhouette that goes with everything.", "Contoured footbed with arch support."}},
      }});

  // ---------------------------------------------------------------- clothing
  tops.push_back(Top{
      "clothing",
      "Clothing",
      0.09,
      "Free returns within 60 days.",
      {
          Sub{"t-shirts",
              "T-Shirts",
              0.22,
              {
                  {"Hanes",
                   "Essentials Cotton Crew T-Shirt",
                   9,
                   14,
                   {A("material", "cotton"), A("gender", "men")}},
                  {"Uniqlo",
                   "Supima Cotton T-Shirt",
                   14,
                   19,
                   {A("material", "cotton"), A("gender", "women")}},
                  {"Patagonia",
                   "Capilene Cool Daily Shirt",
                   39,
                   49,
                   {A("material", "polyester"), A("gender", "unisex")}},
              },
              {Texts("colour", {"White", "Black", "Heather Grey", "Navy", "Olive", "Red"}), ClothingSizes()},
              {"Soft, breathable cotton that holds its shape.", "A relaxed fit for everyday wear."}},
          Sub{"jeans",
              "Jeans",
              0.18,
              {
                  {"Levi's", "501 Original Fit Jeans", 59, 79, {A("material", "denim"), A("gender", "men")}},
                  {"Wrangler", "Relaxed Fit Jeans", 34, 44, {A("material", "denim"), A("gender", "men")}},
                  {"Madewell",
                   "Perfect Vintage Jean",
                   118,
                   128,
                   {A("material", "denim"), A("gender", "women")}},
              },
              {Texts("colour", {"Dark Wash", "Medium Wash", "Light Wash", "Black"}), ClothingSizes()},
              {"Rigid denim that breaks in over time.", "A classic five-pocket design."}},
          Sub{"jackets",
              "Jackets & Coats",
              0.2,
              {
                  {"The North Face",
                   "Thermoball Eco Jacket",
                   199,
                   229,
                   {A("material", "nylon"), A("gender", "unisex")}},
                  {"Columbia",
                   "Watertight II Rain Jacket",
                   59,
                   79,
                   {A("material", "nylon"), A("gender", "women")}},
                  {"Carhartt",
                   "Duck Detroit Jacket",
                   129,
                   159,
                   {A("material", "cotton"), A("gender", "men")}},
              },
              {Texts("colour", {"Black", "Navy", "Red", "Olive", "Brown"}), ClothingSizes()},
              {"Windproof and water-resistant.", "Packs into its own pocket for travel."}},
          Sub{"dresses",
              "Dresses & Skirts",
              0.16,
              {
                  {"Lands' End",
                   "Jersey Wrap Dress",
                   49,
                   69,
                   {A("material", "cotton"), A("gender", "women")}},
                  {"J.Crew", "Linen Midi Dress", 98, 128, {A("material", "linen"), A("gender", "women")}},
              },
              {Texts("colour", {"Black", "Navy", "Floral", "Sage", "Red"}), ClothingSizes()},
              {"Flattering and easy to dress up or down.", "Lined and fully machine washable."}},
          Sub{"socks",
              "Socks & Underwear",
              0.12,
              {
                  {"Darn Tough",
                   "Hiker Micro Crew Socks",
                   24,
                   27,
                   {A("material", "merino"), A("gender", "unisex")}},
                  {"Bombas", "Ankle Socks 4-Pack", 49, 54, {A("material", "cotton"), A("gender", "unisex")}},
              },
              {Texts("colour", {"Charcoal", "White", "Black", "Navy"}), ClothingSizes()},
              {"Cushioned where it counts, with a seamless toe."}},
          Sub{"hoodies",
              "Hoodies & Sweatshirts",
              0.12,
              {
                  {"Champion",
                   "Reverse Weave Hoodie",
                   59,
                   69,
                   {A("material", "cotton"), A("gender", "unisex")}},
                  {"Carhartt",
                   "Midweight Hooded Sweatshirt",
                   49,
                   59,
                   {A("material", "cotton"), A("gender", "men")}},
              },
              {Texts("colour", {"Black", "Heather Grey", "Navy", "Maroon", "Forest Green"}), ClothingSizes()},
              {"Fleece-lined for warmth.", "Ribbed cuffs and a kangaroo pocket."}},
      }});

  // ---------------------------------------------------------------- home
  tops.push_back(Top{
      "home",
      "Home & Kitchen",
      0.08,
      "Everything for the home, delivered.",
      {
          Sub{"cookware",
              "Cookware",
              0.22,
              {
                  {"Lodge", "Cast Iron Skillet", 19, 49, {A("material", "cast iron")}},
                  {"All-Clad", "D3 Stainless Fry Pan", 99, 179, {A("material", "stainless steel")}},
                  {"T-fal", "Ultimate Nonstick Fry Pan", 24, 44, {A("material", "aluminium")}},
                  {"Le Creuset", "Enameled Dutch Oven", 299, 429, {A("material", "enameled cast iron")}},
              },
              {{"diameter_cm", {N("20 cm", 20.0, 0.8), N("26 cm", 26.0, 1.0), N("30 cm", 30.0, 1.2)}, true},
               Texts("colour", {"Black", "Cerise", "Marseille Blue", "Stainless", "Flame"})},
              {"Even heat from edge to edge.", "Oven safe and dishwasher friendly.",
               "A pan that lasts a lifetime."}},
          Sub{"coffee",
              "Coffee Makers",
              0.16,
              {
                  {"Breville",
                   "Barista Express Espresso Machine",
                   599,
                   749,
                   {A("material", "stainless steel")}},
                  {"Keurig", "K-Elite Single Serve Coffee Maker", 149, 189, {A("material", "plastic")}},
                  {"Cuisinart",
                   "12-Cup Programmable Coffee Maker",
                   79,
                   99,
                   {A("material", "stainless steel")}},
                  {"Bodum", "Chambord French Press", 29, 49, {A("material", "glass")}},
              },
              {Texts("colour", {"Brushed Stainless", "Black", "White", "Red"})},
              {"Brews a full pot in minutes.", "A built-in grinder for fresh coffee every morning."}},
          Sub{"knives",
              "Knives & Cutlery",
              0.14,
              {
                  {"Wusthof", "Classic Chef's Knife", 129, 189, {A("material", "stainless steel")}},
                  {"Victorinox", "Fibrox Pro Chef's Knife", 39, 59, {A("material", "stainless steel")}},
                  {"Shun", "Classic Santoku Knife", 149, 199, {A("material", "damascus steel")}},
              },
              {{"blade_cm", {N("15 cm", 15.0, 0.8), N("20 cm", 20.0, 1.0), N("25 cm", 25.0, 1.2)}, true}},
              {"Precision-forged and razor sharp.", "A balanced handle for control."}},
          Sub{"bedding",
              "Bedding",
              0.24,
              {
                  {"Brooklinen", "Luxe Sateen Sheet Set", 149, 219, {A("material", "cotton")}},
                  {"Parachute", "Linen Duvet Cover", 219, 329, {A("material", "linen")}},
                  {"Coop Home Goods", "Adjustable Pillow", 59, 89, {A("material", "memory foam")}},
              },
              {Texts("bed_size", {"Twin", "Full", "Queen", "King"}),
               Texts("colour", {"White", "Sand", "Slate", "Sage"})},
              {"Buttery-soft and breathable.", "Gets softer with every wash."}},
          Sub{"appliances",
              "Small Appliances",
              0.24,
              {
                  {"Ninja", "Air Fryer", 99, 149, {A("material", "plastic")}},
                  {"Instant Pot", "Duo Pressure Cooker", 79, 119, {A("material", "stainless steel")}},
                  {"KitchenAid", "Artisan Stand Mixer", 379, 449, {A("material", "metal")}},
                  {"Vitamix", "Explorian Blender", 299, 349, {A("material", "plastic")}},
              },
              {Texts("colour", {"Black", "Empire Red", "Silver", "White", "Pistachio"})},
              {"Crisp results with little or no oil.", "Dishwasher-safe parts for quick clean-up."}},
      }});

  // ---------------------------------------------------------------- toys
  tops.push_back(Top{"toys",
                     "Toys",
                     0.06,
                     "Gift wrapping available at checkout.",
                     {
                         Sub{"building",
                             "Building Sets",
                             0.3,
                             {
                                 {"LEGO", "Classic Creative Brick Box", 29, 59, {A("age_min", 4.0)}},
                                 {"LEGO", "Technic Race Car", 49, 199, {A("age_min", 10.0)}},
                                 {"LEGO", "City Fire Station", 59, 99, {A("age_min", 6.0)}},
                                 {"Mega Bloks", "Big Building Bag", 19, 29, {A("age_min", 1.0)}},
                             },
                             {Texts("theme", {"Space", "City", "Castle", "Jungle", "Ocean", "Farm"}),
                              Texts("pieces", {"300 Pieces", "500 Pieces", "790 Pieces", "1,200 Pieces"})},
                             {"Hours of creative building.", "Compatible with all bricks in the range."}},
                         Sub{"board-games",
                             "Board Games & Puzzles",
                             0.3,
                             {
                                 {"Hasbro", "Monopoly Classic", 19, 24, {A("age_min", 8.0)}},
                                 {"Catan Studio", "Catan Board Game", 44, 54, {A("age_min", 10.0)}},
                                 {"Ravensburger", "Jigsaw Puzzle", 14, 29, {A("age_min", 12.0)}},
                                 {"Mattel", "UNO Card Game", 7, 12, {A("age_min", 7.0)}},
                                 {"Hasbro", "Clue Classic Mystery Game", 19, 24, {A("age_min", 8.0)}},
                                 {"Mattel", "Scrabble Crossword Game", 19, 29, {A("age_min", 8.0)}},
                                 {"Days of Wonder", "Ticket to Ride", 44, 54, {A("age_min", 8.0)}},
                                 {"Z-Man Games", "Pandemic", 34, 44, {A("age_min", 8.0)}},
                                 {"Czech Games", "Codenames", 19, 24, {A("age_min", 10.0)}},
                             },
                             {Texts("edition", {"Classic", "Travel Edition", "Deluxe Edition",
                                                "Family Edition", "Anniversary Edition"}),
                              Texts("language", {"English", "Spanish", "French"})},
                             {"Perfect for family game night.", "Easy to learn, hard to put down."}},
                         Sub{"dolls",
                             "Dolls & Action Figures",
                             0.2,
                             {
                                 {"Barbie", "Dreamhouse Adventures Doll", 14, 29, {A("age_min", 3.0)}},
                                 {"Hasbro", "Marvel Legends Action Figure", 19, 29, {A("age_min", 4.0)}},
                                 {"American Girl", "Truly Me Doll", 115, 125, {A("age_min", 6.0)}},
                                 {"Funko", "Pop! Vinyl Figure", 11, 15, {A("age_min", 3.0)}},
                                 {"Playmobil", "Figure Play Set", 14, 39, {A("age_min", 4.0)}},
                                 {"Hot Wheels", "Character Car Set", 9, 24, {A("age_min", 3.0)}},
                             },
                             {Texts("character", {"Spider-Man", "Iron Man", "Adventure Explorer", "Doctor",
                                                  "Astronaut", "Pilot"}),
                              Texts("scale", {"6-inch", "12-inch"})},
                             {"Fully posable with accessories included.", "Collect them all."}},
                         Sub{"outdoor-play",
                             "Outdoor Play",
                             0.2,
                             {
                                 {"Little Tikes", "Cozy Coupe Ride-On", 59, 69, {A("age_min", 1.5)}},
                                 {"Step2", "Naturally Playful Sandbox", 79, 99, {A("age_min", 2.0)}},
                                 {"Nerf", "Elite Blaster", 19, 49, {A("age_min", 8.0)}},
                                 {"Radio Flyer", "Classic Wagon", 99, 139, {A("age_min", 1.5)}},
                                 {"Razor", "A Kick Scooter", 39, 59, {A("age_min", 5.0)}},
                                 {"Little Tikes", "Easy Store Slide", 49, 69, {A("age_min", 2.0)}},
                             },
                             {Texts("colour", {"Red", "Blue", "Green", "Yellow"}),
                              Texts("size", {"Toddler", "Kids", "Big Kids"})},
                             {"Built for backyard adventures.", "Weather-resistant plastic."}},
                     }});

  // ---------------------------------------------------------------- groceries
  tops.push_back(Top{
      "groceries",
      "Groceries",
      0.08,
      "Fresh pantry staples, delivered on your schedule.",
      {
          Sub{"coffee-tea",
              "Coffee & Tea",
              0.24,
              {
                  {"Lavazza", "Super Crema Whole Bean Coffee", 14, 24, {}},
                  {"Peet's Coffee", "Major Dickason's Blend Ground Coffee", 11, 19, {}},
                  {"Starbucks", "Pike Place Roast K-Cup Pods", 12, 29, {}},
                  {"Twinings", "English Breakfast Tea Bags", 4, 12, {}},
              },
              {{"weight_g", {N("250 g", 250.0, 0.5), N("500 g", 500.0, 1.0), N("1 kg", 1000.0, 1.8)}, true},
               Texts("roast", {"Light Roast", "Medium Roast", "Dark Roast", "Decaf"})},
              {"Rich aroma with notes of chocolate and caramel.", "Roasted in small batches."},
              true},
          Sub{"snacks",
              "Snacks",
              0.24,
              {
                  {"Kind", "Nut Bars Variety Pack", 12, 19, {}},
                  {"Blue Diamond", "Roasted Almonds", 7, 14, {}},
                  {"Pringles", "Potato Crisps", 2, 6, {}},
                  {"Annie's", "Organic Bunny Crackers", 4, 9, {}},
              },
              {Texts("flavour", {"Original", "Sea Salt", "Dark Chocolate", "Honey Roasted", "Cheddar"}),
               {"weight_g", {N("150 g", 150.0, 0.6), N("400 g", 400.0, 1.0), N("1 kg", 1000.0, 2.0)}, true}},
              {"A satisfying snack with no artificial flavours.", "Great for lunch boxes."},
              true},
          Sub{"pantry",
              "Pantry Staples",
              0.24,
              {
                  {"Barilla", "Pasta", 2, 5, {}},
                  {"King Arthur", "All-Purpose Flour", 5, 9, {}},
                  {"Rao's", "Homemade Marinara Sauce", 7, 10, {}},
                  {"Lundberg", "Organic Brown Rice", 5, 11, {}},
              },
              {Texts("variety", {"Classic", "Organic", "Whole Grain", "Gluten Free"}),
               {"weight_g", {N("500 g", 500.0, 1.0), N("1 kg", 1000.0, 1.7), N("2 kg", 2000.0, 3.0)}, true}},
              {"A kitchen essential for quick weeknight dinners."},
              true},
          Sub{"candy",
              "Candy & Chocolate",
              0.28,
              {
                  {"Lindt", "Excellence Dark Chocolate Bar", 3, 5, {}},
                  {"Ghirardelli", "Chocolate Squares", 7, 14, {}},
                  {"Haribo", "Goldbears Gummy Candy", 2, 9, {}},
                  {"Jelly Belly", "Jelly Beans", 6, 15, {}},
              },
              {Texts("flavour", {"Classic", "Sea Salt Caramel", "Mint", "Assorted", "Sour", "Raspberry"}),
               {"weight_g", {N("100 g", 100.0, 0.6), N("250 g", 250.0, 1.0), N("1 kg", 1000.0, 3.0)}, true}},
              {"A sweet treat for sharing.", "Made with real cocoa butter."},
              true},
      }});

  // ---------------------------------------------------------------- automotive
  tops.push_back(
      Top{"automotive",
          "Automotive",
          0.05,
          "Fits guaranteed when you enter your vehicle.",
          {
              Sub{"car-care",
                  "Car Care",
                  0.3,
                  {
                      {"Meguiar's", "Ultimate Liquid Wax", 19, 29, {}},
                      {"Chemical Guys", "Mr. Pink Car Wash Soap", 9, 19, {}},
                      {"Armor All", "Interior Cleaning Wipes", 5, 9, {}},
                      {"Turtle Wax", "Hybrid Solutions Ceramic Spray Coating", 14, 24, {}},
                      {"Rain-X", "Original Glass Water Repellent", 5, 9, {}},
                      {"Armor All", "Tire Shine Spray", 6, 11, {}},
                      {"Meguiar's", "Gold Class Car Wash", 9, 14, {}},
                  },
                  {{"volume_ml",
                    {N("473 ml", 473.0, 1.0), N("946 ml", 946.0, 1.6), N("3.8 l", 3785.0, 3.5)},
                    true},
                   {"pack", {F("Single", 1.0), F("2-Pack", 1.9), F("6-Pack", 5.2)}, true}},
                  {"A showroom shine in one step.", "Safe on paint, plastic and glass."},
                  true},
              Sub{"motor-oil",
                  "Motor Oil & Fluids",
                  0.24,
                  {
                      {"Mobil 1", "Advanced Full Synthetic Motor Oil", 29, 39, {}},
                      {"Castrol", "GTX Magnatec Motor Oil", 24, 34, {}},
                      {"Valvoline", "High Mileage Motor Oil", 24, 32, {}},
                      {"Pennzoil", "Platinum Full Synthetic Motor Oil", 27, 37, {}},
                      {"Royal Purple", "High Performance Motor Oil", 34, 44, {}},
                  },
                  {Texts("viscosity", {"0W-16", "0W-20", "5W-20", "5W-30", "10W-30", "10W-40"}),
                   {"volume_ml", {N("1 qt", 946.0, 0.3), N("5 qt", 4730.0, 1.0)}, true}},
                  {"Protects the engine in extreme temperatures.", "Fights sludge between oil changes."},
                  true},
              Sub{"tires",
                  "Tyres & Wheels",
                  0.22,
                  {
                      {"Michelin", "Defender2 All-Season Tyre", 169, 249, {}},
                      {"Goodyear", "Assurance WeatherReady Tyre", 149, 219, {}},
                      {"Bridgestone", "Blizzak WS90 Winter Tyre", 139, 209, {}},
                      {"Continental", "TrueContact Tour Tyre", 139, 199, {}},
                      {"Pirelli", "Scorpion All Season Plus 3", 179, 259, {}},
                      {"Firestone", "Destination LE3 Tyre", 129, 189, {}},
                  },
                  {Texts("tyre_size", {"195/65R15", "205/55R16", "215/60R16", "225/65R17", "235/60R18",
                                       "245/60R18", "265/70R17", "275/55R20"})},
                  {"Confident grip on wet and dry roads.", "An 80,000-mile tread life warranty."}},
              Sub{"accessories",
                  "Car Accessories",
                  0.24,
                  {
                      {"WeatherTech", "FloorLiner Floor Mats", 119, 199, {}},
                      {"Thule", "Motion XT Roof Box", 699, 899, {}},
                      {"Garmin", "Dash Cam 57", 199, 229, {}},
                      {"NOCO", "Boost Plus Jump Starter", 99, 129, {}},
                      {"Husky Liners", "Cargo Liner", 89, 139, {}},
                      {"Yakima", "RoadWarrior Cargo Basket", 349, 449, {}},
                  },
                  {Texts("fit", {"SUV", "Sedan", "Pickup", "Universal"}),
                   Texts("colour", {"Black", "Grey", "Tan"})},
                  {"Laser-measured for a precise fit.", "Easy installation, no tools required."}},
          }});

  // ---------------------------------------------------------------- electronics
  tops.push_back(
      Top{"electronics",
          "Electronics",
          0.08,
          "Expert support and a 30-day price match.",
          {
              Sub{"headphones",
                  "Headphones",
                  0.26,
                  {
                      {"Sony",
                       "WH-1000XM5 Wireless Noise Cancelling Headphones",
                       349,
                       399,
                       {A("wireless", true)}},
                      {"Bose", "QuietComfort Ultra Headphones", 379, 429, {A("wireless", true)}},
                      {"Apple", "AirPods Pro (2nd generation)", 229, 249, {A("wireless", true)}},
                      {"JBL", "Tune 510BT On-Ear Headphones", 39, 49, {A("wireless", true)}},
                      {"Audio-Technica", "ATH-M50x Studio Headphones", 139, 169, {A("wireless", false)}},
                      {"Sennheiser", "Momentum 4 Wireless Headphones", 299, 379, {A("wireless", true)}},
                      {"Beats", "Studio Pro Wireless Headphones", 249, 349, {A("wireless", true)}},
                      {"Samsung", "Galaxy Buds3 Pro", 199, 249, {A("wireless", true)}},
                  },
                  {Texts("colour", {"Black", "Silver", "Midnight Blue", "White", "Sandstone"}),
                   {"bundle",
                    {F("Standard", 1.0), F("with Travel Case", 1.08), F("with 2-Year Protection Plan", 1.15)},
                    true}},
                  {"Industry-leading noise cancellation.", "Up to 30 hours of listening on one charge.",
                   "Clear calls with beam-forming microphones."}},
              Sub{"tvs",
                  "TVs",
                  0.18,
                  {
                      {"Samsung", "Crystal UHD 4K Smart TV", 299, 799, {A("wireless", true)}},
                      {"LG", "OLED evo C4 4K TV", 1299, 2799, {A("wireless", true)}},
                      {"TCL", "Q Class QLED 4K TV", 299, 899, {A("wireless", true)}},
                      {"Sony", "Bravia 7 Mini LED TV", 1199, 2499, {A("wireless", true)}},
                      {"Hisense", "U8 Mini-LED 4K TV", 699, 1499, {A("wireless", true)}},
                      {"Vizio", "Quantum 4K QLED Smart TV", 349, 899, {A("wireless", true)}},
                      {"Roku", "Pro Series QLED TV", 599, 1299, {A("wireless", true)}},
                  },
                  {{"screen_in",
                    {N("43-inch", 43.0, 0.6), N("55-inch", 55.0, 1.0), N("65-inch", 65.0, 1.4),
                     N("77-inch", 77.0, 2.0)},
                    true},
                   Texts("model_year", {"2024 Model", "2025 Model"})},
                  {"Vivid colour and deep contrast.", "Built-in streaming apps and voice control.",
                   "A game mode with 120 Hz refresh."}},
              Sub{"speakers",
                  "Speakers",
                  0.18,
                  {
                      {"Sonos", "Era 100 Smart Speaker", 249, 249, {A("wireless", true)}},
                      {"JBL", "Flip 6 Portable Bluetooth Speaker", 99, 129, {A("wireless", true)}},
                      {"Bose", "SoundLink Flex Speaker", 129, 149, {A("wireless", true)}},
                      {"Ultimate Ears", "BOOM 4 Speaker", 149, 149, {A("wireless", true)}},
                      {"Marshall", "Emberton II Portable Speaker", 169, 179, {A("wireless", true)}},
                      {"Anker", "Soundcore Motion 300 Speaker", 69, 79, {A("wireless", true)}},
                  },
                  {Texts("colour", {"Black", "White", "Blue", "Red", "Squad Camo"}),
                   {"bundle", {F("Single", 1.0), F("Pair", 1.9), F("with Charging Dock", 1.2)}, true}},
                  {"Big, room-filling sound.", "Waterproof and dustproof for the beach."}},
              Sub{"laptops",
                  "Laptops",
                  0.18,
                  {
                      {"Apple", "MacBook Air 13-inch", 999, 1499, {A("wireless", true)}},
                      {"Dell", "XPS 14 Laptop", 1299, 1999, {A("wireless", true)}},
                      {"Lenovo", "ThinkPad X1 Carbon", 1399, 2199, {A("wireless", true)}},
                      {"HP", "Pavilion 15 Laptop", 599, 899, {A("wireless", true)}},
                  },
                  {{"ram_gb",
                    {N("8GB RAM", 8.0, 0.9), N("16GB RAM", 16.0, 1.0), N("32GB RAM", 32.0, 1.25)},
                    true},
                   {"storage_gb",
                    {N("256GB SSD", 256.0, 0.95), N("512GB SSD", 512.0, 1.0), N("1TB SSD", 1024.0, 1.15)},
                    true},
                   Texts("colour", {"Silver", "Space Grey", "Midnight"})},
                  {"All-day battery in a thin, light design.", "A sharp display with true-to-life colour."}},
              Sub{"smart-home",
                  "Smart Home",
                  0.2,
                  {
                      {"Google", "Nest Learning Thermostat", 229, 279, {A("wireless", true)}},
                      {"Amazon", "Echo Dot Smart Speaker", 39, 49, {A("wireless", true)}},
                      {"Ring", "Video Doorbell", 99, 149, {A("wireless", true)}},
                      {"Philips Hue", "White and Colour Smart Bulb", 39, 49, {A("wireless", true)}},
                      {"Arlo", "Pro 5S Security Camera", 199, 249, {A("wireless", true)}},
                      {"Eufy", "RoboVac Robot Vacuum", 199, 399, {A("wireless", true)}},
                      {"TP-Link", "Kasa Smart Plug", 14, 29, {A("wireless", true)}},
                  },
                  {Texts("colour", {"Charcoal", "White", "Glacier", "Satin Nickel"}),
                   Texts("pack", {"Single", "2-Pack", "4-Pack"})},
                  {"Works with Alexa, Google Assistant and Apple Home.", "Set up in minutes from the app."}},
          }});

  // ---------------------------------------------------------------- sports
  tops.push_back(
      Top{"sports",
          "Sports & Outdoors",
          0.08,
          "Gear tested by our outdoor team.",
          {
              Sub{"fitness",
                  "Fitness",
                  0.26,
                  {
                      {"Bowflex", "SelectTech Adjustable Dumbbells", 299, 429, {A("material", "steel")}},
                      {"Manduka", "PRO Yoga Mat", 99, 129, {A("material", "PVC")}},
                      {"TRX", "All-in-One Suspension Trainer", 149, 179, {A("material", "nylon")}},
                      {"Gaiam", "Resistance Band Kit", 19, 29, {A("material", "latex")}},
                  },
                  {Texts("colour", {"Black", "Blue", "Purple", "Grey", "Green"})},
                  {"Train at home with gym-quality gear.", "Compact storage for small spaces."}},
              Sub{"cycling",
                  "Cycling",
                  0.22,
                  {
                      {"Giro", "Register MIPS Bike Helmet", 59, 69, {A("material", "polycarbonate")}},
                      {"Kryptonite", "Evolution U-Lock", 69, 89, {A("material", "steel")}},
                      {"Topeak", "JoeBlow Sport Floor Pump", 44, 54, {A("material", "steel")}},
                  },
                  {Texts("colour", {"Black", "White", "Red", "Blue"}), Texts("size", {"S", "M", "L"})},
                  {"Certified protection for road and trail.", "Lightweight with adjustable fit."}},
              Sub{"camping",
                  "Camping & Hiking",
                  0.28,
                  {
                      {"Coleman", "Sundome Camping Tent", 79, 129, {A("material", "polyester")}},
                      {"REI Co-op", "Trail 40 Backpack", 99, 129, {A("material", "nylon")}},
                      {"Kelty", "Cosmic 20 Sleeping Bag", 119, 159, {A("material", "down")}},
                      {"Hydro Flask", "Wide Mouth Water Bottle", 34, 49, {A("material", "stainless steel")}},
                  },
                  {Texts("colour", {"Green", "Orange", "Navy", "Grey", "Black"}),
                   Texts("capacity", {"2-Person", "4-Person", "20 L", "32 oz"})},
                  {"Sets up in ten minutes.", "Weatherproof for three seasons."}},
              Sub{"team-sports",
                  "Team Sports",
                  0.24,
                  {
                      {"Wilson", "NFL Official Football", 29, 129, {A("material", "leather")}},
                      {"Spalding", "NBA Street Basketball", 24, 34, {A("material", "rubber")}},
                      {"Adidas", "Tiro League Soccer Ball", 19, 29, {A("material", "TPU")}},
                      {"Rawlings", "Select Pro Lite Baseball Glove", 49, 79, {A("material", "leather")}},
                  },
                  {Texts("size", {"Youth", "Official", "Junior", "Size 4", "Size 5"})},
                  {"Game-ready grip and feel.", "Built for practice and match day."}},
          }});

  return tops;
}

// -------------------------------------------------------------- books
struct BookGenre {
  std::string name;
  double weight;
  std::vector<std::string> title_a;  // "The Silent", "A Winter"...
  std::vector<std::string> title_b;  // "River", "Garden"...
  std::vector<std::string> sentences;
};

const std::vector<BookGenre>& BookGenres() {
  static const std::vector<BookGenre> kGenres = {
      {"Fiction",
       0.24,
       {"The Silent", "A Winter", "The Last", "The Lighthouse", "Every Small", "The Paper", "Brave",
        "The Quiet", "Summer at the", "Daughters of the"},
       {"River", "Garden", "Letters", "Keeper", "Orchard", "House", "Promise", "Harbour", "Season", "Bridge"},
       {"A moving story of family, loss and second chances.", "Told across three generations of one family.",
        "A book club favourite."}},
      {"Science Fiction & Fantasy",
       0.2,
       {"The Stars of", "Children of", "The Iron", "Echoes of", "The Dragon of", "Beyond the", "The Glass",
        "Shadows over"},
       {"Andromeda", "Ember", "Empire", "the Void", "Kalmar", "Horizon", "Citadel", "the Deep"},
       {"An epic of empires among the stars.", "Magic, betrayal and a war for the throne.",
        "First in a bestselling series."}},
      {"Mystery & Thriller",
       0.2,
       {"The Girl in the", "Death at the", "The Silent", "Murder on the", "The Woman in", "Gone by",
        "The Night"},
       {"Window", "Vicarage", "Patient", "Orient Line", "Cabin 10", "Midnight", "Witness"},
       {"A twisting thriller you will read in one sitting.", "The detective's most baffling case yet."}},
      {"Cookbooks",
       0.12,
       {"Salt, Fat,", "Simple", "The Weeknight", "Plenty of", "The Bread", "Everyday"},
       {"Suppers", "Baking", "Vegetables", "Italian", "Grill", "Kitchen"},
       {"Over one hundred tested recipes with step-by-step photos.",
        "Cooking techniques for every home cook."}},
      {"Children's Books",
       0.12,
       {"The Very Hungry", "Goodnight", "Where the Wild", "The Little", "Llama Llama", "Pete the"},
       {"Caterpillar", "Moon", "Things Are", "Engine", "Red Pajama", "Cat"},
       {"A bedtime favourite for little readers.", "Bright illustrations on every page."}},
      {"Business & Self-Help",
       0.12,
       {"Atomic", "Deep", "The Lean", "Thinking,", "Start with", "The Power of"},
       {"Habits", "Work", "Startup", "Fast and Slow", "Why", "Now"},
       {"Practical strategies you can use tomorrow.", "A modern classic on focus and productivity."}},
  };
  return kGenres;
}

const std::vector<std::string>& AuthorFirst() {
  static const std::vector<std::string> k = {"Margaret", "James",  "Elena",  "David",  "Aisha",  "Thomas",
                                             "Sofia",    "Haruki", "Nora",   "Samuel", "Clara",  "Oliver",
                                             "Priya",    "Daniel", "Fiona",  "Marcus", "Ingrid", "Lucas",
                                             "Mei",      "Rafael", "Hannah", "Tobias", "Zadie",  "Colm"};
  return k;
}
const std::vector<std::string>& AuthorLast() {
  static const std::vector<std::string> k = {"Atwood",     "Hollis",    "Ferrante", "Mitchell",  "Okafor",
                                             "Reyes",      "Lindqvist", "Nakamura", "Whitfield", "Brennan",
                                             "Castellano", "Adeyemi",   "Sorensen", "Kowalski",  "Harrington",
                                             "Delacroix",  "Moreau",    "Patel",    "Gallagher", "Yoshida"};
  return k;
}
const std::vector<std::string>& Publishers() {
  static const std::vector<std::string> k = {
      "Penguin Random House", "HarperCollins", "Simon & Schuster", "Macmillan", "Hachette",
      "Scholastic",           "Ace",           "Tor Books"};
  return k;
}

// Rounds a major-unit price to a shop price ending in .99 (or .49 for
// prices under 10).
int64_t ShopPrice(double major) {
  if (major < 1) major = 1;
  if (major < 10) {
    double whole = std::floor(major);
    return static_cast<int64_t>(whole) * 100 + (major - whole < 0.5 ? 49 : 99);
  }
  return static_cast<int64_t>(std::floor(major)) * 100 + 99;
}

std::string Description(Random& rng, const std::string& title, const std::vector<std::string>& sentences,
                        const std::string& blurb) {
  std::string out = title + ".";
  std::vector<std::string> pool = sentences;
  rng.Shuffle(pool);
  size_t n = std::min<size_t>(pool.size(), 2 + rng.Below(2));
  for (size_t i = 0; i < n; ++i) out += " " + pool[i];
  out += " " + blurb;
  return out;
}

std::string SkuPart(std::string_view s, size_t max) {
  std::string out;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (out.size() >= max) break;
  }
  return out;
}

void GenerateBooks(int count, const Top& top, Random rng, DemoCatalog& out) {
  const std::vector<std::string> formats = {"Hardcover", "Paperback", "eBook", "Audiobook"};
  const std::vector<double> format_factor = {1.0, 0.6, 0.45, 0.8};
  std::set<std::string> titles;
  int made = 0;
  int author_index = 0;
  const size_t first = out.products.size();
  while (made < count) {
    // One author writes several books in one genre: readers follow authors.
    const BookGenre* genre = &BookGenres()[0];
    double u = rng.Unit(), acc = 0;
    for (const auto& g : BookGenres()) {
      acc += g.weight;
      if (u < acc) {
        genre = &g;
        break;
      }
    }
    std::string author = AuthorFirst()[static_cast<size_t>(author_index) % AuthorFirst().size()] + " " +
                         AuthorLast()[(static_cast<size_t>(author_index) * 7 +
                                       static_cast<size_t>(author_index) / AuthorFirst().size()) %
                                      AuthorLast().size()];
    ++author_index;
    std::string publisher = rng.Pick(Publishers());
    int books = static_cast<int>(rng.Between(2, 7));
    for (int b = 0; b < books && made < count; ++b) {
      std::string title;
      for (int attempt = 0; attempt < 20; ++attempt) {
        title = rng.Pick(genre->title_a) + " " + rng.Pick(genre->title_b);
        if (!titles.count(title + author)) break;
      }
      if (titles.count(title + author)) continue;
      titles.insert(title + author);
      const double pages = static_cast<double>(rng.Between(12, 70) * 8);
      const double base = 12 + rng.Unit() * 18 + pages / 100;
      const int64_t year = rng.Between(1995, 2026);
      const std::string book_id = std::to_string(out.products.size() - first);
      for (size_t f = 0; f < formats.size() && made < count; ++f) {
        if (f == 3 && rng.Chance(0.5)) continue;  // not every book has an audiobook
        DemoProduct p;
        p.top = top.key;
        p.kind = "books";
        p.input.category_path = {top.name, genre->name};
        catalog::Product& pr = p.input.product;
        pr.sku = "BOOK-" + book_id + "-" + SkuPart(formats[f], 2);
        pr.title = title + " (" + formats[f] + ") by " + author;
        pr.brand = publisher;
        pr.price = {ShopPrice(base * format_factor[f]), "USD"};
        pr.description = Description(rng, title + " by " + author, genre->sentences, top.blurb);
        pr.attributes = {{"author", author},
                         {"format", ToLower(formats[f])},
                         {"pages", pages},
                         {"genre", genre->name},
                         {"language", std::string("English")},
                         {"publication_year", static_cast<double>(year)}};
        pr.images = {"/static/img/books.svg"};
        out.products.push_back(std::move(p));
        ++made;
      }
    }
  }
  std::vector<int> order(out.products.size() - first);
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  rng.Shuffle(order);
  for (size_t i = 0; i < order.size(); ++i)
    out.products[first + static_cast<size_t>(order[i])].rank = static_cast<int>(i);
}

size_t Combinations(const Sub& sub) {
  size_t combos = sub.lines.size();
  for (const Dim& d : sub.dims) combos *= d.values.size();
  return combos;
}

// Every combination of a subcategory's lines and dimension values, in a
// seeded order; the first `count` become products.
void GenerateSub(int count, const Top& top, const Sub& sub, Random rng, DemoCatalog& out) {
  size_t combos = sub.lines.size();
  for (const Dim& d : sub.dims) combos *= d.values.size();
  std::vector<size_t> order(combos);
  for (size_t i = 0; i < combos; ++i) order[i] = i;
  rng.Shuffle(order);
  // Lines have a base price each, fixed before the variants.
  std::vector<double> base(sub.lines.size());
  for (size_t l = 0; l < base.size(); ++l) {
    base[l] = sub.lines[l].min_price + rng.Unit() * (sub.lines[l].max_price - sub.lines[l].min_price);
  }
  const size_t n = std::min(combos, static_cast<size_t>(std::max(count, 0)));
  // Keep the chosen combinations in their natural order so lines group together.
  std::vector<size_t> chosen(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n));
  std::sort(chosen.begin(), chosen.end());
  const size_t first = out.products.size();
  for (size_t c : chosen) {
    size_t rest = c;
    std::vector<size_t> pick(sub.dims.size());
    for (size_t d = sub.dims.size(); d-- > 0;) {
      pick[d] = rest % sub.dims[d].values.size();
      rest /= sub.dims[d].values.size();
    }
    const Line& line = sub.lines[rest];
    DemoProduct p;
    p.top = top.key;
    p.kind = sub.key;
    p.consumable = sub.consumable;
    p.input.category_path = {top.name, sub.name};
    catalog::Product& pr = p.input.product;
    pr.brand = line.brand;
    double price = base[rest];
    std::vector<std::string> variant;
    pr.attributes = line.fixed;
    std::string sku_tail;
    for (size_t d = 0; d < sub.dims.size(); ++d) {
      const DimValue& v = sub.dims[d].values[pick[d]];
      price *= v.price_factor;
      if (sub.dims[d].in_title) variant.push_back(v.title);
      pr.attributes.push_back({sub.dims[d].key, v.attr});
      sku_tail += "-" + SkuPart(v.title, 3) + std::to_string(pick[d]);
    }
    pr.title = line.brand + " " + line.name;
    if (!variant.empty()) pr.title += " \u2013 " + Join(variant, ", ");
    pr.sku = SkuPart(top.key, 4) + "-" + SkuPart(sub.key, 4) + "-" + std::to_string(rest) +
             SkuPart(line.name, 6) + sku_tail;
    pr.price = {ShopPrice(price), "USD"};
    pr.description = Description(rng, line.brand + " " + line.name, sub.sentences, top.blurb);
    if (!variant.empty()) pr.description += " Shown in " + Join(variant, ", ") + ".";
    pr.images = {"/static/img/" + Slugify(top.name) + ".svg"};
    if (sub.consumable) pr.attributes.push_back({"consumable", true});
    out.products.push_back(std::move(p));
  }
  std::vector<int> ranks(out.products.size() - first);
  for (size_t i = 0; i < ranks.size(); ++i) ranks[i] = static_cast<int>(i);
  rng.Shuffle(ranks);
  for (size_t i = 0; i < ranks.size(); ++i) out.products[first + i].rank = ranks[i];
}

void AddConfigurableProducts(DemoCatalog& out) {
  auto add = [&](std::string top, std::string kind, std::vector<std::string> path, std::string sku,
                 std::string title, std::string brand, int64_t price, std::string model,
                 std::string description, std::vector<Attribute> attributes) {
    DemoProduct p;
    p.top = std::move(top);
    p.kind = std::move(kind);
    p.input.category_path = std::move(path);
    catalog::Product& pr = p.input.product;
    pr.sku = std::move(sku);
    pr.title = std::move(title);
    pr.brand = std::move(brand);
    pr.price = {price, "USD"};
    pr.model_id = std::move(model);
    pr.description = std::move(description);
    pr.attributes = std::move(attributes);
    pr.attributes.push_back({"configurable", true});
    pr.images = {"/static/img/" + Slugify(p.input.category_path[0]) + ".svg"};
    out.products.push_back(std::move(p));
  };
  add("automotive", "suv", {"Automotive", "SUVs"}, kSuvSku, "Atelier Trailhead SUV \u2013 Build Your Own",
      "Atelier", 3200000, kSuvModelId,
      "Atelier Trailhead SUV. Configure the trim, engine (including the V6 and the hybrid), colour, wheels, "
      "interior and "
      "packages such as towing and winter. Find one in stock at a dealer near you or have it built to order "
      "at our "
      "plant with a guaranteed delivery date.",
      {{"seats", 7.0}, {"body", std::string("SUV")}});
  add("phones", "tablets", {"Phones & Tablets", "Tablets"}, kTabletSku,
      "Atelier Tablet with Personal Engraving", "Atelier", 44900, kTabletModelId,
      "A tablet engraved with your own words. Choose the model, storage and colour, then add up to two lines "
      "of "
      "laser engraving on the back in the font you like.",
      {{"screen_in", 11.0}, {"engraving", true}});
  add("shoes", "custom-shoes", {"Shoes", "Custom Shoes"}, kShoeSku,
      "Atelier Custom Shoe \u2013 Made to Your Size", "Atelier", 14000, kShoeModelId,
      "Custom shoes made to order in your exact size from 5 to 15 in half sizes and your width, narrow to "
      "extra "
      "wide. Pick the style, heel height, leather or suede, colour and sole.",
      {{"made_to_order", true}});
  add("groceries", "candy", {"Groceries", "Candy & Chocolate"}, kCandySku,
      "Printed Candy \u2013 Your Name and Photo", "Sweet Prints", 2400, kCandyModelId,
      "Candy printed with your message and photo. Choose the colours of the mix, two lines of text and a bag "
      "or a "
      "gift box. A sweet gift for weddings, birthdays and parties.",
      {{"consumable", false}});
}

std::vector<catalog::Location> DemoLocations() {
  using catalog::LocationType;
  return {
      {0, "DC-EAST", "East distribution centre (Allentown, PA)", LocationType::kDistributionCentre,
       "us-east"},
      {0, "DC-CENTRAL", "Central distribution centre (Columbus, OH)", LocationType::kDistributionCentre,
       "us-central"},
      {0, "DC-WEST", "West distribution centre (Reno, NV)", LocationType::kDistributionCentre, "us-west"},
      {0, "DEALER-BOSTON", "Atelier Motors Boston", LocationType::kDealer, "us-east"},
      {0, "DEALER-CHICAGO", "Atelier Motors Chicago", LocationType::kDealer, "us-central"},
      {0, "DEALER-LA", "Atelier Motors Los Angeles", LocationType::kDealer, "us-west"},
      {0, "STORE-NYC", "Atelier store New York", LocationType::kStore, "us-east"},
      {0, "STORE-SF", "Atelier store San Francisco", LocationType::kStore, "us-west"},
      // Plant codes are the demo models' plant ids (libs/config/models/*.yaml).
      {0, "detroit", "Detroit assembly plant", LocationType::kPlant, "us-central"},
      {0, "leipzig", "Leipzig assembly plant", LocationType::kPlant, "eu-central"},
      {0, "shenzhen", "Shenzhen engraving works", LocationType::kPlant, "ap-east"},
      {0, "cork", "Cork engraving works", LocationType::kPlant, "eu-west"},
      {0, "porto", "Porto shoe workshop", LocationType::kPlant, "eu-west"},
      {0, "hackettstown", "Hackettstown candy printing", LocationType::kPlant, "us-east"},
  };
}

}  // namespace

std::string AttributeString(const catalog::Product& p, const std::string& key) {
  const catalog::Attribute* a = p.FindAttribute(key);
  return a == nullptr ? std::string() : catalog::AttributeText(a->value);
}

DemoCatalog GenerateCatalog(const DemoOptions& options) {
  DemoCatalog out;
  const Random root(options.seed);
  std::vector<Top> tops = Specs();
  double total_weight = 0;
  for (const Top& t : tops) total_weight += t.weight;
  // Subcategories with fewer combinations than their share pass the rest
  // on; books, which have no such limit, are generated last and take it all.
  int carry = 0;
  int position = 0;
  const Top* books = nullptr;
  int books_count = 0;
  for (const Top& top : tops) {
    out.categories.push_back({"", {top.name}, position++});
    const int top_count = static_cast<int>(std::lround(options.product_count * top.weight / total_weight));
    if (top.key == "books") {
      int genre_position = 0;
      for (const auto& g : BookGenres()) out.categories.push_back({"", {top.name, g.name}, genre_position++});
      books = &top;
      books_count = top_count;
      continue;
    }
    double sub_weight = 0;
    for (const Sub& s : top.subs) sub_weight += s.weight;
    int sub_position = 0;
    for (const Sub& sub : top.subs) {
      out.categories.push_back({"", {top.name, sub.name}, sub_position++});
      const int want = static_cast<int>(std::lround(top_count * sub.weight / sub_weight)) + carry;
      const int n = std::min(want, static_cast<int>(Combinations(sub)));
      carry = want - n;
      GenerateSub(n, top, sub, root.Fork(top.key + "/" + sub.key), out);
    }
  }
  if (books != nullptr) GenerateBooks(books_count + carry, *books, root.Fork("books"), out);
  out.categories.push_back({"", {"Automotive", "SUVs"}, 100});
  out.categories.push_back({"", {"Shoes", "Custom Shoes"}, 100});
  AddConfigurableProducts(out);
  out.locations = DemoLocations();
  return out;
}

}  // namespace atelier::demo::internal
