#include "atelier/config/parser.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "atelier/core/money.h"
#include "atelier/core/strings.h"

namespace atelier::config {

namespace {

// ---------------------------------------------------------------------------
// Expression language
// ---------------------------------------------------------------------------

enum class Tok { kIdent, kNumber, kString, kSymbol, kEnd };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;
  size_t offset = 0;
};

class ExprParser {
 public:
  ExprParser(const ProductModel& model, std::string_view text, std::string_view file, int line,
             int column)
      : model_(model), text_(text), file_(file), line_(line), column_(column) {}

  Result<Expr> Parse() {
    if (auto s = Lex(); !s.ok()) return s.error();
    ATELIER_ASSIGN_OR_RETURN(Expr e, ParseImplication());
    if (Peek().kind != Tok::kEnd) return Fail(Peek(), "expected 'and', 'or', 'implies', 'requires', 'excludes' or end of rule");
    return e;
  }

 private:
  Error FailAt(size_t offset, const std::string& what) const {
    int line = line_;
    int column = column_;
    for (size_t i = 0; i < offset && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string where = std::string(file_) + ":" + std::to_string(line) + ":" + std::to_string(column);
    return Error::InvalidArgument(where + ": " + what, where);
  }
  Error Fail(const Token& t, const std::string& what) const {
    std::string got = t.kind == Tok::kEnd ? "end of rule" : "'" + t.text + "'";
    return FailAt(t.offset, what + ", got " + got);
  }

  Status Lex() {
    size_t i = 0;
    while (i < text_.size()) {
      char c = text_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
        continue;
      }
      Token t;
      t.offset = i;
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        size_t j = i;
        while (j < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[j])) ||
                                    text_[j] == '_' || text_[j] == '.' || text_[j] == '-')) {
          ++j;
        }
        t.kind = Tok::kIdent;
        t.text = std::string(text_.substr(i, j - i));
        i = j;
      } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                 (c == '-' && i + 1 < text_.size() && std::isdigit(static_cast<unsigned char>(text_[i + 1])))) {
        size_t j = i + 1;
        while (j < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[j])) || text_[j] == '.' ||
                                    text_[j] == '_' || text_[j] == '-')) {
          ++j;
        }
        t.text = std::string(text_.substr(i, j - i));
        t.kind = ParseDouble(t.text) ? Tok::kNumber : Tok::kIdent;
        i = j;
      } else if (c == '"' || c == '\'') {
        size_t j = i + 1;
        while (j < text_.size() && text_[j] != c) ++j;
        if (j >= text_.size()) return FailAt(i, "unterminated string");
        t.kind = Tok::kString;
        t.text = std::string(text_.substr(i + 1, j - i - 1));
        i = j + 1;
      } else {
        static const char* kTwo[] = {"!=", "<=", ">=", "=="};
        bool two = false;
        for (const char* s : kTwo) {
          if (text_.substr(i, 2) == s) {
            t.text = s == std::string("==") ? "=" : s;
            two = true;
          }
        }
        if (two) {
          i += 2;
        } else if (std::string_view("(){},=<>").find(c) != std::string_view::npos) {
          t.text = std::string(1, c);
          ++i;
        } else {
          return FailAt(i, std::string("unexpected character '") + c + "'");
        }
        t.kind = Tok::kSymbol;
      }
      tokens_.push_back(std::move(t));
    }
    Token end;
    end.offset = text_.size();
    tokens_.push_back(end);
    return Ok();
  }

  const Token& Peek() const { return tokens_[pos_]; }
  Token Next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool IsKeyword(const Token& t, std::string_view k) const { return t.kind == Tok::kIdent && t.text == k; }
  bool IsSymbol(const Token& t, std::string_view s) const { return t.kind == Tok::kSymbol && t.text == s; }

  // A bound on the nesting (kMaxExpressionNesting) keeps the recursive
  // descent, and every later walk of the tree, well inside a thread's stack
  // whatever the text.

  class Nest {
   public:
    explicit Nest(int& depth) : depth_(depth) { ++depth_; }
    ~Nest() { --depth_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;

   private:
    int& depth_;
  };

  Status CheckNesting(const Token& t) const {
    if (depth_ > kMaxExpressionNesting) {
      return FailAt(t.offset, "expression nested deeper than " + std::to_string(kMaxExpressionNesting) + " levels");
    }
    return Ok();
  }

  Result<Expr> ParseImplication() {
    Nest nest(depth_);
    ATELIER_RETURN_IF_ERROR(CheckNesting(Peek()));
    ATELIER_ASSIGN_OR_RETURN(Expr left, ParseOr());
    const Token& t = Peek();
    if (IsKeyword(t, "implies") || IsKeyword(t, "requires")) {
      Next();
      ATELIER_ASSIGN_OR_RETURN(Expr right, ParseImplication());
      return Expr::Or({Expr::Not(std::move(left)), std::move(right)});
    }
    if (IsKeyword(t, "excludes")) {
      Next();
      ATELIER_ASSIGN_OR_RETURN(Expr right, ParseOr());
      return Expr::Not(Expr::And({std::move(left), std::move(right)}));
    }
    return left;
  }

  Result<Expr> ParseOr() {
    ATELIER_ASSIGN_OR_RETURN(Expr first, ParseAnd());
    std::vector<Expr> parts;
    parts.push_back(std::move(first));
    while (IsKeyword(Peek(), "or")) {
      Next();
      ATELIER_ASSIGN_OR_RETURN(Expr e, ParseAnd());
      parts.push_back(std::move(e));
    }
    return parts.size() == 1 ? std::move(parts[0]) : Expr::Or(std::move(parts));
  }

  Result<Expr> ParseAnd() {
    ATELIER_ASSIGN_OR_RETURN(Expr first, ParseNot());
    std::vector<Expr> parts;
    parts.push_back(std::move(first));
    while (IsKeyword(Peek(), "and")) {
      Next();
      ATELIER_ASSIGN_OR_RETURN(Expr e, ParseNot());
      parts.push_back(std::move(e));
    }
    return parts.size() == 1 ? std::move(parts[0]) : Expr::And(std::move(parts));
  }

  Result<Expr> ParseNot() {
    if (IsKeyword(Peek(), "not")) {
      Nest nest(depth_);
      ATELIER_RETURN_IF_ERROR(CheckNesting(Peek()));
      Next();
      ATELIER_ASSIGN_OR_RETURN(Expr e, ParseNot());
      return Expr::Not(std::move(e));
    }
    return ParseAtom();
  }

  // Resolves a value token against option `o`; numbers also match by value.
  Result<int> ResolveValue(int o, const Token& t) {
    const Option& opt = model_.options[o];
    if (t.kind != Tok::kIdent && t.kind != Tok::kNumber && t.kind != Tok::kString) {
      return Fail(t, "expected a value of option '" + opt.id + "'");
    }
    int idx = opt.ValueIndex(t.text);
    if (idx < 0 && t.kind == Tok::kNumber) {
      double x = *ParseDouble(t.text);
      for (size_t i = 0; i < opt.values.size(); ++i) {
        if (opt.values[i].number && std::fabs(*opt.values[i].number - x) < 1e-9) idx = static_cast<int>(i);
      }
    }
    if (idx < 0) {
      std::string known;
      for (size_t i = 0; i < opt.values.size() && i < 12; ++i) {
        known += (i ? ", " : "") + opt.values[i].id;
      }
      if (opt.values.size() > 12) known += ", ...";
      return FailAt(t.offset, "option '" + opt.id + "' has no value '" + t.text + "' (values: " + known + ")");
    }
    return idx;
  }

  Result<Expr> ParseAtom() {
    Token t = Next();
    if (IsSymbol(t, "(")) {
      ATELIER_ASSIGN_OR_RETURN(Expr e, ParseImplication());
      Token close = Next();
      if (!IsSymbol(close, ")")) return Fail(close, "expected ')'");
      return e;
    }
    if (IsKeyword(t, "true")) return Expr::True();
    if (IsKeyword(t, "false")) return Expr::False();
    if (t.kind != Tok::kIdent) return Fail(t, "expected an option id, 'not', 'true', 'false' or '('");
    static const std::set<std::string> kReserved = {"and", "or", "not", "in", "implies", "requires", "excludes"};
    if (kReserved.count(t.text)) return Fail(t, "expected an option id");
    int o = model_.OptionIndex(t.text);
    if (o < 0) return FailAt(t.offset, "unknown option '" + t.text + "'");
    const Option& opt = model_.options[o];
    const Token& op = Peek();
    if (IsKeyword(op, "in")) {
      Next();
      Token open = Next();
      if (!IsSymbol(open, "{")) return Fail(open, "expected '{' after 'in'");
      std::vector<int> values;
      while (true) {
        Token v = Next();
        ATELIER_ASSIGN_OR_RETURN(int idx, ResolveValue(o, v));
        values.push_back(idx);
        Token sep = Next();
        if (IsSymbol(sep, "}")) break;
        if (!IsSymbol(sep, ",")) return Fail(sep, "expected ',' or '}'");
      }
      return Expr::In(o, std::move(values));
    }
    if (IsSymbol(op, "=") || IsSymbol(op, "!=")) {
      bool negate = op.text == "!=";
      Next();
      Token v = Next();
      ATELIER_ASSIGN_OR_RETURN(int idx, ResolveValue(o, v));
      Expr e = Expr::In(o, {idx});
      return negate ? Expr::Not(std::move(e)) : e;
    }
    if (IsSymbol(op, "<") || IsSymbol(op, "<=") || IsSymbol(op, ">") || IsSymbol(op, ">=")) {
      std::string cmp = op.text;
      Token optok = Next();
      Token v = Next();
      if (v.kind != Tok::kNumber) return Fail(v, "expected a number after '" + cmp + "'");
      double x = *ParseDouble(v.text);
      std::vector<int> values;
      for (size_t i = 0; i < opt.values.size(); ++i) {
        const auto& val = opt.values[i];
        if (val.absent) continue;
        if (!val.number) {
          return FailAt(optok.offset, "'" + cmp + "' needs numeric values but option '" + opt.id +
                                          "' has value '" + val.id + "'");
        }
        double y = *val.number;
        bool keep = cmp == "<" ? y < x - 1e-9 : cmp == "<=" ? y <= x + 1e-9 : cmp == ">" ? y > x + 1e-9 : y >= x - 1e-9;
        if (keep) values.push_back(static_cast<int>(i));
      }
      return Expr::In(o, std::move(values));
    }
    // A bare option: true for booleans, "present" for optional options.
    if (opt.kind == OptionKind::kBool) return Expr::In(o, {opt.ValueIndex("true")});
    if (opt.optional) {
      std::vector<int> present;
      for (size_t i = 0; i < opt.values.size(); ++i) {
        if (!opt.values[i].absent) present.push_back(static_cast<int>(i));
      }
      return Expr::In(o, std::move(present));
    }
    return Fail(op, "expected '=', '!=', 'in', '<', '<=', '>' or '>=' after option '" + opt.id + "'");
  }

  const ProductModel& model_;
  std::string_view text_;
  std::string_view file_;
  int line_;
  int column_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;  // nesting of the rule being parsed (Nest)
};

