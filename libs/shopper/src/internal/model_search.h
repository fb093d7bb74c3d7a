#pragma once
// The cheapest valid configuration of a product model under per-option value
// restrictions and a price cap: depth-first branch and bound over the
// restricted options (fewest allowed values first, cheaper values first),
// each node one stateless Configure call whose price minimum over the valid
// completions bounds the subtree; at a leaf, the configurator's cheapest
// completion.
//
// Thread-safety: reads an immutable CompiledModel; a CallBudget belongs to
// one request.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "atelier/config/compiled_model.h"

namespace atelier::shopper::internal {

// Configure calls a request may still make.
struct CallBudget {
  int64_t remaining = 0;
  int64_t used = 0;
  bool Take() {
    if (remaining <= 0) return false;
    --remaining;
    ++used;
    return true;
  }
};

struct ModelConstraints {
  // Per option: allowed[option][value] (an empty vector: any value).
  std::vector<std::vector<char>> allowed;
  std::optional<int64_t> price_cap;  // inclusive, minor units
};

struct FoundConfiguration {
  std::vector<int> values;  // one value index per option
  std::map<std::string, std::string> selections;
  int64_t price = 0;
};

// The cheapest configuration meeting `constraints`, or nullopt when there is
// none (or the budgets ran out before one was found). At most
// `max_calls` Configure calls, each also taken from `budget`.
std::optional<FoundConfiguration> CheapestConfiguration(const config::CompiledModel& model,
                                                        const ModelConstraints& constraints, int max_calls,
                                                        CallBudget* budget);

}  // namespace atelier::shopper::internal
