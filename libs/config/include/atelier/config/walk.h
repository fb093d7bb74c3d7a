#pragma once
// The configurator measurements of ../shared/EVAL.md: seeded random walks
// (valid-domain latency per step) and the sales replay with 10-fold
// next-choice precision (Brouard, de Givry & Schiex, CP 2020).
//
// Thread-safety: free functions over an immutable CompiledModel.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "atelier/config/compiled_model.h"
#include "atelier/core/result.h"

namespace atelier::config {

struct LatencyStats {
  int64_t steps = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
  double mean_ms = 0;
};

// Nearest-rank percentiles of `samples_ms` (sorted in place).
LatencyStats Summarize(std::vector<double>* samples_ms);

struct WalkOptions {
  int walks = 20;
  uint32_t first_seed = 1;  // walk i uses seed first_seed + i
  // Also check every shown value of the picked option against IsConsistent
  // (slow; for tests).
  bool verify = false;
  // Called after every timed step (outside the timing) with the picks the
  // step was computed for and the valid domains shown: benchmarks time a
  // reference implementation on exactly the same walks. May be empty.
  std::function<void(const std::vector<int>& picks, const std::vector<std::vector<char>>& available)> on_step;
};

struct WalkResult {
  LatencyStats latency;  // wall clock, one sample per valid-domain computation
  // The same steps in thread CPU time: excludes time the OS gave to other
  // processes (on a loaded shared machine wall-clock p99 shows preemption).
  LatencyStats cpu_latency;
  int64_t picks = 0;
  int64_t verify_failures = 0;  // shown values that did not complete (must be 0)
  // The first step of the first walk (no picks, nothing cached yet), also
  // among the samples above.
  double first_step_ms = 0;
  double first_step_cpu_ms = 0;
};

// EVAL.md random walks: start with no picks; each step computes the valid
// domains (timed), then picks a random shown value of a random open option
// (an option not yet picked with more than one value shown), until none is
// open. Seeds first_seed .. first_seed + walks - 1 (std::mt19937).
Result<WalkResult> RandomWalks(const CompiledModel& model, const WalkOptions& options);

// Sold configurations: the history's header names options (columns); each
// row gives a value id per column.
struct SalesTable {
  std::vector<int> columns;             // option index per column
  std::vector<std::vector<int>> rows;   // value index per column
};

// Reads a whitespace-separated history (first line: option ids or labels;
// then one sold configuration per line). Errors name the line and column.
Result<SalesTable> LoadSalesTable(const CompiledModel& model, const std::string& path);

// Reads one fold id per line; only the first `rows` lines are used (the big
// Renault index file has more lines than its history).
Result<std::vector<int>> LoadFolds(const std::string& path, size_t rows);

struct ReplayResult {
  int64_t cars = 0;
  LatencyStats latency;      // wall clock
  LatencyStats cpu_latency;  // thread CPU time
  int64_t not_offered = 0;  // sold values not shown at their step (must be 0)
  // Next-choice precision over the 10 folds (when folds are given): at each
  // step the top-ranked offered value (most frequent among training sales
  // agreeing with the picks so far, backing off to the longest agreeing
  // prefix) is compared with the sold value.
  int64_t predictions = 0;
  int64_t hits = 0;
  int64_t free_predictions = 0;  // steps with more than one value offered
  int64_t free_hits = 0;
  double precision() const { return predictions ? static_cast<double>(hits) / predictions : 0; }
  double free_precision() const { return free_predictions ? static_cast<double>(free_hits) / free_predictions : 0; }
};

// EVAL.md sales replay: each row replayed in column order, the valid domains
// computed (timed) before each pick. `folds` (may be empty) enables the
// 10-fold next-choice precision.
Result<ReplayResult> ReplaySales(const CompiledModel& model, const SalesTable& sales, const std::vector<int>& folds);

}  // namespace atelier::config
