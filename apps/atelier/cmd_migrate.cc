// `atelier migrate`: copies a whole shop from one store to another, e.g. from
// the embedded SQLite store to PostgreSQL when the shop scales out.
//
//   atelier migrate --from sqlite:///path/atelier.db --to postgresql://user@host/db
//                   [--batch-size 1000] [--force]
//
// Both stores are opened (so migrated to this build's schema) first. Tables
// are copied in foreign-key order, in batches, one transaction per batch,
// keeping ids; the row counts per table are verified and printed at the end.
// A target that already holds data is refused unless --force (which deletes
// it first). Stop `atelier serve` on the source while copying.

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>

#include "atelier/core/progress.h"
#include "atelier/core/strings.h"
#include "atelier/store/copy.h"
#include "atelier/store/database.h"
#include "commands.h"

namespace atelier::cli {

namespace {

struct MigrateArgs {
  std::string from;
  std::string to;
  int batch_size = 1000;
  bool force = false;
};

// `url` with any password replaced by "***", for printing.
std::string Redacted(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos || at < scheme) return url;
  const size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

int RunMigrate(const MigrateArgs& args) {
  // Opening a SQLite URL creates the file; a source must already exist.
  if (StartsWith(args.from, "sqlite://") && args.from != "sqlite::memory:" &&
      !std::filesystem::exists(args.from.substr(9))) {
    std::cerr << "atelier migrate: no SQLite store at " << args.from.substr(9) << "\n";
    return 1;
  }
  auto from = store::OpenDatabase(args.from);
  if (!from.ok()) {
    std::cerr << "atelier migrate: cannot open the source " << Redacted(args.from) << ": "
              << from.error().ToString() << "\n";
    return 1;
  }
  auto to = store::OpenDatabase(args.to);
  if (!to.ok()) {
    std::cerr << "atelier migrate: cannot open the target " << Redacted(args.to) << ": "
              << to.error().ToString() << "\n";
    return 1;
  }

  std::unique_ptr<ProgressBar> bar;
  store::CopyOptions options;
  options.batch_rows = args.batch_size;
  options.replace_target = args.force;
  options.on_progress = [&bar](int64_t copied, int64_t total) {
    if (!bar) bar = std::make_unique<ProgressBar>("copying rows", total);
    bar->Update(copied);
  };
  auto counts = store::CopyStore(**from, **to, options);
  if (bar) bar->Finish();
  if (!counts.ok()) {
    std::cerr << "atelier migrate: " << counts.error().ToString() << "\n";
    return counts.error().code == ErrorCode::kConflict && !args.force ? 2 : 1;
  }

  int64_t rows = 0;
  std::cout << std::left << std::setw(20) << "table" << std::right << std::setw(12) << "source"
            << std::setw(12) << "target"
            << "\n";
  for (const auto& c : *counts) {
    std::cout << std::left << std::setw(20) << c.table << std::right << std::setw(12) << c.source_rows
              << std::setw(12) << c.target_rows << "\n";
    rows += c.target_rows;
  }
  std::cout << "copied " << rows << " rows in " << counts->size() << " tables from " << Redacted(args.from)
            << " to " << Redacted(args.to) << "; counts match\n";
  return 0;
}

}  // namespace

void RegisterMigrateCommand(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<MigrateArgs>();
  CLI::App* cmd =
      app.add_subcommand("migrate", "Copy a shop from one store to another (SQLite -> PostgreSQL)");
  cmd->add_option("--from", args->from, "Source store URL (sqlite:///path.db or postgresql://...)")
      ->required();
  cmd->add_option("--to", args->to, "Target store URL (postgresql://user@host/db or sqlite:///path.db)")
      ->required();
  cmd->add_option("--batch-size", args->batch_size, "Rows per target transaction")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--force", args->force, "Replace a target that already holds data (deletes its rows first)");
  cmd->callback([args, &ctx] { ctx.exit_code = RunMigrate(*args); });
}

}  // namespace atelier::cli
