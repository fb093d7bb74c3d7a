#pragma once
// Top-K selection shared by evaluation and serving, so that both rank the
// same way: highest score first, ties broken by training popularity (higher
// first), then by item index (= item id order). Only items in the training
// item set (popularity > 0) are candidates.
//
// Thread-safety: pure functions; the scratch buffers belong to the caller.

#include <cstdint>
#include <span>
#include <vector>

namespace atelier::recommend {

struct ScoredItem {
  uint32_t item = 0;
  float score = 0;
};

// Writes the best `k` candidates into `out` (best first), skipping items in
// `exclude` (sorted or not) and items with popularity 0.
// REQUIRES: scores.size() == popularity.size(). `scores` is used as scratch:
// excluded entries are overwritten.
void TopK(std::span<float> scores, std::span<const uint32_t> popularity, size_t k,
          std::span<const uint32_t> exclude, std::vector<ScoredItem>& out);

}  // namespace atelier::recommend
