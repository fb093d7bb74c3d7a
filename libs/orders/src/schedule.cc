#include "atelier/orders/schedule.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

#include "atelier/orders/types.h"

namespace atelier::orders {

namespace {

Result<int64_t> LocationId(store::Session& s, std::string_view code, bool plant) {
  ATELIER_ASSIGN_OR_RETURN(auto rows,
                           s.Query("SELECT id, type FROM locations WHERE code = ?", {std::string(code)}));
  const char* field = plant ? "plant" : "location";
  if (rows.empty()) return Error::NotFound("no location '" + std::string(code) + "'", field);
  if (plant && rows[0].Text(1) != "plant") {
    return Error::NotFound("location '" + std::string(code) + "' is not a plant", field);
  }
  return rows[0].Int(0);
}

}  // namespace

Status Scheduler::SetCapacity(std::string_view plant_code, std::string_view product_line,
                              int64_t units_per_day) {
  if (product_line.empty()) return Error::InvalidArgument("product line is required", "product_line");
  if (units_per_day < 0) return Error::InvalidArgument("capacity must be >= 0", "units_per_day");
  return db_.Transact([&](store::Session& s) -> Status {
    ATELIER_ASSIGN_OR_RETURN(int64_t plant, LocationId(s, plant_code, true));
    ATELIER_RETURN_IF_ERROR(
        s.Exec("INSERT INTO plant_capacity (plant_id, product_line, units_per_day) VALUES (?, ?, ?) "
               "ON CONFLICT (plant_id, product_line) DO UPDATE SET units_per_day = excluded.units_per_day",
               {plant, std::string(product_line), units_per_day}));
    return Ok();
  });
}

Status Scheduler::SetClosed(std::string_view plant_code, int64_t day, bool closed) {
  return db_.Transact([&](store::Session& s) -> Status {
    ATELIER_ASSIGN_OR_RETURN(int64_t plant, LocationId(s, plant_code, true));
    if (closed) {
      ATELIER_RETURN_IF_ERROR(s.Exec(
          "INSERT INTO plant_closures (plant_id, day) VALUES (?, ?) ON CONFLICT (plant_id, day) DO NOTHING",
          {plant, day}));
    } else {
      ATELIER_RETURN_IF_ERROR(
          s.Exec("DELETE FROM plant_closures WHERE plant_id = ? AND day = ?", {plant, day}));
    }
    return Ok();
  });
}

Status Scheduler::SetTransit(std::string_view location_code, std::string_view region, int days) {
  if (days < 0) return Error::InvalidArgument("transit days must be >= 0", "days");
  if (region.empty()) return Error::InvalidArgument("region is required", "region");
  return db_.Transact([&](store::Session& s) -> Status {
    ATELIER_ASSIGN_OR_RETURN(int64_t location, LocationId(s, location_code, false));
    ATELIER_RETURN_IF_ERROR(
        s.Exec("INSERT INTO transit_times (location_id, region, days) VALUES (?, ?, ?) "
               "ON CONFLICT (location_id, region) DO UPDATE SET days = excluded.days",
               {location, std::string(region), static_cast<int64_t>(days)}));
    return Ok();
  });
}

Result<int> Scheduler::TransitDays(store::Session& s, int64_t location_id, std::string_view region) {
  ATELIER_ASSIGN_OR_RETURN(auto rows,
                           s.Query("SELECT days FROM transit_times WHERE location_id = ? AND region = ?",
                                   {location_id, std::string(region)}));
  if (rows.empty()) return options_.default_transit_days;
  return static_cast<int>(rows[0].Int(0));
}

Result<DeliveryQuote> Scheduler::Quote(const BuildRequest& request, int64_t today) {
  return Quote(db_, request, today);
}

Result<DeliveryQuote> Scheduler::Quote(store::Session& s, const BuildRequest& request, int64_t today) {
  if (request.quantity < 1) return Error::InvalidArgument("quantity must be at least 1", "quantity");
  if (request.product_line.empty()) return Error::InvalidArgument("product line is required", "product_line");
  const int64_t first = today + std::max(0, request.lead_time_days);
  const int64_t last = first + options_.horizon_days;
  std::vector<std::string> codes = request.plant_codes;
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());

