// atelier-recommend: the recommend command group of `atelier` on its own
// (eval, train, import events), built from apps/atelier/cmd_recommend.cc.

#include <CLI/CLI.hpp>

#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Atelier recommendations: eval, train, import events"};
  app.require_subcommand(1);
  atelier::cli::CliContext ctx;
  app.add_subcommand("import", "Import data into the store")->require_subcommand(1);
  atelier::cli::RegisterRecommendCommands(app, ctx);
  CLI11_PARSE(app, argc, argv);
  return ctx.exit_code;
}
