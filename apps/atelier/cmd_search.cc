// `atelier search QUERY`: searches the catalog of the local store and prints
// the results, as the storefront's search would return them.
//
//   atelier search QUERY [--data-dir DIR | --store URL] [--category SLUG]
//                        [--brand B]... [--min-price P] [--max-price P]
//                        [--sort relevance|price_asc|price_desc|newest]
//                        [--page N] [--limit N] [--facets]
//
// Loads the catalog snapshot from the store and builds a search index in a
// private temporary directory (removed on exit).

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "atelier/catalog/catalog_store.h"
#include "atelier/core/money.h"
#include "atelier/search/search_index.h"
#include "atelier/store/database.h"
#include "commands.h"

namespace atelier::cli {
namespace {

namespace fs = std::filesystem;

struct SearchArgs {
  std::string query;
  std::string data_dir = "data/demo";
  std::string store_url;
  std::string category;
  std::vector<std::string> brands;
  std::string min_price;  // major units, "12.50"
  std::string max_price;
  std::string sort = "relevance";
  int page = 1;
  int limit = 10;
  bool facets = false;
};

Result<std::unique_ptr<store::Database>> OpenLocalStore(const SearchArgs& args) {
  if (!args.store_url.empty()) return store::OpenDatabase(args.store_url);
  const fs::path file = fs::path(args.data_dir) / "atelier.db";
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    return Error::NotFound("no store at " + file.string() + " (run `atelier serve --demo --data-dir " +
                               args.data_dir + "` or `atelier import catalog` first)",
                           "data-dir");
  }
  return store::OpenDatabase("sqlite://" + fs::absolute(file).string());
}

Result<search::SearchRequest> MakeRequest(const SearchArgs& args) {
  search::SearchRequest request;
  request.query = args.query;
  request.category = args.category;
  request.brands = args.brands;
  if (!args.min_price.empty()) {
    ATELIER_ASSIGN_OR_RETURN(request.min_price, ParseMinorUnits(args.min_price, "min-price"));
  }
  if (!args.max_price.empty()) {
    ATELIER_ASSIGN_OR_RETURN(request.max_price, ParseMinorUnits(args.max_price, "max-price"));
  }
  ATELIER_ASSIGN_OR_RETURN(request.sort, search::ParseSortOrder(args.sort));
  request.page = args.page;
  request.per_page = args.limit;
  return request;
}

void PrintFacets(const search::Facets& facets) {
  std::cout << "\ncategories:";
  for (const auto& c : facets.category) {
    std::cout << "\n  " << (c.parent_slug.empty() ? "" : "  ") << c.name << " (" << c.slug
              << "): " << c.count;
  }
  std::cout << "\nbrands:";
  for (const auto& b : facets.brand) std::cout << "\n  " << b.name << ": " << b.count;
  std::cout << "\nprices:";
  for (const auto& p : facets.price) {
    std::cout << "\n  " << FormatMinorUnits(p.min) << " - "
              << (p.max ? FormatMinorUnits(*p.max) : std::string("")) << ": " << p.count;
  }
  std::cout << "\n";
}

int RunSearch(const SearchArgs& args) {
  auto request = MakeRequest(args);
  if (!request.ok()) {
    std::cerr << "error: " << request.error().ToString() << "\n";
    return 2;
  }
  auto db = OpenLocalStore(args);
  if (!db.ok()) {
    std::cerr << "error: " << db.error().message << "\n";
    return 1;
  }
  auto catalog = catalog::CatalogStore(**db).Load();
  if (!catalog.ok()) {
    std::cerr << "error: " << catalog.error().ToString() << "\n";
    return 1;
  }
  auto index = search::SearchIndex::Build(*catalog);
  if (!index.ok()) {
    std::cerr << "error: " << index.error().ToString() << "\n";
    return 1;
  }
  auto result = (*index)->Search(*request);
  if (!result.ok()) {
    std::cerr << "error: " << result.error().ToString() << "\n";
    return 2;
  }

  if (result->suggestion) {
    std::cout << (result->corrected ? "showing results for" : "did you mean") << ": "
              << *result->suggestion << "\n";
  }
  if (result->relaxed) std::cout << "no product matches every word; showing partial matches\n";
  const int64_t first = static_cast<int64_t>(result->page - 1) * result->per_page;
  std::cout << result->total << (result->total == 1 ? " result" : " results");
  if (!result->items.empty()) {
    std::cout << " (" << first + 1 << "-" << first + static_cast<int64_t>(result->items.size())
              << ")";
  }
  std::cout << "\n";
  int64_t rank = first;
  for (const search::SearchHit& hit : result->items) {
    const catalog::Product* p = (*index)->catalog()->FindProduct(hit.product_id);
    if (p == nullptr) continue;
    std::cout << std::setw(4) << ++rank << ". " << p->title << "  "
              << FormatMoney(p->price) << "  [" << p->sku << (p->brand.empty() ? "" : ", ")
              << p->brand << "]\n";
  }
  if (args.facets) PrintFacets(result->facets);
  return 0;
}

}  // namespace

void RegisterSearchCommand(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<SearchArgs>();
  CLI::App* cmd = app.add_subcommand("search", "Search the catalog of the local store");
  cmd->add_option("QUERY", args->query, "Words to search for (\"\" lists everything)")->required();
  auto* data_dir = cmd->add_option("--data-dir", args->data_dir, "Directory of the embedded SQLite store")
                       ->capture_default_str();
  auto* store_url =
      cmd->add_option("--store", args->store_url, "Store URL (sqlite:///path.db, postgresql://...)");
  data_dir->excludes(store_url);
  cmd->add_option("--category", args->category, "Only this category (slug) and those below it");
  cmd->add_option("--brand", args->brands, "Only these brands (repeatable)");
  cmd->add_option("--min-price", args->min_price, "Lowest price, e.g. 19.99");
  cmd->add_option("--max-price", args->max_price, "Highest price, e.g. 100");
  cmd->add_option("--sort", args->sort, "Order of the results")
      ->capture_default_str()
      ->check(CLI::IsMember({"relevance", "price_asc", "price_desc", "newest"}));
  cmd->add_option("--page", args->page, "Page of results (1-based)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--limit", args->limit, "Results per page (1-100)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_flag("--facets", args->facets, "Also print category, brand and price counts");
  cmd->callback([args, &ctx] { ctx.exit_code = RunSearch(*args); });
}

}  // namespace atelier::cli
