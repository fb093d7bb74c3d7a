#pragma once
// The parts of the change feed (change_feed.h) both backends share: which
// tables feed which topic, and the delivery thread of a subscription.

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include "atelier/store/change_feed.h"

namespace atelier::store::internal {

// A table whose committed writes make a topic's snapshots stale.
struct TopicTable {
  const char* table;
  Topic topic;
};

// Every such table, in schema order. Migration 6 installs PostgreSQL
// triggers from it; the SQLite backend classifies its writes with it.
// (order_lines count for `sales` only when configured, orders only when
// their status changes; SQLite, which cannot see columns, counts every
// write to them.)
const std::vector<TopicTable>& TopicTables();

// The topic of `table`, or nullopt when no read snapshot is built from it.
std::optional<Topic> TopicOfTable(std::string_view table);

// The PostgreSQL channel the triggers notify on, and the sequence that
// counts a topic's changes ("atelier_changes_stock").
inline constexpr char kChangeChannel[] = "atelier_changes";
std::string ChangeCounterName(Topic topic);

// Calls a ChangeHandler on its own thread with the topics added since its
// previous call, waiting `coalesce` after the first of a burst.
// Thread-safety: Add() may be called from any thread, and never blocks on
// the handler.
class ChangeDelivery {
 public:
  ChangeDelivery(ChangeHandler handler, std::chrono::milliseconds coalesce);
  // Stops the thread (after a handler call in progress returns).
  ~ChangeDelivery();
  ChangeDelivery(const ChangeDelivery&) = delete;
  ChangeDelivery& operator=(const ChangeDelivery&) = delete;

  void Add(const Topics& changed);

 private:
  void Run();

  const ChangeHandler handler_;
  const std::chrono::milliseconds coalesce_;
  std::mutex mu_;
  std::condition_variable cv_;
  Topics pending_;     // guarded by mu_
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

// In-process fan-out to the subscriptions of one database (SQLite).
// REQUIRES: outlives the subscriptions it hands out.
class LocalChangeFeed {
 public:
  std::unique_ptr<Subscription> Subscribe(ChangeHandler handler, const SubscribeOptions& options);
  // Delivers `changed` to every subscription; never blocks on a handler.
  void Publish(const Topics& changed);

 private:
  class LocalSubscription;
  void Remove(ChangeDelivery* delivery);

  std::mutex mu_;
  std::vector<ChangeDelivery*> deliveries_;  // guarded by mu_
};

}  // namespace atelier::store::internal
