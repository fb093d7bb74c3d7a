#include "atelier/catalog/catalog_store.h"

#include <unordered_map>

#include "atelier/core/clock.h"
#include "atelier/core/strings.h"
#include "internal/json_fields.h"

namespace atelier::catalog {

namespace {

using store::Params;
using store::Row;
using store::Session;
using store::Value;

constexpr const char* kBumpVersion =
    "UPDATE snapshot_versions SET version = version + 1 WHERE name = 'catalog'";

// The slug of a category path: {"Video Games", "Controllers"} ->
// "video-games-controllers".
std::string PathSlug(const std::vector<std::string>& path, size_t length) {
  std::string joined;
  for (size_t i = 0; i < length; ++i) {
    if (i) joined += ' ';
    joined += path[i];
  }
  return Slugify(joined);
}

Status ValidatePath(const std::vector<std::string>& path, const std::string& field) {
  if (path.empty()) return Error::InvalidArgument("category path is empty", field);
  for (const auto& name : path) {
    if (Trim(name).empty()) return Error::InvalidArgument("category path has an empty name", field);
    if (Slugify(name).empty()) {
      return Error::InvalidArgument("category name '" + name + "' has no letters or digits", field);
    }
  }
  return Ok();
}

Status ValidateProduct(const ProductInput& in, size_t index) {
  const Product& p = in.product;
  const std::string at = "products[" + std::to_string(index) + "].";
  if (Trim(p.sku).empty()) return Error::InvalidArgument("product has no SKU", at + "sku");
  const std::string sku_at = "product " + p.sku + ": ";
  if (Trim(p.title).empty()) return Error::InvalidArgument(sku_at + "title is empty", at + "title");
  if (p.price.amount < 0) return Error::InvalidArgument(sku_at + "price is negative", at + "price");
  if (!IsValidCurrency(p.price.currency)) {
    return Error::InvalidArgument(sku_at + "currency '" + p.price.currency + "' is not an ISO 4217 code",
                                  at + "currency");
  }
  for (const Attribute& a : p.attributes) {
    if (a.key.empty())
      return Error::InvalidArgument(sku_at + "attribute with an empty key", at + "attributes");
  }
  auto path = ValidatePath(in.category_path, at + "category");
  if (!path.ok()) return Error::InvalidArgument(sku_at + path.error().message, path.error().field);
  return Ok();
}

Status ValidateStock(const StockInput& s, const std::string& at) {
  if (s.sku.empty()) return Error::InvalidArgument("stock unit has no SKU", at + "sku");
  if (s.location_code.empty())
    return Error::InvalidArgument("stock unit has no location", at + "location_code");
  if (s.quantity < 0) return Error::InvalidArgument("stock quantity is negative", at + "quantity");
  return Ok();
}

// Resolves and creates rows inside one transaction, remembering ids so that
// a batch of thousands of products touches each category and brand once.
class BatchWriter {
 public:
  BatchWriter(Session& tx, int64_t now) : tx_(tx), now_(now) {}

  // The id of the category at `path`, creating it and its ancestors. The
  // leaf takes `leaf_slug` (when non-empty) and, when `set_position`, the
  // position; categories created on the way get position 0 (then id order).
  Result<int64_t> EnsureCategory(const std::vector<std::string>& path, const std::string& leaf_slug,
                                 bool set_position, int position) {
    int64_t parent = 0;
    for (size_t depth = 1; depth <= path.size(); ++depth) {
      const bool leaf = depth == path.size();
      std::string slug = leaf && !leaf_slug.empty() ? leaf_slug : PathSlug(path, depth);
      std::string name(Trim(path[depth - 1]));
      if (leaf && set_position) {
        ATELIER_ASSIGN_OR_RETURN(
            auto rows,
            tx_.Query("INSERT INTO categories (parent_id, slug, name, position) VALUES (?, ?, ?, ?) "
                      "ON CONFLICT (slug) DO UPDATE SET parent_id = excluded.parent_id, "
                      "name = excluded.name, position = excluded.position RETURNING id",
                      {ParentValue(parent), slug, name, static_cast<int64_t>(position)}));
        parent = rows.at(0).Int(0);
        categories_[slug] = parent;
        continue;
      }
      auto it = categories_.find(slug);
      if (it != categories_.end()) {
        parent = it->second;
        continue;
      }
      // A no-op update on conflict makes RETURNING yield the existing id.
      ATELIER_ASSIGN_OR_RETURN(
          auto rows, tx_.Query("INSERT INTO categories (parent_id, slug, name, position) VALUES (?, ?, ?, 0) "
                               "ON CONFLICT (slug) DO UPDATE SET slug = excluded.slug RETURNING id",
                               {ParentValue(parent), slug, name}));
      parent = rows.at(0).Int(0);
      categories_.emplace(slug, parent);
    }
    return parent;
  }

