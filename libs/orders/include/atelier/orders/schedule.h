#pragma once
// Plant capacity, calendars, transit times and build-to-order delivery quotes.
//
// Plants are locations of type `plant`. Each has a capacity in units per day
// for each product line it builds (table plant_capacity), a calendar of
// closed days (plant_closures), and the units already booked per (plant,
// line, day) (plant_slots). Transit days from any location to a shopping
// region live in transit_times; a pair without a row uses
// ScheduleOptions::default_transit_days.
//
// A quote for `quantity` units with lead time L, asked on day T: for each
// plant that may build the model and has capacity for its line, the earliest
// open day D >= T + L where booked + quantity <= capacity; delivery day =
// D + transit(plant, region). The plant with the earliest delivery wins (ties:
// earlier build day, then lower plant code). Quotes only read: they are
// deterministic given T and the store. Placing an order books the slot with
// a conditional UPDATE in the checkout transaction (Reserve), so a later order
// can never take a slot a placed order holds; Release frees it on cancel.
//
// Days are integers: days since the Unix epoch, UTC (types.h DayOf).
//
// Thread-safety: all members are safe to call concurrently.

#include <cstdint>
#include <string>
#include <vector>

#include "atelier/core/result.h"
#include "atelier/store/database.h"

namespace atelier::orders {

struct ScheduleOptions {
  // How far past the earliest build day a quote searches for capacity.
  int horizon_days = 365;
  // Transit days for a (location, region) pair without a transit_times row.
  int default_transit_days = 7;
};

// What to build: from the ConfigurationPricer's answer.
struct BuildRequest {
  std::string product_line;
  std::vector<std::string> plant_codes;
  int lead_time_days = 0;
  int64_t quantity = 1;
  std::string region;  // shopper's region
};

// A plant's capacity calendar (the dashboard's view): per day and product
// line, the units it can build and the units already booked.
struct CalendarLine {
  std::string product_line;
  int64_t capacity = 0;  // units per day (0 on a closed day)
  int64_t booked = 0;
};
struct CalendarDay {
  int64_t day = 0;
  std::string date;  // "2026-12-04"
  bool closed = false;
  std::vector<CalendarLine> lines;  // one per product line, by name
};
struct PlantCalendar {
  int64_t plant_id = 0;
  std::string plant_code;
  std::vector<CalendarDay> days;
};

struct DeliveryQuote {
  int64_t plant_id = 0;
  std::string plant_code;
  std::string product_line;
  int64_t build_day = 0;  // day the plant builds it (slot booked on this day)
  int transit_days = 0;
  int64_t delivery_day = 0;   // build_day + transit_days
  std::string delivery_date;  // "2026-12-04"
};

class Scheduler {
 public:
  // REQUIRES: `db` outlives this object.
  Scheduler(store::Database& db, ScheduleOptions options = {}) : db_(db), options_(options) {}

  // Merchant set-up. Errors: kNotFound (field "plant"/"location") for a code
  // that is not a plant / not a location; kInvalidArgument for a negative
  // capacity or transit, or an empty product line.
  Status SetCapacity(std::string_view plant_code, std::string_view product_line, int64_t units_per_day);
  Status SetClosed(std::string_view plant_code, int64_t day, bool closed);
  Status SetTransit(std::string_view location_code, std::string_view region, int days);

  // The earliest delivery for `request` as of `today`. Errors:
  // kInvalidArgument for quantity < 1 or an empty product line; kUnavailable
  // (field "plants") when no listed plant has free capacity within the
  // horizon.
  Result<DeliveryQuote> Quote(const BuildRequest& request, int64_t today);
  Result<DeliveryQuote> Quote(store::Session& s, const BuildRequest& request, int64_t today);

  // Books `quantity` units of `quote`'s slot. REQUIRES: inside a transaction.
  // Returns false (nothing booked) when the slot is closed or lacks capacity.
  Result<bool> Reserve(store::Session& s, const DeliveryQuote& quote, int64_t quantity);
  // Returns `quantity` units of a booked slot. REQUIRES: inside a transaction.
  Status Release(store::Session& s, int64_t plant_id, std::string_view product_line, int64_t day,
                 int64_t quantity);

  // Transit days from a location to a region.
  Result<int> TransitDays(store::Session& s, int64_t location_id, std::string_view region);

  // `days` consecutive days from `from_day` of a plant's calendar. Errors:
  // kNotFound (field "plant") for a code that is not a plant;
  // kInvalidArgument (field "days") outside 1..kMaxCalendarDays.
  static constexpr int kMaxCalendarDays = 366;
  Result<PlantCalendar> Calendar(std::string_view plant_code, int64_t from_day, int days);

  // Units booked at a plant for a line on a day (for dashboards and tests).
  Result<int64_t> Booked(std::string_view plant_code, std::string_view product_line, int64_t day);

 private:
  store::Database& db_;
  ScheduleOptions options_;
};

}  // namespace atelier::orders