// ---------------------------------------------------------------------------
// YAML model
// ---------------------------------------------------------------------------

class ModelParser {
 public:
  explicit ModelParser(std::string_view file) : file_(file) {}

  Result<ProductModel> Parse(std::string_view text) {
    source_lines_ = Split(text, '\n');
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::ParserException& e) {
      std::string where = file_ + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
      return Error::InvalidArgument(where + ": YAML syntax error: " + e.msg, where);
    } catch (const std::exception& e) {
      return Error::InvalidArgument(file_ + ": " + e.what(), file_);
    }
    try {
      return ParseRoot(root);
    } catch (const YAML::Exception& e) {
      std::string where = file_ + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
      return Error::InvalidArgument(where + ": " + e.msg, where);
    }
  }

 private:
  SourceLocation Loc(const YAML::Node& n) const {
    SourceLocation l;
    l.file = file_;
    l.line = n.Mark().line + 1;
    l.column = n.Mark().column + 1;
    return l;
  }
  Error Fail(const YAML::Node& n, const std::string& what) const {
    std::string where = Loc(n).ToString();
    return Error::InvalidArgument(where + ": " + what, where);
  }

  Status CheckKeys(const YAML::Node& map, const std::string& what, const std::set<std::string>& allowed) const {
    if (!map.IsMap()) return Fail(map, "expected a mapping for " + what);
    for (auto it = map.begin(); it != map.end(); ++it) {
      std::string key = it->first.Scalar();
      if (!allowed.count(key)) {
        std::string list;
        for (const auto& k : allowed) list += (list.empty() ? "" : ", ") + k;
        return Fail(it->first, "unknown key '" + key + "' in " + what + " (expected one of: " + list + ")");
      }
    }
    return Ok();
  }

  Result<std::string> Str(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) return Fail(n, "expected a text value for " + what);
    return n.Scalar();
  }
  Result<std::string> Id(const YAML::Node& n, const std::string& what) const {
    ATELIER_ASSIGN_OR_RETURN(std::string s, Str(n, what));
    if (s.empty()) return Fail(n, what + " must not be empty");
    for (char c : s) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) {
        return Fail(n, what + " '" + s + "' may only contain letters, digits, '_', '-' and '.'");
      }
    }
    return s;
  }
  Result<int64_t> Int(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) return Fail(n, "expected an integer for " + what);
    auto v = ParseInt(n.Scalar());
    if (!v) return Fail(n, "expected an integer for " + what + ", got '" + n.Scalar() + "'");
    return *v;
  }
  Result<double> Num(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) return Fail(n, "expected a number for " + what);
    auto v = ParseDouble(n.Scalar());
    if (!v) return Fail(n, "expected a number for " + what + ", got '" + n.Scalar() + "'");
    return *v;
  }
  Result<bool> Bool(const YAML::Node& n, const std::string& what) const {
    if (n.IsScalar() && (n.Scalar() == "true" || n.Scalar() == "yes")) return true;
    if (n.IsScalar() && (n.Scalar() == "false" || n.Scalar() == "no")) return false;
    return Fail(n, "expected true or false for " + what);
  }
  Result<int64_t> Price(const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) return Fail(n, "expected a price for " + what);
    auto v = ParseMinorUnits(n.Scalar(), what);
    if (!v.ok()) return Fail(n, "expected a price (decimal, at most 2 decimals) for " + what + ", got '" + n.Scalar() + "'");
    return *v;
  }
  Result<std::vector<std::string>> StrList(const YAML::Node& n, const std::string& what) const {
    if (!n.IsSequence()) return Fail(n, "expected a list for " + what);
    std::vector<std::string> out;
    for (const auto& e : n) {
      ATELIER_ASSIGN_OR_RETURN(std::string s, Str(e, what));
      out.push_back(std::move(s));
    }
    return out;
  }

  // Position of a scalar's first character of content (skips the opening quote).
  void ScalarStart(const YAML::Node& n, int* line, int* column) const {
    *line = n.Mark().line + 1;
    *column = n.Mark().column + 1 + (n.Tag() == "!" ? 1 : 0);
  }

  Result<Expr> ExprOf(const ProductModel& m, const YAML::Node& n, const std::string& what) const {
    if (!n.IsScalar()) return Fail(n, "expected an expression for " + what);
    int line, column;
    ScalarStart(n, &line, &column);
    auto parsed = ExprParser(m, n.Scalar(), file_, line, column).Parse();
    if (parsed.ok() || !IsBlockScalar(n)) return parsed;
    // Block scalars (| or >): the content starts on the next lines, and folding
    // turned line breaks into spaces; re-parse line by line to find the offset.
    return RepositionBlockError(m, n);
  }

  bool IsBlockScalar(const YAML::Node& n) const {
    const auto& lines = SourceLines();
    int l = n.Mark().line, c = n.Mark().column;
    if (l < 0 || l >= static_cast<int>(lines.size()) || c >= static_cast<int>(lines[l].size())) return false;
    return lines[l][c] == '>' || lines[l][c] == '|';
  }

  Result<Expr> RepositionBlockError(const ProductModel& m, const YAML::Node& n) const {
    const auto& lines = SourceLines();
    // The content lines: following lines, each one separator char apart.
    std::string joined;
    std::vector<std::pair<int, int>> starts;  // offset in joined -> (line, column) of that line's content
    std::vector<size_t> offsets;
    for (size_t l = n.Mark().line + 1; l < lines.size(); ++l) {
      std::string_view raw = lines[l];
      size_t indent = raw.find_first_not_of(' ');
      if (indent == std::string_view::npos) break;
      if (!starts.empty() && static_cast<int>(indent) < starts.front().second - 1) break;
      if (!joined.empty()) joined += ' ';
      offsets.push_back(joined.size());
      starts.push_back({static_cast<int>(l) + 1, static_cast<int>(indent) + 1});
      joined += raw.substr(indent);
    }
    auto parsed = ExprParser(m, joined, file_, 1, 1).Parse();
    if (parsed.ok() || starts.empty()) return parsed;
    // Map the column reported on the joined text back to a source line.
    const std::string& msg = parsed.error().message;
    size_t colon1 = msg.find(':', file_.size() + 1);
    size_t colon2 = msg.find(':', colon1 + 1);
    int col = std::atoi(msg.substr(colon1 + 1, colon2 - colon1 - 1).c_str());
    size_t off = static_cast<size_t>(std::max(0, col - 1));
    size_t k = 0;
    while (k + 1 < offsets.size() && offsets[k + 1] <= off) ++k;
    int line = starts[k].first;
    int column = starts[k].second + static_cast<int>(off - offsets[k]);
    std::string where = file_ + ":" + std::to_string(line) + ":" + std::to_string(column);
    return Error::InvalidArgument(where + msg.substr(colon2), where);
  }

  const std::vector<std::string>& SourceLines() const { return source_lines_; }

  Result<ProductModel> ParseRoot(const YAML::Node& root) {
    if (!root.IsMap()) return Fail(root, "expected a mapping with 'model' and 'options' at the top level");
    ATELIER_RETURN_IF_ERROR(CheckKeys(root, "model",
                                      {"model", "name", "version", "currency", "base_price", "lead_time_days",
                                       "plants", "options", "rules", "adjustments", "personalization",
                                       "description"}));
    ProductModel m;
    if (!root["model"]) return Fail(root, "missing key 'model' (the model id)");
    ATELIER_ASSIGN_OR_RETURN(m.id, Id(root["model"], "model id"));
    m.name = m.id;
    if (root["name"]) {
      ATELIER_ASSIGN_OR_RETURN(m.name, Str(root["name"], "name"));
    }
    if (root["version"]) {
      ATELIER_ASSIGN_OR_RETURN(int64_t v, Int(root["version"], "version"));
      if (v < 1) return Fail(root["version"], "version must be at least 1");
      m.version = static_cast<int>(v);
    }
    if (root["currency"]) {
      ATELIER_ASSIGN_OR_RETURN(m.currency, Str(root["currency"], "currency"));
      if (!IsValidCurrency(m.currency)) return Fail(root["currency"], "expected a currency code like USD");
    }
    if (root["base_price"]) {
      ATELIER_ASSIGN_OR_RETURN(m.base_price, Price(root["base_price"], "base_price"));
    }
    if (root["lead_time_days"]) {
      ATELIER_ASSIGN_OR_RETURN(int64_t d, Int(root["lead_time_days"], "lead_time_days"));
      m.base_lead_time_days = static_cast<int>(d);
    }
    if (root["plants"]) {
      ATELIER_ASSIGN_OR_RETURN(m.plants, StrList(root["plants"], "plants"));
    }
    const YAML::Node options = root["options"];
    if (!options) return Fail(root, "missing key 'options'");
    if (!options.IsSequence() || options.size() == 0) return Fail(options, "expected a non-empty list of options");
    // Duplicates are found through a set: a model may have tens of
    // thousands of options (imported feature models), and a scan per option
    // would be quadratic.
    std::set<std::string, std::less<>> option_ids;
    for (const auto& on : options) {
      ATELIER_ASSIGN_OR_RETURN(Option o, ParseOption(on));
      if (!option_ids.insert(o.id).second) return Fail(on["id"], "duplicate option id '" + o.id + "'");
      m.options.push_back(std::move(o));
    }
    if (const YAML::Node rules = root["rules"]) {
      if (!rules.IsSequence()) return Fail(rules, "expected a list of rules");
      std::set<std::string, std::less<>> rule_ids;
      for (const auto& rn : rules) {
        ATELIER_ASSIGN_OR_RETURN(Rule r, ParseRule(m, rn));
        if (!rule_ids.insert(r.id).second) return Fail(rn["id"], "duplicate rule id '" + r.id + "'");
        m.rules.push_back(std::move(r));
      }
    }
    if (const YAML::Node adj = root["adjustments"]) {
      if (!adj.IsSequence()) return Fail(adj, "expected a list of adjustments");
      for (const auto& an : adj) {
        ATELIER_RETURN_IF_ERROR(CheckKeys(an, "adjustment", {"id", "label", "when", "price"}));
        PriceAdjustment a;
        a.location = Loc(an);
        if (!an["id"]) return Fail(an, "missing key 'id' in adjustment");
        ATELIER_ASSIGN_OR_RETURN(a.id, Id(an["id"], "adjustment id"));
        a.label = a.id;
        if (an["label"]) {
          ATELIER_ASSIGN_OR_RETURN(a.label, Str(an["label"], "label"));
        }
        if (!an["when"]) return Fail(an, "missing key 'when' in adjustment '" + a.id + "'");
        if (!an["price"]) return Fail(an, "missing key 'price' in adjustment '" + a.id + "'");
        a.text = an["when"].Scalar();
        ATELIER_ASSIGN_OR_RETURN(a.when, ExprOf(m, an["when"], "when"));
        ATELIER_ASSIGN_OR_RETURN(a.delta, Price(an["price"], "price"));
        m.adjustments.push_back(std::move(a));
      }
    }
    if (const YAML::Node pers = root["personalization"]) {
      if (!pers.IsSequence()) return Fail(pers, "expected a list of personalization fields");
      for (const auto& pn : pers) {
        ATELIER_ASSIGN_OR_RETURN(PersonalizationField f, ParseField(pn));
        for (const auto& other : m.personalization) {
          if (other.id == f.id) return Fail(pn["id"], "duplicate personalization field id '" + f.id + "'");
        }
        m.personalization.push_back(std::move(f));
      }
    }
    return m;
  }

  Result<OptionValue> ParseValue(const YAML::Node& vn, const Option& o) {
    OptionValue v;
    if (vn.IsScalar()) {
      ATELIER_ASSIGN_OR_RETURN(v.id, Id(vn, "value id"));
    } else {
      ATELIER_RETURN_IF_ERROR(CheckKeys(vn, "value", {"id", "label", "price", "lead_time", "image", "number"}));
      if (!vn["id"]) return Fail(vn, "missing key 'id' in value of option '" + o.id + "'");
      ATELIER_ASSIGN_OR_RETURN(v.id, Id(vn["id"], "value id"));
      if (vn["label"]) {
        ATELIER_ASSIGN_OR_RETURN(v.label, Str(vn["label"], "label"));
      }
      if (vn["price"]) {
        ATELIER_ASSIGN_OR_RETURN(v.price_delta, Price(vn["price"], "price"));
      }
      if (vn["lead_time"]) {
        ATELIER_ASSIGN_OR_RETURN(int64_t d, Int(vn["lead_time"], "lead_time"));
        v.lead_time_days = static_cast<int>(d);
      }
      if (vn["image"]) {
        ATELIER_ASSIGN_OR_RETURN(v.image, Str(vn["image"], "image"));
      }
      if (vn["number"]) {
        ATELIER_ASSIGN_OR_RETURN(double x, Num(vn["number"], "number"));
        v.number = x;
      }
    }
    if (v.label.empty()) v.label = v.id;
    if (!v.number) {
      if (auto x = ParseDouble(v.id)) v.number = *x;
    }
    if (v.id == kAbsentValueId) return Fail(vn, "value id 'none' is reserved for optional options");
    return v;
  }

  Result<Option> ParseOption(const YAML::Node& on) {
    ATELIER_RETURN_IF_ERROR(CheckKeys(on, "option", {"id", "label", "type", "values", "range", "optional", "price",
                                                     "lead_time", "description"}));
    Option o;
    o.location = Loc(on);
    if (!on["id"]) return Fail(on, "missing key 'id' in option");
    ATELIER_ASSIGN_OR_RETURN(o.id, Id(on["id"], "option id"));
    static const std::set<std::string> kKeywords = {"and", "or", "not", "in", "implies", "requires",
                                                    "excludes", "true", "false"};
    if (kKeywords.count(o.id)) return Fail(on["id"], "option id '" + o.id + "' is a reserved word");
    o.label = o.id;
    if (on["label"]) {
      ATELIER_ASSIGN_OR_RETURN(o.label, Str(on["label"], "label"));
    }
    std::string type = on["range"] ? "range" : "enum";
    if (on["type"]) {
      ATELIER_ASSIGN_OR_RETURN(type, Str(on["type"], "type"));
    }
    if (on["optional"]) {
      ATELIER_ASSIGN_OR_RETURN(o.optional, Bool(on["optional"], "optional"));
    }
    if (type == "bool") {
      o.kind = OptionKind::kBool;
      if (on["values"] || on["range"]) return Fail(on, "a bool option takes no 'values' or 'range'");
      OptionValue f, t;
      f.id = "false";
      f.label = "No";
      t.id = "true";
      t.label = "Yes";
      if (on["price"]) {
        ATELIER_ASSIGN_OR_RETURN(t.price_delta, Price(on["price"], "price"));
      }
      if (on["lead_time"]) {
        ATELIER_ASSIGN_OR_RETURN(int64_t d, Int(on["lead_time"], "lead_time"));
        t.lead_time_days = static_cast<int>(d);
      }
      o.values = {f, t};
      if (o.optional) return Fail(on["optional"], "a bool option cannot be optional");
      return o;
    }
    if (on["price"] || on["lead_time"]) return Fail(on, "'price' and 'lead_time' on an option apply to bool options only; put them on values");
    if (type == "range") {
      o.kind = OptionKind::kRange;
      const YAML::Node r = on["range"];
      if (!r) return Fail(on, "missing key 'range' in range option '" + o.id + "'");
      ATELIER_RETURN_IF_ERROR(CheckKeys(r, "range", {"min", "max", "step"}));
      if (!r["min"] || !r["max"]) return Fail(r, "a range needs 'min' and 'max'");
      ATELIER_ASSIGN_OR_RETURN(double lo, Num(r["min"], "min"));
      ATELIER_ASSIGN_OR_RETURN(double hi, Num(r["max"], "max"));
      double step = 1;
      if (r["step"]) {
        ATELIER_ASSIGN_OR_RETURN(step, Num(r["step"], "step"));
      }
      if (step <= 0) return Fail(r["step"], "step must be positive");
      if (hi < lo) return Fail(r["max"], "max must not be below min");
      double n = (hi - lo) / step;
      if (std::fabs(n - std::round(n)) > 1e-6) return Fail(r["step"], "(max - min) must be a multiple of step");
      if (n > 100000) return Fail(r, "range has more than 100000 values");
      for (long long i = 0; i <= std::llround(n); ++i) {
        double x = lo + step * static_cast<double>(i);
        OptionValue v;
        v.id = FormatNumber(x);
        v.label = v.id;
        v.number = x;
        o.values.push_back(std::move(v));
      }
    } else if (type == "enum") {
      const YAML::Node vals = on["values"];
      if (!vals) return Fail(on, "missing key 'values' in option '" + o.id + "'");
      if (!vals.IsSequence() || vals.size() == 0) return Fail(vals, "expected a non-empty list of values");
      for (const auto& vn : vals) {
        ATELIER_ASSIGN_OR_RETURN(OptionValue v, ParseValue(vn, o));
        if (o.ValueIndex(v.id) >= 0) return Fail(vn, "duplicate value '" + v.id + "' in option '" + o.id + "'");
        o.values.push_back(std::move(v));
      }
    } else {
      return Fail(on["type"], "unknown option type '" + type + "' (expected enum, range or bool)");
    }
    if (o.optional) {
      OptionValue none;
      none.id = std::string(kAbsentValueId);
      none.label = "None";
      none.absent = true;
      o.values.push_back(std::move(none));
    }
    return o;
  }

  Result<Rule> ParseRule(const ProductModel& m, const YAML::Node& rn) {
    ATELIER_RETURN_IF_ERROR(CheckKeys(rn, "rule", {"id", "rule", "message", "allowed", "forbidden"}));
    Rule r;
    r.location = Loc(rn);
    if (!rn["id"]) return Fail(rn, "missing key 'id' in rule");
    ATELIER_ASSIGN_OR_RETURN(r.id, Id(rn["id"], "rule id"));
    if (rn["message"]) {
      ATELIER_ASSIGN_OR_RETURN(r.message, Str(rn["message"], "message"));
    }
    int kinds = (rn["rule"] ? 1 : 0) + (rn["allowed"] ? 1 : 0) + (rn["forbidden"] ? 1 : 0);
    if (kinds != 1) return Fail(rn, "rule '" + r.id + "' needs exactly one of 'rule', 'allowed', 'forbidden'");
    if (rn["rule"]) {
      r.kind = Rule::Kind::kConstraint;
      r.text = rn["rule"].Scalar();
      ATELIER_ASSIGN_OR_RETURN(r.expr, ExprOf(m, rn["rule"], "rule"));
    } else {
      const YAML::Node t = rn["allowed"] ? rn["allowed"] : rn["forbidden"];
      r.kind = rn["allowed"] ? Rule::Kind::kAllowedTable : Rule::Kind::kForbiddenTable;
      ATELIER_RETURN_IF_ERROR(CheckKeys(t, "table", {"options", "rows"}));
      if (!t["options"] || !t["rows"]) return Fail(t, "a table needs 'options' and 'rows'");
      if (!t["options"].IsSequence() || t["options"].size() == 0) return Fail(t["options"], "expected a list of option ids");
      for (const auto& on : t["options"]) {
        ATELIER_ASSIGN_OR_RETURN(std::string id, Str(on, "option id"));
        int o = m.OptionIndex(id);
        if (o < 0) return Fail(on, "unknown option '" + id + "'");
        r.table_options.push_back(o);
      }
      if (!t["rows"].IsSequence()) return Fail(t["rows"], "expected a list of rows");
      for (const auto& row : t["rows"]) {
        if (!row.IsSequence() || row.size() != r.table_options.size()) {
          return Fail(row, "expected a row of " + std::to_string(r.table_options.size()) + " values");
        }
        std::vector<int> cells;
        for (size_t c = 0; c < row.size(); ++c) {
          ATELIER_ASSIGN_OR_RETURN(std::string v, Str(row[c], "table value"));
          if (v == "*") {
            cells.push_back(kAnyValue);
            continue;
          }
          const Option& opt = m.options[r.table_options[c]];
          int idx = opt.ValueIndex(v);
          if (idx < 0) return Fail(row[c], "option '" + opt.id + "' has no value '" + v + "'");
          cells.push_back(idx);
        }
        r.rows.push_back(std::move(cells));
      }
    }
    if (r.message.empty()) r.message = r.kind == Rule::Kind::kConstraint ? r.text : "rule " + r.id;
    return r;
  }

  Result<PersonalizationField> ParseField(const YAML::Node& pn) {
    ATELIER_RETURN_IF_ERROR(CheckKeys(pn, "personalization field",
                                      {"id", "label", "type", "required", "price", "max_lines", "max_chars_per_line",
                                       "charset", "chars", "allow_emoji", "fonts", "accepted_types", "max_bytes",
                                       "min_width", "min_height"}));
    PersonalizationField f;
    f.location = Loc(pn);
    if (!pn["id"]) return Fail(pn, "missing key 'id' in personalization field");
    ATELIER_ASSIGN_OR_RETURN(f.id, Id(pn["id"], "field id"));
    f.label = f.id;
    if (pn["label"]) {
      ATELIER_ASSIGN_OR_RETURN(f.label, Str(pn["label"], "label"));
    }
    if (!pn["type"]) return Fail(pn, "missing key 'type' (text or image) in field '" + f.id + "'");
    ATELIER_ASSIGN_OR_RETURN(std::string type, Str(pn["type"], "type"));
    if (pn["required"]) {
      ATELIER_ASSIGN_OR_RETURN(f.required, Bool(pn["required"], "required"));
    }
    if (pn["price"]) {
      ATELIER_ASSIGN_OR_RETURN(f.price_delta, Price(pn["price"], "price"));
    }
    auto positive = [&](const char* key, auto* out) -> Status {
      if (!pn[key]) return Ok();
      ATELIER_ASSIGN_OR_RETURN(int64_t v, Int(pn[key], key));
      if (v < 0) return Fail(pn[key], std::string(key) + " must not be negative");
      *out = static_cast<std::remove_pointer_t<decltype(out)>>(v);
      return Ok();
    };
    if (type == "text") {
      f.kind = PersonalizationField::Kind::kText;
      for (const char* k : {"accepted_types", "max_bytes", "min_width", "min_height"}) {
        if (pn[k]) return Fail(pn[k], std::string("'") + k + "' applies to image fields only");
      }
      ATELIER_RETURN_IF_ERROR(positive("max_lines", &f.text.max_lines));
      ATELIER_RETURN_IF_ERROR(positive("max_chars_per_line", &f.text.max_chars_per_line));
      if (pn["charset"]) {
        ATELIER_ASSIGN_OR_RETURN(f.text.charset, Str(pn["charset"], "charset"));
        static const std::set<std::string> kCharsets = {"ascii", "latin", "alnum", "custom"};
        if (!kCharsets.count(f.text.charset)) {
          return Fail(pn["charset"], "unknown charset '" + f.text.charset + "' (expected ascii, latin, alnum or custom)");
        }
      }
      if (pn["chars"]) {
        ATELIER_ASSIGN_OR_RETURN(f.text.custom_chars, Str(pn["chars"], "chars"));
      }
      if (f.text.charset == "custom" && f.text.custom_chars.empty()) {
        return Fail(pn, "charset 'custom' needs 'chars'");
      }
      if (pn["allow_emoji"]) {
        ATELIER_ASSIGN_OR_RETURN(f.text.allow_emoji, Bool(pn["allow_emoji"], "allow_emoji"));
      }
      if (const YAML::Node fonts = pn["fonts"]) {
        if (!fonts.IsSequence()) return Fail(fonts, "expected a list of fonts");
        for (const auto& fn : fonts) {
          Font font;
          if (fn.IsScalar()) {
            ATELIER_ASSIGN_OR_RETURN(font.id, Id(fn, "font id"));
          } else {
            ATELIER_RETURN_IF_ERROR(CheckKeys(fn, "font", {"id", "label", "emoji"}));
            if (!fn["id"]) return Fail(fn, "missing key 'id' in font");
            ATELIER_ASSIGN_OR_RETURN(font.id, Id(fn["id"], "font id"));
            if (fn["label"]) {
              ATELIER_ASSIGN_OR_RETURN(font.label, Str(fn["label"], "label"));
            }
            if (fn["emoji"]) {
              ATELIER_ASSIGN_OR_RETURN(font.emoji, Bool(fn["emoji"], "emoji"));
            }
          }
          if (font.label.empty()) font.label = font.id;
          f.text.fonts.push_back(std::move(font));
        }
      }
    } else if (type == "image") {
      f.kind = PersonalizationField::Kind::kImage;
      for (const char* k : {"max_lines", "max_chars_per_line", "charset", "chars", "allow_emoji", "fonts"}) {
        if (pn[k]) return Fail(pn[k], std::string("'") + k + "' applies to text fields only");
      }
      if (pn["accepted_types"]) {
        ATELIER_ASSIGN_OR_RETURN(f.image.accepted_types, StrList(pn["accepted_types"], "accepted_types"));
      }
      ATELIER_RETURN_IF_ERROR(positive("max_bytes", &f.image.max_bytes));
      ATELIER_RETURN_IF_ERROR(positive("min_width", &f.image.min_width));
      ATELIER_RETURN_IF_ERROR(positive("min_height", &f.image.min_height));
    } else {
      return Fail(pn["type"], "unknown field type '" + type + "' (expected text or image)");
    }
    return f;
  }

  std::string file_;
  std::vector<std::string> source_lines_;
};

