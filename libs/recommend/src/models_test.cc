// Each model on a small synthetic history with a planted pattern it must find.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "atelier/recommend/evaluate.h"
#include "atelier/recommend/model.h"
#include "atelier/recommend/ranking.h"
#include "atelier/recommend/recommender.h"
#include "atelier/store/database.h"

namespace atelier::recommend {
namespace {

std::string Item(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "item%03d", i);
  return buf;
}

// 70 items, 120 users, each user 6 baskets over 6 days. Planted:
//  - item 0 and item 1 always bought together (bundle);
//  - users in group g (user % 3) buy 3 items a basket from [10 + 20g, 30 + 20g);
//  - every user re-buys a personal staple (item 5 + user % 5) in every basket;
//  - background noise from all items.
EventLog PlantedLog(bool staples = true) {
  EventLogBuilder b;
  b.SetHasTime(true);
  std::mt19937 gen(7);
  std::uniform_int_distribution<int> any(0, 69), group_item(0, 19);
  std::bernoulli_distribution noise(0.3), bundle(0.3);
  for (int u = 0; u < 120; ++u) {
    std::string user = "user" + std::to_string(u);
    int g = u % 3;
    for (int k = 0; k < 6; ++k) {
      std::string basket = user + "-" + std::to_string(k);
      int64_t ts = 1700000000 + k * 86400 + u;
      auto add = [&](int item) { b.Add(user, Item(item), basket, ts, 1, EventType::kPurchase); };
      if (bundle(gen)) {
        add(0);
        add(1);
      }
      for (int j = 0; j < 3; ++j) add(10 + 20 * g + group_item(gen));
      if (staples) add(5 + u % 5);
      if (noise(gen)) add(any(gen));
    }
  }
  return std::move(b).Finish();
}

uint32_t IndexOf(const EventLog& log, const std::string& id) {
  auto it = std::lower_bound(log.item_ids.begin(), log.item_ids.end(), id);
  return static_cast<uint32_t>(it - log.item_ids.begin());
}

std::vector<uint32_t> Top(const Model& m, const History& h, const Query& q, size_t k,
                          std::span<const uint32_t> exclude = {}) {
  std::vector<float> scores(h.data.num_items);
  m.Score(q, scores);
  std::vector<ScoredItem> top;
  TopK(scores, h.popularity, k, exclude, top);
  std::vector<uint32_t> out;
  for (auto& t : top) out.push_back(t.item);
  return out;
}

class ModelsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = PlantedLog();
    history_ = History::Build(BuildInteractions(log_));
  }
  std::unique_ptr<Model> Fitted(const std::string& kind, const Params& p = {}) {
    auto m = CreateModel(kind, p);
    EXPECT_TRUE(m.ok());
    Status s = (*m)->Fit(history_);
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return std::move(*m);
  }
  EventLog log_;
  std::shared_ptr<const History> history_;
};

TEST_F(ModelsTest, ItemToItemModelsCompleteThePlantedBundle) {
  uint32_t a = IndexOf(log_, Item(0)), b = IndexOf(log_, Item(1));
  uint32_t query[1] = {a};
  for (const char* kind : {"cooccurrence", "ease", "als", "completion", "basketknn"}) {
    auto m = Fitted(kind);
    auto top = Top(*m, *history_, Query{kNone, query}, 1, query);
    ASSERT_EQ(top.size(), 1u) << kind;
    EXPECT_EQ(top[0], b) << kind << " should complete item 0 with item 1";
  }
}

TEST_F(ModelsTest, CollaborativeModelsRecommendFromTheUsersGroup) {
  // An anonymous query made of group-1 items: the rest of its top-5 should
  // be group-1 items (30..49), not the globally popular bundle or staples.
  std::vector<uint32_t> query;
  for (int i : {30, 31, 32}) query.push_back(IndexOf(log_, Item(i)));
  for (const char* kind : {"cooccurrence", "ease", "als"}) {
    auto m = Fitted(kind);
    auto top = Top(*m, *history_, Query{kNone, query}, 5, query);
    int in_group = 0;
    for (uint32_t i : top) {
      int id = std::stoi(log_.item_ids[i].substr(4));
      in_group += id >= 30 && id < 50;
    }
    EXPECT_GE(in_group, 4) << kind;
  }
}

