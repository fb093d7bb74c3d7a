#include "atelier/store/copy.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <map>
#include <set>

#include "atelier/core/strings.h"
#include "atelier/store/migrations.h"

namespace atelier::store {

namespace {

struct TableSchema {
  std::string name;
  std::set<std::string> references;          // other tables its foreign keys point at
  std::vector<std::string> self_references;  // its columns that point at itself
};

// The identifier after `keyword` in `s` (lower-case), or "".
std::string WordAfter(const std::string& s, const std::string& keyword, size_t from = 0) {
  size_t at = s.find(keyword, from);
  if (at == std::string::npos) return {};
  size_t i = at + keyword.size();
  while (i < s.size() && s[i] == ' ') ++i;
  size_t j = i;
  while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
  return s.substr(i, j - i);
}

// The tables the migrations leave behind, parents before children, read off
// the migrations' own DDL (one column per line, as migrations.cc writes it).
std::vector<TableSchema> TablesInDependencyOrder() {
  std::vector<TableSchema> created;
  auto find = [&created](const std::string& name) {
    return std::find_if(created.begin(), created.end(), [&](const TableSchema& t) { return t.name == name; });
  };
  for (const Migration& m : Migrations()) {
    for (const std::string& raw : m.sqlite) {
      const std::string s = ToLower(Trim(raw));
      std::string table;
      if (StartsWith(s, "create table")) {
        table = WordAfter(s, "create table");
        if (table == "if") table = WordAfter(s, "if not exists");
        created.push_back(TableSchema{table, {}, {}});
      } else if (StartsWith(s, "alter table")) {
        table = WordAfter(s, "alter table");
      } else if (StartsWith(s, "drop table")) {
        std::string name = WordAfter(s, "drop table");
        if (name == "if") name = WordAfter(s, "if exists");
        if (auto it = find(name); it != created.end()) created.erase(it);
        continue;
      } else {
        continue;
      }
      auto it = find(table);
      if (it == created.end()) continue;
      for (const std::string& line : Split(s, '\n')) {
        for (size_t at = line.find("references"); at != std::string::npos;
             at = line.find("references", at + 10)) {
          const std::string target = WordAfter(line, "references", at);
          if (target != table) {
            it->references.insert(target);
            continue;
          }
          // The referencing column: the line's first word, or the one after
          // ADD [COLUMN] in an ALTER TABLE.
          std::string column = WordAfter(line, "add column");
          if (column.empty()) column = Split(Trim(line), ' ').at(0);
          it->self_references.push_back(column);
        }
      }
    }
  }
  std::vector<TableSchema> ordered;
  std::set<std::string> placed;
  while (ordered.size() < created.size()) {
    bool progressed = false;
    for (const TableSchema& t : created) {
      if (placed.count(t.name)) continue;
      bool ready = std::all_of(t.references.begin(), t.references.end(), [&](const std::string& r) {
        return placed.count(r) || find(r) == created.end();
      });
      if (!ready) continue;
      ordered.push_back(t);
      placed.insert(t.name);
      progressed = true;
      break;
    }
    assert(progressed && "foreign-key cycle between tables");
    if (!progressed) break;
  }
  return ordered;
}

Result<std::vector<std::string>> Columns(Database& db, const std::string& table) {
  const char* sql =
      db.backend() == "sqlite"
          ? "SELECT name FROM pragma_table_info(?) ORDER BY cid"
          : "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ? ORDER BY ordinal_position";
  ATELIER_ASSIGN_OR_RETURN(auto rows, db.Query(sql, {table}));
  std::vector<std::string> out;
  for (const Row& r : rows) out.push_back(r.Text(0));
  if (out.empty())
    return Error::NotFound("the " + std::string(db.backend()) + " store has no table " + table, table);
  return out;
}

Result<int64_t> CountRows(Session& db, const std::string& table) {
  ATELIER_ASSIGN_OR_RETURN(auto rows, db.Query("SELECT COUNT(*) FROM " + table));
  return rows.at(0).Int(0);
}

// Inserts `rows` (values for `columns`) with multi-row INSERTs in one
// transaction.
Status InsertBatch(Database& to, const std::string& table, const std::vector<std::string>& columns,
                   const std::vector<std::vector<Value>>& rows) {
  // Keep each statement well under SQLite's and PostgreSQL's parameter limits.
  const size_t per_statement = std::max<size_t>(1, 2000 / columns.size());
  const std::string head = "INSERT INTO " + table + " (" + Join(columns, ", ") + ") VALUES ";
  std::string tuple = "(";
  for (size_t c = 0; c < columns.size(); ++c) tuple += c ? ", ?" : "?";
  tuple += ")";
  return to.Transact([&](Session& tx) -> Status {
    for (size_t begin = 0; begin < rows.size(); begin += per_statement) {
      const size_t end = std::min(rows.size(), begin + per_statement);
      std::string sql = head;
      Params params;
      params.reserve((end - begin) * columns.size());
      for (size_t r = begin; r < end; ++r) {
        if (r > begin) sql += ", ";
        sql += tuple;
        params.insert(params.end(), rows[r].begin(), rows[r].end());
      }
      ATELIER_RETURN_IF_ERROR(tx.Exec(sql, params));
    }
    return Ok();
  });
}

}  // namespace

Result<std::vector<TableCount>> CopyStore(Database& from, Database& to, const CopyOptions& options) {
  if (from.schema_version() != to.schema_version()) {
    return Error::InvalidArgument("schema versions differ: source " + std::to_string(from.schema_version()) +
                                  ", target " + std::to_string(to.schema_version()));
  }
  const std::vector<TableSchema> tables = TablesInDependencyOrder();

  // What a freshly migrated store holds (migrations seed a few rows): a target
  // with no more than that counts as empty.
  ATELIER_ASSIGN_OR_RETURN(std::unique_ptr<Database> fresh, OpenDatabase("sqlite::memory:"));
  std::vector<TableCount> counts;
  int64_t total = 0;
  for (const TableSchema& t : tables) {
    TableCount c{t.name, 0, 0};
    ATELIER_ASSIGN_OR_RETURN(c.source_rows, CountRows(from, t.name));
    ATELIER_ASSIGN_OR_RETURN(c.target_rows, CountRows(to, t.name));
    ATELIER_ASSIGN_OR_RETURN(int64_t seeded, CountRows(*fresh, t.name));
    if (c.target_rows > seeded && !options.replace_target) {
      return Error::Conflict("the target store already holds data (" + t.name + ": " +
                             std::to_string(c.target_rows) + " rows); replace it with --force");
    }
    total += c.source_rows;
    counts.push_back(c);
  }

  ATELIER_RETURN_IF_ERROR(to.Transact([&](Session& tx) -> Status {
    for (auto it = tables.rbegin(); it != tables.rend(); ++it) {
      ATELIER_RETURN_IF_ERROR(tx.Exec("DELETE FROM " + it->name));
    }
    return Ok();
  }));

  const size_t batch_rows = static_cast<size_t>(std::max(1, options.batch_rows));
  int64_t copied = 0;
  if (options.on_progress) options.on_progress(0, total);
  for (const TableSchema& t : tables) {
    ATELIER_ASSIGN_OR_RETURN(std::vector<std::string> columns, Columns(from, t.name));
    ATELIER_ASSIGN_OR_RETURN(std::vector<std::string> target_columns, Columns(to, t.name));
    for (const std::string& c : columns) {
      if (std::find(target_columns.begin(), target_columns.end(), c) == target_columns.end()) {
        return Error::InvalidArgument("the target's table " + t.name + " has no column " + c, t.name);
      }
    }
    const bool has_id = std::find(columns.begin(), columns.end(), "id") != columns.end();
    // Self-references are nulled on insert and set once every row exists.
    std::vector<size_t> self_columns;
    for (const std::string& c : t.self_references) {
      auto at = std::find(columns.begin(), columns.end(), c);
      if (at != columns.end()) self_columns.push_back(static_cast<size_t>(at - columns.begin()));
    }
    if (!self_columns.empty() && !has_id) {
      return Error::Internal("table " + t.name + " references itself but has no id column");
    }
    std::vector<std::vector<Value>> batch;
    std::vector<std::vector<Value>> links;  // {id, column values...} for the second pass
    Status failure;
    Status scan =
        from.QueryEach("SELECT " + Join(columns, ", ") + " FROM " + t.name + (has_id ? " ORDER BY id" : ""),
                       {}, [&](const Row& r) {
                         std::vector<Value> values;
                         values.reserve(columns.size());
                         for (size_t i = 0; i < columns.size(); ++i) values.push_back(r[i]);
                         if (!self_columns.empty()) {
                           std::vector<Value> link{values[static_cast<size_t>(
                               std::find(columns.begin(), columns.end(), "id") - columns.begin())]};
                           bool any = false;
                           for (size_t i : self_columns) {
                             any = any || !r.IsNull(i);
                             link.push_back(values[i]);
                             values[i] = std::monostate{};
                           }
                           if (any) links.push_back(std::move(link));
                         }
                         batch.push_back(std::move(values));
                         if (batch.size() < batch_rows) return true;
                         failure = InsertBatch(to, t.name, columns, batch);
                         copied += static_cast<int64_t>(batch.size());
                         batch.clear();
                         if (options.on_progress) options.on_progress(copied, total);
                         return failure.ok();
                       });
    ATELIER_RETURN_IF_ERROR(scan);
    ATELIER_RETURN_IF_ERROR(failure);
    if (!batch.empty()) {
      ATELIER_RETURN_IF_ERROR(InsertBatch(to, t.name, columns, batch));
      copied += static_cast<int64_t>(batch.size());
      if (options.on_progress) options.on_progress(copied, total);
    }
    for (size_t begin = 0; begin < links.size(); begin += batch_rows) {
      const size_t end = std::min(links.size(), begin + batch_rows);
      ATELIER_RETURN_IF_ERROR(to.Transact([&](Session& tx) -> Status {
        std::string set;
        for (size_t k = 0; k < self_columns.size(); ++k) {
          set += (k ? ", " : "") + columns[self_columns[k]] + " = ?";
        }
        for (size_t i = begin; i < end; ++i) {
          Params params(links[i].begin() + 1, links[i].end());
          params.push_back(links[i][0]);
          ATELIER_RETURN_IF_ERROR(tx.Exec("UPDATE " + t.name + " SET " + set + " WHERE id = ?", params));
        }
        return Ok();
      }));
    }
    if (has_id && to.backend() == "postgresql") {
      // Explicit ids do not advance an identity sequence: move it past them
      // (tables keyed by a text id have none).
      ATELIER_ASSIGN_OR_RETURN(auto sequence, to.Query("SELECT pg_get_serial_sequence(?, 'id')", {t.name}));
      if (!sequence.empty() && !sequence[0].IsNull(0)) {
        ATELIER_RETURN_IF_ERROR(
            to.Query("SELECT setval(?, (SELECT COALESCE(MAX(id), 0) + 1 FROM " + t.name + "), false)",
                     {sequence[0].Text(0)}));
      }
    }
  }

  std::string mismatches;
  for (TableCount& c : counts) {
    ATELIER_ASSIGN_OR_RETURN(c.target_rows, CountRows(to, c.table));
    if (c.target_rows != c.source_rows) {
      mismatches += (mismatches.empty() ? "" : ", ") + c.table + " " + std::to_string(c.source_rows) +
                    " -> " + std::to_string(c.target_rows);
    }
  }
  if (!mismatches.empty()) {
    return Error::Conflict("row counts differ after the copy (was the source written to meanwhile?): " +
                           mismatches);
  }
  return counts;
}

}  // namespace atelier::store
