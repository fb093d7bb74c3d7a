// libFuzzer target: the expression language on its own, against the demo
// product models (the first byte picks the model, the rest is the
// expression). An expression that parses is formatted back, must parse
// again, and both must agree on a few assignments of the model's options.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "atelier/config/demo_models.h"
#include "atelier/config/model.h"
#include "atelier/config/parser.h"

namespace {

using atelier::config::ProductModel;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_expression: %s\n%s\n", what, detail.c_str());
  std::abort();
}

const std::vector<ProductModel>& Models() {
  static const std::vector<ProductModel> models = [] {
    auto loaded = atelier::config::DemoModels();
    if (!loaded.ok() || loaded->empty()) Fail("the demo models do not load", "");
    return std::move(*loaded);
  }();
  return models;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::vector<ProductModel>& models = Models();
  const ProductModel& model = models[data[0] % models.size()];
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto expr = atelier::config::ParseExpression(model, text);
  if (!expr.ok()) return 0;
  const std::string formatted = atelier::config::FormatExpression(model, *expr);
  auto again = atelier::config::ParseExpression(model, formatted);
  if (!again.ok()) {
    Fail("the formatted expression does not parse", again.error().message + "\n" + formatted);
  }
  uint32_t seed = 2166136261u;
  for (size_t i = 0; i < size; ++i) seed = (seed ^ data[i]) * 16777619u;
  std::vector<int> assignment(model.options.size());
  for (int round = 0; round < 8; ++round) {
    for (size_t o = 0; o < model.options.size(); ++o) {
      seed = seed * 1103515245u + 12345u;
      assignment[o] = static_cast<int>((seed >> 8) % model.options[o].values.size());
    }
    if (atelier::config::Evaluate(*expr, assignment) != atelier::config::Evaluate(*again, assignment)) {
      Fail("the formatted expression means something else", std::string(text) + "\n" + formatted);
    }
  }
  return 0;
}
