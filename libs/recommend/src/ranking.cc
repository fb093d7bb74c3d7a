#include "atelier/recommend/ranking.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace atelier::recommend {

void TopK(std::span<float> scores, std::span<const uint32_t> popularity, size_t k,
          std::span<const uint32_t> exclude, std::vector<ScoredItem>& out) {
  out.clear();
  if (k == 0) return;
  constexpr float kExcluded = -std::numeric_limits<float>::infinity();
  for (uint32_t item : exclude) {
    if (item < scores.size()) scores[item] = kExcluded;
  }
  // `better(a, b)`: a ranks before b.
  auto better = [&](const ScoredItem& a, const ScoredItem& b) {
    if (a.score != b.score) return a.score > b.score;
    uint32_t pa = popularity[a.item], pb = popularity[b.item];
    if (pa != pb) return pa > pb;
    return a.item < b.item;
  };
  // A min-heap on `better` of size k: the root is the worst kept item.
  const size_t n = scores.size();
  // `floor`: the worst kept score once k items are kept; anything below it
  // cannot enter, which most of a large catalogue's items are.
  float floor = kExcluded;
  for (size_t i = 0; i < n; ++i) {
    const float s = scores[i];
    if (s < floor) continue;
    if (popularity[i] == 0 || s == kExcluded || std::isnan(s)) continue;
    ScoredItem cand{static_cast<uint32_t>(i), s};
    if (out.size() < k) {
      out.push_back(cand);
      std::push_heap(out.begin(), out.end(), better);
      if (out.size() == k) floor = out.front().score;
    } else if (better(cand, out.front())) {
      std::pop_heap(out.begin(), out.end(), better);
      out.back() = cand;
      std::push_heap(out.begin(), out.end(), better);
      floor = out.front().score;
    }
  }
  std::sort_heap(out.begin(), out.end(), better);
}

}  // namespace atelier::recommend
