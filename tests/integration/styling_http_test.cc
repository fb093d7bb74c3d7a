// Personal shoppers over real HTTP: a shopper asks with a spec sheet, the
// least-loaded stylist is assigned, sends picks with notes (a stock item,
// and a custom shoe the find tool proposes in the shopper's exact size,
// width and colour), messages go both ways, the shopper buys a pick in one
// click; and nobody reads or buys from another's request.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <string>
#include <vector>

#include "atelier/orders/accounts.h"
#include "atelier/server/services.h"
#include "http_client.h"
#include "shop_api.h"
#include "test_shop.h"

namespace atelier::testing {
namespace {

namespace json = boost::json;

// A signed-in account: a shopper or a stylist.
using Person = Shopper;

class StylingHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    shop_ = TestShop::Get();
    ASSERT_NE(shop_, nullptr);
    client_ = std::make_unique<HttpClient>(shop_->port());
    ASSERT_TRUE(client_->Connect());
  }

  HttpReply Send(const std::string& method, const std::string& target, const std::string& body = {},
                 Headers headers = {}) {
    return Call(*client_, method, target, body, std::move(headers));
  }
  HttpReply As(const Person& p, const std::string& method, const std::string& target,
               const std::string& body = {}, Headers headers = {}) {
    return testing::As(*client_, p, method, target, body, std::move(headers));
  }

  Person Login(const std::string& email) {
    Person p;
    p.email = email;
    HttpReply r = Send("POST", "/api/v1/auth/login",
                       R"({"email":")" + email + R"(","password":")" + kShopperPassword + R"("})");
    EXPECT_EQ(r.status, 200) << r.body;
    p.session = r.SetCookie("atelier_session");
    json::value v = Json(r);
    p.csrf = std::string(v.at("csrf_token").as_string());
    p.id = v.at("account").at("id").as_int64();
    return p;
  }

  // A new shopper, registered and then logged in afresh, with a saved
  // shipping address (one-click buys ship there) unless `with_address` is
  // false.
  Person Shopper(bool with_address = true) {
    Person p = Login(RegisterShopper(*client_, "shopper").email);
    if (with_address) SaveAddress(*client_, p);
    return p;
  }

  // A staff account with the stylist role, as `atelier admin create-staff`
  // makes it, logged in over HTTP.
  Person Stylist() {
    const std::string email = UniqueEmail("stylist");
    auto made = shop_->services().accounts->Register({email, kShopperPassword, orders::Role::kStylist, ""});
    EXPECT_TRUE(made.ok());
    Person p = Login(email);
    stylists_[p.id] = p;
    return p;
  }

  // The logged-in stylist with this account id (created by this test).
  Person StylistById(int64_t id) {
    auto it = stylists_.find(id);
    EXPECT_NE(it, stylists_.end()) << "request assigned to stylist " << id << ", unknown to this test";
    return it == stylists_.end() ? Person{} : it->second;
  }

  static std::string SheetBody() {
    return R"({"category":"shoes","size":"10.5","width":"XW","colour":"burgundy","likes":["leather"],)"
           R"("dislikes":["suede"],"budget":30000,"notes":"Wedding in June"})";
  }

  // Opens a request for `shopper`; returns the response body.
  json::object Ask(const Person& shopper) {
    HttpReply r = As(shopper, "POST", "/api/v1/stylist-requests", SheetBody());
    EXPECT_EQ(r.status, 201) << r.body;
    return Json(r).as_object();
  }

  // A standard product with stock.
  std::string StockSku() {
    std::vector<std::string> skus = StockSkus(1);
    return skus.empty() ? std::string() : skus[0];
  }

  // `n` distinct standard products with stock, each SKU once.
  std::vector<std::string> StockSkus(int n) {
    auto rows = shop_->services().db->Query(
        "SELECT p.sku FROM products p JOIN stock_units s ON s.product_id = p.id "
        "WHERE p.model_id IS NULL OR p.model_id = '' GROUP BY p.sku HAVING SUM(s.quantity) >= 20 "
        "ORDER BY p.sku LIMIT ?",
        {int64_t{n}});
    std::vector<std::string> skus;
    if (rows.ok()) {
      for (const auto& row : *rows) skus.push_back(row.Text(0));
    }
    EXPECT_EQ(skus.size(), static_cast<size_t>(n));
    return skus;
  }

