#pragma once
// A small deterministic random source for the demo shop.
//
// Written out rather than taken from <random>: the standard distributions'
// algorithms are implementation-defined, and the demo must give the same shop
// for the same seed with any standard library.

#include <cassert>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace atelier::demo::internal {

class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}

  // SplitMix64.
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, n). REQUIRES: n > 0.
  uint64_t Below(uint64_t n) {
    assert(n > 0);
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  // Uniform in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo + 1)));
  }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }

  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    assert(!items.empty());
    return items[Below(items.size())];
  }

  template <typename T>
  void Shuffle(std::vector<T>& items) {
    for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[Below(i)]);
  }

  // An independent stream for a named part of the generation, so adding
  // draws in one part does not shift every other part.
  Random Fork(const std::string& name) const {
    uint64_t h = 1469598103934665603ULL ^ state_;
    for (unsigned char c : name) h = (h ^ c) * 1099511628211ULL;
    return Random(h);
  }

 private:
  uint64_t state_;
};

// Zipf-distributed ranks in [0, n): P(rank k) ~ 1 / (k + 1)^s, by inverse CDF.
class Zipf {
 public:
  Zipf(size_t n, double s) : cdf_(n) {
    double total = 0;
    for (size_t k = 0; k < n; ++k) cdf_[k] = total += 1.0 / std::pow(static_cast<double>(k + 1), s);
    for (auto& c : cdf_) c /= total;
  }
  size_t Sample(Random& rng) const {
    double u = rng.Unit();
    size_t lo = 0, hi = cdf_.size() - 1;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (cdf_[mid] < u)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo;
  }
  size_t size() const { return cdf_.size(); }

 private:
  std::vector<double> cdf_;
};

}  // namespace atelier::demo::internal
