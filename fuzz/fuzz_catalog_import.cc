// libFuzzer target: the catalog importers (CSV and JSON Lines), end to end
// into an in-memory SQLite store. The first byte picks the format and the
// options (skip_bad, a small batch size so that batching is exercised); the
// rest is the file. The report must be consistent with itself.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>

#include "atelier/catalog/catalog_store.h"
#include "atelier/catalog/import.h"
#include "atelier/store/database.h"

namespace {

using atelier::catalog::ImportFormat;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_catalog_import: %s\n%s\n", what, detail.c_str());
  std::abort();
}

// A fresh store every few hundred inputs, so that products written by
// earlier inputs neither pile up nor make a run depend on too long a past.
atelier::store::Database& Store() {
  static std::unique_ptr<atelier::store::Database> db;
  static int uses = 0;
  if (!db || ++uses % 256 == 0) {
    db.reset();
    auto opened = atelier::store::OpenDatabase("sqlite::memory:");
    if (!opened.ok()) Fail("cannot open an in-memory store", opened.error().ToString());
    db = std::move(*opened);
  }
  return *db;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const ImportFormat format = (flags & 1) ? ImportFormat::kJsonLines : ImportFormat::kCsv;
  atelier::catalog::ImportOptions options;
  options.skip_bad = (flags & 2) != 0;
  options.batch_size = (flags & 4) ? 2 : 1000;
  options.max_reported_errors = (flags & 8) ? 1 : 1000;
  std::istringstream in(text);
  atelier::catalog::CatalogStore store(Store());
  auto report = atelier::catalog::ImportCatalog(in, format, store, options);
  if (!report.ok()) {
    if (report.error().message.empty()) Fail("an error without a message", text);
    // The in-memory store does not fail on its own: a row that the importer
    // accepted and the store then refused means the two disagree.
    if (report.error().message.starts_with("import stopped after")) {
      Fail("the store refused a row the importer accepted", report.error().ToString() + "\n" + text);
    }
    return 0;
  }
  if (report->rows < 0 || report->bad_rows > report->rows || report->imported > report->rows ||
      report->errors.size() > static_cast<size_t>(report->bad_rows) ||
      report->errors.size() > options.max_reported_errors) {
    Fail("an inconsistent report", text);
  }
  if (report->committed && report->imported != report->rows - report->bad_rows) {
    Fail("a committed import left out good rows", text);
  }
  if (!report->committed && !options.skip_bad && report->imported != 0) {
    Fail("a rejected import wrote products", text);
  }
  return 0;
}
