#pragma once
// Each command group registers its subcommands on the CLI app. A command's
// callback stores its exit status in `CliContext::exit_code`.

#include <CLI/CLI.hpp>

namespace atelier::cli {

struct CliContext {
  int exit_code = 0;
};

void RegisterServeCommand(CLI::App& app, CliContext& ctx);    // cmd_serve.cc
void RegisterImportCommand(CLI::App& app, CliContext& ctx);   // cmd_import.cc
void RegisterSearchCommand(CLI::App& app, CliContext& ctx);   // cmd_search.cc
void RegisterConfigCommand(CLI::App& app, CliContext& ctx);   // cmd_config.cc
void RegisterRecommendCommands(CLI::App& app, CliContext& ctx);  // cmd_recommend.cc
void RegisterMigrateCommand(CLI::App& app, CliContext& ctx);  // cmd_migrate.cc
void RegisterAdminCommands(CLI::App& app, CliContext& ctx);   // cmd_admin.cc

}  // namespace atelier::cli
