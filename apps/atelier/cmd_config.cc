// atelier config: import, count, walk, replay, check, configure, demo.
// A thin shell over libs/config: parse flags, call the library, print.

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "atelier/config/compiled_model.h"
#include "atelier/config/demo_models.h"
#include "atelier/config/importers.h"
#include "atelier/config/json.h"
#include "atelier/config/parser.h"
#include "atelier/config/walk.h"
#include "commands.h"

namespace atelier::cli {

namespace {

using config::CompiledModel;
using config::CompileOptions;

struct ModelArgs {
  std::string path;
  std::string format = "auto";
  std::string backend = "auto";
  double bdd_seconds = 60;
  int64_t bdd_nodes = 8'000'000;
  double count_seconds = 10;  // an exact count without a BDD; beyond it, unknown
  bool no_elimination = false;  // SAT path: always the solver
};

void AddModelArgs(CLI::App* cmd, ModelArgs* a) {
  cmd->add_option("model", a->path, "Model file (YAML, DIMACS, SXFM, FeatureIDE XML, XCSP 2.1), or demo:<id>")
      ->required();
  cmd->add_option("--format", a->format, "auto|yaml|dimacs|sxfm|featureide|xcsp")->capture_default_str();
  cmd->add_option("--backend", a->backend, "auto|bdd|sat (diagnostics)")->capture_default_str();
  cmd->add_option("--bdd-seconds", a->bdd_seconds, "Time budget for the BDD compilation")->capture_default_str();
  cmd->add_option("--bdd-nodes", a->bdd_nodes, "Node budget for the BDD compilation")->capture_default_str();
  cmd->add_flag("--no-elimination", a->no_elimination,
                "SAT path: never decide a step's values by variable elimination (comparisons)");
}

int Fail(const Error& e) {
  std::cerr << "atelier config: " << e.message << "\n";
  return e.code == ErrorCode::kNotFound ? 3 : 2;
}

Result<config::ProductModel> Load(const ModelArgs& a) {
  if (a.path.rfind("demo:", 0) == 0) {
    ATELIER_ASSIGN_OR_RETURN(auto models, config::DemoModels());
    for (auto& m : models) {
      if (m.id == a.path.substr(5)) return m;
    }
    return Error::NotFound("no demo model '" + a.path.substr(5) + "'", "model");
  }
  ATELIER_ASSIGN_OR_RETURN(config::ModelFormat f, config::ParseModelFormat(a.format));
  return config::LoadModel(a.path, f);
}

Result<std::shared_ptr<const CompiledModel>> Compile(const ModelArgs& a, const config::ProductModel& m,
                                                    double* seconds) {
  CompileOptions o;
  o.bdd_time_budget_seconds = a.bdd_seconds;
  o.bdd_node_budget = a.bdd_nodes;
  o.count_time_budget_seconds = a.count_seconds;
  o.sat_elimination = !a.no_elimination;
  if (a.backend == "bdd") {
    o.backend = CompileOptions::Backend::kBdd;
  } else if (a.backend == "sat") {
    o.backend = CompileOptions::Backend::kSat;
  } else if (a.backend != "auto") {
    return Error::InvalidArgument("--backend must be auto, bdd or sat", "backend");
  }
  auto t = std::chrono::steady_clock::now();
  auto cm = CompiledModel::Compile(m, o);
  *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  return cm;
}

std::string Ms(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.3f ms", ms);
  return buf;
}

}  // namespace

void RegisterConfigCommand(CLI::App& app, CliContext& ctx) {
  CLI::App* cfg = app.add_subcommand("config", "Product models: import, count, walk, replay, check, configure");
  cfg->require_subcommand(1);

  // import
  {
    // Flag storage is shared with the callback, which the app keeps alive.
    auto a = std::make_shared<ModelArgs>();
    auto out = std::make_shared<std::string>();
    CLI::App* cmd = cfg->add_subcommand("import", "Import a model and write it as Atelier YAML");
    AddModelArgs(cmd, a.get());
    cmd->add_option("-o,--output", *out, "Write the YAML model here (default: summary only)");
    cmd->callback([a, out, &ctx] {
      auto m = Load(*a);
      if (!m.ok()) {
        ctx.exit_code = Fail(m.error());
        return;
      }
      size_t tables = 0;
      for (const auto& r : m->rules) tables += r.kind != config::Rule::Kind::kConstraint ? 1 : 0;
      std::cout << "model " << m->id << ": " << m->options.size() << " options, " << m->rules.size() << " rules ("
                << tables << " tables), " << m->adjustments.size() << " price adjustments, "
                << m->personalization.size() << " personalization fields\n";
      if (!out->empty()) {
        std::ofstream f(*out);
        f << config::WriteProductModel(*m);
        if (!f) {
          ctx.exit_code = Fail(Error::Unavailable("cannot write " + *out));
          return;
        }
        std::cout << "wrote " << *out << "\n";
      }
    });
  }

  // count
  {
    auto a = std::make_shared<ModelArgs>();
    CLI::App* cmd = cfg->add_subcommand("count", "Print the exact number of valid configurations");
    AddModelArgs(cmd, a.get());
    a->count_seconds = 60;
    cmd->add_option("--seconds", a->count_seconds, "Time budget for the whole count; beyond it, unknown")
        ->capture_default_str();
    cmd->callback([a, &ctx] {
      auto m = Load(*a);
      if (!m.ok()) {
        ctx.exit_code = Fail(m.error());
        return;
      }
      auto t = std::chrono::steady_clock::now();
      std::optional<std::string> count;
      std::string how;
      if (a->backend == "auto") {
        config::CountOptions o;
        o.seconds = a->count_seconds;
        o.bdd_node_budget = a->bdd_nodes;
        count = config::CountConfigurations(*m, o, &how);
      } else {
        // A forced backend counts through the compiled configurator.
        double compile_seconds = 0;
        auto cm = Compile(*a, *m, &compile_seconds);
        if (!cm.ok()) {
          ctx.exit_code = Fail(cm.error());
          return;
        }
        count = (*cm)->CountConfigurations();
        // The SAT engine finds configurations but cannot count them: its
        // counts come from variable elimination over the rules.
        how = (*cm)->backend() == "sat" ? "elimination (the sat backend does not count)" : (*cm)->backend();
      }
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
      if (!count) {
        std::cout << "unknown\n";
        std::cerr << "count unknown: neither variable elimination nor a BDD finished within the budget ("
                  << a->count_seconds << " s)\n";
        ctx.exit_code = 4;
        return;
      }
      std::cout << *count << "\n";
      std::cerr << "counted by " << how << " in " << secs << " s\n";
    });
  }

  // walk
  {
    auto a = std::make_shared<ModelArgs>();
    auto walks = std::make_shared<int>(20);
    auto seed = std::make_shared<uint32_t>(1);
    auto verify = std::make_shared<bool>(false);
    CLI::App* cmd = cfg->add_subcommand("walk", "EVAL.md random walks: valid-domain latency per step");
    AddModelArgs(cmd, a.get());
    cmd->add_option("--walks", *walks, "Number of walks")->capture_default_str();
    cmd->add_option("--seed", *seed, "Seed of the first walk (walk i uses seed+i)")->capture_default_str();
    cmd->add_flag("--verify", *verify, "Check that every shown value completes (slow)");
    cmd->callback([a, walks, seed, verify, &ctx] {
      auto m = Load(*a);
      if (!m.ok()) {
        ctx.exit_code = Fail(m.error());
        return;
      }
      double secs = 0;
      auto cm = Compile(*a, *m, &secs);
      if (!cm.ok()) {
        ctx.exit_code = Fail(cm.error());
        return;
      }
      config::WalkOptions wo;
      wo.walks = *walks;
      wo.first_seed = *seed;
      wo.verify = *verify;
      auto r = config::RandomWalks(**cm, wo);
      if (!r.ok()) {
        ctx.exit_code = Fail(r.error());
        return;
      }
      std::cout << "model " << m->id << " backend " << (*cm)->backend() << " compile " << secs << " s\n"
                << "walks " << *walks << " seeds " << *seed << ".." << (*seed + *walks - 1) << " steps "
                << r->latency.steps << " picks " << r->picks << "\n"
                << "step wall p50 " << Ms(r->latency.p50_ms) << " p99 " << Ms(r->latency.p99_ms) << " max "
                << Ms(r->latency.max_ms) << " mean " << Ms(r->latency.mean_ms) << "\n"
                << "step cpu  p50 " << Ms(r->cpu_latency.p50_ms) << " p99 " << Ms(r->cpu_latency.p99_ms) << " max "
                << Ms(r->cpu_latency.max_ms) << " mean " << Ms(r->cpu_latency.mean_ms) << "\n"
                << "first step (no picks, nothing cached) wall " << Ms(r->first_step_ms) << " cpu "
                << Ms(r->first_step_cpu_ms) << "\n";
      if (*verify) std::cout << "shown values that did not complete: " << r->verify_failures << "\n";
      if (r->verify_failures) ctx.exit_code = 5;
    });
  }

  // replay
  {
    auto a = std::make_shared<ModelArgs>();
    auto history = std::make_shared<std::string>();
    auto folds = std::make_shared<std::string>();
    CLI::App* cmd = cfg->add_subcommand("replay", "EVAL.md sales replay with 10-fold next-choice precision");
    AddModelArgs(cmd, a.get());
    cmd->add_option("history", *history, "Sales history (header of option names, one sold car per line)")
        ->required();
    cmd->add_option("--folds", *folds, "Fold index file (one fold id per line) for next-choice precision");
    cmd->callback([a, history, folds, &ctx] {
      auto m = Load(*a);
      if (!m.ok()) {
        ctx.exit_code = Fail(m.error());
        return;
      }
      double secs = 0;
      auto cm = Compile(*a, *m, &secs);
      if (!cm.ok()) {
        ctx.exit_code = Fail(cm.error());
        return;
      }
      auto sales = config::LoadSalesTable(**cm, *history);
      if (!sales.ok()) {
        ctx.exit_code = Fail(sales.error());
        return;
      }
      std::vector<int> fold_ids;
      if (!folds->empty()) {
        auto f = config::LoadFolds(*folds, sales->rows.size());
        if (!f.ok()) {
          ctx.exit_code = Fail(f.error());
          return;
        }
        fold_ids = std::move(*f);
      }
      auto r = config::ReplaySales(**cm, *sales, fold_ids);
      if (!r.ok()) {
        ctx.exit_code = Fail(r.error());
        return;
      }
      std::cout << "model " << m->id << " backend " << (*cm)->backend() << " compile " << secs << " s\n"
                << "cars " << r->cars << " columns " << sales->columns.size() << " steps " << r->latency.steps
                << " sold values not offered " << r->not_offered << "\n"
                << "step wall p50 " << Ms(r->latency.p50_ms) << " p99 " << Ms(r->latency.p99_ms) << " max "
                << Ms(r->latency.max_ms) << "\n"
                << "step cpu  p50 " << Ms(r->cpu_latency.p50_ms) << " p99 " << Ms(r->cpu_latency.p99_ms) << " max "
                << Ms(r->cpu_latency.max_ms) << "\n";
      if (!fold_ids.empty()) {
        std::printf("next-choice precision (10-fold): %.4f over %lld steps; %.4f over %lld steps with a real choice\n",
                    r->precision(), static_cast<long long>(r->predictions), r->free_precision(),
                    static_cast<long long>(r->free_predictions));
      }
      if (r->not_offered) ctx.exit_code = 5;
    });
  }

  // check
  {
    auto a = std::make_shared<ModelArgs>();
    CLI::App* cmd = cfg->add_subcommand("check", "Parse and compile a model; report errors, conflicts and size");
    AddModelArgs(cmd, a.get());
    cmd->callback([a, &ctx] {
      auto m = Load(*a);
      if (!m.ok()) {
        ctx.exit_code = Fail(m.error());
        return;
      }
      double secs = 0;
      auto cm = Compile(*a, *m, &secs);
      if (!cm.ok()) {
        ctx.exit_code = Fail(cm.error());
        return;
      }
      auto count = (*cm)->CountConfigurations();
      std::cout << "ok: model " << m->id << " v" << m->version << ", " << m->options.size() << " options, "
                << m->rules.size() << " rules, backend " << (*cm)->backend() << ", compiled in " << secs
                << " s, configurations " << count.value_or("unknown") << "\n";
    });
  }

  // configure
  {
    auto a = std::make_shared<ModelArgs>();
    auto request = std::make_shared<std::string>("{}");
    CLI::App* cmd = cfg->add_subcommand("configure", "Print the configurator state (JSON) for a request");
    AddModelArgs(cmd, a.get());
    cmd->add_option("--request", *request, "Request JSON: {\"selections\": {...}, \"personalization\": [...]}")
        ->capture_default_str();
    cmd->callback([a, request, &ctx] {
      auto m = Load(*a);
      if (!m.ok()) {
        ctx.exit_code = Fail(m.error());
        return;
      }
      double secs = 0;
      auto cm = Compile(*a, *m, &secs);
      if (!cm.ok()) {
        ctx.exit_code = Fail(cm.error());
        return;
      }
      auto req = config::ParseConfigureRequestJson(*request);
      if (!req.ok()) {
        ctx.exit_code = Fail(req.error());
        return;
      }
      auto st = (*cm)->Configure(*req);
      if (!st.ok()) {
        ctx.exit_code = Fail(st.error());
        return;
      }
      std::cout << config::PrettyJson(config::ConfigureStateToJson(*st)) << "\n";
    });
  }

  // demo
  {
    auto dir = std::make_shared<std::string>();
    CLI::App* cmd = cfg->add_subcommand("demo", "List the embedded demo models, or write them to a directory");
    cmd->add_option("--write", *dir, "Directory to write the demo YAML files into");
    cmd->callback([dir, &ctx] {
      for (const auto& s : config::DemoModelSources()) {
        if (dir->empty()) {
          std::cout << "demo:" << s.file_name.substr(0, s.file_name.find('.')) << "\n";
          continue;
        }
        std::ofstream f(*dir + "/" + s.file_name);
        f << s.yaml;
        if (!f) {
          ctx.exit_code = Fail(Error::Unavailable("cannot write into " + *dir));
          return;
        }
      }
    });
  }
}

}  // namespace atelier::cli
