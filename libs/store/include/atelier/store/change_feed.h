#pragma once
// The change feed: how a process learns that a committed write (its own or
// another replica's) made one of its read snapshots stale.
//
// Writes are classified by the store itself, from the tables they touch, so
// no writer has to remember to announce anything:
//
//   catalog      products, categories, brands, locations
//   stock        stock_units
//   models       product_models
//   sales        configured order lines, order status changes
//   recommender  announced explicitly (Database::Announce) when a trained
//                artifact is written where replicas load it from
//
// PostgreSQL: triggers (migration 6) call pg_notify() inside the writing
// transaction, so a notification is sent only when it commits, to every
// process listening on the database; each subscription listens on its own
// connection, reconnects with backoff when it is lost (and then reports
// every topic, since notifications sent meanwhile are gone), and checks
// per-topic change counters every `check_interval` as a fallback.
// SQLite: one process owns the file; commits made through this Database are
// reported in-process (writes by another process are not seen).
//
// Delivery: a subscription's handler runs on the subscription's own thread,
// never concurrently with itself, with the set of topics changed since its
// previous call. Changes that arrive while it runs are delivered in the next
// call, so a burst of writes costs one refresh, not one per write.

#include <bitset>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace atelier::store {

enum class Topic : int { kCatalog = 0, kStock, kModels, kSales, kRecommender };
inline constexpr int kTopicCount = 5;

// A set of topics, indexed by static_cast<int>(Topic).
using Topics = std::bitset<kTopicCount>;

// "catalog", "stock", "models", "sales", "recommender".
std::string_view TopicName(Topic topic);
std::optional<Topic> ParseTopic(std::string_view name);
Topics AllTopics();
Topics TopicSet(std::initializer_list<Topic> topics);
inline bool Has(const Topics& topics, Topic topic) { return topics.test(static_cast<int>(topic)); }
// "catalog,stock" (for logs); "" for the empty set.
std::string TopicsString(const Topics& topics);

struct SubscribeOptions {
  // After the first change of a burst, wait this long for more before
  // calling the handler (writes of one request often come in several
  // transactions).
  std::chrono::milliseconds coalesce{50};
  // PostgreSQL: how often the listener checks its connection and the
  // per-topic change counters (a fallback for notifications lost with a
  // connection).
  std::chrono::milliseconds check_interval{2000};
  // PostgreSQL: the longest wait between reconnection attempts (the wait
  // doubles from 100 ms up to this).
  std::chrono::milliseconds max_reconnect_backoff{5000};
  // PostgreSQL: where the listener reports a lost connection, a reconnect,
  // or changes found without a notification (called on its thread); unset:
  // not reported.
  std::function<void(const std::string& message)> log;
};

// Called with the topics changed since the previous call (never empty).
using ChangeHandler = std::function<void(const Topics& changed)>;

// A live subscription. Destroying it stops its threads; once the destructor
// returns, the handler is not called again (a call in progress finishes
// first, so the handler must not destroy its own subscription).
class Subscription {
 public:
  virtual ~Subscription() = default;
};

}  // namespace atelier::store
