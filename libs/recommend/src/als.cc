// Implicit-feedback ALS (Hu, Koren, Volinsky 2008) with the conjugate-gradient
// solver of Takacs, Pilaszy, Tikk (2011): each alternating step runs a few CG
// iterations per row warm-started from the previous factors instead of an
// exact solve. Rows are users (baskets for logs without users); the
// confidence of an observed (row, item) is 1 + alpha * count, count = the
// number of the row's baskets holding the item. Initial factors come from a
// fixed seed. A known user scores x_u . y_i; a query with items is folded in
// (one exact least-squares solve against the item factors).
//
// Params: factors >= 1, regularization > 0, alpha >= 0, iterations >= 1.

#include <Eigen/Dense>
#include <algorithm>
#include <random>
#include <thread>

#include "internal/binary_io.h"
#include "internal/models.h"

namespace atelier::recommend::internal {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct Cell {
  uint32_t col;
  float confidence;
};

constexpr int kCgSteps = 3;

// One ALS half-step: updates `x` (rows) from fixed `y` (cols) with CG.
void SolveSide(const std::vector<uint64_t>& begin, const std::vector<Cell>& cells, const RowMatrix& y,
               float reg, RowMatrix& x) {
  const Eigen::MatrixXf yty = y.transpose() * y;
  const int f = static_cast<int>(y.cols());
  const size_t rows = begin.size() - 1;
  auto work = [&](size_t from, size_t to) {
    Eigen::VectorXf r(f), p(f), ap(f), xu(f);
    for (size_t u = from; u < to; ++u) {
      if (begin[u] == begin[u + 1]) {
        x.row(static_cast<Eigen::Index>(u)).setZero();
        continue;
      }
      xu = x.row(static_cast<Eigen::Index>(u)).transpose();
      // r = b - A x, with b = sum c y_i, A = YtY + sum (c - 1) y_i y_i' + reg I.
      r = -(yty * xu) - reg * xu;
      for (uint64_t k = begin[u]; k < begin[u + 1]; ++k) {
        const auto yi = y.row(cells[k].col).transpose();
        const float c = cells[k].confidence;
        r += (c - (c - 1.0f) * yi.dot(xu)) * yi;
      }
      p = r;
      float rs = r.squaredNorm();
      for (int step = 0; step < kCgSteps && rs > 1e-10f; ++step) {
        ap = yty * p + reg * p;
        for (uint64_t k = begin[u]; k < begin[u + 1]; ++k) {
          const auto yi = y.row(cells[k].col).transpose();
          ap += (cells[k].confidence - 1.0f) * yi.dot(p) * yi;
        }
        const float a = rs / p.dot(ap);
        xu += a * p;
        r -= a * ap;
        const float rs_new = r.squaredNorm();
        p = r + (rs_new / rs) * p;
        rs = rs_new;
      }
      x.row(static_cast<Eigen::Index>(u)) = xu.transpose();
    }
  };
  const unsigned threads = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(work, rows * t / threads, rows * (t + 1) / threads);
  for (auto& th : pool) th.join();
}

class Als : public ModelBase {
 public:
  using ModelBase::ModelBase;
  std::string_view kind() const override { return "als"; }

