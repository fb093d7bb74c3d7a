#pragma once
// Product models that are hard on purpose, for the tests of the engine's
// work budgets and of the server's refusal of hostile uploads.

#include <string>

namespace atelier::config::testing {

// The YAML of a pigeonhole model with id `id`: holes + 1 pigeons in `holes`
// holes, two pigeons never in one hole. It has no configuration, is
// exponentially hard for resolution-based SAT and too big for a BDD from
// about 12 holes. With `gated` the pigeonhole only applies when option
// "mode" is "hard" (value index 0, so a solver's default phase finds the
// easy configurations at once): the model is valid, but asking about "hard"
// is the same hopeless question.
inline std::string PigeonholeModel(const std::string& id, int holes, bool gated) {
  std::string values;
  for (int h = 0; h < holes; ++h) values += (h ? ", h" : "h") + std::to_string(h);
  std::string y = "model: " + id + "\nname: Pigeons\nversion: 1\nbase_price: 10\noptions:\n";
  if (gated) y += "  - id: mode\n    values: [hard, easy]\n";
  for (int p = 0; p <= holes; ++p) y += "  - id: p" + std::to_string(p) + "\n    values: [" + values + "]\n";
  y += "rules:\n";
  for (int a = 0; a <= holes; ++a) {
    for (int b = a + 1; b <= holes; ++b) {
      y += "  - id: apart-" + std::to_string(a) + "-" + std::to_string(b) + "\n    forbidden:\n      options: [" +
           std::string(gated ? "mode, " : "") + "p" + std::to_string(a) + ", p" + std::to_string(b) +
           "]\n      rows: [";
      for (int h = 0; h < holes; ++h) {
        y += std::string(h ? ", [" : "[") + (gated ? "hard, " : "") + "h" + std::to_string(h) + ", h" +
             std::to_string(h) + "]";
      }
      y += "]\n";
    }
  }
  return y;
}

}  // namespace atelier::config::testing