  std::optional<DeliveryQuote> best;
  for (const std::string& code : codes) {
    ATELIER_ASSIGN_OR_RETURN(
        auto plant,
        s.Query("SELECT l.id, c.units_per_day FROM locations l JOIN plant_capacity c ON c.plant_id = l.id "
                "WHERE l.code = ? AND l.type = 'plant' AND c.product_line = ?",
                {code, request.product_line}));
    if (plant.empty() || plant[0].Int(1) < request.quantity) continue;
    const int64_t plant_id = plant[0].Int(0);
    const int64_t capacity = plant[0].Int(1);
    ATELIER_ASSIGN_OR_RETURN(int transit, TransitDays(s, plant_id, request.region));
    // The earliest possible delivery from this plant cannot beat the best so far.
    if (best && first + transit > best->delivery_day) continue;

    ATELIER_ASSIGN_OR_RETURN(
        auto closed_rows,
        s.Query("SELECT day FROM plant_closures WHERE plant_id = ? AND day >= ? AND day <= ?",
                {plant_id, first, last}));
    std::set<int64_t> closed;
    for (const auto& r : closed_rows) closed.insert(r.Int(0));
    ATELIER_ASSIGN_OR_RETURN(
        auto slot_rows, s.Query("SELECT day, booked FROM plant_slots WHERE plant_id = ? AND product_line = ? "
                                "AND day >= ? AND day <= ?",
                                {plant_id, request.product_line, first, last}));
    std::unordered_map<int64_t, int64_t> booked;
    for (const auto& r : slot_rows) booked[r.Int(0)] = r.Int(1);

    for (int64_t day = first; day <= last; ++day) {
      if (closed.count(day)) continue;
      auto it = booked.find(day);
      if ((it == booked.end() ? 0 : it->second) + request.quantity > capacity) continue;
      DeliveryQuote q{plant_id, code,          request.product_line,    day,
                      transit,  day + transit, FormatDay(day + transit)};
      if (!best || std::tie(q.delivery_day, q.build_day) < std::tie(best->delivery_day, best->build_day))
        best = q;
      break;
    }
  }
  if (!best) {
    return Error{ErrorCode::kUnavailable,
                 "no plant can build " + std::to_string(request.quantity) + " '" + request.product_line +
                     "' within " + std::to_string(options_.horizon_days) + " days",
                 "plants"};
  }
  return *best;
}

Result<bool> Scheduler::Reserve(store::Session& s, const DeliveryQuote& quote, int64_t quantity) {
  ATELIER_ASSIGN_OR_RETURN(auto closed, s.Query("SELECT 1 FROM plant_closures WHERE plant_id = ? AND day = ?",
                                                {quote.plant_id, quote.build_day}));
  if (!closed.empty()) return false;
  ATELIER_RETURN_IF_ERROR(
      s.Exec("INSERT INTO plant_slots (plant_id, product_line, day, booked) VALUES (?, ?, ?, 0) "
             "ON CONFLICT (plant_id, product_line, day) DO NOTHING",
             {quote.plant_id, quote.product_line, quote.build_day}));
  // Conditional on the capacity in the same statement: never read-then-write.
  ATELIER_ASSIGN_OR_RETURN(
      int64_t changed,
      s.Exec("UPDATE plant_slots SET booked = booked + ? WHERE plant_id = ? AND product_line = ? AND day = ? "
             "AND booked + ? <= (SELECT units_per_day FROM plant_capacity WHERE plant_id = ? AND "
             "product_line = ?)",
             {quantity, quote.plant_id, quote.product_line, quote.build_day, quantity, quote.plant_id,
              quote.product_line}));
  return changed == 1;
}

