#pragma once
// The trained recommender the server serves from: an immutable snapshot of
// the training history and the fitted models, with the three serving calls,
// training (from an event log or the store's events table), and a versioned
// artifact file for `atelier train` and hot swap (publish a new snapshot with
// SnapshotHolder<Recommender>).
//
// Thread-safety: a Recommender is immutable once built; every const method
// is safe to call from many threads at once. Serving calls use thread-local
// scratch buffers and allocate only the small result vector.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "atelier/core/result.h"
#include "atelier/recommend/event_log.h"
#include "atelier/recommend/interactions.h"
#include "atelier/recommend/model.h"
#include "atelier/store/database.h"

namespace atelier::recommend {

struct Recommendation {
  std::string item;    // item id
  float score = 0;
  std::string reason;  // "bought together with X", "you bought this before", "popular now", ...
};

struct TrainOptions {
  InteractionOptions interactions;
  // Model for the for-you list; "auto" picks tifu for logs where users have
  // several baskets, ease for other logs up to 20000 items, cooccurrence beyond.
  std::string for_you = "auto";
  // Model for bought-together lists (cart completion, search accessories):
  // any registered kind; "auto" is cooccurrence (basket level, cosine), which
  // scales to any catalog. "completion" and "basketknn" model the missing
  // item of a basket directly (completion: at most 6000 training items).
  std::string bought_together = "auto";
  // Tune the for-you model's hyper-parameters on a validation split carved
  // from the history (last-basket when users have baskets, random-holdout
  // otherwise). When false, the registry defaults are used.
  bool tune = false;
  std::function<void(const std::string&)> log;
};

class Recommender {
 public:
  // For-you list for `user` (a user id), best first, at most k items,
  // never one of `exclude` (item ids; the cart, out-of-stock items). A user
  // unknown to the model gets trending items.
  std::vector<Recommendation> ForUser(std::string_view user, size_t k,
                                      std::span<const std::string> exclude = {}) const;
  // Items most associated with `item` by the people who interacted with it.
  // Errors: kNotFound for an item unknown to the model.
  Result<std::vector<Recommendation>> Similar(std::string_view item, size_t k) const;
  // Items bought in the same baskets as `items` (a cart), not in `items`.
  // Unknown items are ignored; with none known, trending items are returned.
  std::vector<Recommendation> BoughtTogether(std::span<const std::string> items, size_t k) const;

  int64_t created_unix_seconds() const { return created_; }
  std::string_view for_you_kind() const { return for_you_->kind(); }
  size_t num_items() const { return item_ids_.size(); }
  size_t num_users() const { return user_ids_.size(); }
  const History& history() const { return *history_; }

  // Builds a recommender from an already trained set of models (tests, bench).
  static std::shared_ptr<const Recommender> Assemble(std::vector<std::string> user_ids,
                                                     std::vector<std::string> item_ids,
                                                     std::shared_ptr<const History> history,
                                                     std::shared_ptr<Model> for_you, std::shared_ptr<Model> trending,
                                                     std::shared_ptr<Model> similar,
                                                     std::shared_ptr<Model> together);

 private:
  friend Result<std::shared_ptr<const Recommender>> LoadArtifact(const std::string& path);
  friend Status WriteArtifact(const Recommender& rec, std::ostream& out);
  void Index();
  int64_t ItemIndex(std::string_view id) const;
  void Explain(std::span<const uint32_t> context, uint32_t user, std::vector<Recommendation>& out) const;
  std::vector<Recommendation> Rank(const Model& model, uint32_t user, std::span<const uint32_t> query,
                                   std::span<const uint32_t> exclude, size_t k) const;

  int64_t created_ = 0;
  std::vector<std::string> user_ids_, item_ids_;
  std::unordered_map<std::string_view, uint32_t> user_index_, item_index_;
  std::shared_ptr<const History> history_;
  std::shared_ptr<Model> for_you_, trending_, similar_, together_;
};

// Trains every serving model on `log`. Errors: kInvalidArgument for a log
// without purchases (of the counted types), those of the models' Fit.
Result<std::shared_ptr<const Recommender>> TrainRecommender(const EventLog& log, const TrainOptions& options);

// Streams the store's events table into an EventLog, then TrainRecommender.
Result<std::shared_ptr<const Recommender>> TrainFromStore(store::Database& db, const TrainOptions& options);

// Reads the store's events table into an event log.
Result<EventLog> ReadStoreEvents(store::Database& db);

// Writes `log` into the events table in batched transactions; event ids are
// "<source>:<index>", so importing the same file twice stores nothing new.
// Returns the number of events newly stored.
Result<int64_t> ImportEvents(store::Database& db, const EventLog& log, const std::string& source,
                             const std::function<void(int64_t)>& progress = {});

// Artifact files: "<dir>/recommender-<unix millis>.atlr", format version 1.
// SaveArtifact writes to a temporary file and renames it (readers never see
// a partial artifact) and returns the path.
inline constexpr uint32_t kArtifactVersion = 1;
Result<std::string> SaveArtifact(const Recommender& rec, const std::string& dir);
// Errors: kNotFound (no file), kInvalidArgument (not an artifact, another
// version, truncated or corrupt).
Result<std::shared_ptr<const Recommender>> LoadArtifact(const std::string& path);
// The newest artifact in `dir` by file name. Errors: kNotFound when none.
Result<std::string> NewestArtifact(const std::string& dir);

}  // namespace atelier::recommend
