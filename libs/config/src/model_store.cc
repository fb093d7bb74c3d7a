#include "atelier/config/model_store.h"

#include <chrono>
#include <utility>

#include "atelier/config/demo_models.h"
#include "atelier/config/parser.h"

namespace atelier::config {

namespace {

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

StoredModelInfo InfoFromRow(const store::Row& row) {
  StoredModelInfo info;
  info.model_id = row.Text(0);
  info.version = static_cast<int>(row.Int(1));
  info.origin = row.Text(2);
  info.created_at = row.Int(3);
  return info;
}

Result<ProductModel> ParseStored(const std::string& source, const std::string& model_id, int version) {
  auto model = ParseProductModel(source, model_id + "@" + std::to_string(version));
  if (!model.ok()) {
    return Error::Internal("stored model " + model_id + " version " + std::to_string(version) +
                           " no longer parses: " + model.error().message);
  }
  return model;
}

}  // namespace

Result<StoredModelInfo> SaveProductModel(store::Database& db, std::string_view yaml_text, std::string_view origin,
                                         ModelCache* cache) {
  ATELIER_ASSIGN_OR_RETURN(ProductModel model, ParseProductModel(yaml_text, origin));
  if (model.version < 1) {
    return Error::InvalidArgument("version must be a positive integer", "version");
  }
  // A model without any valid configuration is rejected here, with the
  // compiler's message naming the conflicting rules.
  if (cache != nullptr) {
    ATELIER_RETURN_IF_ERROR(cache->Get(model));
  } else {
    ATELIER_RETURN_IF_ERROR(CompiledModel::Compile(model));
  }

  StoredModelInfo info;
  info.model_id = model.id;
  info.version = model.version;
  info.origin = std::string(origin);
  const std::string text(yaml_text);
  Status saved = db.Transact([&](store::Session& tx) -> Status {
    info.created = false;
    ATELIER_ASSIGN_OR_RETURN(
        auto rows, tx.Query("SELECT source, origin, created_at FROM product_models WHERE model_id = ? AND version = ?",
                            {model.id, static_cast<int64_t>(model.version)}));
    if (!rows.empty()) {
      if (rows[0].Text(0) != text) {
        return Error::Conflict("model " + model.id + " version " + std::to_string(model.version) +
                                   " is already stored with a different text; raise its version",
                               "version");
      }
      info.origin = rows[0].Text(1);
      info.created_at = rows[0].Int(2);
      return Ok();
    }
    info.created_at = NowSeconds();
    info.created = true;
    ATELIER_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO product_models (model_id, version, source, origin, created_at) VALUES (?, ?, ?, ?, ?)",
                {model.id, static_cast<int64_t>(model.version), text, info.origin, info.created_at}));
    return Ok();
  });
  if (!saved.ok()) return saved.error();
  return info;
}

Result<std::vector<ProductModel>> LoadLatestProductModels(store::Database& db) {
  ATELIER_ASSIGN_OR_RETURN(auto rows, db.Query("SELECT m.model_id, m.version, m.source FROM product_models m "
                                               "WHERE m.version = (SELECT MAX(version) FROM product_models n "
                                               "WHERE n.model_id = m.model_id) ORDER BY m.model_id"));
  std::vector<ProductModel> out;
  out.reserve(rows.size());
  for (const store::Row& row : rows) {
    ATELIER_ASSIGN_OR_RETURN(ProductModel model,
                             ParseStored(row.Text(2), row.Text(0), static_cast<int>(row.Int(1))));
    out.push_back(std::move(model));
  }
  return out;
}

Result<ProductModel> LoadProductModel(store::Database& db, std::string_view model_id, int version) {
  ATELIER_ASSIGN_OR_RETURN(auto rows, db.Query("SELECT source FROM product_models WHERE model_id = ? AND version = ?",
                                               {std::string(model_id), static_cast<int64_t>(version)}));
  if (rows.empty()) {
    return Error::NotFound("no version " + std::to_string(version) + " of model " + std::string(model_id),
                           "version");
  }
  return ParseStored(rows[0].Text(0), std::string(model_id), version);
}

Result<std::vector<StoredModelInfo>> ListProductModelVersions(store::Database& db, std::string_view model_id) {
  ATELIER_ASSIGN_OR_RETURN(auto rows, db.Query("SELECT model_id, version, origin, created_at FROM product_models "
                                               "WHERE model_id = ? ORDER BY version DESC",
                                               {std::string(model_id)}));
  std::vector<StoredModelInfo> out;
  for (const store::Row& row : rows) out.push_back(InfoFromRow(row));
  return out;
}

Result<int> SeedDemoProductModels(store::Database& db, ModelCache* cache) {
  int added = 0;
  for (const ModelSource& source : DemoModelSources()) {
    ATELIER_ASSIGN_OR_RETURN(ProductModel model, ParseProductModel(source.yaml, source.file_name));
    ATELIER_ASSIGN_OR_RETURN(auto versions, ListProductModelVersions(db, model.id));
    if (!versions.empty()) continue;
    ATELIER_ASSIGN_OR_RETURN(StoredModelInfo info, SaveProductModel(db, source.yaml, source.file_name, cache));
    if (info.created) ++added;
  }
  return added;
}

}  // namespace atelier::config
