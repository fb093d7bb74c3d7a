#include "atelier/recommend/event_log.h"

#include <zlib.h>

#include <algorithm>
#include <numeric>
#include <optional>
#include <streambuf>
#include <sys/stat.h>

#include "atelier/core/clock.h"
#include "atelier/core/csv.h"
#include "atelier/core/strings.h"

namespace atelier::recommend {

Result<EventType> ParseEventType(std::string_view text) {
  std::string t = ToLower(Trim(text));
  if (t == "view") return EventType::kView;
  if (t == "cart") return EventType::kCart;
  if (t == "purchase") return EventType::kPurchase;
  if (t == "search") return EventType::kSearch;
  return Error::InvalidArgument("unknown event type '" + std::string(text) + "'", "event");
}

const char* EventTypeName(EventType type) {
  switch (type) {
    case EventType::kView: return "view";
    case EventType::kCart: return "cart";
    case EventType::kPurchase: return "purchase";
    case EventType::kSearch: return "search";
  }
  return "purchase";
}

Result<EventFormat> ParseEventFormat(std::string_view name) {
  if (name == "generic") return EventFormat::kGeneric;
  if (name == "uci-online-retail") return EventFormat::kUciOnlineRetail;
  if (name == "groceries") return EventFormat::kGroceries;
  if (name == "movielens-100k") return EventFormat::kMovieLens100k;
  if (name == "movielens-latest") return EventFormat::kMovieLensLatest;
  return Error::InvalidArgument("unknown event format '" + std::string(name) +
                                    "' (generic|uci-online-retail|groceries|movielens-100k|movielens-latest)",
                                "format");
}

const char* EventFormatName(EventFormat format) {
  switch (format) {
    case EventFormat::kGeneric: return "generic";
    case EventFormat::kUciOnlineRetail: return "uci-online-retail";
    case EventFormat::kGroceries: return "groceries";
    case EventFormat::kMovieLens100k: return "movielens-100k";
    case EventFormat::kMovieLensLatest: return "movielens-latest";
  }
  return "generic";
}

uint32_t EventLogBuilder::Intern(std::unordered_map<std::string, uint32_t>& map,
                                 std::vector<std::string>& ids, std::string_view id) {
  auto it = map.find(std::string(id));
  if (it != map.end()) return it->second;
  uint32_t index = static_cast<uint32_t>(ids.size());
  ids.emplace_back(id);
  map.emplace(ids.back(), index);
  return index;
}

void EventLogBuilder::Add(std::string_view user, std::string_view item, std::string_view basket,
                          int64_t ts, float quantity, EventType type) {
  Event e;
  e.user = user.empty() ? kNone : Intern(users_, user_ids_, user);
  e.item = Intern(items_, item_ids_, item);
  e.basket = basket.empty() ? kNone : Intern(baskets_, basket_ids_, basket);
  e.ts = ts;
  e.quantity = quantity;
  e.type = type;
  events_.push_back(e);
}

namespace {

// Returns old index -> new index for ids renumbered in sorted order, and sorts `ids`.
std::vector<uint32_t> SortIds(std::vector<std::string>& ids) {
  std::vector<uint32_t> order(ids.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return ids[a] < ids[b]; });
  std::vector<uint32_t> remap(ids.size());
  std::vector<std::string> sorted(ids.size());
  for (uint32_t i = 0; i < order.size(); ++i) {
    remap[order[i]] = i;
    sorted[i] = std::move(ids[order[i]]);
  }
  ids = std::move(sorted);
  return remap;
}

}  // namespace

EventLog EventLogBuilder::Finish() && {
  users_.clear();
  items_.clear();
  baskets_.clear();
  EventLog log;
  std::vector<uint32_t> user_map = SortIds(user_ids_);
  std::vector<uint32_t> item_map = SortIds(item_ids_);
  for (Event& e : events_) {
    if (e.user != kNone) e.user = user_map[e.user];
    e.item = item_map[e.item];
  }
  log.has_users = !user_ids_.empty();
  log.has_baskets = !basket_ids_.empty();
  log.has_time = has_time_;
  log.user_ids = std::move(user_ids_);
  log.item_ids = std::move(item_ids_);
  log.basket_ids = std::move(basket_ids_);
  log.events = std::move(events_);
  return log;
}

namespace {

// A read-only streambuf over zlib's gzFile (which also reads plain files).
class GzStreamBuf : public std::streambuf {
 public:
  explicit GzStreamBuf(gzFile file) : file_(file) {}
  ~GzStreamBuf() override {
    if (file_ != nullptr) gzclose(file_);
  }
  int64_t compressed_offset() const { return file_ == nullptr ? 0 : gzoffset(file_); }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    int n = gzread(file_, buffer_, sizeof(buffer_));
    if (n <= 0) return traits_type::eof();
    setg(buffer_, buffer_, buffer_ + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  gzFile file_;
  char buffer_[1 << 16];
};

class RowReader {
 public:
  RowReader(const LoadOptions& options, LoadReport& report) : options_(options), report_(report) {}
  void Bad(int64_t line, const std::string& reason) {
    ++report_.bad;
    if (static_cast<int>(report_.first_errors.size()) < options_.max_reported_errors) {
      report_.first_errors.push_back("line " + std::to_string(line) + ": " + reason);
    }
  }