  // A new shopper's request and the stylist it went to (one of this
  // process's stylists; one more is made first so there always is one).
  struct Assigned {
    Person shopper;
    Person stylist;
    int64_t id = 0;
  };
  Assigned OpenAssigned() {
    Stylist();
    Assigned a;
    a.shopper = Shopper();
    json::object asked = Ask(a.shopper);
    a.id = asked.at("id").as_int64();
    a.stylist = StylistById(asked.at("stylist").at("id").as_int64());
    return a;
  }

  static std::string Path(int64_t request_id, const std::string& rest = {}) {
    return "/api/v1/stylist-requests/" + std::to_string(request_id) + rest;
  }

  TestShop* shop_ = nullptr;
  std::unique_ptr<HttpClient> client_;
  // Every stylist of this process (the shop is shared by the tests).
  static inline std::map<int64_t, Person> stylists_;
};

TEST_F(StylingHttpTest, StylistPicksReachTheShopperWhoBuysOneInOneClick) {
  Stylist();
  Stylist();
  Person alice = Shopper();
  json::object asked = Ask(alice);
  const int64_t id = asked.at("id").as_int64();
  EXPECT_EQ(asked.at("state").as_string(), "assigned");
  EXPECT_EQ(asked.at("spec_sheet").at("width").as_string(), "XW");
  EXPECT_EQ(asked.at("spec_sheet").at("budget").as_int64(), 30000);
  Person stylist = StylistById(asked.at("stylist").at("id").as_int64());

  // The stylist sees it in the queue with the spec sheet.
  HttpReply queue = As(stylist, "GET", "/api/v1/stylist-requests?state=active");
  ASSERT_EQ(queue.status, 200) << queue.body;
  bool listed = false;
  const json::value queued = Json(queue);
  for (const auto& item : queued.at("items").as_array()) {
    if (item.at("id").as_int64() != id) continue;
    listed = true;
    EXPECT_EQ(item.at("shopper").at("email").as_string(), alice.email);
    EXPECT_EQ(item.at("spec_sheet").at("colour").as_string(), "burgundy");
  }
  EXPECT_TRUE(listed);

  // A stock pick with a note.
  const std::string sku = StockSku();
  HttpReply picked = As(stylist, "POST", Path(id, "/picks"),
                        R"({"sku":")" + sku + R"(","note":"In stock today, and it goes with everything"})");
  ASSERT_EQ(picked.status, 201) << picked.body;
  const int64_t pick_id = Json(picked).at("id").as_int64();

  // The find tool proposes the custom shoe in the exact size, width and
  // colour; the stylist sends it.
  HttpReply found = Send("POST", "/api/v1/shopper/find",
                         R"({"specs":[{"field":"size","value":10.5},{"field":"width","value":"XW"},)"
                         R"({"field":"colour","value":"burgundy"}],"budget":30000,"category":"shoes",)"
                         R"("kind":"configuration","limit":1})");
  ASSERT_EQ(found.status, 200) << found.body;
  const json::value found_json = Json(found);
  const json::array& matches = found_json.at("matches").as_array();
  ASSERT_FALSE(matches.empty()) << found.body;
  json::object custom;
  custom["model_id"] = matches[0].at("model_id");
  custom["selections"] = matches[0].at("configuration");
  custom["note"] = "No shoe in stock is an extra-wide 10.5 in burgundy, so this one is made for you";
  HttpReply custom_pick = As(stylist, "POST", Path(id, "/picks"), json::serialize(custom));
  ASSERT_EQ(custom_pick.status, 201) << custom_pick.body;
  json::value cp = Json(custom_pick);
  EXPECT_EQ(cp.at("kind").as_string(), "configured");
  EXPECT_EQ(cp.at("selections").at("size").as_string(), "10.5");
  EXPECT_EQ(cp.at("selections").at("width").as_string(), "XW");
  EXPECT_EQ(cp.at("selections").at("colour").as_string(), "burgundy");
  EXPECT_TRUE(cp.at("price").is_object());

  // The shopper sees both picks with the notes.
  HttpReply seen = As(alice, "GET", Path(id));
  ASSERT_EQ(seen.status, 200) << seen.body;
  const json::value seen_json = Json(seen);
  const json::array& picks = seen_json.at("picks").as_array();
  ASSERT_EQ(picks.size(), 2u);
  EXPECT_EQ(picks[0].at("sku").as_string(), sku);
  EXPECT_EQ(picks[0].at("note").as_string(), "In stock today, and it goes with everything");
  EXPECT_TRUE(picks[0].at("price").at("amount").as_int64() > 0);

  // One click: an order, and the same order on a retry.
  HttpReply bought = As(alice, "POST", Path(id, "/picks/" + std::to_string(pick_id) + "/buy"), {},
                        {{"Idempotency-Key", "style-buy-1"}});
  ASSERT_EQ(bought.status, 201) << bought.body;
  const int64_t order_id = Json(bought).at("order").at("id").as_int64();
  HttpReply retry = As(alice, "POST", Path(id, "/picks/" + std::to_string(pick_id) + "/buy"), {},
                       {{"Idempotency-Key", "style-buy-1"}});
  ASSERT_EQ(retry.status, 201) << retry.body;
  EXPECT_EQ(Json(retry).at("order").at("id").as_int64(), order_id);
  HttpReply order = As(alice, "GET", "/api/v1/orders/" + std::to_string(order_id));
  ASSERT_EQ(order.status, 200) << order.body;
  const json::value order_json = Json(order);
  const json::array& lines = order_json.at("lines").as_array();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].at("sku").as_string(), sku);
  EXPECT_EQ(lines[0].at("quantity").as_int64(), 1);
  HttpReply after = As(alice, "GET", Path(id));
  EXPECT_EQ(Json(after).at("picks").at(0).at("order_ids").at(0).as_int64(), order_id);

  // The custom shoe is built to order, also in one click.
  const int64_t custom_id = cp.at("id").as_int64();
  HttpReply built = As(alice, "POST", Path(id, "/picks/" + std::to_string(custom_id) + "/buy"), {},
                       {{"Idempotency-Key", "style-buy-2"}});
  ASSERT_EQ(built.status, 201) << built.body;
  HttpReply custom_order =
      As(alice, "GET", "/api/v1/orders/" + std::to_string(Json(built).at("order").at("id").as_int64()));
  EXPECT_EQ(Json(custom_order).at("fulfilment").as_string(), "build_to_order");
}

