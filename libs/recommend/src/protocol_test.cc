#include "atelier/recommend/protocol.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

namespace atelier::recommend {
namespace {

EventLog Log(const std::string& csv) {
  std::istringstream in(csv);
  EventLogBuilder builder;
  LoadReport report;
  EXPECT_TRUE(ReadEvents(in, EventFormat::kGeneric, {}, builder, report).ok());
  EXPECT_EQ(report.bad, 0);
  return std::move(builder).Finish();
}

TEST(SplitRandomTest, MatchesNumpyDefaultRngBitForBit) {
  // Values printed by numpy 1.24: default_rng(42).bit_generator.random_raw(3).
  SplitRandom raw(42);
  EXPECT_EQ(raw.NextUint64(), 0xc621fbcd16d92688ULL);
  EXPECT_EQ(raw.NextUint64(), 0x705a5661a791ffc1ULL);
  EXPECT_EQ(raw.NextUint64(), 0xdbcd12c26eda1624ULL);
  // default_rng(42): choice(10, 3, replace=False) -> [9, 0, 6]; integers(0, 7) -> 6;
  // choice(20000, 1000, replace=False)[:5] -> [17501, 2437, 16844, 10610, 14001].
  SplitRandom rng(42);
  EXPECT_EQ(rng.Choose(10, 3), (std::vector<uint64_t>{9, 0, 6}));
  EXPECT_EQ(rng.Below(7), 6u);
  std::vector<uint64_t> big = rng.Choose(20000, 1000);
  ASSERT_EQ(big.size(), 1000u);
  EXPECT_EQ(std::vector<uint64_t>(big.begin(), big.begin() + 5), (std::vector<uint64_t>{17501, 2437, 16844, 10610, 14001}));
  // default_rng(7).choice(100, 10, replace=False).
  SplitRandom seven(7);
  EXPECT_EQ(seven.Choose(100, 10), (std::vector<uint64_t>{57, 84, 74, 80, 54, 30, 85, 5, 22, 63}));
}

TEST(ProtocolTest, LastBasketHoldsOutEachReturningUsersLatestBasket) {
  // u1: baskets o2 (t=1), o1 (t=5), o3 (t=5): same time -> id text order, o3 last.
  // u2: one basket only -> not a test user, stays in training.
  EventLog log = Log(
      "user_id,item_id,timestamp,basket_id\n"
      "u1,a,1,o2\nu1,b,5,o1\nu1,c,5,o3\nu1,d,6,o3\nu2,c,2,o9\n");
  Interactions data = BuildInteractions(log);
  auto split = MakeSplit(data, Protocol::kLastBasket);
  ASSERT_TRUE(split.ok()) << split.error().ToString();
  ASSERT_EQ(split->cases.size(), 1u);
  EXPECT_EQ(log.user_ids[split->cases[0].user], "u1");
  std::vector<std::string> test;
  for (uint32_t i : split->cases[0].test) test.push_back(log.item_ids[i]);
  EXPECT_EQ(test, (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(split->train.num_baskets(), 3u);  // o2, o1, o9
  EXPECT_FALSE(split->exclude_user_history);
}

TEST(ProtocolTest, BasketTimeIsTheEarliestRowTime) {
  // o1's rows span t=1..9; o2 is at t=5, so o2 is the later basket.
  EventLog log = Log("user_id,item_id,timestamp,basket_id\nu1,a,9,o1\nu1,b,1,o1\nu1,c,5,o2\n");
  auto split = MakeSplit(BuildInteractions(log), Protocol::kLastBasket);
  ASSERT_TRUE(split.ok());
  ASSERT_EQ(split->cases[0].test.size(), 1u);
  EXPECT_EQ(log.item_ids[split->cases[0].test[0]], "c");
}

std::string ManyUsers() {
  std::string csv = "user_id,item_id,timestamp\n";
  for (int u = 0; u < 30; ++u) {
    for (int i = 0; i < 4 + u % 9; ++i) csv += "u" + std::to_string(u) + ",i" + std::to_string((u * 7 + i * 3) % 40) + "," + std::to_string(i) + "\n";
  }
  return csv;
}

TEST(ProtocolTest, RandomHoldoutIsDeterministicAndLeavesNoTestItemInTraining) {
  Interactions data = BuildInteractions(Log(ManyUsers()));
  auto a = MakeSplit(data, Protocol::kRandomHoldout);
  auto b = MakeSplit(data, Protocol::kRandomHoldout);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->cases.size(), b->cases.size());
  UserItems train_items = DistinctUserItems(a->train);
  UserItems all_items = DistinctUserItems(data);
  for (size_t c = 0; c < a->cases.size(); ++c) {
    const EvalCase& x = a->cases[c];
    EXPECT_EQ(x.test, b->cases[c].test);
    size_t n = all_items.Of(x.user).size();
    EXPECT_GE(n, 5u);
    EXPECT_EQ(x.test.size(), n / 4);  // floor(0.25 n)
    auto own = train_items.Of(x.user);
    for (uint32_t item : x.test) EXPECT_FALSE(std::binary_search(own.begin(), own.end(), item));
    EXPECT_EQ(own.size() + x.test.size(), n);
  }
  EXPECT_TRUE(a->exclude_user_history);
  SplitOptions other;
  other.seed = 43;
  auto c = MakeSplit(data, Protocol::kRandomHoldout, other);
  ASSERT_TRUE(c.ok());
  bool differs = false;
  for (size_t i = 0; i < c->cases.size(); ++i) differs |= c->cases[i].test != a->cases[i].test;
  EXPECT_TRUE(differs);
}

TEST(ProtocolTest, BasketCompletionHidesOneItemAndTrainsOnTheOtherMultiItemBaskets) {
  std::string csv = "basket_id,item_id\n";
  for (int b = 0; b < 50; ++b) {
    int size = 1 + b % 4;
    for (int i = 0; i < size; ++i) csv += "b" + std::to_string(b) + ",x" + std::to_string((b + i) % 12) + "\n";
  }
  Interactions data = BuildInteractions(Log(csv));
  auto split = MakeSplit(data, Protocol::kBasketCompletion);
  ASSERT_TRUE(split.ok()) << split.error().ToString();
  size_t eligible = 0;
  for (size_t b = 0; b < data.num_baskets(); ++b) eligible += data.BasketItems(b).size() >= 2;
  EXPECT_EQ(split->cases.size(), eligible / 5);
  EXPECT_EQ(split->train.num_baskets(), eligible - eligible / 5);  // singletons dropped
  for (size_t b = 0; b < split->train.num_baskets(); ++b) EXPECT_GE(split->train.BasketItems(b).size(), 2u);
  for (const EvalCase& c : split->cases) {
    ASSERT_EQ(c.test.size(), 1u);
    EXPECT_GE(c.query.size(), 1u);
    EXPECT_FALSE(std::binary_search(c.query.begin(), c.query.end(), c.test[0]));
  }
}

TEST(ProtocolTest, LastBasketNeedsUsers) {
  Interactions data = BuildInteractions(Log("basket_id,item_id\nb1,a\nb1,b\n"));
  auto split = MakeSplit(data, Protocol::kLastBasket);
  ASSERT_FALSE(split.ok());
  EXPECT_EQ(split.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace atelier::recommend