// ---------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------

std::string Quote(std::string_view s) {
  bool plain = !s.empty();
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == ' ')) plain = false;
  }
  if (plain && (s.front() == ' ' || s.back() == ' ' || s.front() == '-')) plain = false;
  static const std::set<std::string> kYamlWords = {"true", "false", "yes", "no", "null", "on", "off", "y", "n", "~"};
  if (plain && kYamlWords.count(ToLower(s))) plain = false;
  if (plain) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string ValueToken(const OptionValue& v) {
  bool ident = !v.id.empty() && (std::isalpha(static_cast<unsigned char>(v.id[0])) || v.id[0] == '_');
  for (char c : v.id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) ident = false;
  }
  if (ident || ParseDouble(v.id)) return v.id;
  return "\"" + v.id + "\"";
}

void FormatInto(const ProductModel& m, const Expr& e, int parent_prec, std::string* out) {
  // Precedence: or 1, and 2, not 3, atom 4.
  switch (e.kind) {
    case Expr::Kind::kTrue:
      *out += "true";
      return;
    case Expr::Kind::kFalse:
      *out += "false";
      return;
    case Expr::Kind::kIn: {
      const Option& o = m.options[e.option];
      if (o.kind == OptionKind::kBool && e.values.size() == 1 && o.values[e.values[0]].id == "true") {
        *out += o.id;
      } else if (e.values.size() == 1) {
        *out += o.id + " = " + ValueToken(o.values[e.values[0]]);
      } else if (e.values.empty()) {
        *out += "false";
      } else {
        *out += o.id + " in {";
        for (size_t i = 0; i < e.values.size(); ++i) {
          *out += (i ? ", " : "") + ValueToken(o.values[e.values[i]]);
        }
        *out += "}";
      }
      return;
    }
    case Expr::Kind::kNot:
      *out += "not ";
      FormatInto(m, e.children[0], 3, out);
      return;
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr: {
      int prec = e.kind == Expr::Kind::kAnd ? 2 : 1;
      bool paren = prec < parent_prec;
      if (paren) *out += "(";
      for (size_t i = 0; i < e.children.size(); ++i) {
        if (i) *out += prec == 2 ? " and " : " or ";
        FormatInto(m, e.children[i], prec + 1, out);
      }
      if (paren) *out += ")";
      return;
    }
  }
}

}  // namespace

