#include "atelier/core/progress.h"

#include <unistd.h>

#include <cstdio>

namespace atelier {

ProgressBar::ProgressBar(std::string label, int64_t total)
    : label_(std::move(label)),
      total_(total),
      enabled_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_ - std::chrono::seconds(1)) {}

ProgressBar::~ProgressBar() {
  if (!finished_) Finish();
}

void ProgressBar::Update(int64_t done) {
  last_done_ = done;
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  Draw(done);
}

void ProgressBar::Finish() {
  if (finished_) return;
  finished_ = true;
  if (!enabled_) return;
  Draw(total_ > 0 ? total_ : last_done_);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

void ProgressBar::Draw(int64_t done) {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (total_ > 0) {
    constexpr int kWidth = 30;
    double frac = done >= total_ ? 1.0 : static_cast<double>(done) / static_cast<double>(total_);
    int filled = static_cast<int>(frac * kWidth);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(kWidth - filled), '-');
    std::fprintf(stderr, "\r%s [%s] %3d%%  %.1fs", label_.c_str(), bar.c_str(),
                 static_cast<int>(frac * 100), secs);
  } else {
    std::fprintf(stderr, "\r%s %lld  %.1fs", label_.c_str(), static_cast<long long>(done), secs);
  }
  std::fflush(stderr);
}

}  // namespace atelier