// Baskets without users: {a, b} x 6, {a, c} x 2, {b, d} x 3, {c, d} x 2.
// Given a, the missing item is b three times in four and d never; given
// nothing, b (in 9 baskets) is the likeliest; a query's own items are never
// predicted.
TEST_F(ModelsTest, CompletionPredictsTheMissingItemOfABasket) {
  EventLogBuilder b;
  int basket = 0;
  auto add = [&](std::initializer_list<const char*> items, int times) {
    for (int t = 0; t < times; ++t, ++basket) {
      for (const char* item : items) b.Add("", item, "o" + std::to_string(basket), basket, 1, EventType::kPurchase);
    }
  };
  add({"a", "b"}, 6);
  add({"a", "c"}, 2);
  add({"b", "d"}, 3);
  add({"c", "d"}, 2);
  EventLog log = std::move(b).Finish();
  ASSERT_EQ(log.item_ids, (std::vector<std::string>{"a", "b", "c", "d"}));
  auto h = History::Build(BuildInteractions(log));
  auto m = CreateModel("completion", {{"epochs", 40}, {"l2", 0}}).value();
  ASSERT_TRUE(m->Fit(h).ok());
  std::vector<float> p(4);
  uint32_t a[1] = {0};
  m->Score(Query{kNone, a}, p);
  EXPECT_EQ(p[0], 0.0f);
  EXPECT_NEAR(p[1] + p[2] + p[3], 1.0f, 1e-5);
  EXPECT_GT(p[1], 0.5f);  // 6 of the 8 baskets with a hold b
  EXPECT_GT(p[2], p[3]);  // c completes a twice, d never
  EXPECT_EQ(Top(*m, *h, Query{}, 1), (std::vector<uint32_t>{1}));
  // The fit is deterministic, and an artifact round trip keeps the scores.
  auto again = CreateModel("completion", {{"epochs", 40}, {"l2", 0}}).value();
  ASSERT_TRUE(again->Fit(h).ok());
  std::stringstream state;
  ASSERT_TRUE(again->Save(state).ok());
  auto loaded = CreateModel("completion", {{"epochs", 40}, {"l2", 0}}).value();
  ASSERT_TRUE(loaded->Load(state, h).ok());
  std::vector<float> p1(4), p2(4);
  m->Score(Query{kNone, a}, p1);
  loaded->Score(Query{kNone, a}, p2);
  EXPECT_EQ(p1, p2);
}

// The baskets {a, b, x}, {c, d, x}, {a, d, y}, {c, b, y}, 30 times each.
EventLog XorBaskets() {
  EventLogBuilder b;
  int basket = 0;
  for (int t = 0; t < 30; ++t) {
    for (auto items : {std::vector<const char*>{"a", "b", "x"}, {"c", "d", "x"}, {"a", "d", "y"}, {"c", "b", "y"}}) {
      for (const char* item : items) b.Add("", item, "o" + std::to_string(basket), basket, 1, EventType::kPurchase);
      ++basket;
    }
  }
  return std::move(b).Finish();
}

// An exclusive-or of pairs: {a, b, x}, {c, d, x}, {a, d, y}, {c, b, y}, 30
// times each. Every context item is as often with x as with y, so the sum of
// pairwise effects cannot tell which completes {a, b}; the hidden layer can.
TEST_F(ModelsTest, CompletionHiddenLayerLearnsWhatPairsCannot) {
  EventLog log = XorBaskets();
  ASSERT_EQ(log.item_ids, (std::vector<std::string>{"a", "b", "c", "d", "x", "y"}));
  auto h = History::Build(BuildInteractions(log));
  const uint32_t ab[2] = {0, 1}, ad[2] = {0, 3};
  std::vector<float> p(6);
  auto odds = [&](const Model& m, std::span<const uint32_t> q) {
    m.Score(Query{kNone, q}, p);
    return p[4] / p[5];  // x against y
  };
  auto linear = CreateModel("completion", {{"epochs", 40}, {"l2", 0}}).value();
  ASSERT_TRUE(linear->Fit(h).ok());
  EXPECT_NEAR(odds(*linear, ab), 1.0f, 0.25f);
  EXPECT_NEAR(odds(*linear, ad), 1.0f, 0.25f);
  const Params hidden = {{"epochs", 40}, {"l2", 0}, {"hidden", 16}};
  auto deep = CreateModel("completion", hidden).value();
  ASSERT_TRUE(deep->Fit(h).ok());
  EXPECT_GT(odds(*deep, ab), 3.0f);
  EXPECT_LT(odds(*deep, ad), 1.0f / 3.0f);
  // The hidden weights survive an artifact round trip.
  std::stringstream state;
  ASSERT_TRUE(deep->Save(state).ok());
  auto loaded = CreateModel("completion", hidden).value();
  ASSERT_TRUE(loaded->Load(state, h).ok());
  EXPECT_EQ(odds(*loaded, ab), odds(*deep, ab));
  std::stringstream truncated(state.str().substr(0, state.str().size() - 8));
  EXPECT_FALSE(CreateModel("completion", hidden).value()->Load(truncated, h).ok());
}

