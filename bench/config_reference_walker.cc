// Issue 4's reference for the SAT path, measured beside Atelier in the same
// run on the same walks:
//
//   config_reference_walker FILE.dimacs [--walks 20] [--seed 1] [--sequential] [--no-reference]
//   [--compare-bdd]
//
// The reference is "a CaDiCaL walker that reuses every model it finds and
// steers the solver's phases toward values not yet seen", written plainly on
// the DIMACS clauses: for each step, for each value of each open variable not
// yet seen in a model found so far in this step, solve under assumptions
// (the picks plus that value) with every open variable's phase steered toward
// a value not yet seen; every model found marks all of its values as seen.
// A value whose solve is unsatisfiable is not available.
//
// The walks are EVAL.md's (atelier::config::RandomWalks with the SAT backend,
// exactly what `atelier config walk FILE --backend sat` runs); after each of
// Atelier's timed steps the reference computes the valid domains of the same
// picks, timed the same way (thread CPU time and wall clock), and the two
// answers are compared value by value (they must be equal: both are exact).
// Prints p50/p99/max of both and the ratios Atelier / reference.
// By default each of Atelier's steps is followed at once by the reference's
// step on the same picks (both see the same machine load; each runs with
// caches the other just used). --sequential records the walks and runs the
// reference over them afterwards (each with warm caches of its own).
// --no-reference times Atelier alone (any model format); --compare-bdd also
// compiles the model to a BDD and checks that both engines show the same
// values at every step.

#include <time.h>

#include <cadical.hpp>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "atelier/config/compiled_model.h"
#include "atelier/config/importers.h"
#include "atelier/config/walk.h"

namespace {

using atelier::config::LatencyStats;

double ThreadCpuMs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}
double WallMs() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The plain walker. Option o of the imported model is DIMACS variable o + 1;
// value 0 is false, value 1 true (ImportDimacs). A walk only adds picks, so
// the walker keeps one solver per walk and adds each pick as a unit clause
// (the solver then fixes whatever the picks imply at its root level, and a
// value it has refuted there needs no call); models of the previous step
// that agree with the new pick are models of this step too.
class ReferenceWalker {
 public:
  bool Load(const std::string& path) {
    std::ifstream in(path);
    if (!in) return false;
    std::string line;
    std::vector<int> clause;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == 'c' || line[0] == '%') continue;
      std::istringstream ls(line);
      if (line[0] == 'p') {
        std::string p, cnf;
        ls >> p >> cnf >> vars_;
        continue;
      }
      int lit;
      while (ls >> lit) {
        if (lit == 0) {
          clauses_.push_back(clause);
          clause.clear();
        } else {
          clause.push_back(lit);
        }
      }
    }
    if (!clause.empty()) clauses_.push_back(clause);
    return vars_ > 0;
  }
  int vars() const { return vars_; }
  int64_t sat_calls = 0, unsat_calls = 0;

  // Untimed: a fresh solver when `picks` does not extend the previous step's.
  void Prepare(const std::vector<int>& picks) {
    bool extends = solver_ != nullptr;
    for (int o = 0; o < vars_ && extends; ++o) {
      if (last_[o] >= 0 && picks[o] != last_[o]) extends = false;
    }
    if (extends) return;
    solver_ = std::make_unique<CaDiCaL::Solver>();
    solver_->set("quiet", 1);
    for (const auto& c : clauses_) {
      for (int l : c) solver_->add(l);
      solver_->add(0);
    }
    last_.assign(vars_, -1);
    models_.clear();
  }

  // seen[o][v] = 1 when option o may take value v under `picks` (-1 = open).
  void Step(const std::vector<int>& picks, std::vector<std::vector<char>>* seen) {
    CaDiCaL::Solver& s = *solver_;
    auto lit_of = [](int o, int v) { return v ? o + 1 : -(o + 1); };
    seen->assign(vars_, std::vector<char>(2, 0));
    std::vector<int> added;
    for (int o = 0; o < vars_; ++o) {
      if (picks[o] >= 0 && last_[o] < 0) {
        s.add(lit_of(o, picks[o]));
        s.add(0);
        added.push_back(o);
      }
    }
    last_ = picks;
    std::vector<std::vector<char>> models;
    auto keep = [&](std::vector<char> m) {
      for (int x = 0; x < vars_; ++x) (*seen)[x][m[x]] = 1;
      models.push_back(std::move(m));
    };
    for (auto& m : models_) {
      bool agrees = true;
      for (int o : added) agrees = agrees && m[o] == picks[o];
      if (agrees) keep(std::move(m));
    }
    for (int o = 0; o < vars_; ++o) {
      for (int v = 0; v < 2; ++v) {
        if (picks[o] >= 0 || (*seen)[o][v]) continue;
        // A value the solver has refuted at its root level needs no call.
        if (s.fixed(lit_of(o, v)) < 0) continue;
        // Steer every open variable toward a value not seen yet.
        for (int x = 0; x < vars_; ++x) {
          if (picks[x] >= 0) continue;
          if (!(*seen)[x][1]) {
            s.phase(x + 1);
          } else if (!(*seen)[x][0]) {
            s.phase(-(x + 1));
          }
        }
        s.assume(lit_of(o, v));
        const int res = s.solve();
        ++(res == 10 ? sat_calls : unsat_calls);
        if (res == 10) {
          std::vector<char> m(vars_);
          for (int x = 0; x < vars_; ++x) m[x] = s.val(x + 1) > 0 ? 1 : 0;
          keep(std::move(m));
        }
      }
    }
    models_ = std::move(models);
    // A picked option shows its pick (as the engine does: every model has it).
    for (int o = 0; o < vars_; ++o) {
      if (picks[o] >= 0) {
        (*seen)[o][0] = picks[o] == 0;
        (*seen)[o][1] = picks[o] == 1;
      }
    }
  }

 private:
  std::vector<std::vector<int>> clauses_;
  std::unique_ptr<CaDiCaL::Solver> solver_;
  std::vector<int> last_;
  std::vector<std::vector<char>> models_;  // found (or still valid) at the previous step
  int vars_ = 0;
};

