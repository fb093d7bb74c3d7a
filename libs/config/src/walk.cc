#include "atelier/config/walk.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <unordered_map>

#include "atelier/core/strings.h"

namespace atelier::config {

namespace {
using Clock = std::chrono::steady_clock;
double MsSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

double ThreadCpuMs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}
}  // namespace

LatencyStats Summarize(std::vector<double>* s) {
  LatencyStats out;
  out.steps = static_cast<int64_t>(s->size());
  if (s->empty()) return out;
  std::sort(s->begin(), s->end());
  auto rank = [&](double q) {
    size_t k = static_cast<size_t>(std::ceil(q * static_cast<double>(s->size())));
    return (*s)[std::min(s->size() - 1, k == 0 ? 0 : k - 1)];
  };
  out.p50_ms = rank(0.50);
  out.p99_ms = rank(0.99);
  out.max_ms = s->back();
  double sum = 0;
  for (double x : *s) sum += x;
  out.mean_ms = sum / static_cast<double>(s->size());
  return out;
}

Result<WalkResult> RandomWalks(const CompiledModel& model, const WalkOptions& options) {
  const size_t n = model.model().options.size();
  WalkResult result;
  std::vector<double> samples, cpu_samples;
  std::vector<std::vector<char>> avail;
  for (int w = 0; w < options.walks; ++w) {
    std::mt19937 rng(options.first_seed + static_cast<uint32_t>(w));
    std::vector<int> picks(n, -1);
    while (true) {
      auto t = Clock::now();
      double cpu = ThreadCpuMs();
      bool ok = model.ValidDomains(picks, &avail);
      cpu_samples.push_back(ThreadCpuMs() - cpu);
      samples.push_back(MsSince(t));
      if (samples.size() == 1) {
        result.first_step_ms = samples[0];
        result.first_step_cpu_ms = cpu_samples[0];
      }
      if (!ok) return Error::Internal("walk reached an inconsistent state (seed " +
                                      std::to_string(options.first_seed + w) + ")");
      if (options.on_step) options.on_step(picks, avail);
      std::vector<int> open;
      for (size_t o = 0; o < n; ++o) {
        if (picks[o] >= 0) continue;
        int shown = 0;
        for (char c : avail[o]) shown += c ? 1 : 0;
        if (shown > 1) open.push_back(static_cast<int>(o));
      }
      if (open.empty()) break;
      int o = open[std::uniform_int_distribution<size_t>(0, open.size() - 1)(rng)];
      std::vector<int> shown;
      for (size_t v = 0; v < avail[o].size(); ++v) {
        if (avail[o][v]) shown.push_back(static_cast<int>(v));
      }
      if (options.verify) {
        for (int v : shown) {
          std::vector<int> test = picks;
          test[o] = v;
          if (!model.IsConsistent(test)) ++result.verify_failures;
        }
      }
      picks[o] = shown[std::uniform_int_distribution<size_t>(0, shown.size() - 1)(rng)];
      ++result.picks;
    }
  }
  result.latency = Summarize(&samples);
  result.cpu_latency = Summarize(&cpu_samples);
  return result;
}

