#include "internal/blend.h"

#include <algorithm>
#include <cassert>

#include "internal/binary_io.h"

namespace atelier::recommend::internal {

Blend::Blend(std::vector<std::shared_ptr<Model>> components, std::vector<float> weights)
    : components_(std::move(components)), weights_(std::move(weights)) {
  assert(components_.size() == weights_.size());
  UpdateParams();
}

void Blend::UpdateParams() {
  params_.clear();
  for (size_t c = 0; c < components_.size(); ++c) {
    params_["w_" + std::string(components_[c]->kind())] = weights_[c];
  }
}

Status Blend::Fit(std::shared_ptr<const History> history) {
  history_ = history;
  for (auto& c : components_) ATELIER_RETURN_IF_ERROR(c->Fit(history));
  return Ok();
}

void Blend::NormalizedScores(const Model& component, const History& history, const Query& query,
                             std::span<float> scores) {
  component.Score(query, scores);
  float top = 0.0f;
  const auto& pop = history.popularity;
  for (size_t i = 0; i < scores.size(); ++i) {
    if (pop[i] > 0) top = std::max(top, scores[i]);
  }
  if (top > 0.0f) {
    const float inv = 1.0f / top;
    for (float& s : scores) s *= inv;
  }
}

void Blend::Score(const Query& query, std::span<float> scores) const {
  std::fill(scores.begin(), scores.end(), 0.0f);
  thread_local std::vector<float> part;
  part.resize(scores.size());
  for (size_t c = 0; c < components_.size(); ++c) {
    if (weights_[c] == 0.0f) continue;
    NormalizedScores(*components_[c], *history_, query, part);
    const float w = weights_[c];
    for (size_t i = 0; i < scores.size(); ++i) scores[i] += w * part[i];
  }
}

Status Blend::Save(std::ostream& out) const {
  WritePod<uint64_t>(out, components_.size());
  for (size_t c = 0; c < components_.size(); ++c) {
    WriteString(out, std::string(components_[c]->kind()));
    WritePod<float>(out, weights_[c]);
    const Params& p = components_[c]->params();
    WritePod<uint64_t>(out, p.size());
    for (const auto& [name, value] : p) {
      WriteString(out, name);
      WritePod<double>(out, value);
    }
    ATELIER_RETURN_IF_ERROR(components_[c]->Save(out));
  }
  return Ok();
}

Status Blend::Load(std::istream& in, std::shared_ptr<const History> history) {
  history_ = history;
  components_.clear();
  weights_.clear();
  uint64_t n = 0;
  if (!ReadPod(in, n) || n > 64) return Error::InvalidArgument("corrupt blend model state", "artifact");
  for (uint64_t c = 0; c < n; ++c) {
    std::string kind;
    float weight = 0;
    uint64_t np = 0;
    if (!ReadString(in, kind, 64) || !ReadPod(in, weight) || !ReadPod(in, np) || np > 64) {
      return Error::InvalidArgument("corrupt blend model state", "artifact");
    }
    Params p;
    for (uint64_t i = 0; i < np; ++i) {
      std::string name;
      double value = 0;
      if (!ReadString(in, name, 64) || !ReadPod(in, value)) {
        return Error::InvalidArgument("corrupt blend model state", "artifact");
      }
      p[name] = value;
    }
    if (kind == "personal") {
      p.erase("neighbours");
      p.erase("alpha");
    }
    ATELIER_ASSIGN_OR_RETURN(auto model, CreateModel(kind, p));
    ATELIER_RETURN_IF_ERROR(model->Load(in, history));
    components_.push_back(std::shared_ptr<Model>(std::move(model)));
    weights_.push_back(weight);
  }
  UpdateParams();
  return Ok();
}

}  // namespace atelier::recommend::internal