 private:
  const LoadOptions& options_;
  LoadReport& report_;
};

std::optional<double> ParseNumber(std::string_view s) { return ParseDouble(Trim(s)); }

Status RequireColumn(const CsvHeader& header, std::string_view name, size_t& index) {
  auto found = header.Find(name);
  if (!found) {
    return Error::InvalidArgument("header lacks required column '" + std::string(name) + "'",
                                  std::string(name));
  }
  index = *found;
  return Ok();
}

}  // namespace

Status ReadEvents(std::istream& in, EventFormat format, const LoadOptions& options,
                  EventLogBuilder& builder, LoadReport& report, int64_t total_bytes) {
  const char separator = format == EventFormat::kMovieLens100k ? '\t' : ',';
  CsvReader csv(in, separator);
  RowReader rows(options, report);
  std::vector<std::string> f;
  auto progress = [&] {
    if (options.progress && (report.rows & 0x3fff) == 0) options.progress(csv.bytes_read(), total_bytes);
  };

  // Column indexes for the formats with a header.
  size_t c_user = 0, c_item = 0, c_time = 0;
  std::optional<size_t> c_basket, c_quantity, c_event;
  size_t c_price = 0;
  bool has_header = format == EventFormat::kGeneric || format == EventFormat::kUciOnlineRetail ||
                    format == EventFormat::kMovieLensLatest;
  if (has_header) {
    ATELIER_ASSIGN_OR_RETURN(bool got, csv.Next(f));
    if (!got) return Error::InvalidArgument("empty input: expected a header line", "line 1");
    CsvHeader header(f);
    switch (format) {
      case EventFormat::kGeneric: {
        ATELIER_RETURN_IF_ERROR(RequireColumn(header, "item_id", c_item));
        c_basket = header.Find("basket_id");
        auto user = header.Find("user_id");
        if (!user && !c_basket) {
          return Error::InvalidArgument("header lacks required column 'user_id'", "user_id");
        }
        c_user = user.value_or(SIZE_MAX);
        auto time = header.Find("timestamp");
        if (!time && !c_basket) {
          return Error::InvalidArgument("header lacks required column 'timestamp'", "timestamp");
        }
        c_time = time.value_or(SIZE_MAX);
        c_quantity = header.Find("quantity");
        c_event = header.Find("event");
        builder.SetHasTime(time.has_value());
        break;
      }
      case EventFormat::kUciOnlineRetail:
        ATELIER_RETURN_IF_ERROR(RequireColumn(header, "customerid", c_user));
        ATELIER_RETURN_IF_ERROR(RequireColumn(header, "stockcode", c_item));
        ATELIER_RETURN_IF_ERROR(RequireColumn(header, "invoicedate", c_time));
        ATELIER_RETURN_IF_ERROR(RequireColumn(header, "unitprice", c_price));
        c_basket = header.Find("invoiceno");
        c_quantity = header.Find("quantity");
        if (!c_basket) return Error::InvalidArgument("header lacks required column 'InvoiceNo'", "InvoiceNo");
        if (!c_quantity) return Error::InvalidArgument("header lacks required column 'Quantity'", "Quantity");
        builder.SetHasTime(true);
        break;
      case EventFormat::kMovieLensLatest:
        ATELIER_RETURN_IF_ERROR(RequireColumn(header, "userid", c_user));
        ATELIER_RETURN_IF_ERROR(RequireColumn(header, "movieid", c_item));
        ATELIER_RETURN_IF_ERROR(RequireColumn(header, "timestamp", c_time));
        builder.SetHasTime(true);
        break;
      default:
        break;
    }
  } else if (format == EventFormat::kMovieLens100k) {
    c_user = 0;
    c_item = 1;
    c_time = 3;
    builder.SetHasTime(true);
  }

  while (true) {
    ATELIER_ASSIGN_OR_RETURN(bool got, csv.Next(f));
    if (!got) break;
    if (f.size() == 1 && Trim(f[0]).empty()) continue;  // blank line
    ++report.rows;
    progress();
    const int64_t line = csv.line();
    auto field = [&](size_t i) -> std::string_view {
      return i < f.size() ? Trim(f[i]) : std::string_view();
    };
    size_t needed = 0;
    switch (format) {
      case EventFormat::kGroceries: {
        std::string basket = std::to_string(line);
        int64_t added = 0;
        for (const std::string& raw : f) {
          std::string_view item = Trim(raw);
          if (item.empty()) continue;
          builder.Add({}, item, basket, 0, 1, EventType::kPurchase);
          ++added;
        }
        if (added == 0) {
          rows.Bad(line, "basket without items");
        } else {
          report.loaded += added;
        }
        continue;
      }
      case EventFormat::kGeneric: {
        needed = std::max({c_item, c_user == SIZE_MAX ? 0 : c_user, c_time == SIZE_MAX ? 0 : c_time,
                           c_basket.value_or(0), c_quantity.value_or(0), c_event.value_or(0)});
        if (f.size() <= needed) {
          rows.Bad(line, "expected " + std::to_string(needed + 1) + " fields, got " + std::to_string(f.size()));
          continue;
        }
        std::string_view item = field(c_item);
        std::string_view user = c_user == SIZE_MAX ? std::string_view() : field(c_user);
        std::string_view basket = c_basket ? field(*c_basket) : std::string_view();
        if (item.empty()) {
          rows.Bad(line, "empty item_id");
          continue;
        }
        if (user.empty() && basket.empty()) {
          rows.Bad(line, "neither user_id nor basket_id");
          continue;
        }
        int64_t ts = 0;
        if (c_time != SIZE_MAX) {
          auto parsed = ParseTimestamp(field(c_time));
          if (!parsed) {
            rows.Bad(line, "cannot parse timestamp '" + std::string(field(c_time)) + "'");
            continue;
          }
          ts = *parsed;
        }
        double quantity = 1;
        if (c_quantity && !field(*c_quantity).empty()) {
          auto q = ParseNumber(field(*c_quantity));
          if (!q) {
            rows.Bad(line, "cannot parse quantity '" + std::string(field(*c_quantity)) + "'");
            continue;
          }
          quantity = *q;
        }
        EventType type = EventType::kPurchase;
        if (c_event && !field(*c_event).empty()) {
          auto t = ParseEventType(field(*c_event));
          if (!t.ok()) {
            rows.Bad(line, t.error().message);
            continue;
          }
          type = *t;
        }
        if (quantity <= 0) {  // returns and corrections are not interactions
          ++report.filtered;
          continue;
        }
        builder.Add(user, item, basket, ts, static_cast<float>(quantity), type);
        ++report.loaded;
        continue;
      }
      case EventFormat::kUciOnlineRetail: {
        needed = std::max({c_user, c_item, c_time, c_price, *c_basket, *c_quantity});
        if (f.size() <= needed) {
          rows.Bad(line, "expected " + std::to_string(needed + 1) + " fields, got " + std::to_string(f.size()));
          continue;
        }
        std::string_view invoice = field(*c_basket);
        std::string_view code = field(c_item);
        std::string_view customer = field(c_user);
        auto quantity = ParseNumber(field(*c_quantity));
        auto price = ParseNumber(field(c_price));
        auto ts = ParseTimestamp(field(c_time));
        if (!quantity || !price || !ts || invoice.empty() || code.empty()) {
          rows.Bad(line, !quantity ? "cannot parse Quantity" : !price ? "cannot parse UnitPrice"
                         : !ts      ? "cannot parse InvoiceDate"
                                    : "empty InvoiceNo or StockCode");
          continue;
        }
        bool keep = !customer.empty() && *quantity > 0 && *price > 0 && invoice[0] != 'C' &&
                    invoice[0] != 'c' && code[0] >= '0' && code[0] <= '9';
        if (!keep) {
          ++report.filtered;
          continue;
        }
        builder.Add(customer, code, invoice, *ts, static_cast<float>(*quantity), EventType::kPurchase);
        ++report.loaded;
        continue;
      }
      case EventFormat::kMovieLens100k:
      case EventFormat::kMovieLensLatest: {
        needed = std::max({c_user, c_item, c_time});
        if (f.size() <= needed) {
          rows.Bad(line, "expected " + std::to_string(needed + 1) + " fields, got " + std::to_string(f.size()));
          continue;
        }
        std::string_view user = field(c_user), item = field(c_item);
        auto ts = ParseInt(field(c_time));
        if (user.empty() || item.empty() || !ts) {
          rows.Bad(line, !ts ? "cannot parse timestamp" : "empty user or item id");
          continue;
        }
        builder.Add(user, item, {}, *ts, 1, EventType::kPurchase);
        ++report.loaded;
        continue;
      }
    }
  }
  if (options.progress) options.progress(csv.bytes_read(), total_bytes);
  return Ok();
}

Result<EventLog> LoadEventLog(const std::string& path, EventFormat format, const LoadOptions& options,
                              LoadReport& report) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return Error::NotFound("cannot open event log '" + path + "'", "file");
  gzbuffer(file, 1 << 17);
  struct stat st {};
  int64_t total = ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
  GzStreamBuf buf(file);
  std::istream in(&buf);
  EventLogBuilder builder;
  LoadOptions wrapped = options;
  if (options.progress) {
    // Report compressed bytes so the bar matches the file size on disk.
    wrapped.progress = [&](int64_t, int64_t) { options.progress(buf.compressed_offset(), total); };
  }
  ATELIER_RETURN_IF_ERROR(ReadEvents(in, format, wrapped, builder, report, total));
  return std::move(builder).Finish();
}

}  // namespace atelier::recommend