Result<SalesTable> LoadSalesTable(const CompiledModel& cm, const std::string& path) {
  const ProductModel& m = cm.model();
  std::ifstream in(path);
  if (!in) return Error::NotFound("cannot open sales history " + path, path);
  std::unordered_map<std::string, int> by_name;
  for (size_t o = 0; o < m.options.size(); ++o) {
    by_name[m.options[o].id] = static_cast<int>(o);
    by_name.emplace(m.options[o].label, static_cast<int>(o));
  }
  SalesTable t;
  std::string line;
  if (!std::getline(in, line)) return Error::InvalidArgument(path + ":1: empty history", path);
  {
    std::istringstream hs(line);
    std::string name;
    while (hs >> name) {
      auto it = by_name.find(name);
      if (it == by_name.end()) {
        return Error::InvalidArgument(path + ":1: column '" + name + "' is not an option of the model", path + ":1");
      }
      t.columns.push_back(it->second);
    }
  }
  std::vector<std::unordered_map<std::string, int>> values(t.columns.size());
  for (size_t c = 0; c < t.columns.size(); ++c) {
    const Option& o = m.options[t.columns[c]];
    for (size_t v = 0; v < o.values.size(); ++v) values[c][o.values[v].id] = static_cast<int>(v);
  }
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (Trim(line).empty()) continue;
    std::istringstream ls(line);
    std::vector<int> row;
    std::string tok;
    while (ls >> tok) {
      size_t c = row.size();
      std::string where = path + ":" + std::to_string(line_no);
      if (c >= t.columns.size()) return Error::InvalidArgument(where + ": more values than columns", where);
      auto it = values[c].find(tok);
      if (it == values[c].end()) {
        return Error::InvalidArgument(where + ": '" + tok + "' is not a value of option '" +
                                          m.options[t.columns[c]].id + "'",
                                      where);
      }
      row.push_back(it->second);
    }
    if (row.size() != t.columns.size()) {
      std::string where = path + ":" + std::to_string(line_no);
      return Error::InvalidArgument(where + ": expected " + std::to_string(t.columns.size()) + " values", where);
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

Result<std::vector<int>> LoadFolds(const std::string& path, size_t rows) {
  std::ifstream in(path);
  if (!in) return Error::NotFound("cannot open fold index " + path, path);
  std::vector<int> folds;
  std::string line;
  int line_no = 0;
  while (folds.size() < rows && std::getline(in, line)) {
    ++line_no;
    auto f = ParseInt(Trim(line));
    if (!f || *f < 0 || *f > 9) {
      std::string where = path + ":" + std::to_string(line_no);
      return Error::InvalidArgument(where + ": expected a fold id 0..9", where);
    }
    folds.push_back(static_cast<int>(*f));
  }
  if (folds.size() < rows) {
    return Error::InvalidArgument(path + ": " + std::to_string(folds.size()) + " fold ids for " +
                                      std::to_string(rows) + " sales",
                                  path);
  }
  return folds;
}

Result<ReplayResult> ReplaySales(const CompiledModel& cm, const SalesTable& sales, const std::vector<int>& folds) {
  const size_t n = cm.model().options.size();
  const size_t cols = sales.columns.size();
  ReplayResult result;
  std::vector<double> samples, cpu_samples;
  std::vector<std::vector<char>> avail;
  const bool rank = !folds.empty();
  std::vector<int> agreeing, next;
  std::vector<int64_t> counts;
  for (size_t r = 0; r < sales.rows.size(); ++r) {
    const auto& car = sales.rows[r];
    std::vector<int> picks(n, -1);
    if (rank) {
      agreeing.clear();
      for (size_t s = 0; s < sales.rows.size(); ++s) {
        if (folds[s] != folds[r]) agreeing.push_back(static_cast<int>(s));
      }
    }
    for (size_t c = 0; c < cols; ++c) {
      const int o = sales.columns[c];
      auto t = Clock::now();
      double cpu = ThreadCpuMs();
      bool ok = cm.ValidDomains(picks, &avail);
      cpu_samples.push_back(ThreadCpuMs() - cpu);
      samples.push_back(MsSince(t));
      if (!ok || !avail[o][car[c]]) {
        ++result.not_offered;
        if (!ok) break;
      }
      if (rank) {
        counts.assign(avail[o].size(), 0);
        for (int s : agreeing) ++counts[sales.rows[s][c]];
        int best = -1, offered = 0;
        for (size_t v = 0; v < avail[o].size(); ++v) {
          if (!avail[o][v]) continue;
          ++offered;
          if (best < 0 || counts[v] > counts[best]) best = static_cast<int>(v);
        }
        ++result.predictions;
        bool hit = best == car[c];
        result.hits += hit ? 1 : 0;
        if (offered > 1) {
          ++result.free_predictions;
          result.free_hits += hit ? 1 : 0;
        }
        next.clear();
        for (int s : agreeing) {
          if (sales.rows[s][c] == car[c]) next.push_back(s);
        }
        if (!next.empty()) agreeing.swap(next);  // back off: keep the longest agreeing prefix
      }
      picks[o] = car[c];
    }
    ++result.cars;
  }
  result.latency = Summarize(&samples);
  result.cpu_latency = Summarize(&cpu_samples);
  return result;
}

}  // namespace atelier::config
