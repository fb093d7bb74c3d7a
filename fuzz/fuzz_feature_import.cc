// libFuzzer target: the importers of public configuration models (DIMACS,
// SPLOT SXFM, FeatureIDE XML, XCSP 2.1). The first byte picks the importer
// (or the format detection LoadModel uses), the rest is the file. A model
// that imports must write as YAML that parses back (importers.h).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "atelier/config/importers.h"
#include "atelier/config/parser.h"

namespace {

using atelier::Result;
using atelier::config::ModelFormat;
using atelier::config::ProductModel;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_feature_import: %s\n%s\n", what, detail.c_str());
  std::abort();
}

Result<ProductModel> Import(ModelFormat format, std::string_view text) {
  switch (format) {
    case ModelFormat::kDimacs:
      return atelier::config::ImportDimacs(text, "fuzz");
    case ModelFormat::kSxfm:
      return atelier::config::ImportSxfm(text, "fuzz");
    case ModelFormat::kFeatureIde:
      return atelier::config::ImportFeatureIde(text, "fuzz");
    case ModelFormat::kXcsp:
      return atelier::config::ImportXcsp(text, "fuzz");
    case ModelFormat::kAuto:
    case ModelFormat::kYaml:
      break;
  }
  return atelier::config::ParseProductModel(text, "fuzz.yaml");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  ModelFormat format;
  switch (data[0] % 5) {
    case 0: format = ModelFormat::kDimacs; break;
    case 1: format = ModelFormat::kSxfm; break;
    case 2: format = ModelFormat::kFeatureIde; break;
    case 3: format = ModelFormat::kXcsp; break;
    default: format = atelier::config::DetectModelFormat(text); break;
  }
  auto model = Import(format, text);
  if (!model.ok()) {
    if (model.error().message.empty()) Fail("an error without a message", std::string(text));
    return 0;
  }
  const std::string yaml = atelier::config::WriteProductModel(*model);
  auto again = atelier::config::ParseProductModel(yaml, "imported.yaml");
  if (!again.ok()) Fail("the imported model does not read back", again.error().message + "\n" + yaml);
  if (again->options.size() != model->options.size() || again->rules.size() != model->rules.size()) {
    Fail("the imported model reads back different", yaml);
  }
  return 0;
}
