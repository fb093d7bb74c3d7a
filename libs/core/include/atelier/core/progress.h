#pragma once
// A progress bar for long CLI work (imports, training).
//
// Draws on stderr only when stderr is a terminal, at most ~10 times a second;
// prints nothing otherwise, so logs and pipes stay clean.
//
// Thread-safety: Update() may be called from one thread at a time.

#include <chrono>
#include <cstdint>
#include <string>

namespace atelier {

class ProgressBar {
 public:
  // `total` 0 means unknown (shows a count instead of a bar).
  ProgressBar(std::string label, int64_t total);
  ~ProgressBar();

  void Update(int64_t done);
  // Draws the final state and ends the line.
  void Finish();

  bool enabled() const { return enabled_; }

 private:
  void Draw(int64_t done);

  std::string label_;
  int64_t total_;
  bool enabled_;
  bool finished_ = false;
  int64_t last_done_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace atelier