// One click ships to the saved address; without one it is 409 naming
// `shipping` with a message that says to add an address, and once one is
// saved the same click goes through.
TEST_F(StylingHttpTest, OneClickShipsToTheSavedAddressAndWithoutOneSaysToAddIt) {
  Stylist();
  Person carol = Shopper(/*with_address=*/false);
  json::object asked = Ask(carol);
  const int64_t id = asked.at("id").as_int64();
  Person stylist = StylistById(asked.at("stylist").at("id").as_int64());
  HttpReply picked = As(stylist, "POST", Path(id, "/picks"), R"({"sku":")" + StockSku() + R"(","note":"x"})");
  ASSERT_EQ(picked.status, 201) << picked.body;
  const std::string buy = Path(id, "/picks/" + std::to_string(Json(picked).at("id").as_int64()) + "/buy");

  HttpReply refused = As(carol, "POST", buy, {}, {{"Idempotency-Key", "no-address-1"}});
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(ErrorCodeOf(refused), "conflict");
  EXPECT_EQ(ErrorField(refused), "shipping");
  EXPECT_NE(ErrorMember(refused, "message").find("add a shipping address"), std::string::npos)
      << refused.body;
  EXPECT_EQ(Json(As(carol, "GET", "/api/v1/orders")).at("total").as_int64(), 0);

  SaveAddress(*client_, carol,
              R"({"name":"Carol Danvers","line1":"5 Harbour St","city":"Toronto","state":"on",)"
              R"("postal_code":"M5J 2N8","country":"ca"})");
  HttpReply bought = As(carol, "POST", buy, {}, {{"Idempotency-Key", "no-address-1"}});
  ASSERT_EQ(bought.status, 201) << bought.body;
  const json::value shipped = Json(bought).at("order").at("shipping");
  EXPECT_EQ(shipped.at("name").as_string(), "Carol Danvers");
  EXPECT_EQ(shipped.at("state").as_string(), "ON");
  EXPECT_EQ(shipped.at("country").as_string(), "CA");
  const json::value order = Json(
      As(carol, "GET", "/api/v1/orders/" + std::to_string(Json(bought).at("order").at("id").as_int64())));
  EXPECT_EQ(order.at("shipping").at("city").as_string(), "Toronto");
  EXPECT_EQ(order.at("shipping").at("state").as_string(), "ON");
  EXPECT_EQ(order.at("shipping").at("postal_code").as_string(), "M5J 2N8");
}

