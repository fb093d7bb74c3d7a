// `atelier admin`: merchant set-up that has no HTTP route by design (the
// first key cannot be created with a key).
//
//   atelier admin create-key --name NAME --scopes orders,catalog [--data-dir DIR | --store URL]
//     prints the new API key once on stdout (it is stored hashed and cannot
//     be shown again); send it as `Authorization: Bearer <key>`.
//   atelier admin create-staff --email E --password P --role stylist|admin
//                              [--data-dir DIR | --store URL]
//     creates a staff account (admin = the merchant role).

#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

#include "atelier/orders/accounts.h"
#include "atelier/store/database.h"
#include "commands.h"

namespace atelier::cli {

namespace {

namespace fs = std::filesystem;

struct StoreArgs {
  std::string data_dir = "data";
  std::string store_url;
};

struct CreateKeyArgs {
  StoreArgs store;
  std::string name;
  std::string scopes;
};

struct CreateStaffArgs {
  StoreArgs store;
  std::string email;
  std::string password;
  std::string role;
};

Result<std::unique_ptr<store::Database>> OpenStore(const StoreArgs& args) {
  std::string url = args.store_url;
  if (url.empty()) {
    std::error_code ec;
    fs::create_directories(args.data_dir, ec);
    if (ec) return Error::Unavailable("cannot create the data directory " + args.data_dir + ": " + ec.message());
    url = "sqlite://" + fs::absolute(fs::path(args.data_dir) / "atelier.db").string();
  }
  return store::OpenDatabase(url);
}

void AddStoreOptions(CLI::App* cmd, StoreArgs& args) {
  cmd->add_option("--data-dir", args.data_dir, "Directory of the SQLite store")->capture_default_str();
  cmd->add_option("--store", args.store_url, "Store URL (sqlite:///path.db); default: DATA_DIR/atelier.db");
}

int RunCreateKey(const CreateKeyArgs& args) {
  std::vector<orders::ApiScope> scopes;
  std::stringstream list(args.scopes);
  for (std::string item; std::getline(list, item, ',');) {
    if (item.empty()) continue;
    auto scope = orders::ParseApiScope(item);
    if (!scope.ok()) {
      std::cerr << "atelier admin create-key: unknown scope \"" << item
                << "\" (catalog, orders, models, analytics)\n";
      return 2;
    }
    scopes.push_back(*scope);
  }
  auto db = OpenStore(args.store);
  if (!db.ok()) {
    std::cerr << "atelier admin create-key: " << db.error().ToString() << "\n";
    return 1;
  }
  orders::Accounts accounts(**db);
  auto key = accounts.CreateApiKey(args.name, scopes);
  if (!key.ok()) {
    std::cerr << "atelier admin create-key: " << key.error().ToString() << "\n";
    return 1;
  }
  std::cerr << "API key \"" << key->info.name << "\" (id " << key->info.id << ") created; it is shown once:\n";
  std::cout << key->key << std::endl;
  return 0;
}

int RunCreateStaff(const CreateStaffArgs& args) {
  orders::RegisterRequest request;
  request.email = args.email;
  request.password = args.password;
  request.role = args.role == "admin" ? orders::Role::kMerchant : orders::Role::kStylist;
  auto db = OpenStore(args.store);
  if (!db.ok()) {
    std::cerr << "atelier admin create-staff: " << db.error().ToString() << "\n";
    return 1;
  }
  orders::Accounts accounts(**db);
  auto account = accounts.Register(request);
  if (!account.ok()) {
    std::cerr << "atelier admin create-staff: " << account.error().ToString() << "\n";
    return 1;
  }
  std::cout << "Staff account " << account->id << " (" << account->email << ", "
            << orders::RoleName(account->role) << ") created.\n";
  return 0;
}

}  // namespace

void RegisterAdminCommands(CLI::App& app, CliContext& ctx) {
  CLI::App* admin = app.add_subcommand("admin", "Merchant set-up: API keys and staff accounts");
  admin->require_subcommand(1);

  auto key = std::make_shared<CreateKeyArgs>();
  CLI::App* create_key = admin->add_subcommand("create-key", "Create a merchant API key and print it once");
  create_key->add_option("--name", key->name, "What the key is for (shown in logs and order history)")->required();
  create_key->add_option("--scopes", key->scopes, "Comma-separated: catalog, orders, models, analytics")
      ->required();
  AddStoreOptions(create_key, key->store);
  create_key->callback([key, &ctx] { ctx.exit_code = RunCreateKey(*key); });

  auto staff = std::make_shared<CreateStaffArgs>();
  CLI::App* create_staff = admin->add_subcommand("create-staff", "Create a staff account (stylist or admin)");
  create_staff->add_option("--email", staff->email, "Login email")->required();
  create_staff->add_option("--password", staff->password, "Password (at least 10 characters)")->required();
  create_staff->add_option("--role", staff->role, "stylist or admin")
      ->required()
      ->check(CLI::IsMember({"stylist", "admin"}));
  AddStoreOptions(create_staff, staff->store);
  create_staff->callback([staff, &ctx] { ctx.exit_code = RunCreateStaff(*staff); });
}

}  // namespace atelier::cli