// FNV-1a over the shown values (steps are compared by hash).
uint64_t Hash(const std::vector<std::vector<char>>& avail) {
  uint64_t h = 1469598103934665603ull;
  for (const auto& o : avail) {
    for (char c : o) h = (h ^ static_cast<uint64_t>(c != 0)) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
  }
  return h;
}

std::string Row(const char* what, const LatencyStats& s) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(3) << what << " p50 " << s.p50_ms << " p99 " << s.p99_ms << " max "
    << s.max_ms << " mean " << s.mean_ms << " ms";
  return o.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: config_reference_walker FILE.dimacs [--walks N] [--seed S] [--sequential] "
                 "[--no-reference] [--compare-bdd]\n";
    return 2;
  }
  std::string path = argv[1];
  int walks = 20;
  uint32_t seed = 1;
  bool reference = true;
  bool compare_bdd = false;
  bool sequential = false;
  for (int i = 2; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--walks") && i + 1 < argc) {
      walks = std::atoi(argv[++i]);
    } else if (!std::strcmp(argv[i], "--seed") && i + 1 < argc) {
      seed = static_cast<uint32_t>(std::atoi(argv[++i]));
    } else if (!std::strcmp(argv[i], "--no-reference")) {
      reference = false;
    } else if (!std::strcmp(argv[i], "--compare-bdd")) {
      compare_bdd = true;
    } else if (!std::strcmp(argv[i], "--sequential")) {
      sequential = true;
    } else {
      std::cerr << "unknown argument " << argv[i] << "\n";
      return 2;
    }
  }
  auto m = atelier::config::LoadModel(path);
  if (!m.ok()) {
    std::cerr << m.error().message << "\n";
    return 2;
  }
  atelier::config::CompileOptions co;
  co.backend = atelier::config::CompileOptions::Backend::kSat;
  auto cm = atelier::config::CompiledModel::Compile(*m, co);
  if (!cm.ok()) {
    std::cerr << cm.error().message << "\n";
    return 2;
  }
  ReferenceWalker ref;
  if (reference && (!ref.Load(path) || ref.vars() != static_cast<int>(m->options.size()))) {
    std::cerr << "cannot read " << path
              << " as DIMACS (the reference walker reads DIMACS only; --no-reference)\n";
    return 2;
  }
  std::shared_ptr<const atelier::config::CompiledModel> bdd;
  if (compare_bdd) {
    atelier::config::CompileOptions bo;
    bo.backend = atelier::config::CompileOptions::Backend::kBdd;
    bo.bdd_time_budget_seconds = 120;
    auto b = atelier::config::CompiledModel::Compile(*m, bo);
    if (!b.ok()) {
      std::cerr << "no BDD: " << b.error().message << "\n";
      return 2;
    }
    bdd = *b;
  }
  int64_t bdd_mismatches = 0;
  std::vector<std::vector<char>> bdd_avail;
  std::vector<double> ref_cpu, ref_wall;
  int64_t mismatches = 0;
  std::vector<std::vector<char>> ref_avail;
  // --sequential: the picks of every step (sparse) and a hash of the values
  // Atelier showed.
  std::vector<std::vector<std::pair<int, int>>> recorded;
  std::vector<uint64_t> shown_hash;
  atelier::config::WalkOptions wo;
  wo.walks = walks;
  wo.first_seed = seed;
  if (reference || bdd) {
    wo.on_step = [&](const std::vector<int>& picks, const std::vector<std::vector<char>>& avail) {
      if (bdd) {
        bdd->ValidDomains(picks, &bdd_avail);
        if (bdd_avail != avail) ++bdd_mismatches;
      }
      if (!reference) return;
      if (sequential) {  // replayed after Atelier's walks
        std::vector<std::pair<int, int>> sparse;
        for (size_t o = 0; o < picks.size(); ++o) {
          if (picks[o] >= 0) sparse.emplace_back(static_cast<int>(o), picks[o]);
        }
        recorded.push_back(std::move(sparse));
        shown_hash.push_back(Hash(avail));
        return;
      }
      ref.Prepare(picks);
      double w = WallMs(), c = ThreadCpuMs();
      ref.Step(picks, &ref_avail);
      ref_cpu.push_back(ThreadCpuMs() - c);
      ref_wall.push_back(WallMs() - w);
      if (Hash(ref_avail) != Hash(avail)) ++mismatches;
    };
  }
  auto r = atelier::config::RandomWalks(**cm, wo);
  if (!r.ok()) {
    std::cerr << r.error().message << "\n";
    return 1;
  }
  if (reference && sequential) {
    std::vector<int> picks(m->options.size(), -1);
    for (size_t k = 0; k < recorded.size(); ++k) {
      std::fill(picks.begin(), picks.end(), -1);
      for (auto [o, v] : recorded[k]) picks[o] = v;
      ref.Prepare(picks);
      double w = WallMs(), c = ThreadCpuMs();
      ref.Step(picks, &ref_avail);
      ref_cpu.push_back(ThreadCpuMs() - c);
      ref_wall.push_back(WallMs() - w);
      if (Hash(ref_avail) != shown_hash[k]) ++mismatches;
    }
  }
  std::cout << "model " << m->id << " backend " << (*cm)->backend() << " walks " << walks << " seeds " << seed
            << ".." << (seed + walks - 1) << " steps " << r->latency.steps << "\n"
            << Row("atelier   cpu ", r->cpu_latency) << "\n"
            << Row("atelier   wall", r->latency) << "\n";
  if (bdd) std::cout << "steps where the BDD engine disagrees: " << bdd_mismatches << "\n";
  if (bdd_mismatches) return 5;
  if (reference) {
    auto rc = atelier::config::Summarize(&ref_cpu);
    auto rw = atelier::config::Summarize(&ref_wall);
    std::cout << Row("reference cpu ", rc) << "\n" << Row("reference wall", rw) << "\n";
    std::cout << std::fixed << std::setprecision(3) << "ratio atelier/reference p99 cpu "
              << r->cpu_latency.p99_ms / rc.p99_ms << " wall " << r->latency.p99_ms / rw.p99_ms
              << "; p50 cpu " << r->cpu_latency.p50_ms / rc.p50_ms << "\n"
              << "steps where atelier and the reference disagree: " << mismatches << "\n";
    std::cout << "reference solver calls: sat " << ref.sat_calls << " unsat " << ref.unsat_calls << "\n";
    if (mismatches) return 5;
  }
  return 0;
}
