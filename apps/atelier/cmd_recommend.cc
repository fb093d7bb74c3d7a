// `atelier eval`, `atelier train` and `atelier import events`: thin wrappers
// over libs/recommend.

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "atelier/core/progress.h"
#include "atelier/core/strings.h"
#include "atelier/recommend/evaluate.h"
#include "atelier/recommend/event_log.h"
#include "atelier/recommend/interactions.h"
#include "atelier/recommend/protocol.h"
#include "atelier/recommend/recommender.h"
#include "atelier/store/database.h"
#include "commands.h"

namespace atelier::cli {

namespace {

using namespace atelier::recommend;

Result<EventLog> LoadWithReport(const std::string& path, const std::string& format_name) {
  ATELIER_ASSIGN_OR_RETURN(EventFormat format, ParseEventFormat(format_name));
  ProgressBar bar("load " + std::filesystem::path(path).filename().string(), 0);
  LoadOptions options;
  options.progress = [&](int64_t done, int64_t total) {
    (void)total;
    bar.Update(done);
  };
  LoadReport report;
  auto log = LoadEventLog(path, format, options, report);
  bar.Finish();
  if (!log.ok()) return log.error();
  std::fprintf(stderr, "%s: %lld rows, %lld events, %lld filtered by the %s rules, %lld bad\n", path.c_str(),
               static_cast<long long>(report.rows), static_cast<long long>(report.loaded),
               static_cast<long long>(report.filtered), EventFormatName(format), static_cast<long long>(report.bad));
  for (const std::string& e : report.first_errors) std::fprintf(stderr, "  bad row: %s\n", e.c_str());
  return log;
}

std::vector<int> ParseKs(const std::string& text, Status& status) {
  std::vector<int> ks;
  for (const std::string& part : atelier::Split(text, ',')) {
    auto k = ParseInt(Trim(part));
    if (!k || *k <= 0 || *k > 10000) {
      status = Error::InvalidArgument("bad K '" + part + "'", "k");
      return {};
    }
    ks.push_back(static_cast<int>(*k));
  }
  return ks;
}

int Fail(const Error& e) {
  std::fprintf(stderr, "error: %s\n", e.ToString().c_str());
  return 1;
}

struct EvalFlags {
  std::string events;
  std::string format = "generic";
  std::string protocol = "last-basket";
  std::string ks = "10,20";
  std::vector<std::string> models = {"all"};
  std::string output = "table";
  uint64_t seed = 42;
  int tune_k = 0;
  bool no_tune = false;
  bool verbose = false;
};

int RunEval(const EvalFlags& f) {
  Status ks_status;
  std::vector<int> ks = ParseKs(f.ks, ks_status);
  if (!ks_status.ok()) return Fail(ks_status.error());
  auto protocol = ParseProtocol(f.protocol);
  if (!protocol.ok()) return Fail(protocol.error());
  if (f.output != "table" && f.output != "json") {
    return Fail(Error::InvalidArgument("--output must be table or json", "output"));
  }
  auto log = LoadWithReport(f.events, f.format);
  if (!log.ok()) return Fail(log.error());
  Interactions data = BuildInteractions(*log);
  EvalOptions options;
  options.ks = ks;
  options.tune = !f.no_tune;
  options.tune_k = f.tune_k;
  options.split.seed = f.seed;
  if (f.verbose) options.log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  auto split = MakeSplit(data, *protocol, options.split);
  if (!split.ok()) return Fail(split.error());
  auto report = Evaluate(*split, f.models, options);
  if (!report.ok()) return Fail(report.error());
  std::cout << (f.output == "json" ? FormatReportJson(*report) : FormatReportTable(*report));
  return 0;
}

struct ImportFlags {
  std::string file;
  std::string format = "generic";
  std::string store = "sqlite://atelier.db";
};

int RunImport(const ImportFlags& f) {
  auto log = LoadWithReport(f.file, f.format);
  if (!log.ok()) return Fail(log.error());
  auto db = store::OpenDatabase(f.store);
  if (!db.ok()) return Fail(db.error());
  ProgressBar bar("import events", static_cast<int64_t>(log->events.size()));
  auto written = ImportEvents(**db, *log, std::filesystem::path(f.file).filename().string(),
                              [&](int64_t done) { bar.Update(done); });
  bar.Finish();
  if (!written.ok()) return Fail(written.error());
  std::fprintf(stderr, "stored %lld new events (%lld already present)\n", static_cast<long long>(*written),
               static_cast<long long>(static_cast<int64_t>(log->events.size()) - *written));
  return 0;
}

struct TrainFlags {
  std::string store = "sqlite://atelier.db";
  std::string events;
  std::string format = "generic";
  std::string output = "models";
  std::string for_you = "auto";
  std::string bought_together = "auto";
  bool views = false;
  bool carts = false;
};

int RunTrain(const TrainFlags& f) {
  TrainOptions options;
  options.interactions.views = f.views;
  options.interactions.carts = f.carts;
  options.for_you = f.for_you;
  options.bought_together = f.bought_together;
  options.log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  Result<std::shared_ptr<const Recommender>> rec = Error::Internal("unset");
  std::unique_ptr<store::Database> store;
  if (!f.events.empty()) {
    auto log = LoadWithReport(f.events, f.format);
    if (!log.ok()) return Fail(log.error());
    rec = TrainRecommender(*log, options);
  } else {
    auto db = store::OpenDatabase(f.store);
    if (!db.ok()) return Fail(db.error());
    store = std::move(*db);
    rec = TrainFromStore(*store, options);
  }
  if (!rec.ok()) return Fail(rec.error());
  auto path = SaveArtifact(**rec, f.output);
  if (!path.ok()) return Fail(path.error());
  std::printf("%s\n", path->c_str());
  // Replicas following the store reload their newest artifact (those whose
  // model directory is --output, shared storage, pick this one up).
  if (store) {
    if (Status announced = store->Announce(store::Topic::kRecommender); !announced.ok()) {
      std::fprintf(stderr, "warning: replicas were not told of the new artifact: %s\n",
                   announced.error().ToString().c_str());
    }
  }
  return 0;
}

}  // namespace

void RegisterRecommendCommands(CLI::App& app, CliContext& ctx) {
  auto eval_flags = std::make_shared<EvalFlags>();
  CLI::App* eval = app.add_subcommand("eval", "Offline evaluation of the recommenders (EVAL.md protocols)");
  eval->add_option("--events", eval_flags->events, "event log file (plain or .gz)")->required();
  eval->add_option("--format", eval_flags->format,
                   "generic|uci-online-retail|groceries|movielens-100k|movielens-latest");
  eval->add_option("--protocol", eval_flags->protocol, "last-basket|random-holdout|basket-completion");
  eval->add_option("--k", eval_flags->ks, "cut-offs, comma separated");
  eval->add_option("--model", eval_flags->models, "model kinds, 'all', or 'blend' (repeatable)");
  eval->add_option("--output", eval_flags->output, "table|json");
  eval->add_option("--seed", eval_flags->seed, "split seed");
  eval->add_option("--tune-k", eval_flags->tune_k, "K of the validation NDCG (default: largest K)");
  eval->add_flag("--no-tune", eval_flags->no_tune, "use default hyper-parameters");
  eval->add_flag("--verbose", eval_flags->verbose, "print validation results");
  eval->callback([eval_flags, &ctx] { ctx.exit_code = RunEval(*eval_flags); });

  auto train_flags = std::make_shared<TrainFlags>();
  CLI::App* train = app.add_subcommand("train", "Train the recommender and write a model artifact");
  train->add_option("--store", train_flags->store, "store URL to read events from");
  train->add_option("--events", train_flags->events, "train from an event log file instead of the store");
  train->add_option("--format", train_flags->format, "format of --events");
  train->add_option("--output", train_flags->output, "artifact directory");
  train->add_option("--for-you", train_flags->for_you, "model kind of the for-you list, or auto");
  train->add_option("--bought-together", train_flags->bought_together,
                    "model kind of bought-together lists (e.g. completion, basketknn), or auto");
  train->add_flag("--views", train_flags->views, "count view events as interactions");
  train->add_flag("--carts", train_flags->carts, "count cart events as interactions");
  train->callback([train_flags, &ctx] { ctx.exit_code = RunTrain(*train_flags); });

  CLI::App* import = app.get_subcommand("import");
  auto import_flags = std::make_shared<ImportFlags>();
  CLI::App* events = import->add_subcommand("events", "Import an event log into the store");
  events->add_option("file", import_flags->file, "event log file (plain or .gz)")->required();
  events->add_option("--format", import_flags->format,
                     "generic|uci-online-retail|groceries|movielens-100k|movielens-latest");
  events->add_option("--store", import_flags->store, "store URL");
  events->callback([import_flags, &ctx] { ctx.exit_code = RunImport(*import_flags); });
}

}  // namespace atelier::cli