// The XOR baskets again, fitted with a hidden layer (so differently seeded
// fits differ in more than noise). With seeds = 3 the model is three members,
// saved one after another in the single-fit format: each loads on its own as
// a seeds = 1 model, member 0 is the seeds = 1 fit, and the ensemble's
// probabilities are the mean of the members' (a parameter average would
// save one member, and its softmax is not the mean of the members').
TEST_F(ModelsTest, CompletionSeedsAverageTheMembersPredictions) {
  EventLog log = XorBaskets();
  auto h = History::Build(BuildInteractions(log));
  const size_t n = log.item_ids.size(), hidden = 8;
  const Params one = {{"epochs", 10}, {"l2", 0}, {"hidden", static_cast<double>(hidden)}, {"seeds", 1}};
  Params three = one;
  three["seeds"] = 3;
  auto single = CreateModel("completion", one).value();
  ASSERT_TRUE(single->Fit(h).ok());
  auto ensemble = CreateModel("completion", three).value();
  ASSERT_TRUE(ensemble->Fit(h).ok());

  std::stringstream single_state, state;
  ASSERT_TRUE(single->Save(single_state).ok());
  ASSERT_TRUE(ensemble->Save(state).ok());
  // Per member: b, s, W, U, c, V, each a 64-bit length and its floats.
  const size_t member_bytes = 6 * 8 + 4 * (2 * n + n * n + 2 * n * hidden + hidden);
  EXPECT_EQ(single_state.str().size(), member_bytes);
  EXPECT_EQ(state.str().size(), 3 * member_bytes);

  std::stringstream members_state(state.str());
  std::vector<std::unique_ptr<Model>> members;
  for (int k = 0; k < 3; ++k) {
    members.push_back(CreateModel("completion", one).value());
    ASSERT_TRUE(members.back()->Load(members_state, h).ok()) << "member " << k;
  }
  EXPECT_EQ(members_state.peek(), std::char_traits<char>::eof());

  const std::vector<std::vector<uint32_t>> queries = {{}, {0, 1}, {0, 3}, {2}};  // -, ab, ad, c
  std::vector<float> p(n), p0(n), p1(n), p2(n), expected(n);
  bool members_differ = false;
  for (const auto& items : queries) {
    const Query q{kNone, items};
    single->Score(q, p);
    members[0]->Score(q, p0);
    EXPECT_EQ(p0, p) << "member 0 is the seeds = 1 fit";
    members[1]->Score(q, p1);
    members[2]->Score(q, p2);
    members_differ |= p1 != p0 || p2 != p0;
    ensemble->Score(q, p);
    float total = 0;
    for (size_t i = 0; i < n; ++i) {
      EXPECT_FLOAT_EQ(p[i], (p0[i] + p1[i] + p2[i]) / 3.0f) << "item " << i;
      total += p[i];
    }
    EXPECT_NEAR(total, 1.0f, 1e-5);
    for (uint32_t j : items) EXPECT_EQ(p[j], 0.0f);
  }
  EXPECT_TRUE(members_differ);

  // An artifact round trip of the ensemble keeps its scores; a truncated
  // state (the last member cut short) is rejected.
  auto loaded = CreateModel("completion", three).value();
  std::stringstream reread(state.str());
  ASSERT_TRUE(loaded->Load(reread, h).ok());
  for (const auto& items : queries) {
    ensemble->Score(Query{kNone, items}, p);
    loaded->Score(Query{kNone, items}, p1);
    EXPECT_EQ(p1, p);
  }
  std::stringstream truncated(state.str().substr(0, state.str().size() - 8));
  EXPECT_FALSE(CreateModel("completion", three).value()->Load(truncated, h).ok());
  EXPECT_FALSE(CreateModel("completion", {{"seeds", 0}}).value()->Fit(h).ok());
  EXPECT_FALSE(CreateModel("completion", {{"seeds", 65}}).value()->Fit(h).ok());
}

