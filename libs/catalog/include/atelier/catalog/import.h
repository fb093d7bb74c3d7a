#pragma once
// Catalog import from CSV and JSON Lines (`atelier import catalog FILE`).
//
// Both formats carry the same fields:
//   sku, title, category   required; category is a path "Video Games > Controllers"
//                          (JSON Lines: that string or an array of names)
//   price                  required; decimal major units "69.99" (JSON: string or number)
//   currency               ISO 4217 code; empty or absent: ImportOptions::default_currency
//   description, brand, model_id   optional text
//   images                 CSV: paths separated by '|'; JSON Lines: array of strings
//   attributes             CSV: one `attr.<key>` column per attribute, where a
//                          number becomes a number, true/false a boolean, an
//                          empty cell no attribute; JSON Lines: `attributes`, an
//                          object of strings, numbers and booleans
// Attribute keys are lower_snake_case. Unknown columns/fields are ignored and
// listed in the report. Products are upserted by SKU; a SKU repeated in one
// file is written twice and the later row wins.
//
// Streaming: memory is bounded by `batch_size` rows (plus the reported errors),
// never by the file.
//
// Thread-safety: one import per stream; the store serializes concurrent writers.

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "atelier/catalog/catalog_store.h"
#include "atelier/core/result.h"

namespace atelier::catalog {

enum class ImportFormat { kCsv, kJsonLines };

// "csv", "jsonl" (also "ndjson", "json-lines"); kInvalidArgument otherwise.
Result<ImportFormat> ParseImportFormat(std::string_view name);
// From a file name's extension: .csv -> kCsv; .jsonl/.ndjson -> kJsonLines.
// kInvalidArgument (field "format") for any other extension.
Result<ImportFormat> ImportFormatFromPath(std::string_view path);

struct ImportOptions {
  // false: a file with any bad row imports nothing. true: the good rows are
  // imported and the bad ones reported.
  bool skip_bad = false;
  // Rows per store transaction (and the bound on rows held in memory).
  size_t batch_size = 1000;
  // Bad rows described in ImportReport::errors; all of them are counted.
  size_t max_reported_errors = 1000;
  std::string default_currency = "USD";
  // Called every few hundred rows and at the end with (bytes done, total
  // bytes). Without skip_bad the file is read twice (see ImportCatalog) and
  // both passes count, so `total` is twice the file size then.
  std::function<void(int64_t done, int64_t total)> progress;
};

struct RowError {
  int64_t line = 0;   // 1-based line of the file where the row starts
  std::string field;  // "price", "attributes.weight_kg", "" for the row as a whole
  std::string message;

  // "line 7: price: amount has an invalid character 'a'".
  std::string ToString() const;
};

struct ImportReport {
  int64_t rows = 0;                          // data rows read (header and blank lines excluded)
  int64_t imported = 0;                      // products written to the store
  int64_t bad_rows = 0;                      // rows with an error
  std::vector<RowError> errors;              // the first max_reported_errors bad rows, in file order
  std::vector<std::string> ignored_columns;  // unknown CSV columns / JSON fields seen
  // False when the file was rejected because of bad rows (skip_bad not set):
  // nothing was written.
  bool committed = false;
};

// Imports the products in `in` into `store`.
//
// Without skip_bad the import is all-or-nothing with respect to bad rows:
// pass 1 parses and validates the whole file without touching the store,
// and only a clean file is rewound and written in pass 2, `batch_size` rows
// per transaction. (One transaction over the whole file would also be
// atomic, but would hold the store's single write lock for the entire
// import and stall every checkout and event write meanwhile; validation is
// only parsing, so reading twice is the cheaper price.) A store failure
// during pass 2 leaves the batches before it applied; rerunning the import
// is safe because products are upserted by SKU.
//
// REQUIRES: `in` is seekable (a file) unless skip_bad is set.
//
// Returns the report, also when bad rows made it reject the file (then
// committed is false and errors lists them). Errors: kInvalidArgument for a
// problem with the file as a whole (a missing required CSV column, a bad
// attribute column name, an unterminated quoted field, a non-seekable stream
// without skip_bad); the store's errors (kUnavailable, ...) when a batch
// cannot be written.
Result<ImportReport> ImportCatalog(std::istream& in, ImportFormat format, CatalogStore& store,
                                   const ImportOptions& options = {});

}  // namespace atelier::catalog
