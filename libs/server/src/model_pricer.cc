#include "atelier/server/model_pricer.h"

#include <string>

#include "atelier/server/services.h"
#include "atelier/server/uploads.h"

namespace atelier::server {

namespace {

constexpr std::string_view kFontSuffix = ".font";

const config::PersonalizationField* FindField(const config::ProductModel& model, std::string_view id) {
  for (const auto& f : model.personalization) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

}  // namespace

Result<std::vector<config::PersonalizationInput>> PersonalizationInputs(const config::ProductModel& model,
                                                                         const orders::Personalization& values) {
  std::vector<config::PersonalizationInput> inputs;
  for (const auto& [key, value] : values) {
    if (key.size() > kFontSuffix.size() && key.ends_with(kFontSuffix)) continue;
    config::PersonalizationInput in;
    in.field = key;
    in.text = value;
    const config::PersonalizationField* field = FindField(model, key);
    if (field != nullptr && field->kind == config::PersonalizationField::Kind::kImage) {
      // The server's reference to a checked upload (uploads.h), never a
      // client's claim: AddToCart writes it after checking the upload.
      ATELIER_ASSIGN_OR_RETURN(Upload picture, ParsePictureReference(value, "personalization." + key));
      in.text.clear();
      in.content_type = picture.content_type;
      in.bytes = picture.bytes;
      in.width = picture.width;
      in.height = picture.height;
      inputs.push_back(std::move(in));
      continue;
    }
    auto font = values.find(key + std::string(kFontSuffix));
    if (font != values.end()) in.font = font->second;
    inputs.push_back(std::move(in));
  }
  for (const auto& [key, value] : values) {
    if (!key.ends_with(kFontSuffix) || key.size() <= kFontSuffix.size()) continue;
    const std::string field = key.substr(0, key.size() - kFontSuffix.size());
    if (!values.contains(field)) {
      return Error::InvalidArgument("a font without the text of \"" + field + "\"", "personalization." + key);
    }
  }
  return inputs;
}

Result<std::shared_ptr<const config::CompiledModel>> ModelPricer::Find(std::string_view model_id,
                                                                       int model_version) const {
  auto registry = models_.Get();
  if (!registry) return Error::Unavailable("the product models are still loading");
  auto it = registry->by_id.find(model_id);
  if (it == registry->by_id.end()) {
    return Error::NotFound("no product model with id \"" + std::string(model_id) + "\"", "model_id");
  }
  if (model_version == 0 || it->second->model().version == model_version) return it->second;
  auto older = cache_.Find(std::string(model_id), model_version);
  if (!older) {
    return Error::NotFound("product model " + std::string(model_id) + " has no version " +
                               std::to_string(model_version),
                           "model_version");
  }
  return older;
}

Result<orders::PricedConfiguration> ModelPricer::Price(std::string_view model_id, int model_version,
                                                       const orders::Selections& selections,
                                                       const orders::Personalization& personalization) {
  ATELIER_ASSIGN_OR_RETURN(auto compiled, Find(model_id, model_version));
  const config::ProductModel& model = compiled->model();
  config::ConfigureRequest request;
  request.selections = selections;
  ATELIER_ASSIGN_OR_RETURN(request.personalization, PersonalizationInputs(model, personalization));
  config::ConfigureOptions options;
  options.explain = false;
  options.count = false;
  options.price_range = false;
  options.alternatives_for_picked = false;
  ATELIER_ASSIGN_OR_RETURN(config::ConfigureState state, compiled->Configure(request, options));
  if (!state.consistent) {
    const std::string field = state.conflict && !state.conflict->picks.empty()
                                  ? "selections." + state.conflict->picks.front()
                                  : "selections";
    return Error::InvalidArgument(
        "this configuration is not possible: " + (state.conflict ? state.conflict->message : std::string()),
        field);
  }
  bool implied = false;
  for (const config::OptionState& option : state.options) {
    if (!option.selected && !option.implied) {
      return Error::InvalidArgument("choose a value for " + option.label, "selections." + option.id);
    }
    if (!option.selected) {
      request.selections[option.id] = *option.implied;
      implied = true;
    }
  }
  // The price and lead time count picked values only: price the values the
  // rules imply as if picked.
  if (implied) {
    ATELIER_ASSIGN_OR_RETURN(state, compiled->Configure(request, options));
  }
  if (!state.personalization_errors.empty()) {
    const config::FieldError& e = state.personalization_errors.front();
    return Error::InvalidArgument(e.message, "personalization." + e.field);
  }
  orders::PricedConfiguration priced;
  priced.unit_price = Money{state.price_now, state.currency.empty() ? model.currency : state.currency};
  priced.lead_time_days = state.lead_time_days;
  priced.product_line = model.id;
  priced.plant_codes = state.plants.empty() ? model.plants : state.plants;
  return priced;
}

Result<orders::ModelDescription> ModelPricer::Describe(std::string_view model_id, int model_version) {
  ATELIER_ASSIGN_OR_RETURN(auto compiled, Find(model_id, model_version));
  const config::ProductModel& model = compiled->model();
  orders::ModelDescription d;
  d.model_id = model.id;
  d.version = model.version;
  d.name = model.name;
  for (const config::Option& option : model.options) {
    orders::OptionDescription od;
    od.id = option.id;
    od.label = option.label;
    for (const config::OptionValue& v : option.values) od.values.push_back({v.id, v.label, v.absent});
    d.options.push_back(std::move(od));
  }
  return d;
}

}  // namespace atelier::server