// {a, b} x 20 and {a, c, d1, ..., d7} x 20. Given only a, the missing item is
// b (a one-item query comes only from a two-item basket), but the large
// baskets give 8 of every 9 examples in which a is context. Weighting each
// basket once (example_weight = 1) lets the small baskets count as much, so b
// gains.
TEST_F(ModelsTest, CompletionExampleWeightCountsEachBasketOnce) {
  EventLogBuilder b;
  int basket = 0;
  for (int t = 0; t < 20; ++t, ++basket) {
    for (const char* item : {"a", "b"}) b.Add("", item, "o" + std::to_string(basket), basket, 1, EventType::kPurchase);
  }
  for (int t = 0; t < 20; ++t, ++basket) {
    for (const char* item : {"a", "c", "d1", "d2", "d3", "d4", "d5", "d6", "d7"}) {
      b.Add("", item, "o" + std::to_string(basket), basket, 1, EventType::kPurchase);
    }
  }
  EventLog log = std::move(b).Finish();
  ASSERT_EQ(log.item_ids[1], "b");
  auto h = History::Build(BuildInteractions(log));
  const uint32_t a[1] = {0};
  std::vector<float> p(log.item_ids.size());
  auto p_b = [&](double weight) {
    auto m = CreateModel("completion", {{"epochs", 20}, {"example_weight", weight}}).value();
    EXPECT_TRUE(m->Fit(h).ok());
    m->Score(Query{kNone, a}, p);
    return p[1];
  };
  EXPECT_GT(p_b(1), p_b(0) + 0.05f);
  EXPECT_FALSE(CreateModel("completion", {{"example_weight", 2}}).value()->Fit(h).ok());
  EXPECT_FALSE(CreateModel("completion", {{"hidden", -1}}).value()->Fit(h).ok());
}

// Baskets {a, b, c}, {a, b, d}, {c, d}, {a, e}; query {a, b}. Overlaps 2, 2,
// 0, 1; with beta = 1 the similarities are 2/3, 2/3, -, 1/2.
TEST_F(ModelsTest, BasketNeighboursVoteForTheirItems) {
  EventLogBuilder b;
  int basket = 0;
  for (std::vector<const char*> items : std::vector<std::vector<const char*>>{
           {"a", "b", "c"}, {"a", "b", "d"}, {"c", "d"}, {"a", "e"}}) {
    for (const char* item : items) b.Add("", item, "o" + std::to_string(basket), basket, 1, EventType::kPurchase);
    ++basket;
  }
  EventLog log = std::move(b).Finish();
  auto h = History::Build(BuildInteractions(log));
  uint32_t query[2] = {0, 1};
  std::vector<float> s(5);
  auto three = CreateModel("basketknn", {{"neighbours", 3}, {"beta", 1}, {"gamma", 0}}).value();
  ASSERT_TRUE(three->Fit(h).ok());
  three->Score(Query{kNone, query}, s);
  EXPECT_FLOAT_EQ(s[2], 2.0f / 3);  // c: from {a, b, c}
  EXPECT_FLOAT_EQ(s[3], 2.0f / 3);  // d: from {a, b, d}
  EXPECT_FLOAT_EQ(s[4], 0.5f);      // e: from {a, e}
  // Two neighbours: {a, e} is not among them.
  auto two = CreateModel("basketknn", {{"neighbours", 2}, {"beta", 1}, {"gamma", 0}}).value();
  ASSERT_TRUE(two->Fit(h).ok());
  two->Score(Query{kNone, query}, s);
  EXPECT_EQ(s[4], 0.0f);
  // gamma = 1 divides by popularity (c and d are in 2 baskets, e in 1).
  auto debiased = CreateModel("basketknn", {{"neighbours", 3}, {"beta", 1}, {"gamma", 1}}).value();
  ASSERT_TRUE(debiased->Fit(h).ok());
  debiased->Score(Query{kNone, query}, s);
  EXPECT_FLOAT_EQ(s[2], 1.0f / 3);
  EXPECT_FLOAT_EQ(s[4], 0.5f);
  EXPECT_EQ(Top(*debiased, *h, Query{kNone, query}, 1, query), (std::vector<uint32_t>{4}));
}

