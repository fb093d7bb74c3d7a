#include "atelier/recommend/recommender.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "atelier/core/clock.h"
#include "atelier/recommend/evaluate.h"
#include "atelier/recommend/protocol.h"
#include "atelier/recommend/ranking.h"
#include "atelier/store/events.h"
#include "internal/binary_io.h"

namespace atelier::recommend {

using internal::ReadPod;
using internal::ReadString;
using internal::ReadVector;
using internal::WritePod;
using internal::WriteString;
using internal::WriteVector;

namespace {

constexpr char kMagic[8] = {'A', 'T', 'L', 'R', 'R', 'E', 'C', '\n'};
constexpr size_t kExplainContext = 5;  // most recent items consulted for a reason

struct Scratch {
  std::vector<float> scores, part;
  std::vector<uint32_t> ids;
  std::vector<ScoredItem> top;
};

Scratch& ThreadScratch() {
  thread_local Scratch s;
  return s;
}

}  // namespace

std::shared_ptr<const Recommender> Recommender::Assemble(std::vector<std::string> user_ids,
                                                         std::vector<std::string> item_ids,
                                                         std::shared_ptr<const History> history,
                                                         std::shared_ptr<Model> for_you,
                                                         std::shared_ptr<Model> trending,
                                                         std::shared_ptr<Model> similar,
                                                         std::shared_ptr<Model> together) {
  auto r = std::make_shared<Recommender>();
  r->created_ = NowUnixSeconds();
  r->user_ids_ = std::move(user_ids);
  r->item_ids_ = std::move(item_ids);
  r->history_ = std::move(history);
  r->for_you_ = std::move(for_you);
  r->trending_ = std::move(trending);
  r->similar_ = std::move(similar);
  r->together_ = std::move(together);
  r->Index();
  return r;
}

void Recommender::Index() {
  user_index_.clear();
  item_index_.clear();
  for (uint32_t u = 0; u < user_ids_.size(); ++u) user_index_.emplace(user_ids_[u], u);
  for (uint32_t i = 0; i < item_ids_.size(); ++i) item_index_.emplace(item_ids_[i], i);
}

int64_t Recommender::ItemIndex(std::string_view id) const {
  auto it = item_index_.find(id);
  return it == item_index_.end() ? int64_t{-1} : static_cast<int64_t>(it->second);
}

std::vector<Recommendation> Recommender::Rank(const Model& model, uint32_t user, std::span<const uint32_t> query,
                                              std::span<const uint32_t> exclude, size_t k) const {
  Scratch& s = ThreadScratch();
  s.scores.resize(history_->data.num_items);
  model.Score(Query{user, query}, s.scores);
  TopK(s.scores, history_->popularity, k, exclude, s.top);
  std::vector<Recommendation> out;
  out.reserve(s.top.size());
  for (const ScoredItem& t : s.top) out.push_back({item_ids_[t.item], t.score, {}});
  return out;
}

// Fills each recommendation's reason: the context item with the strongest
// bought-together association, else the user's own history, else popularity.
void Recommender::Explain(std::span<const uint32_t> context, uint32_t user, std::vector<Recommendation>& out) const {
  Scratch& s = ThreadScratch();
  std::vector<float> best(out.size(), 0.0f);
  std::vector<int64_t> best_from(out.size(), -1), index(out.size());
  for (size_t r = 0; r < out.size(); ++r) index[r] = ItemIndex(out[r].item);
  s.part.resize(history_->data.num_items);
  for (uint32_t j : context) {
    uint32_t single[1] = {j};
    together_->Score(Query{kNone, single}, s.part);
    for (size_t r = 0; r < out.size(); ++r) {
      const int64_t i = index[r];
      if (i >= 0 && s.part[i] > best[r]) {
        best[r] = s.part[i];
        best_from[r] = j;
      }
    }
  }
  std::span<const uint32_t> own;
  if (user != kNone) own = history_->user_items.Of(user);
  for (size_t r = 0; r < out.size(); ++r) {
    const int64_t i = index[r];
    if (i >= 0 && std::binary_search(own.begin(), own.end(), static_cast<uint32_t>(i))) {
      out[r].reason = "you bought this before";
    } else if (best_from[r] >= 0) {
      out[r].reason = "bought together with " + item_ids_[best_from[r]];
    } else {
      out[r].reason = "popular now";
    }
  }
}

std::vector<Recommendation> Recommender::ForUser(std::string_view user, size_t k,
                                                 std::span<const std::string> exclude) const {
  Scratch& s = ThreadScratch();
  s.ids.clear();
  for (const std::string& e : exclude) {
    int64_t i = ItemIndex(e);
    if (i >= 0) s.ids.push_back(static_cast<uint32_t>(i));
  }
  std::vector<uint32_t> excluded = s.ids;
  auto it = user_index_.find(user);
  const Interactions& d = history_->data;
  if (it == user_index_.end() || it->second >= d.num_users || d.UserBasketCount(it->second) == 0) {
    auto out = Rank(*trending_, kNone, {}, excluded, k);
    for (auto& r : out) r.reason = "trending";
    return out;
  }
  const uint32_t u = it->second;
  auto out = Rank(*for_you_, u, {}, excluded, k);
  // The user's most recent distinct items explain the list.
  std::vector<uint32_t> recent;
  for (uint64_t b = d.user_begin[u + 1]; b > d.user_begin[u] && recent.size() < kExplainContext; --b) {
    for (uint32_t item : d.BasketItems(b - 1)) {
      if (recent.size() < kExplainContext && std::find(recent.begin(), recent.end(), item) == recent.end()) {
        recent.push_back(item);
      }
    }
  }
  Explain(recent, u, out);
  return out;
}

Result<std::vector<Recommendation>> Recommender::Similar(std::string_view item, size_t k) const {
  int64_t i = ItemIndex(item);
  if (i < 0) return Error::NotFound("unknown item '" + std::string(item) + "'", "item");
  uint32_t query[1] = {static_cast<uint32_t>(i)};
  auto out = Rank(*similar_, kNone, query, query, k);
  for (auto& r : out) {
    if (r.score <= 0) r.reason = "popular now";
    else r.reason = "often chosen by people who chose " + item_ids_[i];
  }
  // Items without any association are not "similar": drop the popularity fill.
  out.erase(std::remove_if(out.begin(), out.end(), [](const Recommendation& r) { return r.score <= 0; }),
            out.end());
  return out;
}

std::vector<Recommendation> Recommender::BoughtTogether(std::span<const std::string> items, size_t k) const {
  std::vector<uint32_t> query;
  for (const std::string& id : items) {
    int64_t i = ItemIndex(id);
    if (i >= 0) query.push_back(static_cast<uint32_t>(i));
  }
  std::sort(query.begin(), query.end());
  query.erase(std::unique(query.begin(), query.end()), query.end());
  if (query.empty()) {
    auto out = Rank(*trending_, kNone, {}, {}, k);
    for (auto& r : out) r.reason = "trending";
    return out;
  }
  auto out = Rank(*together_, kNone, query, query, k);
  Explain(query, kNone, out);
  return out;
}

// ---- Training ----

Result<std::shared_ptr<const Recommender>> TrainRecommender(const EventLog& log, const TrainOptions& options) {
  auto say = [&](const std::string& m) {
    if (options.log) options.log(m);
  };
  Interactions data = BuildInteractions(log, options.interactions);
  if (data.items.empty()) return Error::InvalidArgument("no interactions to train on", "events");
  auto history = History::Build(std::move(data));
  const Interactions& d = history->data;
  bool repeat_buyers = false;
  if (d.has_users && d.has_baskets) {
    uint64_t multi = 0;
    for (uint32_t u = 0; u < d.num_users; ++u) multi += d.UserBasketCount(u) >= 2;
    repeat_buyers = multi * 10 >= d.num_users;  // at least 10% of users come back
  }
  std::string kind = options.for_you;
  if (kind == "auto") {
    kind = repeat_buyers ? "tifu" : history->training_items <= 20000 ? "ease" : "cooccurrence";
  }
  Params params;
  if (options.tune) {
    EvalOptions eo;
    eo.log = options.log;
    Protocol p = repeat_buyers ? Protocol::kLastBasket : Protocol::kRandomHoldout;
    auto tuned = TuneParams(kind, d, p, eo);
    if (tuned.ok()) {
      params = *tuned;
      if (kind == "personal") {
        params.erase("neighbours");
        params.erase("alpha");
      }
    } else {
      say("tuning failed, using defaults: " + tuned.error().ToString());
    }
  }
  say("fitting " + kind);
  ATELIER_ASSIGN_OR_RETURN(auto for_you, CreateModel(kind, params));
  ATELIER_RETURN_IF_ERROR(for_you->Fit(history));
  say("fitting trending, similar, bought-together");
  ATELIER_ASSIGN_OR_RETURN(auto trending, CreateModel("trending", {}));
  ATELIER_RETURN_IF_ERROR(trending->Fit(history));
  ATELIER_ASSIGN_OR_RETURN(auto similar, CreateModel("cooccurrence", {{"user_level", 1}}));
  ATELIER_RETURN_IF_ERROR(similar->Fit(history));
  Params together_params;
  std::string together_kind = options.bought_together;
  if (together_kind == "auto" || together_kind == "cooccurrence") {
    together_kind = "cooccurrence";
    together_params = {{"user_level", 0}, {"alpha", 0.5}};
  }
  ATELIER_ASSIGN_OR_RETURN(auto together, CreateModel(together_kind, together_params));
  ATELIER_RETURN_IF_ERROR(together->Fit(history));
  return Recommender::Assemble(log.user_ids, log.item_ids, history, std::move(for_you), std::move(trending),
                               std::move(similar), std::move(together));
}

Result<EventLog> ReadStoreEvents(store::Database& db) {
  EventLogBuilder builder;
  builder.SetHasTime(true);
  Status scan = db.QueryEach(
      "SELECT type, user_id, item_id, basket_id, quantity, ts FROM events WHERE type <> 'search' ORDER BY id", {},
      [&](const store::Row& row) {
        auto type = ParseEventType(row.Text(0));
        std::string item = row.Text(2);
        if (!type.ok() || item.empty()) return true;
        builder.Add(row.Text(1), item, row.Text(3), row.Int(5), static_cast<float>(row.Int(4)), *type);
        return true;
      });
  if (!scan.ok()) return scan.error();
  return std::move(builder).Finish();
}

Result<std::shared_ptr<const Recommender>> TrainFromStore(store::Database& db, const TrainOptions& options) {
  ATELIER_ASSIGN_OR_RETURN(EventLog log, ReadStoreEvents(db));
  return TrainRecommender(log, options);
}

Result<int64_t> ImportEvents(store::Database& db, const EventLog& log, const std::string& source,
                             const std::function<void(int64_t)>& progress) {
  constexpr size_t kBatch = 5000;
  int64_t stored = 0;
  for (size_t start = 0; start < log.events.size(); start += kBatch) {
    size_t end = std::min(log.events.size(), start + kBatch);
    std::vector<store::EventRow> rows;
    rows.reserve(end - start);
    for (size_t i = start; i < end; ++i) {
      const Event& e = log.events[i];
      rows.push_back({source + ":" + std::to_string(i), std::string(EventTypeName(e.type)),
                      e.user == kNone ? std::string() : log.user_ids[e.user], log.item_ids[e.item],
                      e.basket == kNone ? std::string() : log.basket_ids[e.basket],
                      static_cast<int64_t>(std::max(1.0f, e.quantity)), std::string(), e.ts});
    }
    int64_t batch_stored = 0;
    Status s = db.Transact([&](store::Session& tx) -> Status {
      ATELIER_ASSIGN_OR_RETURN(batch_stored, store::InsertEvents(tx, rows));
      return Ok();
    });
    if (!s.ok()) return s.error();
    stored += batch_stored;
    if (progress) progress(static_cast<int64_t>(end));
  }
  return stored;
}

// ---- Artifacts ----

namespace {

void WriteStrings(std::ostream& out, const std::vector<std::string>& v) {
  WritePod<uint64_t>(out, v.size());
  for (const auto& s : v) WriteString(out, s);
}

bool ReadStrings(std::istream& in, std::vector<std::string>& v) {
  uint64_t n = 0;
  if (!ReadPod(in, n) || n > (1ULL << 32)) return false;
  v.resize(n);
  for (auto& s : v) {
    if (!ReadString(in, s, 1 << 16)) return false;
  }
  return true;
}

Status WriteModel(std::ostream& out, const Model& m) {
  WriteString(out, std::string(m.kind()));
  WritePod<uint64_t>(out, m.params().size());
  for (const auto& [name, value] : m.params()) {
    WriteString(out, name);
    WritePod<double>(out, value);
  }
  return m.Save(out);
}

Result<std::shared_ptr<Model>> ReadModel(std::istream& in, const std::shared_ptr<const History>& history) {
  std::string kind;
  uint64_t np = 0;
  if (!ReadString(in, kind, 64) || !ReadPod(in, np) || np > 64) {
    return Error::InvalidArgument("corrupt artifact: model header", "artifact");
  }
  Params p;
  for (uint64_t i = 0; i < np; ++i) {
    std::string name;
    double v = 0;
    if (!ReadString(in, name, 64) || !ReadPod(in, v)) return Error::InvalidArgument("corrupt artifact: params", "artifact");
    p[name] = v;
  }
  if (kind == "personal") {
    p.erase("neighbours");
    p.erase("alpha");
  }
  ATELIER_ASSIGN_OR_RETURN(auto model, CreateModel(kind, p));
  ATELIER_RETURN_IF_ERROR(model->Load(in, history));
  return std::shared_ptr<Model>(std::move(model));
}

}  // namespace

Status WriteArtifact(const Recommender& rec, std::ostream& out) {
  out.write(kMagic, sizeof(kMagic));
  WritePod<uint32_t>(out, kArtifactVersion);
  WritePod<int64_t>(out, rec.created_);
  WriteStrings(out, rec.user_ids_);
  WriteStrings(out, rec.item_ids_);
  const Interactions& d = rec.history_->data;
  WritePod<uint32_t>(out, d.num_users);
  WritePod<uint32_t>(out, d.num_items);
  WritePod<uint8_t>(out, d.has_users);
  WritePod<uint8_t>(out, d.has_baskets);
  WriteVector(out, d.basket_user);
  WriteVector(out, d.basket_time);
  WriteVector(out, d.basket_key);
  WriteVector(out, d.basket_begin);
  WriteVector(out, d.items);
  WriteVector(out, d.quantities);
  WriteVector(out, d.arrival);
  WriteVector(out, d.user_begin);
  for (const Model* m : {rec.for_you_.get(), rec.trending_.get(), rec.similar_.get(), rec.together_.get()}) {
    ATELIER_RETURN_IF_ERROR(WriteModel(out, *m));
  }
  out.write(kMagic, sizeof(kMagic));  // trailer: detects truncation
  if (!out) return Error::Unavailable("cannot write the model artifact");
  return Ok();
}

Result<std::string> SaveArtifact(const Recommender& rec, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error::Unavailable("cannot create '" + dir + "': " + ec.message());
  std::string name = "recommender-" + std::to_string(NowUnixMillis()) + ".atlr";
  std::string path = (std::filesystem::path(dir) / name).string();
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Error::Unavailable("cannot write '" + tmp + "'");
    Status s = WriteArtifact(rec, out);
    if (!s.ok()) return s.error();
    out.flush();
    if (!out) return Error::Unavailable("cannot write '" + tmp + "'");
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Error::Unavailable("cannot rename '" + tmp + "': " + ec.message());
  return path;
}

Result<std::shared_ptr<const Recommender>> LoadArtifact(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NotFound("cannot open model artifact '" + path + "'", "artifact");
  auto bad = [&](const std::string& what) {
    return Error::InvalidArgument("'" + path + "' is not a valid model artifact: " + what, "artifact");
  };
  char magic[8];
  in.read(magic, sizeof(magic));
  if (!in || !std::equal(magic, magic + 8, kMagic)) return bad("bad magic");
  uint32_t version = 0;
  if (!ReadPod(in, version)) return bad("truncated");
  if (version != kArtifactVersion) return bad("format version " + std::to_string(version) + " is not supported");
  auto rec = std::make_shared<Recommender>();
  Interactions d;
  uint8_t has_users = 0, has_baskets = 0;
  bool ok = ReadPod(in, rec->created_) && ReadStrings(in, rec->user_ids_) && ReadStrings(in, rec->item_ids_) &&
            ReadPod(in, d.num_users) && ReadPod(in, d.num_items) && ReadPod(in, has_users) &&
            ReadPod(in, has_baskets) && ReadVector(in, d.basket_user) && ReadVector(in, d.basket_time) &&
            ReadVector(in, d.basket_key) && ReadVector(in, d.basket_begin) && ReadVector(in, d.items) &&
            ReadVector(in, d.quantities) && ReadVector(in, d.arrival) && ReadVector(in, d.user_begin);
  if (!ok) return bad("truncated history");
  d.has_users = has_users != 0;
  d.has_baskets = has_baskets != 0;
  const size_t nb = d.basket_user.size();
  ok = d.num_items == rec->item_ids_.size() && d.num_users == rec->user_ids_.size() &&
       d.basket_time.size() == nb && d.basket_key.size() == nb && d.basket_begin.size() == nb + 1 &&
       d.basket_begin.front() == 0 && d.basket_begin.back() == d.items.size() &&
       d.quantities.size() == d.items.size() && d.arrival.size() == d.items.size() && d.user_begin.size() == d.num_users + 2 &&
       d.user_begin.back() == nb;
  for (size_t b = 0; ok && b < nb; ++b) ok = d.basket_begin[b] <= d.basket_begin[b + 1];
  for (size_t u = 0; ok && u + 1 < d.user_begin.size(); ++u) ok = d.user_begin[u] <= d.user_begin[u + 1];
  for (size_t i = 0; ok && i < d.items.size(); ++i) ok = d.items[i] < d.num_items;
  if (!ok) return bad("inconsistent history");
  rec->history_ = History::Build(std::move(d));
  std::shared_ptr<Model>* slots[] = {&rec->for_you_, &rec->trending_, &rec->similar_, &rec->together_};
  for (auto* slot : slots) {
    auto m = ReadModel(in, rec->history_);
    if (!m.ok()) return bad(m.error().message);
    *slot = std::move(*m);
  }
  in.read(magic, sizeof(magic));
  if (!in || !std::equal(magic, magic + 8, kMagic)) return bad("truncated");
  rec->Index();
  return std::shared_ptr<const Recommender>(std::move(rec));
}

Result<std::string> NewestArtifact(const std::string& dir) {
  std::error_code ec;
  std::string best;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("recommender-", 0) == 0 && entry.path().extension() == ".atlr" && name > std::filesystem::path(best).filename().string()) {
      best = entry.path().string();
    }
  }
  if (best.empty()) return Error::NotFound("no model artifact in '" + dir + "'", "artifact");
  return best;
}

}  // namespace atelier::recommend
