#pragma once
// Read handles on one on-disk Xapian database, lent out one per search.
//
// A Xapian::Database object must not be used by two threads at once; opening
// one per search costs a few system calls and cold per-handle caches, so
// handles are reused. Acquire() pops an idle handle (or opens a new one);
// the Lease puts it back when the search ends.
//
// Thread-safety: Acquire() and Lease destruction are safe concurrently; a
// Lease is used by one thread.

#include <xapian.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "atelier/search/search_index.h"

namespace atelier::search {

class SearchIndex::ReaderPool {
 public:
  class Lease {
   public:
    Lease(ReaderPool* pool, std::unique_ptr<Xapian::Database> db) : pool_(pool), db_(std::move(db)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_->Return(std::move(db_)); }
    Xapian::Database& db() { return *db_; }

   private:
    ReaderPool* pool_;
    std::unique_ptr<Xapian::Database> db_;
  };

  ReaderPool(std::string directory, size_t max_idle)
      : directory_(std::move(directory)), max_idle_(max_idle) {}

  // Throws Xapian::Error when the database cannot be opened.
  Lease Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        auto db = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(db));
      }
    }
    return Lease(this, std::make_unique<Xapian::Database>(directory_, Xapian::DB_BACKEND_GLASS));
  }

 private:
  void Return(std::unique_ptr<Xapian::Database> db) {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.size() < max_idle_) idle_.push_back(std::move(db));
  }

  const std::string directory_;
  const size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Xapian::Database>> idle_;  // guarded by mu_
};

}  // namespace atelier::search