TEST_F(ModelsTest, PersonalModelsPutTheUsersStapleFirst) {
  for (const char* kind : {"repeat", "personal", "tifu"}) {
    auto m = Fitted(kind);
    for (int u : {3, 7, 50}) {
      uint32_t user = static_cast<uint32_t>(
          std::lower_bound(log_.user_ids.begin(), log_.user_ids.end(), "user" + std::to_string(u)) -
          log_.user_ids.begin());
      auto top = Top(*m, *history_, Query{user, {}}, 1);
      ASSERT_EQ(top.size(), 1u);
      EXPECT_EQ(log_.item_ids[top[0]], Item(5 + u % 5)) << kind << " user" << u;
    }
  }
}

TEST_F(ModelsTest, TifuNeighboursSuggestTheGroupsItemsTheUserHasNotBought) {
  // Without staples, the nearest users are those of the same group.
  log_ = PlantedLog(/*staples=*/false);
  history_ = History::Build(BuildInteractions(log_));
  auto m = Fitted("tifu", {{"alpha", 0.5}, {"neighbours", 20}});
  uint32_t user = static_cast<uint32_t>(
      std::lower_bound(log_.user_ids.begin(), log_.user_ids.end(), "user4") - log_.user_ids.begin());
  auto own = history_->user_items.Of(user);
  auto top = Top(*m, *history_, Query{user, {}}, 5, own);  // only unseen items
  int in_group = 0;  // user4 is in group 1: items 30..49
  for (uint32_t i : top) {
    int id = std::stoi(log_.item_ids[i].substr(4));
    in_group += id >= 30 && id < 50;
  }
  EXPECT_GE(in_group, 3);
}

TEST_F(ModelsTest, RepeatRanksByBasketCountThenRecency) {
  EventLogBuilder b;
  // x in 2 baskets (t1, t2), y in 2 baskets (t1, t3) -> y more recent; z once.
  b.Add("u", "x", "o1", 1, 1, EventType::kPurchase);
  b.Add("u", "y", "o1", 1, 1, EventType::kPurchase);
  b.Add("u", "x", "o2", 2, 1, EventType::kPurchase);
  b.Add("u", "z", "o2", 2, 1, EventType::kPurchase);
  b.Add("u", "y", "o3", 3, 1, EventType::kPurchase);
  b.Add("v", "w", "o4", 3, 1, EventType::kPurchase);
  b.Add("v2", "w", "o5", 3, 1, EventType::kPurchase);
  EventLog log = std::move(b).Finish();
  auto h = History::Build(BuildInteractions(log));
  auto m = CreateModel("repeat").value();
  ASSERT_TRUE(m->Fit(h).ok());
  auto top = Top(*m, *h, Query{0, {}}, 4);
  std::vector<std::string> ids;
  for (uint32_t i : top) ids.push_back(log.item_ids[i]);
  EXPECT_EQ(ids, (std::vector<std::string>{"y", "x", "z", "w"}));  // w: popular fill
}

