#pragma once
// The event log: a shop's history of views, carts and purchases, with ids
// interned to dense indexes, loaded from EVAL.md's generic CSV or from one of
// the public data set adapters.
//
// Items are numbered in sorted order of their id string (EVAL.md), so "item
// index" order is "item id" order everywhere. Users are numbered the same way.
//
// Thread-safety: an EventLog is a value; build it on one thread, then share it
// read-only.

#include <cstdint>
#include <functional>
#include <istream>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "atelier/core/result.h"

namespace atelier::recommend {

// "No user" / "no basket" in index fields.
inline constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

enum class EventType : uint8_t { kView = 0, kCart = 1, kPurchase = 2, kSearch = 3 };

// "view", "cart", "purchase", "search"; kInvalidArgument otherwise.
Result<EventType> ParseEventType(std::string_view text);
const char* EventTypeName(EventType type);

struct Event {
  uint32_t user = kNone;    // index into EventLog::user_ids, kNone without users
  uint32_t item = 0;        // index into EventLog::item_ids
  uint32_t basket = kNone;  // index into EventLog::basket_ids, kNone without baskets
  int64_t ts = 0;           // seconds since the epoch (0 when the log has no time)
  float quantity = 1;
  EventType type = EventType::kPurchase;
};

struct EventLog {
  std::vector<std::string> user_ids;    // sorted
  std::vector<std::string> item_ids;    // sorted
  std::vector<std::string> basket_ids;  // in first-seen order
  std::vector<Event> events;            // in input order
  bool has_users = false;
  bool has_baskets = false;
  bool has_time = false;
};

// Interns string ids while events stream in; Finish() renumbers users and
// items in sorted id order and returns the log.
class EventLogBuilder {
 public:
  // An empty `user` or `basket` means none. REQUIRES: `item` non-empty.
  void Add(std::string_view user, std::string_view item, std::string_view basket, int64_t ts,
           float quantity, EventType type);
  void SetHasTime(bool has_time) { has_time_ = has_time; }
  size_t size() const { return events_.size(); }
  // Consumes the builder.
  EventLog Finish() &&;

 private:
  static uint32_t Intern(std::unordered_map<std::string, uint32_t>& map,
                         std::vector<std::string>& ids, std::string_view id);
  std::unordered_map<std::string, uint32_t> users_, items_, baskets_;
  std::vector<std::string> user_ids_, item_ids_, basket_ids_;
  std::vector<Event> events_;
  bool has_time_ = false;
};

// The input formats `atelier import events` and `atelier eval` read.
enum class EventFormat {
  kGeneric,            // EVAL.md's CSV: header with user_id,item_id,timestamp[,basket_id,quantity,event]
  kUciOnlineRetail,    // InvoiceNo,StockCode,...,CustomerID (filtered per EVAL.md)
  kGroceries,          // one basket per line, no header; basket id = 1-based line number
  kMovieLens100k,      // u.data: user \t item \t rating \t timestamp, no header
  kMovieLensLatest,    // ratings.csv: userId,movieId,rating,timestamp
};

// "generic", "uci-online-retail", "groceries", "movielens-100k",
// "movielens-latest"; kInvalidArgument otherwise.
Result<EventFormat> ParseEventFormat(std::string_view name);
const char* EventFormatName(EventFormat format);

struct LoadOptions {
  // How many bad rows are described in LoadReport::first_errors (all are counted).
  int max_reported_errors = 5;
  // Called every few thousand rows with (bytes consumed, total bytes or 0).
  // For gzip input the bytes are compressed bytes.
  std::function<void(int64_t, int64_t)> progress;
};

struct LoadReport {
  int64_t rows = 0;      // data rows read (header excluded)
  int64_t loaded = 0;    // events added
  int64_t filtered = 0;  // rows an adapter's rules drop on purpose (cancellations, no customer, ...)
  int64_t bad = 0;       // rows that could not be parsed
  std::vector<std::string> first_errors;  // "line N: reason", at most max_reported_errors
};

// Streams events from `in` in `format` into `builder`. Bad rows are counted
// and described in `report`, never fatal. Errors: kInvalidArgument when the
// header lacks a required column or the CSV is malformed beyond one row
// (an unterminated quote).
Status ReadEvents(std::istream& in, EventFormat format, const LoadOptions& options,
                  EventLogBuilder& builder, LoadReport& report, int64_t total_bytes = 0);

// Opens `path` (plain or gzip-compressed; detected from content) and loads it.
// Errors: kNotFound when the file cannot be opened, plus those of ReadEvents.
Result<EventLog> LoadEventLog(const std::string& path, EventFormat format,
                              const LoadOptions& options, LoadReport& report);

}  // namespace atelier::recommend
