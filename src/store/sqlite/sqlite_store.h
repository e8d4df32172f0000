// SqliteStore: the Store over one SQLite file — a GroupCommitWriter (one writer connection and
// thread) and a ReadPool. Created by open_sqlite() (store.h); see store.h for the contract.
#pragma once

#include <memory>

#include "store/sqlite/checkpointer.h"
#include "store/sqlite/group_commit.h"
#include "store/sqlite/read_pool.h"
#include "store/store.h"

namespace omniline::store::sqlite {

class SqliteStore final : public Store {
 public:
  static Result<std::unique_ptr<Store>> open(const SqliteOptions& options);
  ~SqliteStore() override;

  Status read(const ReadFn& fn) override;
  void submit_write(WriteFn fn, DoneFn done) override;
  int schema_version() const override { return schema_version_; }
  bool ready() const override;
  StoreStats stats() const override;
  void set_commit_observer(CommitObserver observer) override;
  void close() override;

 private:
  SqliteStore(int schema_version, int busy_timeout_ms, std::unique_ptr<ReadPool> readers,
              std::unique_ptr<Checkpointer> checkpointer,
              std::unique_ptr<GroupCommitWriter> writer);

  const int schema_version_;
  const int busy_timeout_ms_;
  std::unique_ptr<ReadPool> readers_;
  std::unique_ptr<Checkpointer> checkpointer_;  // before writer_: destroyed after it
  std::unique_ptr<GroupCommitWriter> writer_;
};

}  // namespace omniline::store::sqlite