Result<ProductModel> ParseProductModel(std::string_view yaml_text, std::string_view file_name) {
  return ModelParser(file_name).Parse(yaml_text);
}

Result<ProductModel> LoadProductModelFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NotFound("cannot open model file " + path, path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseProductModel(ss.str(), path);
}

Result<Expr> ParseExpression(const ProductModel& model, std::string_view text, std::string_view file_name, int line,
                             int column) {
  return ExprParser(model, text, file_name, line, column).Parse();
}

std::string FormatExpression(const ProductModel& model, const Expr& e) {
  std::string out;
  FormatInto(model, e, 0, &out);
  return out;
}

std::string WriteProductModel(const ProductModel& m) {
  std::string out;
  out += "model: " + Quote(m.id) + "\n";
  out += "name: " + Quote(m.name) + "\n";
  out += "version: " + std::to_string(m.version) + "\n";
  out += "currency: " + m.currency + "\n";
  out += "base_price: " + FormatMinorUnits(m.base_price) + "\n";
  if (m.base_lead_time_days) out += "lead_time_days: " + std::to_string(m.base_lead_time_days) + "\n";
  if (!m.plants.empty()) {
    out += "plants: [";
    for (size_t i = 0; i < m.plants.size(); ++i) out += (i ? ", " : "") + Quote(m.plants[i]);
    out += "]\n";
  }
  out += "options:\n";
  for (const Option& o : m.options) {
    out += "  - id: " + Quote(o.id) + "\n";
    if (o.label != o.id) out += "    label: " + Quote(o.label) + "\n";
    if (o.kind == OptionKind::kBool) {
      out += "    type: bool\n";
      if (o.values[1].price_delta) out += "    price: " + FormatMinorUnits(o.values[1].price_delta) + "\n";
      if (o.values[1].lead_time_days) out += "    lead_time: " + std::to_string(o.values[1].lead_time_days) + "\n";
      continue;
    }
    if (o.optional) out += "    optional: true\n";
    out += "    values:\n";
    for (const OptionValue& v : o.values) {
      if (v.absent) continue;
      out += "      - {id: " + Quote(v.id);
      if (v.label != v.id) out += ", label: " + Quote(v.label);
      if (v.price_delta) out += ", price: " + FormatMinorUnits(v.price_delta);
      if (v.lead_time_days) out += ", lead_time: " + std::to_string(v.lead_time_days);
      if (!v.image.empty()) out += ", image: " + Quote(v.image);
      out += "}\n";
    }
  }
  if (!m.rules.empty()) out += "rules:\n";
  for (const Rule& r : m.rules) {
    out += "  - id: " + Quote(r.id) + "\n";
    if (r.kind == Rule::Kind::kConstraint) {
      out += "    rule: " + Quote(FormatExpression(m, r.expr)) + "\n";
    } else {
      out += std::string("    ") + (r.kind == Rule::Kind::kAllowedTable ? "allowed" : "forbidden") + ":\n";
      out += "      options: [";
      for (size_t i = 0; i < r.table_options.size(); ++i) {
        out += (i ? ", " : "") + Quote(m.options[r.table_options[i]].id);
      }
      // An empty table ("allowed" with no rows: nothing is allowed) is
      // written as an empty flow list, which reads back as a list.
      out += r.rows.empty() ? "]\n      rows: []\n" : "]\n      rows:\n";
      for (const auto& row : r.rows) {
        out += "        - [";
        for (size_t i = 0; i < row.size(); ++i) {
          out += i ? ", " : "";
          out += row[i] == kAnyValue ? "\"*\"" : Quote(m.options[r.table_options[i]].values[row[i]].id);
        }
        out += "]\n";
      }
    }
    if (!r.message.empty()) out += "    message: " + Quote(r.message) + "\n";
  }
  if (!m.adjustments.empty()) out += "adjustments:\n";
  for (const PriceAdjustment& a : m.adjustments) {
    out += "  - {id: " + Quote(a.id) + ", label: " + Quote(a.label) + ", when: " +
           Quote(FormatExpression(m, a.when)) + ", price: " + FormatMinorUnits(a.delta) + "}\n";
  }
  if (!m.personalization.empty()) out += "personalization:\n";
  for (const PersonalizationField& f : m.personalization) {
    out += "  - id: " + Quote(f.id) + "\n    label: " + Quote(f.label) + "\n";
    out += std::string("    type: ") + (f.kind == PersonalizationField::Kind::kText ? "text" : "image") + "\n";
    if (f.required) out += "    required: true\n";
    if (f.price_delta) out += "    price: " + FormatMinorUnits(f.price_delta) + "\n";
    if (f.kind == PersonalizationField::Kind::kText) {
      out += "    max_lines: " + std::to_string(f.text.max_lines) + "\n";
      out += "    max_chars_per_line: " + std::to_string(f.text.max_chars_per_line) + "\n";
      out += "    charset: " + f.text.charset + "\n";
      if (!f.text.custom_chars.empty()) out += "    chars: " + Quote(f.text.custom_chars) + "\n";
      if (f.text.allow_emoji) out += "    allow_emoji: true\n";
      if (!f.text.fonts.empty()) {
        out += "    fonts:\n";
        for (const Font& font : f.text.fonts) {
          out += "      - {id: " + Quote(font.id) + ", label: " + Quote(font.label) +
                 (font.emoji ? ", emoji: true" : "") + "}\n";
        }
      }
    } else {
      out += "    accepted_types: [";
      for (size_t i = 0; i < f.image.accepted_types.size(); ++i) {
        out += (i ? ", " : "") + Quote(f.image.accepted_types[i]);
      }
      out += "]\n    max_bytes: " + std::to_string(f.image.max_bytes) + "\n";
      out += "    min_width: " + std::to_string(f.image.min_width) + "\n";
      out += "    min_height: " + std::to_string(f.image.min_height) + "\n";
    }
  }
  return out;
}

}  // namespace atelier::config
