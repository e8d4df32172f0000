// ReadTx/WriteTx over one SQLite connection that is already inside a transaction.
// The store opens and ends the transaction (BEGIN/COMMIT for reads, a SAVEPOINT inside the
// writer's batch for writes); these classes only run statements, all with bound parameters.
#pragma once

#include "store/sqlite/connection.h"
#include "store/store.h"

namespace omniline::store::sqlite {

// Largest page list_employees returns, whatever the request asks for.
constexpr int kMaxPageLimit = 1000;

// The read operations, written once and shared by both transaction kinds: `Base` is ReadTx
// for the read pool and WriteTx for the writer. Instantiated for those two in sqlite_tx.cc.
template <typename Base>
class SqliteReads : public Base {
 public:
  explicit SqliteReads(Connection& conn) : conn_(conn) {}

  Result<domain::Employee> employee_by_id(EmployeeId id) override;
  Result<domain::Employee> employee_by_email(std::string_view email) override;
  Result<Page<domain::Employee>> list_employees(const EmployeeFilter& filter,
                                                PageRequest page) override;
  Result<std::int64_t> count_employees() override;
  Result<std::int64_t> count_active_admins() override;
  Result<domain::AuthToken> token_by_hash(std::string_view token_hash) override;
  Result<std::vector<domain::AuthToken>> list_tokens(EmployeeId employee,
                                                     domain::TokenKind kind) override;

  // The raw connection, for sqlite-specific tests and diagnostics.
  Connection& connection() { return conn_; }

 protected:
  Connection& conn_;
};

extern template class SqliteReads<ReadTx>;
extern template class SqliteReads<WriteTx>;

using SqliteReadTx = SqliteReads<ReadTx>;

class SqliteWriteTx final : public SqliteReads<WriteTx> {
 public:
  explicit SqliteWriteTx(Connection& conn) : SqliteReads<WriteTx>(conn) {}

  Result<EmployeeId> insert_employee(const domain::Employee& e) override;
  Status update_employee(const domain::Employee& e) override;
  Result<TokenId> insert_token(const domain::AuthToken& t) override;
  Status touch_token(TokenId id, UnixMs used_at) override;
  Status revoke_token(EmployeeId employee, TokenId id, UnixMs at) override;
  Result<std::int64_t> revoke_all_tokens(EmployeeId employee, UnixMs at) override;
  Result<std::int64_t> purge_tokens(UnixMs before) override;
};

}  // namespace omniline::store::sqlite
