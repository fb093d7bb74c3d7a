#include "atelier/config/importers.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <unordered_map>

#include "atelier/config/parser.h"
#include "atelier/core/strings.h"

namespace atelier::config {

namespace {

// Unique safe ids for a model's options.
class IdMaker {
 public:
  std::string Make(std::string_view name) {
    std::string base = SafeId(name);
    std::string id = base;
    for (int k = 2; used_.count(id); ++k) id = base + "_" + std::to_string(k);
    used_.insert(id);
    return id;
  }

 private:
  std::set<std::string> used_;
};

Option BoolOption(std::string id, std::string label, int64_t price = 0) {
  Option o;
  o.id = std::move(id);
  o.label = std::move(label);
  o.kind = OptionKind::kBool;
  OptionValue f, t;
  f.id = "false";
  f.label = "No";
  t.id = "true";
  t.label = "Yes";
  t.price_delta = price;
  o.values = {f, t};
  return o;
}

Expr Is(int option, bool value) { return Expr::In(option, {value ? 1 : 0}); }

Rule ConstraintRule(std::string id, std::string message, Expr e) {
  Rule r;
  r.id = std::move(id);
  r.message = std::move(message);
  r.kind = Rule::Kind::kConstraint;
  r.expr = std::move(e);
  return r;
}

Error LineError(std::string_view file, int line, const std::string& what) {
  std::string where = std::string(file) + ":" + std::to_string(line);
  return Error::InvalidArgument(where + ": " + what, where);
}

// ---------------------------------------------------------------------------
// Feature trees (shared by SXFM and FeatureIDE)
// ---------------------------------------------------------------------------

struct FeatureNode {
  std::string name;
  std::string id;  // source id (SXFM) or name
  int option = -1;
  bool mandatory = false;
  // How the children are grouped: "and" (each optional/mandatory), "or", "alt".
  std::string group = "and";
  std::vector<int> children;
  int64_t price = 0;
};

// Adds options and tree rules for `nodes` (node 0 is the root).
void EmitTree(std::vector<FeatureNode>& nodes, ProductModel* m) {
  IdMaker ids;
  for (auto& n : nodes) {
    n.option = static_cast<int>(m->options.size());
    m->options.push_back(BoolOption(ids.Make(n.id), n.name, n.price));
  }
  m->options[nodes[0].option].values[1].price_delta = 0;
  m->base_price = nodes[0].price;
  m->rules.push_back(ConstraintRule("root", nodes[0].name + " is always included", Is(nodes[0].option, true)));
  for (const auto& n : nodes) {
    const std::string& pid = m->options[n.option].id;
    for (int ci : n.children) {
      const FeatureNode& c = nodes[ci];
      const std::string& cid = m->options[c.option].id;
      m->rules.push_back(ConstraintRule("parent." + cid, c.name + " needs " + n.name,
                                        Expr::Or({Is(c.option, false), Is(n.option, true)})));
      if (n.group == "and" && c.mandatory) {
        m->rules.push_back(ConstraintRule("mandatory." + cid, n.name + " always includes " + c.name,
                                          Expr::Or({Is(n.option, false), Is(c.option, true)})));
      }
    }
    if (n.children.empty() || n.group == "and") continue;
    std::vector<Expr> any{Is(n.option, false)};
    for (int ci : n.children) any.push_back(Is(nodes[ci].option, true));
    m->rules.push_back(ConstraintRule("group." + pid, n.name + " needs at least one of its choices", Expr::Or(std::move(any))));
    if (n.group == "alt") {
      for (size_t a = 0; a < n.children.size(); ++a) {
        for (size_t b = a + 1; b < n.children.size(); ++b) {
          const FeatureNode& x = nodes[n.children[a]];
          const FeatureNode& y = nodes[n.children[b]];
          m->rules.push_back(ConstraintRule("alt." + m->options[x.option].id + "." + m->options[y.option].id,
                                            x.name + " and " + y.name + " are alternatives",
                                            Expr::Or({Is(x.option, false), Is(y.option, false)})));
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------
// XML helpers (libxml2)
// ---------------------------------------------------------------------------

struct XmlDocDeleter {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using XmlDoc = std::unique_ptr<xmlDoc, XmlDocDeleter>;

Result<XmlDoc> ParseXml(std::string_view text, std::string_view name) {
  xmlDoc* doc = xmlReadMemory(text.data(), static_cast<int>(text.size()), std::string(name).c_str(), nullptr,
                              XML_PARSE_NONET | XML_PARSE_HUGE | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc) {
    const xmlError* e = xmlGetLastError();
    std::string where = std::string(name) + ":" + std::to_string(e ? e->line : 0);
    return Error::InvalidArgument(where + ": malformed XML" + (e && e->message ? ": " + std::string(Trim(e->message)) : std::string()),
                                  where);
  }
  return XmlDoc(doc);
}

std::string Attr(xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (!v) return {};
  std::string s(reinterpret_cast<char*>(v));
  xmlFree(v);
  return s;
}

std::string NodeName(xmlNode* n) { return reinterpret_cast<const char*>(n->name); }

std::string Content(xmlNode* n) {
  xmlChar* v = xmlNodeGetContent(n);
  if (!v) return {};
  std::string s(reinterpret_cast<char*>(v));
  xmlFree(v);
  return s;
}

std::vector<xmlNode*> Elements(xmlNode* parent) {
  std::vector<xmlNode*> out;
  for (xmlNode* c = parent ? parent->children : nullptr; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) out.push_back(c);
  }
  return out;
}

xmlNode* Child(xmlNode* parent, const char* name) {
  for (xmlNode* c : Elements(parent)) {
    if (NodeName(c) == name) return c;
  }
  return nullptr;
}

std::string Where(std::string_view file, xmlNode* n) {
  return std::string(file) + ":" + std::to_string(xmlGetLineNo(n));
}

// ---------------------------------------------------------------------------
// FeatureIDE
// ---------------------------------------------------------------------------

Result<int> ReadFeature(xmlNode* x, std::string_view file, std::vector<FeatureNode>* nodes) {
  const std::string tag = NodeName(x);
  FeatureNode n;
  n.name = Attr(x, "name");
  if (n.name.empty()) return Error::InvalidArgument(Where(file, x) + ": <" + tag + "> without a name", Where(file, x));
  n.id = n.name;
  n.mandatory = Attr(x, "mandatory") == "true";
  n.group = tag == "feature" ? "and" : tag;
  for (xmlNode* a : Elements(x)) {
    if (NodeName(a) == "attribute" && Attr(a, "name") == "Price") {
      std::string v = Attr(a, "value");
      if (v.empty()) continue;
      auto d = ParseDouble(v);
      if (!d) return Error::InvalidArgument(Where(file, a) + ": Price '" + v + "' is not a number", Where(file, a));
      n.price = std::llround(*d * 100);
    }
  }
  int idx = static_cast<int>(nodes->size());
  nodes->push_back(n);
  for (xmlNode* c : Elements(x)) {
    std::string ct = NodeName(c);
    if (ct != "feature" && ct != "and" && ct != "or" && ct != "alt") continue;
    ATELIER_ASSIGN_OR_RETURN(int child, ReadFeature(c, file, nodes));
    (*nodes)[idx].children.push_back(child);
  }
  return idx;
}

// Bounds on one FeatureIDE constraint. A formula is written back in the
// expression language one nesting level per element at most, so it may nest
// no deeper than that language allows; <eq> and <atmost1> copy their
// operands, so nested ones would otherwise grow the tree exponentially.
constexpr int kMaxFormulaDepth = kMaxExpressionNesting - 1;
constexpr int64_t kMaxFormulaNodes = 100'000;

int64_t CountNodes(const Expr& e) {
  int64_t n = 1;
  for (const Expr& c : e.children) n += CountNodes(c);
  return n;
}

Result<Expr> ReadFormula(xmlNode* x, std::string_view file, const std::map<std::string, int>& by_name,
                         int depth = 0) {
  const std::string tag = NodeName(x);
  if (depth >= kMaxFormulaDepth) {
    return Error::InvalidArgument(Where(file, x) + ": constraint nested deeper than " +
                                      std::to_string(kMaxFormulaDepth) + " levels",
                                  Where(file, x));
  }
  if (tag == "var") {
    std::string name(Trim(Content(x)));
    auto it = by_name.find(name);
    if (it == by_name.end()) {
      return Error::InvalidArgument(Where(file, x) + ": unknown feature '" + name + "'", Where(file, x));
    }
    return Is(it->second, true);
  }
  std::vector<Expr> kids;
  for (xmlNode* c : Elements(x)) {
    ATELIER_ASSIGN_OR_RETURN(Expr e, ReadFormula(c, file, by_name, depth + 1));
    kids.push_back(std::move(e));
  }
  int64_t nodes = 0;
  for (const Expr& k : kids) nodes += CountNodes(k);
  // <eq> holds each operand twice, <atmost1> each once per other operand.
  const int64_t copies = tag == "eq" ? 2 : tag == "atmost1" ? std::max<int64_t>(1, std::ssize(kids) - 1) : 1;
  if (nodes > kMaxFormulaNodes / copies) {
    return Error::InvalidArgument(Where(file, x) + ": constraint too large (more than " +
                                      std::to_string(kMaxFormulaNodes) + " terms)",
                                  Where(file, x));
  }
  auto need = [&](size_t k) -> Status {
    if (kids.size() != k) {
      return Error::InvalidArgument(Where(file, x) + ": <" + tag + "> takes " + std::to_string(k) + " operands",
                                    Where(file, x));
    }
    return Ok();
  };
  if (tag == "not") {
    ATELIER_RETURN_IF_ERROR(need(1));
    return Expr::Not(std::move(kids[0]));
  }
  if (tag == "conj") return Expr::And(std::move(kids));
  if (tag == "disj") return Expr::Or(std::move(kids));
  if (tag == "imp") {
    ATELIER_RETURN_IF_ERROR(need(2));
    return Expr::Or({Expr::Not(std::move(kids[0])), std::move(kids[1])});
  }
  if (tag == "eq") {
    ATELIER_RETURN_IF_ERROR(need(2));
    Expr a = kids[0], b = kids[1];
    return Expr::Or({Expr::And({a, b}), Expr::And({Expr::Not(a), Expr::Not(b)})});
  }
  if (tag == "atmost1") {
    std::vector<Expr> pairs;
    for (size_t i = 0; i < kids.size(); ++i) {
      for (size_t j = i + 1; j < kids.size(); ++j) pairs.push_back(Expr::Not(Expr::And({kids[i], kids[j]})));
    }
    return Expr::And(std::move(pairs));
  }
  return Error::InvalidArgument(Where(file, x) + ": unsupported constraint element <" + tag + ">", Where(file, x));
}

}  // namespace

std::string SafeId(std::string_view name) {
  std::string id;
  for (char c : name) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    id += ok ? c : '_';
  }
  if (id.empty() || !(std::isalpha(static_cast<unsigned char>(id[0])) || id[0] == '_')) id = "f_" + id;
  static const std::set<std::string> kKeywords = {"and", "or", "not", "in", "implies", "requires",
                                                  "excludes", "true", "false", "none"};
  if (kKeywords.count(id)) id += "_";
  return id;
}

const char* ModelFormatName(ModelFormat f) {
  switch (f) {
    case ModelFormat::kAuto:
      return "auto";
    case ModelFormat::kYaml:
      return "yaml";
    case ModelFormat::kDimacs:
      return "dimacs";
    case ModelFormat::kSxfm:
      return "sxfm";
    case ModelFormat::kFeatureIde:
      return "featureide";
    case ModelFormat::kXcsp:
      return "xcsp";
  }
  return "auto";
}

Result<ModelFormat> ParseModelFormat(std::string_view name) {
  for (ModelFormat f : {ModelFormat::kAuto, ModelFormat::kYaml, ModelFormat::kDimacs, ModelFormat::kSxfm,
                        ModelFormat::kFeatureIde, ModelFormat::kXcsp}) {
    if (name == ModelFormatName(f)) return f;
  }
  return Error::InvalidArgument("unknown model format '" + std::string(name) +
                                    "' (expected auto, yaml, dimacs, sxfm, featureide or xcsp)",
                                "format");
}

// Far more variables than public feature-model benchmarks have (busybox
// 1.18: 6,796; eCos: 1,244), few enough to build a model of each.
constexpr int kMaxDimacsVariables = 100'000;

Result<ProductModel> ImportDimacs(std::string_view text, std::string_view model_id) {
  ProductModel m;
  m.id = SafeId(model_id);
  m.name = std::string(model_id);
  std::map<int, std::string> names;
  int num_vars = -1;
  int declared_clauses = 0;
  std::vector<int> clause;
  int line_no = 0;
  int clause_no = 0;
  std::vector<std::vector<int>> clauses;
  for (std::string_view rest = text; !rest.empty();) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    ++line_no;
    line = Trim(line);
    if (line.empty() || line[0] == '%') continue;
    if (line[0] == 'c') {
      auto parts = Split(Trim(line.substr(1)), ' ');
      if (parts.size() >= 2) {
        if (auto id = ParseInt(parts[0])) {
          std::string_view after = Trim(line.substr(1));
          names[static_cast<int>(*id)] = std::string(Trim(after.substr(parts[0].size())));
        }
      }
      continue;
    }
    if (line[0] == 'p') {
      // A second header would change the variable count under clauses
      // already read.
      if (num_vars >= 0) return LineError(model_id, line_no, "a second 'p cnf' header");
      std::istringstream in{std::string(line)};
      std::string p, cnf;
      // A model needs at least one option; the cap keeps a typo in the
      // header from allocating millions of them.
      if (!(in >> p >> cnf >> num_vars >> declared_clauses) || p != "p" || cnf != "cnf" || num_vars < 1 ||
          num_vars > kMaxDimacsVariables || declared_clauses < 0) {
        return LineError(model_id, line_no,
                         "expected 'p cnf <vars> <clauses>' with 1 to " + std::to_string(kMaxDimacsVariables) +
                             " variables");
      }
      continue;
    }
    if (num_vars < 0) return LineError(model_id, line_no, "clause before the 'p cnf' header");
    for (const std::string& tok : Split(line, ' ')) {
      if (tok.empty()) continue;
      auto lit = ParseInt(tok);
      if (!lit) return LineError(model_id, line_no, "expected an integer literal, got '" + tok + "'");
      if (*lit == 0) {
        clauses.push_back(clause);
        clause.clear();
        ++clause_no;
      } else {
        if (*lit > num_vars || *lit < -num_vars) {
          return LineError(model_id, line_no, "literal " + tok + " exceeds the " + std::to_string(num_vars) + " declared variables");
        }
        clause.push_back(static_cast<int>(*lit));
      }
    }
  }
  if (num_vars < 0) return LineError(model_id, line_no, "missing 'p cnf' header");
  if (!clause.empty()) clauses.push_back(clause);
  IdMaker ids;
  for (int v = 1; v <= num_vars; ++v) {
    auto it = names.find(v);
    std::string label = it != names.end() ? it->second : "x" + std::to_string(v);
    m.options.push_back(BoolOption(ids.Make(label), label));
  }
  for (size_t i = 0; i < clauses.size(); ++i) {
    std::vector<Expr> lits;
    std::string msg;
    for (int lit : clauses[i]) {
      lits.push_back(Is(std::abs(lit) - 1, lit > 0));
      if (!msg.empty()) msg += " or ";
      msg += (lit > 0 ? "" : "not ") + m.options[std::abs(lit) - 1].label;
    }
    m.rules.push_back(ConstraintRule("c" + std::to_string(i + 1), msg, Expr::Or(std::move(lits))));
  }
  return m;
}

Result<ProductModel> ImportSxfm(std::string_view text, std::string_view model_id) {
  ProductModel m;
  m.id = SafeId(model_id);
  m.name = std::string(model_id);
  size_t tree_at = text.find("<feature_tree>");
  size_t tree_end = text.find("</feature_tree>");
  if (tree_at == std::string_view::npos || tree_end == std::string_view::npos) {
    return Error::InvalidArgument(std::string(model_id) + ": missing <feature_tree>", std::string(model_id));
  }
  if (size_t name_at = text.find("name=\""); name_at != std::string_view::npos && name_at < tree_at) {
    size_t end = text.find('"', name_at + 6);
    m.name = std::string(text.substr(name_at + 6, end - name_at - 6));
  }
  int base_line = 1;
  for (size_t i = 0; i < tree_at; ++i) base_line += text[i] == '\n';
  std::vector<FeatureNode> nodes;
  // Stack of (depth, node index, is_group_marker).
  struct Frame {
    int depth;
    int node;  // feature node, or the owner of the group
    bool group;
  };
  std::vector<Frame> stack;
  int line_no = base_line - 1;
  std::string_view tree = text.substr(tree_at, tree_end - tree_at);
  std::map<std::string, int> by_id;
  for (std::string_view rest = tree; !rest.empty();) {
    size_t nl = rest.find('\n');
    std::string_view raw = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    ++line_no;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    size_t depth = 0;
    while (depth < raw.size() && (raw[depth] == '\t' || raw[depth] == ' ')) ++depth;
    std::string_view line = Trim(raw);
    if (line.empty() || line[0] != ':') continue;
    size_t sp = line.find(' ');
    std::string kind(line.substr(1, sp == std::string_view::npos ? std::string_view::npos : sp - 1));
    std::string_view body = sp == std::string_view::npos ? std::string_view() : Trim(line.substr(sp + 1));
    while (!stack.empty() && stack.back().depth >= static_cast<int>(depth)) stack.pop_back();
    if (kind == "g") {
      if (stack.empty() || stack.back().group) return LineError(model_id, line_no, "group without a parent feature");
      // body like "[1,*]" or "(id) [1,1]"
      size_t lb = body.find('[');
      std::string card = lb == std::string_view::npos ? "" : std::string(body.substr(lb));
      int owner = stack.back().node;
      if (card == "[1,1]") {
        nodes[owner].group = "alt";
      } else if (card == "[1,*]") {
        nodes[owner].group = "or";
      } else {
        return LineError(model_id, line_no, "unsupported group cardinality '" + card + "' (expected [1,1] or [1,*])");
      }
      if (!nodes[owner].children.empty()) {
        return LineError(model_id, line_no, "a feature with a group cannot also have solitary children");
      }
      stack.push_back({static_cast<int>(depth), owner, true});
      continue;
    }
    if (kind != "r" && kind != "m" && kind != "o" && !kind.empty()) {
      return LineError(model_id, line_no, "unknown feature marker ':" + kind + "'");
    }
    FeatureNode n;
    std::string name(body);
    std::string id;
    if (size_t lp = body.rfind('('); lp != std::string_view::npos && body.back() == ')') {
      id = std::string(body.substr(lp + 1, body.size() - lp - 2));
      name = std::string(Trim(body.substr(0, lp)));
    }
    n.name = name;
    n.id = id.empty() ? name : id;
    n.mandatory = kind == "m";
    int idx = static_cast<int>(nodes.size());
    if (kind == "r") {
      if (!nodes.empty()) return LineError(model_id, line_no, "second root feature");
    } else {
      if (stack.empty()) return LineError(model_id, line_no, "feature outside the tree");
      int parent = stack.back().node;
      if (!stack.back().group && nodes[parent].group != "and") {
        return LineError(model_id, line_no, "a feature with a group cannot also have solitary children");
      }
      if (stack.back().group != kind.empty()) {
        return LineError(model_id, line_no, kind.empty() ? "group member outside a group" : "feature inside a group must be ': name'");
      }
      nodes[parent].children.push_back(idx);
    }
    nodes.push_back(n);
    if (!id.empty()) by_id[id] = idx;
    stack.push_back({static_cast<int>(depth), idx, false});
  }
  if (nodes.empty()) return LineError(model_id, line_no, "empty feature tree");
  EmitTree(nodes, &m);
  // Constraints: "name: ~a or b or ~c".
  size_t cons_at = text.find("<constraints>");
  size_t cons_end = text.find("</constraints>");
  if (cons_at != std::string_view::npos && cons_end != std::string_view::npos) {
    line_no = 1;
    for (size_t i = 0; i < cons_at; ++i) line_no += text[i] == '\n';
    --line_no;
    std::string_view cons = text.substr(cons_at, cons_end - cons_at);
    IdMaker constraint_ids;
    for (std::string_view rest = cons; !rest.empty();) {
      size_t nl = rest.find('\n');
      std::string_view line = Trim(rest.substr(0, nl));
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      ++line_no;
      size_t colon = line.find(':');
      if (line.empty() || line[0] == '<' || colon == std::string_view::npos) continue;
      std::string cid(Trim(line.substr(0, colon)));
      std::vector<Expr> lits;
      std::string expr(line.substr(colon + 1));
      for (std::string tok : Split(expr, ' ')) {
        tok = std::string(Trim(tok));
        if (tok.empty() || tok == "or") continue;
        bool neg = tok[0] == '~';
        if (neg) tok = tok.substr(1);
        auto it = by_id.find(tok);
        if (it == by_id.end()) return LineError(model_id, line_no, "constraint " + cid + " names unknown feature '" + tok + "'");
        lits.push_back(Is(nodes[it->second].option, !neg));
      }
      // Names repeat in the wild (and differ only in characters SafeId
      // replaces): rule ids must not.
      m.rules.push_back(ConstraintRule("constraint." + constraint_ids.Make(cid), std::string(Trim(expr)),
                                       Expr::Or(std::move(lits))));
    }
  }
  return m;
}

Result<ProductModel> ImportFeatureIde(std::string_view text, std::string_view model_id) {
  ATELIER_ASSIGN_OR_RETURN(XmlDoc doc, ParseXml(text, model_id));
  ProductModel m;
  m.id = SafeId(model_id);
  m.name = std::string(model_id);
  m.currency = "EUR";
  xmlNode* root = xmlDocGetRootElement(doc.get());
  xmlNode* structure = Child(root, "struct");
  if (!structure) return Error::InvalidArgument(std::string(model_id) + ": missing <struct>", std::string(model_id));
  std::vector<xmlNode*> tops = Elements(structure);
  if (tops.size() != 1) return Error::InvalidArgument(Where(model_id, structure) + ": <struct> needs one root feature", Where(model_id, structure));
  std::vector<FeatureNode> nodes;
  ATELIER_ASSIGN_OR_RETURN(int root_idx, ReadFeature(tops[0], model_id, &nodes));
  (void)root_idx;
  m.name = nodes[0].name;
  EmitTree(nodes, &m);
  std::map<std::string, int> by_name;
  for (const auto& n : nodes) by_name[n.name] = n.option;
  if (xmlNode* cons = Child(root, "constraints")) {
    int k = 0;
    for (xmlNode* rule : Elements(cons)) {
      if (NodeName(rule) != "rule") continue;
      std::vector<xmlNode*> body;
      for (xmlNode* e : Elements(rule)) {
        if (NodeName(e) != "description" && NodeName(e) != "tags") body.push_back(e);
      }
      if (body.size() != 1) return Error::InvalidArgument(Where(model_id, rule) + ": <rule> needs one formula", Where(model_id, rule));
      ATELIER_ASSIGN_OR_RETURN(Expr e, ReadFormula(body[0], model_id, by_name));
      Rule r = ConstraintRule("constraint." + std::to_string(++k), "", std::move(e));
      r.message = FormatExpression(m, r.expr);
      m.rules.push_back(std::move(r));
    }
  }
  return m;
}

// An XCSP variable's values by their text: integers written the usual way
// (no sign but '-', no leading zero) are looked up as numbers, from a table
// when the values are dense; any other spelling by its exact text.
class XcspValueIndex {
 public:
  explicit XcspValueIndex(const std::vector<std::string>& values) {
    std::vector<std::pair<int64_t, int>> numbers;
    for (size_t i = 0; i < values.size(); ++i) {
      if (auto n = Canonical(values[i])) {
        numbers.push_back({*n, static_cast<int>(i)});
      } else {
        other_[values[i]] = static_cast<int>(i);
      }
    }
    if (numbers.empty()) return;
    auto [lo, hi] = std::minmax_element(numbers.begin(), numbers.end());
    min_ = lo->first;
    const uint64_t span = static_cast<uint64_t>(hi->first) - static_cast<uint64_t>(lo->first);
    if (span < 4 * numbers.size() + 64) {
      dense_.assign(span + 1, -1);
      for (const auto& [n, i] : numbers) dense_[static_cast<uint64_t>(n) - static_cast<uint64_t>(min_)] = i;
    } else {
      for (const auto& [n, i] : numbers) sparse_[n] = i;
    }
  }

  // The value's index, or -1 when the domain has no such value.
  int Find(std::string_view token) const {
    if (auto n = Canonical(token)) {
      if (!dense_.empty()) {
        const uint64_t k = static_cast<uint64_t>(*n) - static_cast<uint64_t>(min_);
        return k < dense_.size() ? dense_[k] : -1;
      }
      auto it = sparse_.find(*n);
      return it == sparse_.end() ? -1 : it->second;
    }
    if (other_.empty()) return -1;
    auto it = other_.find(std::string(token));
    return it == other_.end() ? -1 : it->second;
  }

 private:
  // The integer a canonically written token stands for ("-12", "0", "7").
  static std::optional<int64_t> Canonical(std::string_view t) {
    const bool negative = !t.empty() && t[0] == '-';
    std::string_view digits = negative ? t.substr(1) : t;
    if (digits.empty() || digits.size() > 18 || (digits[0] == '0' && (digits.size() > 1 || negative))) {
      return std::nullopt;
    }
    int64_t n = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    return negative ? -n : n;
  }

  int64_t min_ = 0;
  std::vector<int> dense_;                   // value - min_ -> index, or -1
  std::unordered_map<int64_t, int> sparse_;  // when the values are spread out
  std::map<std::string, int, std::less<>> other_;
};

// Far beyond the Renault instances (the big one: 268 variables, 1,273 values
// in all, at most 324 in a domain), small enough to build in memory quickly.
constexpr size_t kMaxXcspDomainValues = 100'000;
constexpr size_t kMaxXcspValues = 1'000'000;

Result<ProductModel> ImportXcsp(std::string_view text, std::string_view model_id) {
  ATELIER_ASSIGN_OR_RETURN(XmlDoc doc, ParseXml(text, model_id));
  ProductModel m;
  m.id = SafeId(model_id);
  m.name = std::string(model_id);
  xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!root || NodeName(root) != "instance") return Error::InvalidArgument(std::string(model_id) + ": root element is not <instance>", std::string(model_id));
  std::map<std::string, std::vector<std::string>> domains;
  for (xmlNode* d : Elements(Child(root, "domains"))) {
    std::vector<std::string> values;
    for (const std::string& tok : Split(Content(d), ' ')) {
      std::string t(Trim(tok));
      if (t.empty()) continue;
      if (size_t dots = t.find(".."); dots != std::string::npos) {
        auto lo = ParseInt(t.substr(0, dots));
        auto hi = ParseInt(t.substr(dots + 2));
        // The span in unsigned arithmetic: exact for hi >= lo, never overflowing.
        if (!lo || !hi || *hi < *lo ||
            static_cast<uint64_t>(*hi) - static_cast<uint64_t>(*lo) >= kMaxXcspDomainValues) {
          return Error::InvalidArgument(Where(model_id, d) + ": bad range '" + t + "'", Where(model_id, d));
        }
        const int64_t span = static_cast<int64_t>(static_cast<uint64_t>(*hi) - static_cast<uint64_t>(*lo));
        for (int64_t k = 0; k <= span; ++k) values.push_back(std::to_string(*lo + k));
      } else {
        if (!ParseInt(t)) return Error::InvalidArgument(Where(model_id, d) + ": bad value '" + t + "'", Where(model_id, d));
        values.push_back(t);
      }
      if (values.size() > kMaxXcspDomainValues) {
        return Error::InvalidArgument(Where(model_id, d) + ": more than " + std::to_string(kMaxXcspDomainValues) +
                                          " values",
                                      Where(model_id, d));
      }
    }
    std::set<std::string_view> seen;
    for (const std::string& v : values) {
      if (!seen.insert(v).second) {
        return Error::InvalidArgument(Where(model_id, d) + ": value " + v + " appears twice", Where(model_id, d));
      }
    }
    domains[Attr(d, "name")] = std::move(values);
  }
  std::map<std::string, int> var_index;
  std::vector<XcspValueIndex> value_index;
  IdMaker ids;
  size_t total_values = 0;
  for (xmlNode* v : Elements(Child(root, "variables"))) {
    auto it = domains.find(Attr(v, "domain"));
    if (it == domains.end()) return Error::InvalidArgument(Where(model_id, v) + ": unknown domain '" + Attr(v, "domain") + "'", Where(model_id, v));
    total_values += it->second.size();
    if (total_values > kMaxXcspValues) {
      return Error::InvalidArgument(Where(model_id, v) + ": the variables have more than " +
                                        std::to_string(kMaxXcspValues) + " values in all",
                                    Where(model_id, v));
    }
    Option o;
    o.label = Attr(v, "name");
    o.id = ids.Make(o.label);
    o.kind = OptionKind::kEnum;
    for (const std::string& val : it->second) {
      OptionValue ov;
      ov.id = val;
      ov.label = val == "-1" ? "absent" : val;
      ov.number = static_cast<double>(*ParseInt(val));
      o.values.push_back(std::move(ov));
    }
    var_index[o.label] = static_cast<int>(m.options.size());
    value_index.emplace_back(it->second);
    m.options.push_back(std::move(o));
  }
  std::map<std::string, xmlNode*> relations;
  for (xmlNode* r : Elements(Child(root, "relations"))) relations[Attr(r, "name")] = r;
  IdMaker rule_ids;
  for (xmlNode* c : Elements(Child(root, "constraints"))) {
    const std::string where = Where(model_id, c);
    Rule r;
    r.id = rule_ids.Make(Attr(c, "name"));  // unique, like the option ids
    auto rel = relations.find(Attr(c, "reference"));
    if (rel == relations.end()) return Error::InvalidArgument(where + ": constraint references unknown relation '" + Attr(c, "reference") + "'", where);
    for (const std::string& tok : Split(Attr(c, "scope"), ' ')) {
      std::string name(Trim(tok));
      if (name.empty()) continue;
      auto vi = var_index.find(name);
      if (vi == var_index.end()) return Error::InvalidArgument(where + ": unknown variable '" + name + "'", where);
      r.table_options.push_back(vi->second);
    }
    std::string semantics = Attr(rel->second, "semantics");
    if (semantics != "supports" && semantics != "conflicts") {
      return Error::InvalidArgument(Where(model_id, rel->second) + ": unsupported semantics '" + semantics + "'", where);
    }
    r.kind = semantics == "supports" ? Rule::Kind::kAllowedTable : Rule::Kind::kForbiddenTable;
    // The tuples, read in place: "v v v|v v v|...". A tuple with a value
    // outside its variable's domain can never match: it is skipped.
    const std::string content = Content(rel->second);
    const size_t arity = r.table_options.size();
    std::vector<int> row;
    bool skip = false;
    auto end_tuple = [&]() -> std::optional<Error> {
      if (!skip && !row.empty()) {
        if (row.size() != arity) return Error::InvalidArgument(where + ": tuple shorter than the scope", where);
        r.rows.push_back(row);
      }
      row.clear();
      skip = false;
      return std::nullopt;
    };
    const char* p = content.data();
    const char* const end = p + content.size();
    while (p < end) {
      const char ch = *p;
      if (ch == '|') {
        if (auto e = end_tuple()) return *e;
        ++p;
        continue;
      }
      if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f') {
        ++p;
        continue;
      }
      const char* token = p;
      while (p < end && *p != '|' && *p != ' ' && *p != '\n' && *p != '\t' && *p != '\r' && *p != '\v' &&
             *p != '\f') {
        ++p;
      }
      if (skip) continue;
      const size_t col = row.size();
      if (col >= arity) return Error::InvalidArgument(where + ": tuple longer than the scope", where);
      const int value = value_index[r.table_options[col]].Find(std::string_view(token, static_cast<size_t>(p - token)));
      if (value < 0) {
        skip = true;
        row.clear();
        continue;
      }
      row.push_back(value);
    }
    if (auto e = end_tuple()) return *e;
    r.message = "constraint " + Attr(c, "name");
    m.rules.push_back(std::move(r));
  }
  return m;
}

ModelFormat DetectModelFormat(std::string_view text) {
  std::string_view head = text.substr(0, 4096);
  if (head.find("<feature_model") != std::string_view::npos) return ModelFormat::kSxfm;
  if (head.find("<extendedFeatureModel") != std::string_view::npos ||
      head.find("<featureModel") != std::string_view::npos) {
    return ModelFormat::kFeatureIde;
  }
  if (head.find("<instance") != std::string_view::npos) return ModelFormat::kXcsp;
  // DIMACS starts with comment lines ("c ...") or the header; a YAML model
  // never does (it starts with a "key:" mapping or a comment "#").
  std::string_view t = Trim(head);
  if (StartsWith(t, "p cnf") || StartsWith(t, "c ") || t == "c" || StartsWith(t, "c\n")) {
    return ModelFormat::kDimacs;
  }
  return ModelFormat::kYaml;
}

Result<ProductModel> LoadModel(const std::string& path, ModelFormat format) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NotFound("cannot open model file " + path, path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  if (format == ModelFormat::kAuto) format = DetectModelFormat(text);
  std::string stem = std::filesystem::path(path).filename().string();
  stem = stem.substr(0, stem.find('.'));
  switch (format) {
    case ModelFormat::kYaml:
    case ModelFormat::kAuto:
      return ParseProductModel(text, path);
    case ModelFormat::kDimacs:
      return ImportDimacs(text, stem);
    case ModelFormat::kSxfm:
      return ImportSxfm(text, stem);
    case ModelFormat::kFeatureIde:
      return ImportFeatureIde(text, stem);
    case ModelFormat::kXcsp:
      return ImportXcsp(text, stem);
  }
  return Error::Internal("unreachable");
}

}  // namespace atelier::config