TEST_F(StylingHttpTest, OneClickBuysThePickAloneAndLeavesTheCartAsItWas) {
  auto [alice, stylist, id] = OpenAssigned();
  const std::vector<std::string> skus = StockSkus(3);
  ASSERT_EQ(skus.size(), 3u);
  HttpReply picked = As(stylist, "POST", Path(id, "/picks"), R"({"sku":")" + skus[0] + R"(","note":"this one"})");
  ASSERT_EQ(picked.status, 201) << picked.body;
  const std::string buy = Path(id, "/picks/" + std::to_string(Json(picked).at("id").as_int64()) + "/buy");

  // The shopper's cart already holds two other things.
  ASSERT_EQ(As(alice, "POST", "/api/v1/cart/items", R"({"sku":")" + skus[1] + R"(","quantity":2})").status, 201);
  ASSERT_EQ(As(alice, "POST", "/api/v1/cart/items", R"({"sku":")" + skus[2] + R"("})").status, 201);
  const json::value before = Json(As(alice, "GET", "/api/v1/cart"));
  ASSERT_EQ(before.at("lines").as_array().size(), 2u);

  HttpReply bought = As(alice, "POST", buy, {}, {{"Idempotency-Key", "busy-cart-1"}});
  ASSERT_EQ(bought.status, 201) << bought.body;
  const int64_t order_id = Json(bought).at("order").at("id").as_int64();
  const json::value order = Json(As(alice, "GET", "/api/v1/orders/" + std::to_string(order_id)));
  ASSERT_EQ(order.at("lines").as_array().size(), 1u);
  EXPECT_EQ(order.at("lines").at(0).at("sku").as_string(), skus[0]);
  EXPECT_EQ(order.at("lines").at(0).at("quantity").as_int64(), 1);
  // The cart is exactly as it was: same lines, quantities and subtotal.
  EXPECT_EQ(Json(As(alice, "GET", "/api/v1/cart")), before);

  // A retry returns the same order and still leaves the cart alone.
  HttpReply retry = As(alice, "POST", buy, {}, {{"Idempotency-Key", "busy-cart-1"}});
  ASSERT_EQ(retry.status, 201) << retry.body;
  EXPECT_EQ(Json(retry).at("order").at("id").as_int64(), order_id);
  EXPECT_EQ(Json(As(alice, "GET", "/api/v1/orders")).at("total").as_int64(), 1);
  EXPECT_EQ(Json(As(alice, "GET", "/api/v1/cart")), before);

  // The cart's own checkout buys what the cart holds, and only that.
  HttpReply checkout = As(alice, "POST", "/api/v1/checkout", R"({"shipping":{"region":"us-east"}})",
                          {{"Idempotency-Key", "busy-cart-checkout"}});
  ASSERT_EQ(checkout.status, 201) << checkout.body;
  const json::value cart_order = Json(checkout);
  ASSERT_EQ(cart_order.at("lines").as_array().size(), 2u);
  EXPECT_EQ(cart_order.at("lines").at(0).at("sku").as_string(), skus[1]);
  EXPECT_EQ(cart_order.at("lines").at(0).at("quantity").as_int64(), 2);
  EXPECT_EQ(cart_order.at("lines").at(1).at("sku").as_string(), skus[2]);
}

