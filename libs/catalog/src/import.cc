#include "atelier/catalog/import.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cmath>
#include <memory>
#include <optional>
#include <set>

#include "atelier/core/csv.h"
#include "atelier/core/strings.h"
#include "internal/json_fields.h"

namespace atelier::catalog {

namespace {

namespace json = boost::json;

// ISO 4217 active codes (2024).
const std::set<std::string, std::less<>>& KnownCurrencies() {
  static const std::set<std::string, std::less<>> kCodes = {
      "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD",
      "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY",
      "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP",
      "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR",
      "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT",
      "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR",
      "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK",
      "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD",
      "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY",
      "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF", "XCD",
      "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWL"};
  return kCodes;
}

bool IsAttributeKey(std::string_view key) {
  if (key.empty()) return false;
  return std::all_of(key.begin(), key.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// One data row: the product, or the first thing wrong with it.
struct ParsedRow {
  int64_t line = 0;
  ProductInput product;
  std::optional<RowError> error;

  void Fail(std::string field, std::string message) {
    if (!error) error = RowError{line, std::move(field), std::move(message)};
  }
};

// Field conversions shared by both formats. Each records the first error on
// the row and leaves the product untouched on failure.
void SetRequiredText(ParsedRow& row, std::string_view text, const char* field, std::string& out) {
  std::string_view t = Trim(text);
  if (t.empty()) return row.Fail(field, std::string("missing ") + field);
  out = std::string(t);
}

void SetCategory(ParsedRow& row, const std::vector<std::string>& names) {
  if (names.empty()) return row.Fail("category", "missing category");
  std::vector<std::string> path;
  for (const auto& n : names) {
    std::string_view name = Trim(n);
    if (name.empty()) return row.Fail("category", "category path has an empty name");
    if (Slugify(name).empty()) {
      return row.Fail("category", "category name '" + std::string(name) + "' has no letters or digits");
    }
    path.emplace_back(name);
  }
  row.product.category_path = std::move(path);
}

void SetCategoryPath(ParsedRow& row, std::string_view text) {
  if (Trim(text).empty()) return row.Fail("category", "missing category");
  SetCategory(row, Split(text, '>'));
}

void SetPriceText(ParsedRow& row, std::string_view text) {
  if (Trim(text).empty()) return row.Fail("price", "missing price");
  auto amount = ParseMinorUnits(text, "price");
  if (!amount.ok()) {
    return row.Fail("price", "bad price \"" + std::string(Trim(text)) + "\": " + amount.error().message);
  }
  if (*amount < 0) return row.Fail("price", "price is negative");
  row.product.product.price.amount = *amount;
}

void SetPriceNumber(ParsedRow& row, double major) {
  if (!std::isfinite(major) || major < 0) return row.Fail("price", "price must be a non-negative amount");
  double minor = std::round(major * 100);
  if (std::fabs(minor - major * 100) > 1e-6 * std::max(1.0, std::fabs(minor))) {
    return row.Fail("price", "price has more than two decimals");
  }
  if (minor > 9e15) return row.Fail("price", "price is too large");
  row.product.product.price.amount = static_cast<int64_t>(minor);
}

void SetCurrency(ParsedRow& row, std::string_view text, const std::string& fallback) {
  std::string code(Trim(text));
  if (code.empty()) code = fallback;
  for (auto& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!KnownCurrencies().count(code)) {
    return row.Fail("currency", "unknown currency \"" + std::string(Trim(text)) + "\"");
  }
  row.product.product.price.currency = code;
}

// "10.5" -> 10.5, "true" -> true, anything else stays text.
AttributeValue InferAttributeValue(std::string_view text) {
  std::string_view t = Trim(text);
  if (t == "true") return true;
  if (t == "false") return false;
  if (auto d = ParseDouble(t); d && std::isfinite(*d)) return *d;
  return std::string(t);
}

// The keys of every row carry the same checks as CatalogStore::Apply, so a
// file that passes validation cannot fail in the store for its content.
void CheckFinished(ParsedRow& row) {
  if (row.error) return;
  Product& p = row.product.product;
  if (p.sku.empty()) row.Fail("sku", "missing sku");
  if (p.title.empty()) row.Fail("title", "missing title");
  if (row.product.category_path.empty()) row.Fail("category", "missing category");
}

class RowSource {
 public:
  virtual ~RowSource() = default;
  // Reads the next data row. Returns false at the end of input; an error for
  // a problem with the file as a whole.
  virtual Result<bool> Next(ParsedRow& row) = 0;
  virtual int64_t bytes_read() const = 0;
  virtual const std::vector<std::string>& ignored() const = 0;
};

class CsvSource final : public RowSource {
 public:
  CsvSource(std::istream& in, const ImportOptions& options) : reader_(in), options_(options) {}

  Status ReadHeader() {
    std::vector<std::string> names;
    ATELIER_ASSIGN_OR_RETURN(bool any, reader_.Next(names));
    if (!any) return Error::InvalidArgument("the file is empty: expected a header row", "line 1");
    CsvHeader header(names);
    width_ = header.names().size();
    std::set<std::string> seen;
    for (size_t i = 0; i < width_; ++i) {
      const std::string& name = header.names()[i];
      if (!seen.insert(name).second) {
        return Error::InvalidArgument("column '" + name + "' appears twice in the header", name);
      }
      if (StartsWith(name, "attr.")) {
        std::string key = name.substr(5);
        if (!IsAttributeKey(key)) {
          return Error::InvalidArgument("attribute column '" + name + "' must be attr.<lower_snake_case key>",
                                        name);
        }
        attributes_.emplace_back(i, std::move(key));
      } else if (name == "sku")
        sku_ = i;
      else if (name == "title")
        title_ = i;
      else if (name == "description")
        description_ = i;
      else if (name == "brand")
        brand_ = i;
      else if (name == "category")
        category_ = i;
      else if (name == "price")
        price_ = i;
      else if (name == "currency")
        currency_ = i;
      else if (name == "images")
        images_ = i;
      else if (name == "model_id")
        model_id_ = i;
      else
        ignored_.push_back(name);
    }
    for (auto [column, name] : {std::pair{&sku_, "sku"}, std::pair{&title_, "title"},
                                std::pair{&category_, "category"}, std::pair{&price_, "price"}}) {
      if (!*column) {
        return Error::InvalidArgument(std::string("the header has no '") + name + "' column", name);
      }
    }
    return Ok();
  }

  Result<bool> Next(ParsedRow& row) override {
    while (true) {
      ATELIER_ASSIGN_OR_RETURN(bool any, reader_.Next(fields_));
      if (!any) return false;
      if (fields_.size() == 1 && Trim(fields_[0]).empty()) continue;  // blank line
      break;
    }
    row = ParsedRow{};
    row.line = reader_.line();
    if (fields_.size() != width_) {
      row.Fail("", "row has " + std::to_string(fields_.size()) + " fields; the header has " +
                       std::to_string(width_));
      return true;
    }
    Product& p = row.product.product;
    SetRequiredText(row, fields_[*sku_], "sku", p.sku);
    SetRequiredText(row, fields_[*title_], "title", p.title);
    SetCategoryPath(row, fields_[*category_]);
    SetPriceText(row, fields_[*price_]);
    SetCurrency(row, currency_ ? std::string_view(fields_[*currency_]) : std::string_view(),
                options_.default_currency);
    if (description_) p.description = std::string(Trim(fields_[*description_]));
    if (brand_) p.brand = std::string(Trim(fields_[*brand_]));
    if (model_id_) p.model_id = std::string(Trim(fields_[*model_id_]));
    if (images_) {
      for (const auto& image : Split(fields_[*images_], '|')) {
        if (!Trim(image).empty()) p.images.emplace_back(Trim(image));
      }
    }
    for (const auto& [column, key] : attributes_) {
      if (Trim(fields_[column]).empty()) continue;
      p.attributes.push_back({key, InferAttributeValue(fields_[column])});
    }
    CheckFinished(row);
    return true;
  }

  int64_t bytes_read() const override { return reader_.bytes_read(); }
  const std::vector<std::string>& ignored() const override { return ignored_; }

 private:
  CsvReader reader_;
  const ImportOptions& options_;
  std::vector<std::string> fields_;
  size_t width_ = 0;
  std::optional<size_t> sku_, title_, description_, brand_, category_, price_, currency_, images_, model_id_;
  std::vector<std::pair<size_t, std::string>> attributes_;
  std::vector<std::string> ignored_;
};

class JsonLinesSource final : public RowSource {
 public:
  JsonLinesSource(std::istream& in, const ImportOptions& options) : in_(in), options_(options) {}

  Result<bool> Next(ParsedRow& row) override {
    while (true) {
      if (!std::getline(in_, line_)) return false;
      ++line_number_;
      bytes_read_ += static_cast<int64_t>(line_.size()) + 1;
      if (!Trim(line_).empty()) break;
    }
    row = ParsedRow{};
    row.line = line_number_;
    boost::system::error_code ec;
    json::value v = json::parse(line_, ec);
    if (ec) {
      row.Fail("", "bad JSON: " + ec.message());
      return true;
    }
    const json::object* obj = v.if_object();
    if (obj == nullptr) {
      row.Fail("", "each line must be a JSON object");
      return true;
    }
    Product& p = row.product.product;
    bool has_currency = false;
    for (const auto& kv : *obj) {
      std::string_view key = kv.key();
      const json::value& value = kv.value();
      if (key == "sku")
        SetText(row, value, "sku", p.sku, true);
      else if (key == "title")
        SetText(row, value, "title", p.title, true);
      else if (key == "description")
        SetText(row, value, "description", p.description, false);
      else if (key == "brand")
        SetText(row, value, "brand", p.brand, false);
      else if (key == "model_id")
        SetText(row, value, "model_id", p.model_id, false);
      else if (key == "currency") {
        std::string code;
        SetText(row, value, "currency", code, false);
        SetCurrency(row, code, options_.default_currency);
        has_currency = true;
      } else if (key == "price") {
        if (value.is_string())
          SetPriceText(row, value.get_string());
        else if (value.is_number())
          SetPriceNumber(row, value.to_number<double>());
        else
          row.Fail("price", "price must be a number or a decimal string");
      } else if (key == "category") {
        SetJsonCategory(row, value);
      } else if (key == "images") {
        auto images = internal::ImagesFromJson(value, "images");
        if (!images.ok())
          row.Fail(images.error().field, images.error().message);
        else
          p.images = std::move(images).value();
      } else if (key == "attributes") {
        auto attributes = internal::AttributesFromJson(value, "attributes");
        if (!attributes.ok()) {
          row.Fail(attributes.error().field, attributes.error().message);
        } else {
          for (const auto& a : *attributes) {
            if (!IsAttributeKey(a.key))
              row.Fail("attributes." + a.key, "attribute keys must be lower_snake_case");
          }
          p.attributes = std::move(attributes).value();
        }
      } else {
        NoteIgnored(std::string(key));
      }
    }
    if (!has_currency) SetCurrency(row, "", options_.default_currency);
    CheckFinished(row);
    return true;
  }

  int64_t bytes_read() const override { return bytes_read_; }
  const std::vector<std::string>& ignored() const override { return ignored_; }

 private:
  static void SetText(ParsedRow& row, const json::value& value, const char* field, std::string& out,
                      bool required) {
    if (value.is_null() && !required) return;
    if (!value.is_string()) return row.Fail(field, std::string(field) + " must be a string");
    if (required) return SetRequiredText(row, value.get_string(), field, out);
    out = std::string(Trim(value.get_string()));
  }

  static void SetJsonCategory(ParsedRow& row, const json::value& value) {
    if (value.is_string()) return SetCategoryPath(row, value.get_string());
    if (const json::array* arr = value.if_array()) {
      std::vector<std::string> names;
      for (const auto& n : *arr) {
        if (!n.is_string()) return row.Fail("category", "category array must hold strings");
        names.emplace_back(n.get_string());
      }
      return SetCategory(row, names);
    }
    row.Fail("category", "category must be a path string or an array of names");
  }

  void NoteIgnored(std::string key) {
    // Bounded: a file with a different key on every line must not grow this.
    if (ignored_.size() < 100 && std::find(ignored_.begin(), ignored_.end(), key) == ignored_.end()) {
      ignored_.push_back(std::move(key));
    }
  }

  std::istream& in_;
  const ImportOptions& options_;
  std::string line_;
  int64_t line_number_ = 0;
  int64_t bytes_read_ = 0;
  std::vector<std::string> ignored_;
};

Result<std::unique_ptr<RowSource>> OpenSource(std::istream& in, ImportFormat format,
                                              const ImportOptions& options) {
  if (format == ImportFormat::kCsv) {
    auto csv = std::make_unique<CsvSource>(in, options);
    ATELIER_RETURN_IF_ERROR(csv->ReadHeader());
    return std::unique_ptr<RowSource>(std::move(csv));
  }
  return std::unique_ptr<RowSource>(std::make_unique<JsonLinesSource>(in, options));
}

void NoteBadRow(ImportReport& report, const RowError& error, const ImportOptions& options) {
  ++report.bad_rows;
  if (report.errors.size() < options.max_reported_errors) report.errors.push_back(error);
}

// Reports progress every kProgressRows rows.
constexpr int64_t kProgressRows = 256;

}  // namespace

std::string RowError::ToString() const {
  std::string out = "line " + std::to_string(line) + ": ";
  if (!field.empty()) out += field + ": ";
  return out + message;
}

Result<ImportFormat> ParseImportFormat(std::string_view name) {
  std::string n = ToLower(Trim(name));
  if (n == "csv") return ImportFormat::kCsv;
  if (n == "jsonl" || n == "ndjson" || n == "json-lines") return ImportFormat::kJsonLines;
  return Error::InvalidArgument("unknown import format '" + std::string(name) + "': expected csv or jsonl",
                                "format");
}

Result<ImportFormat> ImportFormatFromPath(std::string_view path) {
  std::string p = ToLower(path);
  if (EndsWith(p, ".csv")) return ImportFormat::kCsv;
  if (EndsWith(p, ".jsonl") || EndsWith(p, ".ndjson")) return ImportFormat::kJsonLines;
  return Error::InvalidArgument(
      "cannot tell the format of '" + std::string(path) + "' from its extension: pass --format csv|jsonl",
      "format");
}

Result<ImportReport> ImportCatalog(std::istream& in, ImportFormat format, CatalogStore& store,
                                   const ImportOptions& options) {
  const size_t batch_size = std::max<size_t>(options.batch_size, 1);
  const std::istream::pos_type start = in.tellg();
  int64_t size = 0;
  if (start != std::istream::pos_type(-1)) {
    in.seekg(0, std::ios::end);
    const std::istream::pos_type end = in.tellg();
    in.seekg(start);
    if (end != std::istream::pos_type(-1)) size = static_cast<int64_t>(end - start);
  }
  const bool seekable = start != std::istream::pos_type(-1) && in.good();
  if (!options.skip_bad && !seekable) {
    return Error::InvalidArgument(
        "an all-or-nothing import reads its input twice and needs a file; use skip_bad for a stream",
        "input");
  }
  const int64_t total = options.skip_bad ? size : 2 * size;
  auto progress = [&](int64_t done) {
    if (options.progress) options.progress(std::min(done, total), total);
  };

  ImportReport report;
  ParsedRow row;

  if (!options.skip_bad) {
    // Pass 1: validate everything, write nothing.
    ATELIER_ASSIGN_OR_RETURN(auto source, OpenSource(in, format, options));
    while (true) {
      ATELIER_ASSIGN_OR_RETURN(bool any, source->Next(row));
      if (!any) break;
      ++report.rows;
      if (row.error) NoteBadRow(report, *row.error, options);
      if (report.rows % kProgressRows == 0) progress(source->bytes_read());
    }
    report.ignored_columns = source->ignored();
    if (report.bad_rows > 0) {
      progress(total);
      return report;
    }
    in.clear();
    in.seekg(start);
    if (!in.good()) return Error::InvalidArgument("cannot rewind the input for the second pass", "input");
    report.rows = 0;
  }

  // Pass 2 (the only pass with skip_bad): write good rows in batches.
  const int64_t offset = options.skip_bad ? 0 : size;
  ATELIER_ASSIGN_OR_RETURN(auto source, OpenSource(in, format, options));
  CatalogBatch batch;
  batch.products.reserve(batch_size);
  auto flush = [&]() -> Status {
    if (batch.products.empty()) return Ok();
    Status applied = store.Apply(batch);
    if (!applied.ok()) {
      Error e = applied.error();
      e.message = "import stopped after " + std::to_string(report.imported) +
                  " products were written (rerunning it is safe): " + e.message;
      return e;
    }
    report.imported += static_cast<int64_t>(batch.products.size());
    batch.products.clear();
    return Ok();
  };
  while (true) {
    ATELIER_ASSIGN_OR_RETURN(bool any, source->Next(row));
    if (!any) break;
    ++report.rows;
    if (row.error) {
      NoteBadRow(report, *row.error, options);
    } else {
      batch.products.push_back(std::move(row.product));
      if (batch.products.size() >= batch_size) ATELIER_RETURN_IF_ERROR(flush());
    }
    if (report.rows % kProgressRows == 0) progress(offset + source->bytes_read());
  }
  ATELIER_RETURN_IF_ERROR(flush());
  report.ignored_columns = source->ignored();
  report.committed = true;
  progress(total);
  return report;
}

}  // namespace atelier::catalog
