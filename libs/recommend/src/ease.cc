// EASE (Steck, WWW 2019): B = I - P * diag(1 / diag(P)), P = (X'X + lambda I)^-1,
// with diag(B) = 0. X is the binary user x item matrix (baskets x items for logs
// without users). The inverse uses LAPACK's Cholesky routines from OpenBLAS in
// single precision. A query scores sum over its context items j of B[j, :].
//
// Params: lambda (> 0). Memory: 2 dense float matrices of the training item
// count squared; more than `kMaxItems` training items is kTooLarge.

#include <algorithm>
#include <cstring>

#include "internal/binary_io.h"
#include "internal/models.h"

extern "C" {
void spotrf_(const char* uplo, const int* n, float* a, const int* lda, int* info);
void spotri_(const char* uplo, const int* n, float* a, const int* lda, int* info);
}

namespace atelier::recommend::internal {
namespace {

constexpr uint32_t kMaxItems = 20000;

class Ease : public ModelBase {
 public:
  using ModelBase::ModelBase;
  std::string_view kind() const override { return "ease"; }

  Status Fit(std::shared_ptr<const History> history) override {
    history_ = std::move(history);
    const float lambda = static_cast<float>(P("lambda"));
    if (!(lambda > 0)) return Error::InvalidArgument("lambda must be > 0", "lambda");
    const Interactions& d = history_->data;
    BuildColumns();
    const uint32_t n = static_cast<uint32_t>(items_.size());
    if (n > kMaxItems) {
      return Error::TooLarge("EASE supports at most " + std::to_string(kMaxItems) + " training items, got " +
                             std::to_string(n));
    }
    if (n == 0) return Error::InvalidArgument("no training items", "events");
    std::vector<float> g(static_cast<size_t>(n) * n, 0.0f);
    std::vector<uint32_t> cols;
    auto add_row = [&](std::span<const uint32_t> row) {
      cols.clear();
      for (uint32_t item : row) cols.push_back(col_[item]);
      for (uint32_t a : cols) {
        float* ga = g.data() + static_cast<size_t>(a) * n;
        for (uint32_t b : cols) ga[b] += 1.0f;
      }
    };
    if (d.has_users) {
      for (uint32_t u = 0; u < d.num_users; ++u) add_row(history_->user_items.Of(u));
      // Baskets without a user are rows of their own.
      for (uint64_t b = d.user_begin[d.num_users]; b < d.num_baskets(); ++b) add_row(d.BasketItems(b));
    } else {
      for (size_t b = 0; b < d.num_baskets(); ++b) add_row(d.BasketItems(b));
    }
    for (uint32_t i = 0; i < n; ++i) g[static_cast<size_t>(i) * n + i] += lambda;
    int ni = static_cast<int>(n), info = 0;
    // Row-major symmetric == column-major symmetric; "U" in LAPACK's view.
    spotrf_("U", &ni, g.data(), &ni, &info);
    if (info != 0) return Error::Internal("EASE: Cholesky factorization failed (info " + std::to_string(info) + ")");
    spotri_("U", &ni, g.data(), &ni, &info);
    if (info != 0) return Error::Internal("EASE: inversion failed (info " + std::to_string(info) + ")");
    // LAPACK filled the upper triangle in column-major = lower triangle in
    // row-major: g[r * n + c] valid for c <= r. Symmetrize.
    for (uint32_t r = 0; r < n; ++r) {
      for (uint32_t c = r + 1; c < n; ++c) g[static_cast<size_t>(r) * n + c] = g[static_cast<size_t>(c) * n + r];
    }
    // B[j][i] = -P[j][i] / P[i][i], B[i][i] = 0. Row j of B is what item j adds.
    std::vector<float> inv_diag(n);
    for (uint32_t i = 0; i < n; ++i) inv_diag[i] = 1.0f / g[static_cast<size_t>(i) * n + i];
    for (uint32_t j = 0; j < n; ++j) {
      float* row = g.data() + static_cast<size_t>(j) * n;
      for (uint32_t i = 0; i < n; ++i) row[i] = -row[i] * inv_diag[i];
      row[j] = 0.0f;
    }
    b_ = std::move(g);
    return Ok();
  }

  void Score(const Query& q, std::span<float> scores) const override {
    std::fill(scores.begin(), scores.end(), 0.0f);
    thread_local std::vector<uint32_t> context;
    thread_local std::vector<float> dense;
    ContextItems(*history_, q, context);
    const size_t n = items_.size();
    dense.assign(n, 0.0f);
    for (uint32_t j : context) {
      uint32_t c = col_[j];
      if (c == kNone) continue;
      const float* row = b_.data() + static_cast<size_t>(c) * n;
      for (size_t i = 0; i < n; ++i) dense[i] += row[i];
    }
    for (size_t i = 0; i < n; ++i) scores[items_[i]] = dense[i];
  }

  Status Save(std::ostream& out) const override {
    WriteVector(out, b_);
    return Ok();
  }
  Status Load(std::istream& in, std::shared_ptr<const History> history) override {
    history_ = std::move(history);
    BuildColumns();
    if (!ReadVector(in, b_) || b_.size() != items_.size() * items_.size()) {
      return Error::InvalidArgument("corrupt ease model state", "artifact");
    }
    return Ok();
  }

 private:
  void BuildColumns() { TrainedItemColumns(*history_, col_, items_); }
  std::vector<uint32_t> col_;    // item -> column, kNone outside the training set
  std::vector<uint32_t> items_;  // column -> item
  std::vector<float> b_;         // row-major n x n
};

}  // namespace

std::unique_ptr<Model> MakeEase(const Params& p) { return std::make_unique<Ease>(p); }

}  // namespace atelier::recommend::internal