  Result<Value> EnsureBrand(const std::string& brand) {
    std::string name(Trim(brand));
    if (name.empty()) return Value{};
    auto it = brands_.find(name);
    if (it != brands_.end()) return Value{it->second};
    ATELIER_ASSIGN_OR_RETURN(auto rows,
                             tx_.Query("INSERT INTO brands (name) VALUES (?) "
                                       "ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id",
                                       {name}));
    int64_t id = rows.at(0).Int(0);
    brands_.emplace(name, id);
    return Value{id};
  }

  Status UpsertLocation(const Location& l) {
    ATELIER_ASSIGN_OR_RETURN(
        auto rows, tx_.Query("INSERT INTO locations (code, name, type, region) VALUES (?, ?, ?, ?) "
                             "ON CONFLICT (code) DO UPDATE SET name = excluded.name, type = excluded.type, "
                             "region = excluded.region RETURNING id",
                             {l.code, l.name, std::string(LocationTypeName(l.type)), l.region}));
    locations_[l.code] = rows.at(0).Int(0);
    return Ok();
  }

  Status UpsertProduct(const ProductInput& in) {
    const Product& p = in.product;
    ATELIER_ASSIGN_OR_RETURN(int64_t category_id, EnsureCategory(in.category_path, "", false, 0));
    ATELIER_ASSIGN_OR_RETURN(Value brand_id, EnsureBrand(p.brand));
    Value model_id = p.model_id.empty() ? Value{} : Value{p.model_id};
    ATELIER_ASSIGN_OR_RETURN(
        auto rows,
        tx_.Query("INSERT INTO products (sku, title, description, brand_id, category_id, price_amount, "
                  "currency, attributes, images, model_id, created_at, updated_at) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                  "ON CONFLICT (sku) DO UPDATE SET title = excluded.title, "
                  "description = excluded.description, brand_id = excluded.brand_id, "
                  "category_id = excluded.category_id, price_amount = excluded.price_amount, "
                  "currency = excluded.currency, attributes = excluded.attributes, "
                  "images = excluded.images, model_id = excluded.model_id, "
                  "updated_at = excluded.updated_at RETURNING id",
                  {std::string(Trim(p.sku)), p.title, p.description, brand_id, category_id, p.price.amount,
                   p.price.currency, internal::AttributesToJson(p.attributes),
                   internal::ImagesToJson(p.images), model_id, p.created_at > 0 ? p.created_at : now_, now_}));
    products_[std::string(Trim(p.sku))] = rows.at(0).Int(0);
    return Ok();
  }

  Status UpsertStock(const StockInput& s, const std::string& at) {
    ATELIER_ASSIGN_OR_RETURN(int64_t product_id, ProductId(s.sku, at + "sku"));
    ATELIER_ASSIGN_OR_RETURN(int64_t location_id, LocationId(s.location_code, at + "location_code"));
    ATELIER_RETURN_IF_ERROR(
        tx_.Exec("INSERT INTO stock_units (product_id, location_id, configuration, quantity, updated_at) "
                 "VALUES (?, ?, ?, ?, ?) ON CONFLICT (product_id, location_id, configuration) "
                 "DO UPDATE SET quantity = excluded.quantity, updated_at = excluded.updated_at",
                 {product_id, location_id, s.configuration, s.quantity, now_}));
    return Ok();
  }

 private:
  static Value ParentValue(int64_t parent) { return parent == 0 ? Value{} : Value{parent}; }

  Result<int64_t> ProductId(const std::string& sku, const std::string& field) {
    auto it = products_.find(sku);
    if (it != products_.end()) return it->second;
    ATELIER_ASSIGN_OR_RETURN(auto rows, tx_.Query("SELECT id FROM products WHERE sku = ?", {sku}));
    if (rows.empty()) return Error::InvalidArgument("unknown SKU '" + sku + "'", field);
    products_.emplace(sku, rows[0].Int(0));
    return rows[0].Int(0);
  }