TEST_F(ModelsTest, TrendingPrefersRecentOverOnceFashionable) {
  EventLogBuilder b;
  b.SetHasTime(true);
  for (int i = 0; i < 10; ++i) b.Add("u" + std::to_string(i), "old", "b" + std::to_string(i), 0, 1, EventType::kPurchase);
  for (int i = 0; i < 4; ++i) {
    b.Add("v" + std::to_string(i), "new", "c" + std::to_string(i), 100 * 86400, 1, EventType::kPurchase);
  }
  EventLog log = std::move(b).Finish();
  auto h = History::Build(BuildInteractions(log));
  auto m = CreateModel("trending", {{"half_life_days", 7}}).value();
  ASSERT_TRUE(m->Fit(h).ok());
  auto top = Top(*m, *h, Query{}, 1);
  EXPECT_EQ(log.item_ids[top[0]], "new");
  auto pop = CreateModel("popular").value();
  ASSERT_TRUE(pop->Fit(h).ok());
  EXPECT_EQ(log.item_ids[Top(*pop, *h, Query{}, 1)[0]], "old");
}

TEST_F(ModelsTest, InvalidHyperParametersAreRejected) {
  EXPECT_FALSE(CreateModel("ease", {{"lambda", -1}}).value()->Fit(history_).ok());
  EXPECT_FALSE(CreateModel("tifu", {{"within_decay", 0}}).value()->Fit(history_).ok());
  EXPECT_FALSE(CreateModel("completion", {{"context_exponent", 2}}).value()->Fit(history_).ok());
  auto unknown = CreateModel("ease", {{"gamma", 1}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "gamma");
  EXPECT_EQ(CreateModel("nope").error().code, ErrorCode::kNotFound);
}

TEST_F(ModelsTest, TunedBlendIsAtLeastAsGoodAsItsBestPartOnValidation) {
  Interactions data = BuildInteractions(log_);
  auto split = MakeSplit(data, Protocol::kLastBasket);
  ASSERT_TRUE(split.ok());
  EvalOptions options;
  options.ks = {5};
  auto report = Evaluate(*split, {"personal", "cooccurrence", "blend"}, options);
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  std::vector<std::string> names;
  for (const auto& m : report->models) names.push_back(m.model);
  EXPECT_EQ(names, (std::vector<std::string>{"popular", "repeat", "personal", "cooccurrence", "blend"}));
  for (const auto& m : report->models) {
    EXPECT_TRUE(m.error.empty()) << m.model << ": " << m.error;
    ASSERT_EQ(m.metrics.size(), 1u);
    EXPECT_EQ(m.metrics[0].cases, 120);
  }
  // The planted staple makes personal models far better than popularity.
  EXPECT_GT(report->models[2].metrics[0].ndcg, report->models[0].metrics[0].ndcg + 0.1);
}

TEST_F(ModelsTest, TuningTriesJointMovesOfInteractingParameters) {
  for (const ModelInfo& info : ModelKinds()) {
    for (const std::string& name : info.joint) {
      bool in_grid = false;
      for (const auto& [gname, values] : info.grid) in_grid |= gname == name;
      EXPECT_TRUE(in_grid) << info.kind << " " << name;
    }
  }
  // Completion's (hidden, epochs, l2) are searched jointly: a setting that
  // moves all three away from the defaults is fitted on validation, which
  // coordinate descent alone never reaches from the defaults in one pass.
  Interactions data = BuildInteractions(log_);
  EvalOptions options;
  options.ks = {5};
  options.tuning_passes = 1;
  std::vector<std::string> lines;
  options.log = [&](const std::string& line) { lines.push_back(line); };
  auto params = TuneParams("completion", data, Protocol::kBasketCompletion, options);
  ASSERT_TRUE(params.ok()) << params.error().ToString();
  int joint = 0;
  for (const std::string& line : lines) {
    if (line.find("hidden=32") != std::string::npos && line.find("epochs=20") != std::string::npos &&
        line.find("l2=0.003") != std::string::npos) {
      ++joint;
    }
  }
  EXPECT_EQ(joint, 1);
}

class RecommenderTest : public ModelsTest {};

TEST_F(RecommenderTest, ServesForYouSimilarAndBoughtTogetherWithReasons) {
  TrainOptions options;
  auto rec = TrainRecommender(log_, options);
  ASSERT_TRUE(rec.ok()) << rec.error().ToString();
  EXPECT_EQ((*rec)->for_you_kind(), "tifu");
  auto forYou = (*rec)->ForUser("user3", 5);
  ASSERT_EQ(forYou.size(), 5u);
  EXPECT_EQ(forYou[0].item, Item(8));
  EXPECT_EQ(forYou[0].reason, "you bought this before");
  std::vector<std::string> exclude = {Item(8)};
  auto without = (*rec)->ForUser("user3", 5, exclude);
  for (const auto& r : without) EXPECT_NE(r.item, Item(8));
  auto cold = (*rec)->ForUser("stranger", 3);
  ASSERT_EQ(cold.size(), 3u);
  EXPECT_EQ(cold[0].reason, "trending");
  std::vector<std::string> cart = {Item(0)};
  auto together = (*rec)->BoughtTogether(cart, 3);
  ASSERT_FALSE(together.empty());
  EXPECT_EQ(together[0].item, Item(1));
  EXPECT_EQ(together[0].reason, "bought together with " + Item(0));
  auto similar = (*rec)->Similar(Item(20), 3);
  ASSERT_TRUE(similar.ok());
  EXPECT_FALSE(similar->empty());
  EXPECT_EQ((*rec)->Similar("missing", 3).error().code, ErrorCode::kNotFound);
}

TEST_F(RecommenderTest, BoughtTogetherServesTheChosenModelThroughAnArtifact) {
  for (const char* kind : {"completion", "basketknn"}) {
    TrainOptions options;
    options.bought_together = kind;
    auto rec = TrainRecommender(log_, options);
    ASSERT_TRUE(rec.ok()) << rec.error().ToString();
    std::vector<std::string> cart = {Item(0)};
    auto together = (*rec)->BoughtTogether(cart, 3);
    ASSERT_FALSE(together.empty()) << kind;
    EXPECT_EQ(together[0].item, Item(1)) << kind;
    EXPECT_EQ(together[0].reason, "bought together with " + Item(0)) << kind;
    std::string dir = std::filesystem::temp_directory_path() / ("atelier-bt-" + std::to_string(getpid()));
    auto path = SaveArtifact(**rec, dir);
    ASSERT_TRUE(path.ok()) << path.error().ToString();
    auto loaded = LoadArtifact(*path);
    ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
    auto again = (*loaded)->BoughtTogether(cart, 3);
    ASSERT_EQ(again.size(), together.size());
    for (size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i].item, together[i].item) << kind;
    std::filesystem::remove_all(dir);
  }
}

