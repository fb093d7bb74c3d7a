#pragma once
// Offline evaluation per EVAL.md: hyper-parameters tuned on a validation split
// carved from the training data by the same protocol, the model refit on all
// training data, then scored on the test cases through the serving path
// (Model::Score + TopK), with training time and per-case latency.
//
// Thread-safety: functions are reentrant; models fit with internal threads.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "atelier/core/result.h"
#include "atelier/recommend/metrics.h"
#include "atelier/recommend/model.h"
#include "atelier/recommend/protocol.h"

namespace atelier::recommend {

struct EvalOptions {
  std::vector<int> ks = {10, 20};
  // Hyper-parameters and blend weights maximise NDCG@tune_k on the
  // validation split; 0 means the largest of `ks`.
  int tune_k = 0;
  // When false, models run with their default parameters (no validation split).
  bool tune = true;
  // Coordinate-descent passes over the parameter grid.
  int tuning_passes = 2;
  SplitOptions split;
  // Progress messages ("tuning ease lambda=500: 0.1234"); may be empty.
  std::function<void(const std::string&)> log;
};

struct ModelReport {
  std::string model;
  Params params;
  std::vector<Metrics> metrics;  // one per K
  double fit_seconds = 0;        // final fit on all training data
  double tune_seconds = 0;       // validation search (fits included)
  double latency_p50_ms = 0;     // per case: Score + TopK
  double latency_p99_ms = 0;
  std::string error;             // non-empty when the model could not run
};

struct EvalReport {
  Protocol protocol = Protocol::kLastBasket;
  int64_t cases = 0;
  int64_t validation_cases = 0;
  uint32_t training_items = 0;
  std::vector<ModelReport> models;
};

// Scores every case of `cases` with `model` (fitted on `history`) and returns
// the metrics for each K, and per-case latencies in `latencies_ms` if given.
std::vector<Metrics> EvaluateCases(const Model& model, const History& history, const std::vector<EvalCase>& cases,
                                   bool exclude_user_history, const std::vector<int>& ks,
                                   std::vector<double>* latencies_ms = nullptr);

// Runs the baselines (popular, and repeat for last-basket) and `models`
// ("all" expands to every applicable kind, "blend" adds the validation-tuned
// combination of the others) on `split`.
// Errors: kNotFound for an unknown model name, kInvalidArgument for bad K.
Result<EvalReport> Evaluate(const Split& split, const std::vector<std::string>& models, const EvalOptions& options);

// Tunes `kind`'s hyper-parameters on a validation split of `data` made by
// `protocol` (coordinate descent over the model's grid, NDCG@tune_k).
// Errors: those of MakeSplit and CreateModel, kInternal when no setting fits.
Result<Params> TuneParams(std::string_view kind, const Interactions& data, Protocol protocol,
                          const EvalOptions& options);

// Table or JSON rendering of a report.
std::string FormatReportTable(const EvalReport& report);
std::string FormatReportJson(const EvalReport& report);

}  // namespace atelier::recommend
