// `atelier import ...`: loads a shop's data from files into the store.
//
//   atelier import catalog FILE [--format csv|jsonl] [--skip-bad]
//                               [--data-dir DIR | --store URL]
//
// Other import kinds (events, ...) register as further subcommands of the
// same `import` command.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "atelier/catalog/catalog_store.h"
#include "atelier/catalog/import.h"
#include "atelier/core/progress.h"
#include "atelier/store/database.h"
#include "commands.h"

namespace atelier::cli {

namespace {

struct ImportCatalogArgs {
  std::string file;
  std::string format;
  bool skip_bad = false;
  std::string data_dir = "data";
  std::string store_url;
  size_t batch_size = 1000;
};

// The store a command writes to: --store URL, or the SQLite file in --data-dir.
Result<std::unique_ptr<store::Database>> OpenStore(const std::string& store_url,
                                                   const std::string& data_dir) {
  if (!store_url.empty()) return store::OpenDatabase(store_url);
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return Error::Unavailable("cannot create data directory '" + data_dir + "': " + ec.message());
  return store::OpenDatabase(
      "sqlite://" + std::filesystem::absolute(std::filesystem::path(data_dir) / "atelier.db").string());
}

int RunImportCatalog(const ImportCatalogArgs& args) {
  auto format = args.format.empty() ? catalog::ImportFormatFromPath(args.file)
                                    : catalog::ParseImportFormat(args.format);
  if (!format.ok()) {
    std::cerr << "error: " << format.error().message << "\n";
    return 2;
  }
  std::ifstream in(args.file, std::ios::binary);
  if (!in) {
    std::cerr << "error: cannot open '" << args.file << "'\n";
    return 1;
  }
  auto db = OpenStore(args.store_url, args.data_dir);
  if (!db.ok()) {
    std::cerr << "error: " << db.error().ToString() << "\n";
    return 1;
  }
  catalog::CatalogStore store(**db);

  // Sized on the first callback, when the import knows how many bytes it reads.
  const std::string label = "importing " + std::filesystem::path(args.file).filename().string();
  std::unique_ptr<ProgressBar> bar;
  catalog::ImportOptions options;
  options.skip_bad = args.skip_bad;
  options.batch_size = args.batch_size;
  options.progress = [&](int64_t done, int64_t total) {
    if (!bar) bar = std::make_unique<ProgressBar>(label, total);
    bar->Update(done);
  };
  auto report = catalog::ImportCatalog(in, *format, store, options);
  if (bar) bar->Finish();
  if (!report.ok()) {
    std::cerr << args.file << ": error: " << report.error().ToString() << "\n";
    return 1;
  }
  // "FILE:LINE: field: message", as compilers print, so editors can jump to the row.
  for (const auto& e : report->errors) {
    std::cerr << args.file << ":" << e.line << ": " << (e.field.empty() ? "" : e.field + ": ") << e.message
              << "\n";
  }
  if (report->bad_rows > static_cast<int64_t>(report->errors.size())) {
    std::cerr << "... and " << report->bad_rows - static_cast<int64_t>(report->errors.size())
              << " more bad rows\n";
  }
  if (!report->ignored_columns.empty()) {
    std::cerr << "warning: ignored unknown columns:";
    for (const auto& c : report->ignored_columns) std::cerr << " " << c;
    std::cerr << "\n";
  }
  if (!report->committed) {
    std::cerr << "error: " << report->bad_rows << " of " << report->rows
              << " rows are bad; nothing was imported (--skip-bad imports the good rows)\n";
    return 1;
  }
  std::cout << "imported " << report->imported << (report->imported == 1 ? " product" : " products")
            << " from " << args.file;
  if (report->bad_rows > 0) std::cout << " (skipped " << report->bad_rows << " bad rows)";
  std::cout << "\n";
  return 0;
}

void AddImportCatalogCommand(CLI::App& import, CliContext& ctx) {
  auto args = std::make_shared<ImportCatalogArgs>();
  CLI::App* cmd = import.add_subcommand("catalog", "Import products from a CSV or JSON Lines file");
  cmd->add_option("FILE", args->file, "CSV or JSON Lines file of products")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--format", args->format, "Input format (default: from the file extension)")
      ->check(CLI::IsMember({"csv", "jsonl"}));
  cmd->add_flag("--skip-bad", args->skip_bad, "Import the good rows of a file that has bad ones");
  auto* data_dir = cmd->add_option("--data-dir", args->data_dir, "Directory of the embedded SQLite store")
                       ->capture_default_str();
  auto* store_url =
      cmd->add_option("--store", args->store_url, "Store URL (sqlite:///path.db, postgresql://...)");
  data_dir->excludes(store_url);
  cmd->add_option("--batch-size", args->batch_size, "Products per store transaction")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->callback([args, &ctx] { ctx.exit_code = RunImportCatalog(*args); });
}

}  // namespace

void RegisterImportCommand(CLI::App& app, CliContext& ctx) {
  CLI::App* import = app.add_subcommand("import", "Import catalog data into the store");
  import->require_subcommand(1);
  AddImportCatalogCommand(*import, ctx);
}

}  // namespace atelier::cli
