// libFuzzer target: the product model language (YAML + expressions).
//
// Any text is parsed; a model that parses is written back as YAML, which
// must parse again to a model with the same options, values and rules, and
// each rule must judge a few assignments the same way in both
// (parser.h: "ParseProductModel(WriteProductModel(m)) yields an equivalent
// model"). Crashes, sanitizer reports and failed round trips are findings.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "atelier/config/model.h"
#include "atelier/config/parser.h"

namespace {

using atelier::config::ProductModel;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_model_parser: %s\n%s\n", what, detail.c_str());
  std::abort();
}

void CheckRoundTrip(const ProductModel& m, uint32_t seed) {
  const std::string text = atelier::config::WriteProductModel(m);
  auto again = atelier::config::ParseProductModel(text, "written.yaml");
  if (!again.ok()) Fail("the written model does not parse", again.error().message + "\n" + text);
  if (again->id != m.id || again->options.size() != m.options.size() ||
      again->rules.size() != m.rules.size() || again->base_price != m.base_price) {
    Fail("the written model differs", text);
  }
  for (size_t o = 0; o < m.options.size(); ++o) {
    if (again->options[o].id != m.options[o].id ||
        again->options[o].values.size() != m.options[o].values.size()) {
      Fail("an option differs after writing", m.options[o].id + "\n" + text);
    }
    if (m.options[o].values.empty()) return;  // no assignment to evaluate
  }
  // A few assignments picked from the input: every rule agrees on each.
  std::vector<int> assignment(m.options.size());
  for (int round = 0; round < 4; ++round) {
    for (size_t o = 0; o < m.options.size(); ++o) {
      seed = seed * 1103515245u + 12345u;
      assignment[o] = static_cast<int>((seed >> 8) % m.options[o].values.size());
    }
    for (size_t r = 0; r < m.rules.size(); ++r) {
      if (atelier::config::Satisfies(m.rules[r], assignment) !=
          atelier::config::Satisfies(again->rules[r], assignment)) {
        Fail("a rule means something else after writing", m.rules[r].id + "\n" + text);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto model = atelier::config::ParseProductModel(text, "fuzz.yaml");
  if (!model.ok()) {
    if (model.error().message.empty()) Fail("an error without a message", std::string(text));
    return 0;
  }
  uint32_t seed = 2166136261u;
  for (size_t i = 0; i < size; ++i) seed = (seed ^ data[i]) * 16777619u;
  CheckRoundTrip(*model, seed);
  return 0;
}