TEST_F(RecommenderTest, ArtifactRoundTripServesTheSameLists) {
  auto rec = TrainRecommender(log_, {});
  ASSERT_TRUE(rec.ok());
  std::string dir = std::filesystem::temp_directory_path() / ("atelier-rec-" + std::to_string(getpid()));
  auto path = SaveArtifact(**rec, dir);
  ASSERT_TRUE(path.ok()) << path.error().ToString();
  auto newest = NewestArtifact(dir);
  ASSERT_TRUE(newest.ok());
  EXPECT_EQ(*newest, *path);
  auto loaded = LoadArtifact(*path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  for (const char* user : {"user1", "user2", "user77"}) {
    auto a = (*rec)->ForUser(user, 10), b = (*loaded)->ForUser(user, 10);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].item, b[i].item);
      EXPECT_EQ(a[i].reason, b[i].reason);
    }
  }
  // A truncated artifact is rejected, not half-loaded.
  std::string truncated = dir + "/truncated.atlr";
  {
    std::ifstream in(*path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream out(truncated, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  }
  auto bad = LoadArtifact(truncated);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  std::filesystem::remove_all(dir);
}

TEST_F(RecommenderTest, TrainsFromTheStoresEventsTable) {
  auto db = store::OpenDatabase("sqlite::memory:");
  ASSERT_TRUE(db.ok());
  auto stored = ImportEvents(**db, log_, "planted");
  ASSERT_TRUE(stored.ok()) << stored.error().ToString();
  EXPECT_EQ(*stored, static_cast<int64_t>(log_.events.size()));
  auto again = ImportEvents(**db, log_, "planted");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);  // idempotent by event id
  auto rec = TrainFromStore(**db, {});
  ASSERT_TRUE(rec.ok()) << rec.error().ToString();
  EXPECT_EQ((*rec)->num_users(), 120u);
  auto list = (*rec)->ForUser("user3", 1);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].item, Item(8));
}

}  // namespace
}  // namespace atelier::recommend
