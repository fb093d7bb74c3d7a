#pragma once
// An immutable value published to readers and replaced atomically.
//
// Readers call Get() and keep the shared_ptr for as long as they use the value
// (one request); a writer builds a new value off to the side and Publish()es it.
// Readers never wait for writers and never see a half-built value.
//
// Thread-safety: all members are safe to call concurrently.

#include <atomic>
#include <memory>

namespace atelier {

template <typename T>
class SnapshotHolder {
 public:
  SnapshotHolder() = default;
  explicit SnapshotHolder(std::shared_ptr<const T> initial) : current_(std::move(initial)) {}

  std::shared_ptr<const T> Get() const { return current_.load(std::memory_order_acquire); }
  void Publish(std::shared_ptr<const T> next) { current_.store(std::move(next), std::memory_order_release); }

 private:
  std::atomic<std::shared_ptr<const T>> current_;
};

}  // namespace atelier
