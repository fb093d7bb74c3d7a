#include "atelier/store/change_feed.h"

#include "internal/change_feed.h"

namespace atelier::store {

namespace {

constexpr std::string_view kTopicNames[kTopicCount] = {"catalog", "stock", "models", "sales", "recommender"};

}  // namespace

std::string_view TopicName(Topic topic) { return kTopicNames[static_cast<int>(topic)]; }

std::optional<Topic> ParseTopic(std::string_view name) {
  for (int i = 0; i < kTopicCount; ++i) {
    if (kTopicNames[i] == name) return static_cast<Topic>(i);
  }
  return std::nullopt;
}

Topics AllTopics() { return Topics().set(); }

Topics TopicSet(std::initializer_list<Topic> topics) {
  Topics out;
  for (Topic t : topics) out.set(static_cast<int>(t));
  return out;
}

std::string TopicsString(const Topics& topics) {
  std::string out;
  for (int i = 0; i < kTopicCount; ++i) {
    if (!topics.test(i)) continue;
    if (!out.empty()) out += ',';
    out += kTopicNames[i];
  }
  return out;
}

namespace internal {

const std::vector<TopicTable>& TopicTables() {
  static const std::vector<TopicTable> kTables = {
      {"categories", Topic::kCatalog}, {"brands", Topic::kCatalog},    {"products", Topic::kCatalog},
      {"locations", Topic::kCatalog},  {"stock_units", Topic::kStock}, {"product_models", Topic::kModels},
      {"order_lines", Topic::kSales},  {"orders", Topic::kSales},
  };
  return kTables;
}

std::optional<Topic> TopicOfTable(std::string_view table) {
  for (const TopicTable& t : TopicTables()) {
    if (table == t.table) return t.topic;
  }
  return std::nullopt;
}

std::string ChangeCounterName(Topic topic) { return "atelier_changes_" + std::string(TopicName(topic)); }

ChangeDelivery::ChangeDelivery(ChangeHandler handler, std::chrono::milliseconds coalesce)
    : handler_(std::move(handler)), coalesce_(coalesce), thread_([this] { Run(); }) {}

ChangeDelivery::~ChangeDelivery() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void ChangeDelivery::Add(const Topics& changed) {
  if (changed.none()) return;
  {
    std::lock_guard lock(mu_);
    pending_ |= changed;
  }
  cv_.notify_all();
}

void ChangeDelivery::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || pending_.any(); });
    if (stop_) return;
    // Let the rest of the burst arrive.
    if (cv_.wait_for(lock, coalesce_, [this] { return stop_; })) return;
    Topics changed = pending_;
    pending_.reset();
    lock.unlock();
    handler_(changed);
    lock.lock();
  }
}

class LocalChangeFeed::LocalSubscription final : public Subscription {
 public:
  LocalSubscription(LocalChangeFeed& feed, std::unique_ptr<ChangeDelivery> delivery)
      : feed_(feed), delivery_(std::move(delivery)) {}
  ~LocalSubscription() override { feed_.Remove(delivery_.get()); }

 private:
  LocalChangeFeed& feed_;
  std::unique_ptr<ChangeDelivery> delivery_;
};

std::unique_ptr<Subscription> LocalChangeFeed::Subscribe(ChangeHandler handler,
                                                         const SubscribeOptions& options) {
  auto delivery = std::make_unique<ChangeDelivery>(std::move(handler), options.coalesce);
  {
    std::lock_guard lock(mu_);
    deliveries_.push_back(delivery.get());
  }
  return std::make_unique<LocalSubscription>(*this, std::move(delivery));
}

void LocalChangeFeed::Publish(const Topics& changed) {
  if (changed.none()) return;
  std::lock_guard lock(mu_);
  for (ChangeDelivery* d : deliveries_) d->Add(changed);
}

void LocalChangeFeed::Remove(ChangeDelivery* delivery) {
  std::lock_guard lock(mu_);
  std::erase(deliveries_, delivery);
}

}  // namespace internal

}  // namespace atelier::store
