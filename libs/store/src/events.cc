#include "atelier/store/events.h"

#include <algorithm>

namespace atelier::store {
namespace {

// Rows per statement: 800 parameters, under SQLite's and PostgreSQL's limits.
constexpr size_t kRowsPerStatement = 100;
constexpr size_t kColumns = 8;

std::string InsertSql(size_t rows) {
  std::string sql = "INSERT INTO events (event_id, type, user_id, item_id, basket_id, quantity, query, ts) VALUES ";
  for (size_t r = 0; r < rows; ++r) sql += r ? ",(?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?)";
  sql += " ON CONFLICT (event_id) DO NOTHING";
  return sql;
}

}  // namespace

Result<int64_t> InsertEvents(Session& tx, std::span<const EventRow> rows) {
  static const std::string full_sql = InsertSql(kRowsPerStatement);
  int64_t stored = 0;
  Params params;
  params.reserve(std::min(rows.size(), kRowsPerStatement) * kColumns);
  for (size_t begin = 0; begin < rows.size(); begin += kRowsPerStatement) {
    const size_t n = std::min(kRowsPerStatement, rows.size() - begin);
    params.clear();
    for (const EventRow& e : rows.subspan(begin, n)) {
      params.emplace_back(e.event_id);
      params.emplace_back(e.type);
      params.emplace_back(e.user_id);
      params.emplace_back(e.item_id);
      params.emplace_back(e.basket_id);
      params.emplace_back(e.quantity);
      params.emplace_back(e.query);
      params.emplace_back(e.ts);
    }
    ATELIER_ASSIGN_OR_RETURN(int64_t changed, tx.Exec(n == kRowsPerStatement ? full_sql : InsertSql(n), params));
    stored += changed;
  }
  return stored;
}

}  // namespace atelier::store