TEST_F(StylingHttpTest, MessagesGoBothWaysUntilTheRequestIsClosed) {
  auto [bob, stylist, id] = OpenAssigned();
  ASSERT_EQ(As(stylist, "POST", Path(id, "/messages"), R"({"body":"Any heel you avoid?"})").status, 201);
  ASSERT_EQ(As(bob, "POST", Path(id, "/messages"), R"({"body":"Nothing above 3 cm"})").status, 201);
  HttpReply empty = As(bob, "POST", Path(id, "/messages"), R"({"body":"  "})");
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(ErrorField(empty), "body");

  for (const Person* viewer : {&bob, &stylist}) {
    HttpReply seen = As(*viewer, "GET", Path(id));
    ASSERT_EQ(seen.status, 200) << seen.body;
    const json::value seen_json = Json(seen);
    const json::array& messages = seen_json.at("messages").as_array();
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0].at("author").as_string(), "stylist");
    EXPECT_EQ(messages[0].at("body").as_string(), "Any heel you avoid?");
    EXPECT_EQ(messages[1].at("author").as_string(), "shopper");
    EXPECT_EQ(messages[1].at("mine").as_bool(), viewer == &bob);
  }

  HttpReply closed = As(bob, "POST", Path(id, "/close"));
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(Json(closed).at("state").as_string(), "closed");
  HttpReply late = As(stylist, "POST", Path(id, "/messages"), R"({"body":"One more idea"})");
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(ErrorField(late), "state");
}

TEST_F(StylingHttpTest, AssignsTheLeastLoadedStylist) {
  Stylist();
  Stylist();
  auto load = [&](const Person& s) {
    return Json(As(s, "GET", "/api/v1/stylist-requests?state=active")).at("total").as_int64();
  };
  // Every stylist of the shop was made by this process: the next request
  // goes to the one with the fewest active requests, the lowest id on a tie.
  for (int i = 0; i < 4; ++i) {
    std::pair<int64_t, int64_t> best{INT64_MAX, 0};
    for (const auto& [id, stylist] : stylists_) best = std::min(best, std::pair{load(stylist), id});
    json::object asked = Ask(Shopper());
    EXPECT_EQ(asked.at("stylist").at("id").as_int64(), best.second) << "least load " << best.first;
  }
}

TEST_F(StylingHttpTest, NobodyReadsOrBuysFromAnothersRequest) {
  Stylist();
  Person alice = Shopper();
  Person mallory = Shopper();
  json::object asked = Ask(alice);
  const int64_t id = asked.at("id").as_int64();
  Person stylist = StylistById(asked.at("stylist").at("id").as_int64());
  HttpReply picked = As(stylist, "POST", Path(id, "/picks"), R"({"sku":")" + StockSku() + R"(","note":"x"})");
  ASSERT_EQ(picked.status, 201) << picked.body;
  const std::string pick = std::to_string(Json(picked).at("id").as_int64());

  EXPECT_EQ(As(mallory, "GET", Path(id)).status, 404);
  EXPECT_EQ(As(mallory, "POST", Path(id, "/messages"), R"({"body":"hi"})").status, 404);
  EXPECT_EQ(As(mallory, "POST", Path(id, "/close")).status, 404);
  EXPECT_EQ(As(mallory, "POST", Path(id, "/picks/" + pick + "/cart")).status, 404);
  EXPECT_EQ(As(mallory, "POST", Path(id, "/picks/" + pick + "/buy"), {}, {{"Idempotency-Key", "m-1"}}).status,
            404);
  // A shopper cannot send picks, not even on their own request.
  EXPECT_EQ(As(alice, "POST", Path(id, "/picks"), R"({"sku":")" + StockSku() + R"("})").status, 404);
  const json::value mallorys = Json(As(mallory, "GET", "/api/v1/stylist-requests"));
  for (const auto& item : mallorys.at("items").as_array()) {
    EXPECT_NE(item.at("id").as_int64(), id);
  }
  // Another stylist does not see it either.
  Person other = Stylist();
  ASSERT_NE(other.id, stylist.id);
  EXPECT_EQ(As(other, "GET", Path(id)).status, 404);
  // An id that does not exist reads the same as someone else's.
  EXPECT_EQ(As(alice, "GET", Path(999'999'999)).status, 404);
  EXPECT_EQ(Json(As(alice, "GET", Path(id))).at("picks").at(0).at("order_ids").as_array().size(), 0u);
}