  Result<int64_t> LocationId(const std::string& code, const std::string& field) {
    auto it = locations_.find(code);
    if (it != locations_.end()) return it->second;
    ATELIER_ASSIGN_OR_RETURN(auto rows, tx_.Query("SELECT id FROM locations WHERE code = ?", {code}));
    if (rows.empty()) return Error::InvalidArgument("unknown location code '" + code + "'", field);
    locations_.emplace(code, rows[0].Int(0));
    return rows[0].Int(0);
  }

  Session& tx_;
  int64_t now_;
  std::unordered_map<std::string, int64_t> categories_;  // slug -> id
  std::unordered_map<std::string, int64_t> brands_;
  std::unordered_map<std::string, int64_t> products_;   // sku -> id
  std::unordered_map<std::string, int64_t> locations_;  // code -> id
};

// A product as ProductFromRow reads it; append WHERE / ORDER BY.
constexpr const char* kProductColumns =
    "SELECT p.id, p.sku, p.title, p.description, b.name, p.category_id, p.price_amount, p.currency, "
    "p.attributes, p.images, p.model_id, p.created_at, p.updated_at "
    "FROM products p LEFT JOIN brands b ON b.id = p.brand_id";

Product ProductFromRow(const Row& r) {
  Product p;
  p.id = r.Int(0);
  p.sku = r.Text(1);
  p.title = r.Text(2);
  p.description = r.Text(3);
  p.brand = r.Text(4);
  p.category_id = r.Int(5);
  p.price = {r.Int(6), r.Text(7)};
  p.attributes = internal::ParseStoredAttributes(r.Text(8));
  p.images = internal::ParseStoredImages(r.Text(9));
  p.model_id = r.Text(10);
  p.created_at = r.Int(11);
  p.updated_at = r.Int(12);
  return p;
}

// Reads every catalog table through `s`. Not atomic by itself: Load() checks
// the version around it or runs it inside a transaction.
Result<CatalogData> ReadCatalog(Session& s) {
  CatalogData data;
  ATELIER_RETURN_IF_ERROR(s.QueryEach(
      "SELECT id, parent_id, slug, name, position FROM categories ORDER BY id", {}, [&](const Row& r) {
        data.categories.push_back({r.Int(0), r.Int(1), r.Text(2), r.Text(3), static_cast<int>(r.Int(4))});
        return true;
      }));
  ATELIER_RETURN_IF_ERROR(s.QueryEach(std::string(kProductColumns) + " ORDER BY p.id", {}, [&](const Row& r) {
    data.products.push_back(ProductFromRow(r));
    return true;
  }));
  ATELIER_RETURN_IF_ERROR(
      s.QueryEach("SELECT id, code, name, type, region FROM locations ORDER BY id", {}, [&](const Row& r) {
        Location l;
        l.id = r.Int(0);
        l.code = r.Text(1);
        l.name = r.Text(2);
        if (!ParseLocationType(r.Text(3), l.type)) l.type = LocationType::kStore;
        l.region = r.Text(4);
        data.locations.push_back(std::move(l));
        return true;
      }));
  ATELIER_RETURN_IF_ERROR(
      s.QueryEach("SELECT id, product_id, location_id, configuration, quantity FROM stock_units ORDER BY id",
                  {}, [&](const Row& r) {
                    data.stock.push_back({r.Int(0), r.Int(1), r.Int(2), r.Text(3), r.Int(4)});
                    return true;
                  }));
  return data;
}

Result<int64_t> ReadVersion(Session& s) {
  ATELIER_ASSIGN_OR_RETURN(auto rows,
                           s.Query("SELECT version FROM snapshot_versions WHERE name = 'catalog'"));
  return rows.empty() ? int64_t{0} : rows[0].Int(0);
}

}  // namespace

Status CatalogStore::Apply(const CatalogBatch& batch) {
  // Everything that can be checked without the store is checked before the
  // write lock is taken.
  for (size_t i = 0; i < batch.categories.size(); ++i) {
    ATELIER_RETURN_IF_ERROR(
        ValidatePath(batch.categories[i].path, "categories[" + std::to_string(i) + "].path"));
  }
  for (size_t i = 0; i < batch.locations.size(); ++i) {
    const Location& l = batch.locations[i];
    const std::string at = "locations[" + std::to_string(i) + "].";
    if (l.code.empty()) return Error::InvalidArgument("location has no code", at + "code");
    if (l.name.empty()) return Error::InvalidArgument("location " + l.code + " has no name", at + "name");
  }
  for (size_t i = 0; i < batch.products.size(); ++i) {
    ATELIER_RETURN_IF_ERROR(ValidateProduct(batch.products[i], i));
  }
  for (size_t i = 0; i < batch.stock.size(); ++i) {
    ATELIER_RETURN_IF_ERROR(ValidateStock(batch.stock[i], "stock[" + std::to_string(i) + "]."));
  }
  const int64_t now = NowUnixSeconds();
  return db_.Transact([&](Session& tx) -> Status {
    BatchWriter w(tx, now);
    for (const CategoryInput& c : batch.categories) {
      ATELIER_RETURN_IF_ERROR(w.EnsureCategory(c.path, c.slug, true, c.position));
    }
    for (const Location& l : batch.locations) ATELIER_RETURN_IF_ERROR(w.UpsertLocation(l));
    for (const ProductInput& p : batch.products) ATELIER_RETURN_IF_ERROR(w.UpsertProduct(p));
    for (size_t i = 0; i < batch.stock.size(); ++i) {
      ATELIER_RETURN_IF_ERROR(w.UpsertStock(batch.stock[i], "stock[" + std::to_string(i) + "]."));
    }
    ATELIER_RETURN_IF_ERROR(tx.Exec(kBumpVersion));
    return Ok();
  });
}

Status CatalogStore::SetStock(const StockInput& stock) {
  ATELIER_RETURN_IF_ERROR(ValidateStock(stock, ""));
  const int64_t now = NowUnixSeconds();
  return db_.Transact([&](Session& tx) -> Status {
    BatchWriter w(tx, now);
    ATELIER_RETURN_IF_ERROR(w.UpsertStock(stock, ""));
    ATELIER_RETURN_IF_ERROR(tx.Exec(kBumpVersion));
    return Ok();
  });
}

Result<StockUnit> CatalogStore::ChangeStock(const StockChange& change) {
  if (change.units && *change.units < 0) {
    return Error::InvalidArgument("units must be 0 or more", "units");
  }
  if (!change.units && change.delta == 0) {
    return Error::InvalidArgument("send units (the new quantity) and/or a non-zero delta", "units");
  }
  if (change.stock_unit_id <= 0) {
    if (Trim(change.sku).empty()) return Error::InvalidArgument("name the product by its SKU", "sku");
    if (Trim(change.location_code).empty())
      return Error::InvalidArgument("name the location by its code", "location");
  }
  const int64_t now = NowUnixSeconds();
  StockUnit unit;
  Status st = db_.Transact([&](Session& tx) -> Status {
    int64_t unit_id = change.stock_unit_id;
    if (unit_id > 0) {
      ATELIER_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id FROM stock_units WHERE id = ?", {unit_id}));
      if (rows.empty()) {
        return Error::NotFound("no stock unit " + std::to_string(unit_id), "stock_unit_id");
      }
    } else {
      ATELIER_ASSIGN_OR_RETURN(auto products,
                               tx.Query("SELECT id FROM products WHERE sku = ?", {std::string(Trim(change.sku))}));
      if (products.empty()) return Error::NotFound("no product with SKU '" + change.sku + "'", "sku");
      ATELIER_ASSIGN_OR_RETURN(
          auto locations, tx.Query("SELECT id FROM locations WHERE code = ?", {std::string(Trim(change.location_code))}));
      if (locations.empty()) {
        return Error::NotFound("no location with code '" + change.location_code + "'", "location");
      }
      // A no-op update on conflict makes RETURNING yield the existing id.
      ATELIER_ASSIGN_OR_RETURN(
          auto ids, tx.Query("INSERT INTO stock_units (product_id, location_id, configuration, quantity, updated_at) "
                             "VALUES (?, ?, ?, 0, ?) ON CONFLICT (product_id, location_id, configuration) "
                             "DO UPDATE SET configuration = excluded.configuration RETURNING id",
                             {products[0].Int(0), locations[0].Int(0), change.configuration, now}));
      unit_id = ids.at(0).Int(0);
    }
    if (change.units) {
      ATELIER_RETURN_IF_ERROR(tx.Exec("UPDATE stock_units SET quantity = ?, updated_at = ? WHERE id = ?",
                                      {*change.units, now, unit_id}));
    }
    if (change.delta != 0) {
      ATELIER_ASSIGN_OR_RETURN(int64_t changed,
                               tx.Exec("UPDATE stock_units SET quantity = quantity + ?, updated_at = ? "
                                       "WHERE id = ? AND quantity + ? >= 0",
                                       {change.delta, now, unit_id, change.delta}));
      if (changed == 0) {
        ATELIER_ASSIGN_OR_RETURN(auto held, tx.Query("SELECT quantity FROM stock_units WHERE id = ?", {unit_id}));
        const int64_t there = held.empty() ? 0 : held[0].Int(0);
        return Error::Conflict("a delta of " + std::to_string(change.delta) + " would leave fewer than 0 units (" +
                                   std::to_string(there) + " there)",
                               "delta");
      }
    }
    ATELIER_ASSIGN_OR_RETURN(
        auto rows, tx.Query("SELECT id, product_id, location_id, configuration, quantity FROM stock_units WHERE id = ?",
                            {unit_id}));
    const Row& r = rows.at(0);
    unit = {r.Int(0), r.Int(1), r.Int(2), r.Text(3), r.Int(4)};
    return Ok();
  });
  if (!st.ok()) return st.error();
  return unit;
}

Result<Product> CatalogStore::EditProduct(int64_t product_id, const ProductEdit& edit) {
  std::string sets;
  Params params;
  auto set = [&](const char* column, Value value) {
    if (!sets.empty()) sets += ", ";
    sets += std::string(column) + " = ?";
    params.push_back(std::move(value));
  };
  if (edit.title) {
    if (Trim(*edit.title).empty()) return Error::InvalidArgument("title must not be empty", "title");
    if (edit.title->size() > kMaxTitleBytes) {
      return Error::InvalidArgument("title is longer than " + std::to_string(kMaxTitleBytes) + " bytes", "title");
    }
    set("title", std::string(Trim(*edit.title)));
  }
  if (edit.description) {
    if (edit.description->size() > kMaxDescriptionBytes) {
      return Error::InvalidArgument(
          "description is longer than " + std::to_string(kMaxDescriptionBytes) + " bytes", "description");
    }
    set("description", *edit.description);
  }
  if (edit.price_amount) {
    if (*edit.price_amount < 0) return Error::InvalidArgument("price must be 0 or more", "price.amount");
    set("price_amount", *edit.price_amount);
  }
  if (edit.currency) {
    if (!IsValidCurrency(*edit.currency)) {
      return Error::InvalidArgument("currency '" + *edit.currency + "' is not an ISO 4217 code", "price.currency");
    }
    set("currency", *edit.currency);
  }
  if (sets.empty()) return Error::InvalidArgument("send title, description and/or price", "body");
  set("updated_at", NowUnixSeconds());
  params.push_back(product_id);
  Product product;
  Status st = db_.Transact([&](Session& tx) -> Status {
    ATELIER_ASSIGN_OR_RETURN(int64_t changed, tx.Exec("UPDATE products SET " + sets + " WHERE id = ?", params));
    if (changed == 0) return Error::NotFound("no product " + std::to_string(product_id), "id");
    ATELIER_RETURN_IF_ERROR(tx.Exec(kBumpVersion));
    ATELIER_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kProductColumns) + " WHERE p.id = ?", {product_id}));
    product = ProductFromRow(rows.at(0));
    return Ok();
  });
  if (!st.ok()) return st.error();
  return product;
}

