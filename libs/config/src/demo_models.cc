#include "atelier/config/demo_models.h"

#include <string_view>
#include <utility>

#include "atelier/config/parser.h"

namespace atelier::config {

namespace internal {
std::vector<std::pair<std::string_view, std::string_view>> EmbeddedDemoModels();  // generated
}  // namespace internal

std::vector<ModelSource> DemoModelSources() {
  std::vector<ModelSource> out;
  for (const auto& [name, text] : internal::EmbeddedDemoModels()) {
    out.push_back({std::string(name), std::string(text)});
  }
  return out;
}

Result<std::vector<ProductModel>> DemoModels() {
  std::vector<ProductModel> out;
  for (const ModelSource& s : DemoModelSources()) {
    ATELIER_ASSIGN_OR_RETURN(ProductModel m, ParseProductModel(s.yaml, s.file_name));
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace atelier::config