TEST_F(StylingHttpTest, AnswersEveryErrorNamingTheField) {
  Stylist();
  Person alice = Shopper();
  // No session; a session without the CSRF token.
  EXPECT_EQ(Send("POST", "/api/v1/stylist-requests", SheetBody()).status, 401);
  EXPECT_EQ(Send("GET", "/api/v1/stylist-requests").status, 401);
  HttpReply no_csrf =
      Send("POST", "/api/v1/stylist-requests", SheetBody(), {{"Cookie", "atelier_session=" + alice.session}});
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(ErrorField(no_csrf), "csrf_token");
  // Bad spec sheets.
  HttpReply budget = As(alice, "POST", "/api/v1/stylist-requests", R"({"budget":"lots"})");
  EXPECT_EQ(budget.status, 400);
  EXPECT_EQ(ErrorField(budget), "budget");
  HttpReply likes = As(alice, "POST", "/api/v1/stylist-requests", R"({"likes":["black", 3]})");
  EXPECT_EQ(likes.status, 400);
  EXPECT_EQ(ErrorField(likes), "likes[1]");
  HttpReply unknown = As(alice, "POST", "/api/v1/stylist-requests", R"({"shoe_size":"10"})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(ErrorField(unknown), "shoe_size");
  HttpReply empty = As(alice, "POST", "/api/v1/stylist-requests", R"({})");
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(ErrorField(empty), "notes");
  // Bad picks.
  json::object asked = Ask(alice);
  const int64_t id = asked.at("id").as_int64();
  Person stylist = StylistById(asked.at("stylist").at("id").as_int64());
  HttpReply no_sku = As(stylist, "POST", Path(id, "/picks"), R"({"sku":"NO-SUCH-SKU"})");
  EXPECT_EQ(no_sku.status, 404);
  EXPECT_EQ(ErrorField(no_sku), "sku");
  HttpReply bad_size = As(stylist, "POST", Path(id, "/picks"),
                          R"({"model_id":"shoes","selections":{"size":"99"},"note":"x"})");
  EXPECT_EQ(bad_size.status, 400) << bad_size.body;
  EXPECT_EQ(ErrorField(bad_size).rfind("selections", 0), 0u) << bad_size.body;
  // Buying without an Idempotency-Key.
  HttpReply picked = As(stylist, "POST", Path(id, "/picks"), R"({"sku":")" + StockSku() + R"("})");
  ASSERT_EQ(picked.status, 201);
  HttpReply no_key =
      As(alice, "POST", Path(id, "/picks/" + std::to_string(Json(picked).at("id").as_int64()) + "/buy"));
  EXPECT_EQ(no_key.status, 400);
  EXPECT_EQ(ErrorField(no_key), "idempotency_key");
  // A key already used to buy another pick.
  ASSERT_EQ(As(alice, "POST", Path(id, "/picks/" + std::to_string(Json(picked).at("id").as_int64()) + "/buy"), {},
               {{"Idempotency-Key", "used-1"}})
                .status,
            201);
  HttpReply other_pick = As(stylist, "POST", Path(id, "/picks"), R"({"sku":")" + StockSku() + R"(","note":"y"})");
  ASSERT_EQ(other_pick.status, 201);
  HttpReply reused =
      As(alice, "POST", Path(id, "/picks/" + std::to_string(Json(other_pick).at("id").as_int64()) + "/buy"), {},
         {{"Idempotency-Key", "used-1"}});
  EXPECT_EQ(reused.status, 409);
  EXPECT_EQ(ErrorField(reused), "idempotency_key");
  // A stylist cannot open requests.
  HttpReply staff = As(stylist, "POST", "/api/v1/stylist-requests", SheetBody());
  EXPECT_EQ(staff.status, 403);
}

}  // namespace
}  // namespace atelier::testing
