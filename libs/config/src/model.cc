#include "atelier/config/model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace atelier::config {

std::string SourceLocation::ToString() const {
  std::string out = file.empty() ? std::string("<model>") : file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  return out;
}

int Option::ValueIndex(std::string_view value_id) const {
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].id == value_id) return static_cast<int>(i);
  }
  return -1;
}

int ProductModel::OptionIndex(std::string_view option_id) const {
  for (size_t i = 0; i < options.size(); ++i) {
    if (options[i].id == option_id) return static_cast<int>(i);
  }
  return -1;
}

int ProductModel::RuleIndex(std::string_view rule_id) const {
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].id == rule_id) return static_cast<int>(i);
  }
  return -1;
}

Expr Expr::In(int option, std::vector<int> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  Expr e;
  e.kind = Kind::kIn;
  e.option = option;
  e.values = std::move(values);
  return e;
}

Expr Expr::Not(Expr child) {
  if (child.kind == Kind::kTrue) return False();
  if (child.kind == Kind::kFalse) return True();
  if (child.kind == Kind::kNot) return std::move(child.children[0]);
  Expr e;
  e.kind = Kind::kNot;
  e.children.push_back(std::move(child));
  return e;
}

namespace {
Expr Junction(Expr::Kind kind, std::vector<Expr> children) {
  const Expr::Kind absorbing = kind == Expr::Kind::kAnd ? Expr::Kind::kFalse : Expr::Kind::kTrue;
  const Expr::Kind neutral = kind == Expr::Kind::kAnd ? Expr::Kind::kTrue : Expr::Kind::kFalse;
  Expr e;
  e.kind = kind;
  for (Expr& c : children) {
    if (c.kind == absorbing) return c;
    if (c.kind == neutral) continue;
    if (c.kind == kind) {
      for (Expr& g : c.children) e.children.push_back(std::move(g));
    } else {
      e.children.push_back(std::move(c));
    }
  }
  if (e.children.empty()) {
    Expr n;
    n.kind = neutral;
    return n;
  }
  if (e.children.size() == 1) return std::move(e.children[0]);
  return e;
}
}  // namespace

Expr Expr::And(std::vector<Expr> children) { return Junction(Kind::kAnd, std::move(children)); }
Expr Expr::Or(std::vector<Expr> children) { return Junction(Kind::kOr, std::move(children)); }

bool Evaluate(const Expr& e, const std::vector<int>& a) {
  switch (e.kind) {
    case Expr::Kind::kTrue:
      return true;
    case Expr::Kind::kFalse:
      return false;
    case Expr::Kind::kIn:
      return std::binary_search(e.values.begin(), e.values.end(), a[e.option]);
    case Expr::Kind::kNot:
      return !Evaluate(e.children[0], a);
    case Expr::Kind::kAnd:
      for (const Expr& c : e.children) {
        if (!Evaluate(c, a)) return false;
      }
      return true;
    case Expr::Kind::kOr:
      for (const Expr& c : e.children) {
        if (Evaluate(c, a)) return true;
      }
      return false;
  }
  return false;
}

std::optional<bool> EvaluatePartial(const Expr& e, const std::vector<int>& a) {
  switch (e.kind) {
    case Expr::Kind::kTrue:
      return true;
    case Expr::Kind::kFalse:
      return false;
    case Expr::Kind::kIn:
      if (a[e.option] < 0) return std::nullopt;
      return std::binary_search(e.values.begin(), e.values.end(), a[e.option]);
    case Expr::Kind::kNot: {
      auto v = EvaluatePartial(e.children[0], a);
      if (!v) return std::nullopt;
      return !*v;
    }
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr: {
      const bool is_and = e.kind == Expr::Kind::kAnd;
      bool unknown = false;
      for (const Expr& c : e.children) {
        auto v = EvaluatePartial(c, a);
        if (!v) {
          unknown = true;
        } else if (*v != is_and) {
          return !is_and;
        }
      }
      if (unknown) return std::nullopt;
      return is_and;
    }
  }
  return std::nullopt;
}

bool Satisfies(const Rule& r, const std::vector<int>& a) {
  if (r.kind == Rule::Kind::kConstraint) return Evaluate(r.expr, a);
  bool any_row = false;
  for (const auto& row : r.rows) {
    bool match = true;
    for (size_t c = 0; c < row.size(); ++c) {
      if (row[c] != kAnyValue && a[r.table_options[c]] != row[c]) {
        match = false;
        break;
      }
    }
    if (match) {
      any_row = true;
      break;
    }
  }
  return r.kind == Rule::Kind::kAllowedTable ? any_row : !any_row;
}

std::string FormatNumber(double value) {
  if (std::fabs(value - std::round(value)) < 1e-9) {
    return std::to_string(static_cast<long long>(std::llround(value)));
  }
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.6f", value);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace atelier::config