Status Scheduler::Release(store::Session& s, int64_t plant_id, std::string_view product_line, int64_t day,
                          int64_t quantity) {
  ATELIER_ASSIGN_OR_RETURN(
      int64_t changed,
      s.Exec("UPDATE plant_slots SET booked = booked - ? WHERE plant_id = ? AND product_line = ? AND day = ? "
             "AND booked >= ?",
             {quantity, plant_id, std::string(product_line), day, quantity}));
  if (changed != 1) return Error::Internal("plant slot bookings are inconsistent: cannot release");
  return Ok();
}

Result<PlantCalendar> Scheduler::Calendar(std::string_view plant_code, int64_t from_day, int days) {
  if (days < 1 || days > kMaxCalendarDays) {
    return Error::InvalidArgument("days must be 1.." + std::to_string(kMaxCalendarDays), "days");
  }
  const int64_t to_day = from_day + days;  // exclusive
  PlantCalendar calendar;
  calendar.plant_code = std::string(plant_code);
  // One read transaction: capacity, closures and bookings of the same instant.
  ATELIER_RETURN_IF_ERROR(db_.Transact([&](store::Session& s) -> Status {
    ATELIER_ASSIGN_OR_RETURN(calendar.plant_id, LocationId(s, plant_code, true));
    ATELIER_ASSIGN_OR_RETURN(
        auto capacity_rows,
        s.Query("SELECT product_line, units_per_day FROM plant_capacity WHERE plant_id = ? "
                "ORDER BY product_line",
                {calendar.plant_id}));
    ATELIER_ASSIGN_OR_RETURN(
        auto closed_rows, s.Query("SELECT day FROM plant_closures WHERE plant_id = ? AND day >= ? AND day < ?",
                                  {calendar.plant_id, from_day, to_day}));
    ATELIER_ASSIGN_OR_RETURN(
        auto slot_rows,
        s.Query("SELECT product_line, day, booked FROM plant_slots WHERE plant_id = ? AND day >= ? AND day < ?",
                {calendar.plant_id, from_day, to_day}));
    std::set<std::string> line_names;
    std::unordered_map<std::string, int64_t> capacity;
    for (const auto& row : capacity_rows) {
      line_names.insert(row.Text(0));
      capacity[row.Text(0)] = row.Int(1);
    }
    // A line with bookings but no capacity row any more still shows them.
    for (const auto& row : slot_rows) line_names.insert(row.Text(0));
    std::set<int64_t> closed;
    for (const auto& row : closed_rows) closed.insert(row.Int(0));
    std::map<std::pair<std::string, int64_t>, int64_t> booked;
    for (const auto& row : slot_rows) booked[{row.Text(0), row.Int(1)}] = row.Int(2);

    calendar.days.reserve(static_cast<size_t>(days));
    for (int64_t day = from_day; day < to_day; ++day) {
      CalendarDay& d = calendar.days.emplace_back();
      d.day = day;
      d.date = FormatDay(day);
      d.closed = closed.contains(day);
      for (const std::string& line : line_names) {
        auto cap = capacity.find(line);
        auto b = booked.find({line, day});
        d.lines.push_back(CalendarLine{line, d.closed || cap == capacity.end() ? 0 : cap->second,
                                       b == booked.end() ? 0 : b->second});
      }
    }
    return Ok();
  }));
  return calendar;
}

Result<int64_t> Scheduler::Booked(std::string_view plant_code, std::string_view product_line, int64_t day) {
  ATELIER_ASSIGN_OR_RETURN(
      auto rows, db_.Query("SELECT s.booked FROM plant_slots s JOIN locations l ON l.id = s.plant_id "
                           "WHERE l.code = ? AND s.product_line = ? AND s.day = ?",
                           {std::string(plant_code), std::string(product_line), day}));
  return rows.empty() ? int64_t{0} : rows[0].Int(0);
}

}  // namespace atelier::orders