  Status Fit(std::shared_ptr<const History> history) override {
    history_ = std::move(history);
    const int f = static_cast<int>(P("factors"));
    const float reg = static_cast<float>(P("regularization"));
    const float alpha = static_cast<float>(P("alpha"));
    const int iterations = static_cast<int>(P("iterations"));
    if (f < 1 || f > 1024) return Error::InvalidArgument("factors must be in [1, 1024]", "factors");
    if (!(reg > 0)) return Error::InvalidArgument("regularization must be > 0", "regularization");
    if (alpha < 0) return Error::InvalidArgument("alpha must be >= 0", "alpha");
    if (iterations < 1) return Error::InvalidArgument("iterations must be >= 1", "iterations");
    const Interactions& d = history_->data;
    const uint32_t n = d.num_items;

    // Row-major cells (row -> item, confidence) and the transpose.
    std::vector<uint64_t> row_begin{0};
    std::vector<Cell> row_cells;
    std::vector<float> count(n, 0.0f);
    std::vector<uint32_t> touched;
    auto add_row = [&](uint64_t b0, uint64_t b1) {
      touched.clear();
      for (uint64_t b = b0; b < b1; ++b) {
        for (uint32_t item : d.BasketItems(b)) {
          if (count[item] == 0.0f) touched.push_back(item);
          count[item] += 1.0f;
        }
      }
      std::sort(touched.begin(), touched.end());
      for (uint32_t item : touched) {
        row_cells.push_back({item, 1.0f + alpha * count[item]});
        count[item] = 0.0f;
      }
      row_begin.push_back(row_cells.size());
    };
    if (d.has_users) {
      for (uint32_t u = 0; u < d.num_users; ++u) add_row(d.user_begin[u], d.user_begin[u + 1]);
    } else {
      for (uint64_t b = 0; b < d.num_baskets(); ++b) add_row(b, b + 1);
    }
    const size_t rows = row_begin.size() - 1;
    std::vector<uint64_t> col_begin(n + 1, 0);
    for (const Cell& c : row_cells) ++col_begin[c.col + 1];
    for (uint32_t i = 0; i < n; ++i) col_begin[i + 1] += col_begin[i];
    std::vector<Cell> col_cells(row_cells.size());
    {
      std::vector<uint64_t> fill(col_begin.begin(), col_begin.end() - 1);
      for (size_t r = 0; r < rows; ++r) {
        for (uint64_t k = row_begin[r]; k < row_begin[r + 1]; ++k) {
          col_cells[fill[row_cells[k].col]++] = {static_cast<uint32_t>(r), row_cells[k].confidence};
        }
      }
    }
    std::mt19937 gen(42);
    std::normal_distribution<float> normal(0.0f, 0.01f);
    RowMatrix x(static_cast<Eigen::Index>(rows), f), y(n, f);
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = normal(gen);
    for (Eigen::Index i = 0; i < y.size(); ++i) y.data()[i] = normal(gen);
    for (int it = 0; it < iterations; ++it) {
      SolveSide(row_begin, row_cells, y, reg, x);
      SolveSide(col_begin, col_cells, x, reg, y);
    }
    user_factors_ = std::move(x);
    item_factors_ = std::move(y);
    yty_ = item_factors_.transpose() * item_factors_;
    return Ok();
  }

  void Score(const Query& q, std::span<float> scores) const override {
    const Interactions& d = history_->data;
    const int f = static_cast<int>(item_factors_.cols());
    Eigen::VectorXf xu(f);
    if (q.items.empty() && d.has_users && q.user != kNone && q.user < user_factors_.rows()) {
      xu = user_factors_.row(q.user).transpose();
    } else {
      thread_local std::vector<uint32_t> context;
      ContextItems(*history_, q, context);
      const float reg = static_cast<float>(P("regularization"));
      const float c = 1.0f + static_cast<float>(P("alpha"));
      Eigen::MatrixXf a = yty_;
      a.diagonal().array() += reg;
      Eigen::VectorXf b = Eigen::VectorXf::Zero(f);
      for (uint32_t item : context) {
        const auto yi = item_factors_.row(item).transpose();
        a.noalias() += (c - 1.0f) * yi * yi.transpose();
        b += c * yi;
      }
      xu = a.ldlt().solve(b);
    }
    Eigen::Map<Eigen::VectorXf> out(scores.data(), static_cast<Eigen::Index>(scores.size()));
    out.noalias() = item_factors_ * xu;
  }

  Status Save(std::ostream& out) const override {
    WritePod<int64_t>(out, user_factors_.rows());
    WritePod<int64_t>(out, item_factors_.rows());
    WritePod<int64_t>(out, item_factors_.cols());
    out.write(reinterpret_cast<const char*>(user_factors_.data()), static_cast<std::streamsize>(user_factors_.size() * sizeof(float)));
    out.write(reinterpret_cast<const char*>(item_factors_.data()), static_cast<std::streamsize>(item_factors_.size() * sizeof(float)));
    return Ok();
  }
  Status Load(std::istream& in, std::shared_ptr<const History> history) override {
    history_ = std::move(history);
    int64_t rows = 0, items = 0, f = 0;
    if (!ReadPod(in, rows) || !ReadPod(in, items) || !ReadPod(in, f) || rows < 0 || rows > (1LL << 32) ||
        items != history_->data.num_items || f < 1 || f > 1024) {
      return Error::InvalidArgument("corrupt als model state", "artifact");
    }
    user_factors_.resize(rows, f);
    item_factors_.resize(items, f);
    in.read(reinterpret_cast<char*>(user_factors_.data()), static_cast<std::streamsize>(user_factors_.size() * sizeof(float)));
    in.read(reinterpret_cast<char*>(item_factors_.data()), static_cast<std::streamsize>(item_factors_.size() * sizeof(float)));
    if (!in) return Error::InvalidArgument("corrupt als model state", "artifact");
    yty_ = item_factors_.transpose() * item_factors_;
    return Ok();
  }

 private:
  RowMatrix user_factors_;
  RowMatrix item_factors_;
  Eigen::MatrixXf yty_;
};

}  // namespace

std::unique_ptr<Model> MakeAls(const Params& p) { return std::make_unique<Als>(p); }

}  // namespace atelier::recommend::internal
