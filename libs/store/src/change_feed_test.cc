// The change feed's contract on both backends (SQLite always, PostgreSQL
// when its binaries are installed): committed writes are reported by topic,
// rolled-back ones are not, announcements arrive, and on PostgreSQL a write
// through one Database reaches a subscriber of another (two replicas).

#include "atelier/store/change_feed.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>

#include "atelier/store/database.h"
#include "atelier/store/migrations.h"
#include "testing/local_postgres.h"

namespace atelier::store {
namespace {

// Collects what a subscription reports.
class Recorder {
 public:
  ChangeHandler Handler() {
    return [this](const Topics& changed) {
      {
        std::lock_guard lock(mu_);
        seen_ |= changed;
        ++calls_;
      }
      cv_.notify_all();
    };
  }

  // Waits (up to 20 s, a bound for a loaded machine, not an expectation)
  // until `topic` has been reported; returns everything reported so far.
  Topics WaitFor(Topic topic) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(20), [&] { return Has(seen_, topic); });
    return seen_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  Topics seen_;    // guarded by mu_
  int calls_ = 0;  // guarded by mu_
};

constexpr char kNewLocation[] = "INSERT INTO locations (code, name, type) VALUES (?, 'Plant', 'plant')";
constexpr char kNewModel[] =
    "INSERT INTO product_models (model_id, version, source, origin, created_at) VALUES (?, 1, 'x', '', 0)";

class ChangeFeedTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      auto url = testing::LocalPostgres::SharedDatabase();
      if (!url.ok() && url.error().code == ErrorCode::kNotFound) GTEST_SKIP() << url.error().message;
      ASSERT_TRUE(url.ok()) << url.error().ToString();
      url_ = *url;
    } else {
      char tmpl[] = "/tmp/atelier-feed-XXXXXX";
      dir_ = mkdtemp(tmpl);
      url_ = "sqlite://" + dir_ + "/shop.db";
    }
    db_ = Open();
    ASSERT_NE(db_, nullptr);
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<Database> Open() {
    auto db = OpenDatabase(url_);
    EXPECT_TRUE(db.ok()) << db.error().ToString();
    return db.ok() ? std::move(*db) : nullptr;
  }

  std::unique_ptr<Subscription> Subscribe(Database& db, Recorder& recorder) {
    auto sub = db.Subscribe(recorder.Handler());
    EXPECT_TRUE(sub.ok()) << sub.error().ToString();
    return sub.ok() ? std::move(*sub) : nullptr;
  }

  std::string dir_;
  std::string url_;
  std::unique_ptr<Database> db_;
};

TEST_P(ChangeFeedTest, CommittedWriteIsReportedByTopic) {
  Recorder recorder;
  auto sub = Subscribe(*db_, recorder);
  ASSERT_TRUE(db_->Transact([](Session& tx) -> Status {
                   auto r = tx.Exec(kNewLocation, {std::string("p1")});
                   return r.ok() ? Ok() : Status(r.error());
                 })
                  .ok());
  const Topics seen = recorder.WaitFor(Topic::kCatalog);
  EXPECT_TRUE(Has(seen, Topic::kCatalog)) << TopicsString(seen);
  EXPECT_FALSE(Has(seen, Topic::kStock)) << TopicsString(seen);
}

TEST_P(ChangeFeedTest, AutocommitWriteIsReported) {
  Recorder recorder;
  auto sub = Subscribe(*db_, recorder);
  ASSERT_TRUE(db_->Exec(kNewModel, {std::string("m1")}).ok());
  EXPECT_TRUE(Has(recorder.WaitFor(Topic::kModels), Topic::kModels));
}

TEST_P(ChangeFeedTest, RolledBackWriteIsNotReported) {
  Recorder recorder;
  auto sub = Subscribe(*db_, recorder);
  Status failed = db_->Transact([](Session& tx) -> Status {
    auto r = tx.Exec(kNewLocation, {std::string("p2")});
    if (!r.ok()) return r.error();
    return Error::Conflict("changed my mind");
  });
  ASSERT_FALSE(failed.ok());
  // A committed write afterwards: once it is reported, the rolled-back one
  // would have been too.
  ASSERT_TRUE(db_->Exec(kNewModel, {std::string("m2")}).ok());
  const Topics seen = recorder.WaitFor(Topic::kModels);
  EXPECT_TRUE(Has(seen, Topic::kModels));
  EXPECT_FALSE(Has(seen, Topic::kCatalog)) << TopicsString(seen);
}

TEST_P(ChangeFeedTest, AnnouncementReachesSubscribers) {
  Recorder recorder;
  auto sub = Subscribe(*db_, recorder);
  ASSERT_TRUE(db_->Announce(Topic::kRecommender).ok());
  const Topics seen = recorder.WaitFor(Topic::kRecommender);
  EXPECT_EQ(seen, TopicSet({Topic::kRecommender}));
}

// Two replicas: each its own Database on one PostgreSQL.
TEST_P(ChangeFeedTest, WriteThroughOneReplicaReachesAnother) {
  if (GetParam() == "sqlite") GTEST_SKIP() << "SQLite is one process; its feed is in-process";
  auto other = Open();
  ASSERT_NE(other, nullptr);
  Recorder recorder;
  auto sub = Subscribe(*other, recorder);
  ASSERT_TRUE(db_->Exec(kNewModel, {std::string("m3")}).ok());
  EXPECT_TRUE(Has(recorder.WaitFor(Topic::kModels), Topic::kModels));
}

INSTANTIATE_TEST_SUITE_P(Backends, ChangeFeedTest, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(TopicTest, NamesRoundTrip) {
  for (int i = 0; i < kTopicCount; ++i) {
    const Topic topic = static_cast<Topic>(i);
    EXPECT_EQ(ParseTopic(TopicName(topic)), topic);
  }
  EXPECT_EQ(ParseTopic("weather"), std::nullopt);
  EXPECT_EQ(TopicsString(TopicSet({Topic::kStock, Topic::kCatalog})), "catalog,stock");
}

TEST(MigrationsTest, PendingAreTheUnrecordedInVersionOrder) {
  std::set<int64_t> applied;
  for (const Migration& m : Migrations()) {
    if (m.version != 2) applied.insert(m.version);
  }
  auto pending = PendingMigrations(applied);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0]->version, 2);
  auto all = PendingMigrations({});
  ASSERT_EQ(all.size(), Migrations().size());
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1]->version, all[i]->version);
}

}  // namespace
}  // namespace atelier::store
