// atelier: the command-line entry point. Parses flags and dispatches to the
// command groups; all real work lives in the libraries.

#include <CLI/CLI.hpp>

#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Atelier: an engine for mass-customized online retail"};
  app.require_subcommand(1);
  atelier::cli::CliContext ctx;
  atelier::cli::RegisterServeCommand(app, ctx);
  atelier::cli::RegisterImportCommand(app, ctx);
  atelier::cli::RegisterRecommendCommands(app, ctx);
  atelier::cli::RegisterSearchCommand(app, ctx);
  atelier::cli::RegisterConfigCommand(app, ctx);
  atelier::cli::RegisterMigrateCommand(app, ctx);
  atelier::cli::RegisterAdminCommands(app, ctx);
  CLI11_PARSE(app, argc, argv);
  return ctx.exit_code;
}