Result<std::shared_ptr<const CatalogSnapshot>> CatalogStore::Load() {
  // Every catalog write bumps the version in its own transaction, so reading
  // the same version before and after the tables proves no write landed in
  // between. This keeps loads off the write lock; after a few collisions
  // with a busy writer, read inside a transaction instead.
  constexpr int kOptimisticAttempts = 3;
  for (int attempt = 0; attempt < kOptimisticAttempts; ++attempt) {
    ATELIER_ASSIGN_OR_RETURN(int64_t before, ReadVersion(db_));
    ATELIER_ASSIGN_OR_RETURN(CatalogData data, ReadCatalog(db_));
    ATELIER_ASSIGN_OR_RETURN(int64_t after, ReadVersion(db_));
    if (before == after) return CatalogSnapshot::Build(std::move(data), after);
  }
  CatalogData data;
  int64_t version = 0;
  ATELIER_RETURN_IF_ERROR(db_.Transact([&](Session& tx) -> Status {
    ATELIER_ASSIGN_OR_RETURN(version, ReadVersion(tx));
    ATELIER_ASSIGN_OR_RETURN(data, ReadCatalog(tx));
    return Ok();
  }));
  return CatalogSnapshot::Build(std::move(data), version);
}

Result<int64_t> CatalogStore::Version() { return ReadVersion(db_); }

}  // namespace atelier::catalog
