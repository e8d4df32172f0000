// The storage contract (store.h), run against every backend as typed tests.
//
// The backends and how to add one: store_test_backends.h.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <future>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"
#include "store/store_test_backends.h"

namespace omniline::store {
namespace {

using domain::AuthToken;
using domain::Employee;
using domain::Role;
using domain::TokenKind;

using test_backends::Backends;

// --- fixture and helpers ---

template <typename Backend>
class StoreContractTest : public ::testing::Test {
 protected:
  void SetUp() override { reopen(); }
  void TearDown() override {
    if (store_) store_->close();
    store_.reset();
  }

  void reopen() {
    if (store_) store_->close();
    store_.reset();
    auto s = backend_.open();
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(*s);
  }

  Store& store() { return *store_; }

  static Employee employee(const std::string& email, Role role = Role::kOperator,
                           bool active = true) {
    Employee e;
    e.name = "Name of " + email;
    e.email = email;
    e.role = role;
    e.active = active;
    e.avatar_url = "https://example.com/" + email + ".png";
    e.password_hash = "$argon2id$fake";
    e.created_at = 1'700'000'000'000;
    e.updated_at = 1'700'000'000'500;
    return e;
  }

  EmployeeId add(const Employee& e) {
    auto id = store().template write_value<EmployeeId>(
        [&](WriteTx& tx) { return tx.insert_employee(e); });
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : EmployeeId();
  }

  static AuthToken token(EmployeeId owner, const std::string& hash, UnixMs created,
                         TokenKind kind = TokenKind::kSession) {
    AuthToken t;
    t.employee_id = owner;
    t.kind = kind;
    t.name = kind == TokenKind::kPersonal ? "ci" : "";
    t.token_hash = hash;
    t.created_at = created;
    if (kind == TokenKind::kSession) t.expires_at = created + 1000;
    return t;
  }

  TokenId add_token(const AuthToken& t) {
    auto id =
        store().template write_value<TokenId>([&](WriteTx& tx) { return tx.insert_token(t); });
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : TokenId();
  }

  Result<Employee> get(EmployeeId id) {
    return store().template read_value<Employee>([&](ReadTx& tx) { return tx.employee_by_id(id); });
  }

  std::int64_t count() {
    auto n =
        store().template read_value<std::int64_t>([](ReadTx& tx) { return tx.count_employees(); });
    EXPECT_TRUE(n.ok());
    return n.ok() ? *n : -1;
  }

  Backend backend_;
  std::unique_ptr<Store> store_;
};

TYPED_TEST_SUITE(StoreContractTest, Backends);

void expect_same(const Employee& a, const Employee& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.email, b.email);
  EXPECT_EQ(a.role, b.role);
  EXPECT_EQ(a.avatar_url, b.avatar_url);
  EXPECT_EQ(a.active, b.active);
  EXPECT_EQ(a.password_hash, b.password_hash);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.updated_at, b.updated_at);
}

// --- employees ---

TYPED_TEST(StoreContractTest, IsReadyAndMigrated) {
  EXPECT_TRUE(this->store().ready());
  EXPECT_GE(this->store().schema_version(), 1);
  EXPECT_EQ(this->count(), 0);
}

TYPED_TEST(StoreContractTest, InsertedEmployeeReadsBackByIdAndEmail) {
  auto e = this->employee("alice@example.com", Role::kSupervisor);
  e.id = EmployeeId(999);  // ignored
  EmployeeId id = this->add(e);
  ASSERT_TRUE(id.is_valid());

  auto by_id = this->get(id);
  ASSERT_TRUE(by_id.ok()) << by_id.error().message;
  EXPECT_EQ(by_id->id, id);
  expect_same(*by_id, e);

  auto by_email = this->store().template read_value<Employee>(
      [](ReadTx& tx) { return tx.employee_by_email("alice@example.com"); });
  ASSERT_TRUE(by_email.ok());
  EXPECT_EQ(by_email->id, id);
  EXPECT_EQ(this->count(), 1);
}

TYPED_TEST(StoreContractTest, MissingEmployeeIsNotFound) {
  auto by_id = this->get(EmployeeId(12345));
  ASSERT_FALSE(by_id.ok());
  EXPECT_EQ(by_id.error().code, ErrorCode::kNotFound);
  auto by_email = this->store().template read_value<Employee>(
      [](ReadTx& tx) { return tx.employee_by_email("nobody@example.com"); });
  ASSERT_FALSE(by_email.ok());
  EXPECT_EQ(by_email.error().code, ErrorCode::kNotFound);
}

TYPED_TEST(StoreContractTest, EmptyTextFieldsRoundTrip) {
  auto e = this->employee("empty@example.com");
  e.avatar_url = "";
  e.name = "";
  EmployeeId id = this->add(e);
  auto got = this->get(id);
  ASSERT_TRUE(got.ok());
  expect_same(*got, e);
}

TYPED_TEST(StoreContractTest, DuplicateEmailIsConflict) {
  this->add(this->employee("dup@example.com"));
  Status st = this->store().write([&](WriteTx& tx) -> Status {
    auto id = tx.insert_employee(this->employee("dup@example.com"));
    if (!id.ok()) return id.error();
    return {};
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kConflict);
  EXPECT_EQ(this->count(), 1);
}

TYPED_TEST(StoreContractTest, UpdateReplacesEveryField) {
  EmployeeId id = this->add(this->employee("old@example.com"));
  auto changed = this->employee("new@example.com", Role::kAdmin, false);
  changed.id = id;
  changed.name = "Renamed";
  changed.avatar_url = "";
  changed.password_hash = "$argon2id$other";
  changed.created_at = 5;
  changed.updated_at = 6;
  ASSERT_TRUE(this->store().write([&](WriteTx& tx) { return tx.update_employee(changed); }).ok());
  auto got = this->get(id);
  ASSERT_TRUE(got.ok());
  expect_same(*got, changed);
}

TYPED_TEST(StoreContractTest, UpdateOfMissingEmployeeIsNotFound) {
  auto e = this->employee("ghost@example.com");
  e.id = EmployeeId(777);
  Status st = this->store().write([&](WriteTx& tx) { return tx.update_employee(e); });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kNotFound);
}

TYPED_TEST(StoreContractTest, UpdateToTakenEmailIsConflict) {
  this->add(this->employee("a@example.com"));
  EmployeeId b = this->add(this->employee("b@example.com"));
  auto e = this->employee("a@example.com");
  e.id = b;
  Status st = this->store().write([&](WriteTx& tx) { return tx.update_employee(e); });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kConflict);
  auto got = this->get(b);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->email, "b@example.com");
}

TYPED_TEST(StoreContractTest, CountsActiveAdminsOnly) {
  this->add(this->employee("admin1@example.com", Role::kAdmin));
  this->add(this->employee("admin2@example.com", Role::kAdmin));
  this->add(this->employee("admin3@example.com", Role::kAdmin, /*active=*/false));
  this->add(this->employee("sup@example.com", Role::kSupervisor));
  this->add(this->employee("op@example.com", Role::kOperator));
  auto n = this->store().template read_value<std::int64_t>(
      [](ReadTx& tx) { return tx.count_active_admins(); });
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(this->count(), 5);
}

// --- paging ---

TYPED_TEST(StoreContractTest, ListPagesInIdOrder) {
  std::vector<EmployeeId> ids;
  for (int i = 0; i < 7; ++i) {
    ids.push_back(this->add(this->employee("p" + std::to_string(i) + "@example.com")));
  }
  auto list = [&](std::int64_t after, int limit) {
    return this->store().template read_value<Page<Employee>>([&](ReadTx& tx) {
      return tx.list_employees({}, PageRequest{after, limit});
    });
  };
  auto first = list(0, 3);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->items.size(), 3u);
  EXPECT_TRUE(first->has_more);
  EXPECT_EQ(first->items[0].id, ids[0]);
  EXPECT_EQ(first->items[2].id, ids[2]);

  auto second = list(first->items.back().id.get(), 3);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->items.size(), 3u);
  EXPECT_TRUE(second->has_more);
  EXPECT_EQ(second->items[0].id, ids[3]);

  auto last = list(second->items.back().id.get(), 3);
  ASSERT_TRUE(last.ok());
  ASSERT_EQ(last->items.size(), 1u);
  EXPECT_FALSE(last->has_more);
  EXPECT_EQ(last->items[0].id, ids[6]);

  auto exact = list(0, 7);  // a page that ends exactly at the last row has nothing more
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->items.size(), 7u);
  EXPECT_FALSE(exact->has_more);

  auto beyond = list(ids[6].get(), 3);
  ASSERT_TRUE(beyond.ok());
  EXPECT_TRUE(beyond->items.empty());
  EXPECT_FALSE(beyond->has_more);
}

TYPED_TEST(StoreContractTest, ListFiltersByActive) {
  EmployeeId a = this->add(this->employee("a@example.com"));
  EmployeeId b = this->add(this->employee("b@example.com", Role::kOperator, false));
  EmployeeId c = this->add(this->employee("c@example.com"));
  auto list = [&](std::optional<bool> active) {
    EmployeeFilter f;
    f.active = active;
    auto page = this->store().template read_value<Page<Employee>>([&](ReadTx& tx) {
      return tx.list_employees(f, PageRequest{0, 50});
    });
    std::vector<EmployeeId> out;
    EXPECT_TRUE(page.ok());
    if (page.ok()) {
      for (const auto& e : page->items) out.push_back(e.id);
    }
    return out;
  };
  EXPECT_EQ(list(std::nullopt), (std::vector<EmployeeId>{a, b, c}));
  EXPECT_EQ(list(true), (std::vector<EmployeeId>{a, c}));
  EXPECT_EQ(list(false), (std::vector<EmployeeId>{b}));
}

TYPED_TEST(StoreContractTest, ListWithFilterPagesOverMatchingRowsOnly) {
  for (int i = 0; i < 6; ++i) {
    this->add(this->employee("f" + std::to_string(i) + "@example.com", Role::kOperator, i % 2));
  }
  EmployeeFilter active;
  active.active = true;
  auto page = this->store().template read_value<Page<Employee>>([&](ReadTx& tx) {
    return tx.list_employees(active, PageRequest{0, 2});
  });
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_TRUE(page->has_more);
  auto rest = this->store().template read_value<Page<Employee>>([&](ReadTx& tx) {
    return tx.list_employees(active, PageRequest{page->items.back().id.get(), 2});
  });
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_FALSE(rest->has_more);
  EXPECT_TRUE(rest->items[0].active);
}

// --- tokens ---

TYPED_TEST(StoreContractTest, TokenRoundTripsByHash) {
  EmployeeId owner = this->add(this->employee("t@example.com"));
  std::string hash(32, '\0');  // raw bytes, including NULs
  for (int i = 0; i < 32; ++i) hash[i] = static_cast<char>(i * 7);
  auto t = this->token(owner, hash, 1000, TokenKind::kPersonal);
  t.expires_at.reset();
  t.last_used_at = 1500;
  TokenId id = this->add_token(t);
  ASSERT_TRUE(id.is_valid());

  auto got = this->store().template read_value<AuthToken>(
      [&](ReadTx& tx) { return tx.token_by_hash(hash); });
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->id, id);
  EXPECT_EQ(got->employee_id, owner);
  EXPECT_EQ(got->kind, TokenKind::kPersonal);
  EXPECT_EQ(got->name, "ci");
  EXPECT_EQ(got->token_hash, hash);
  EXPECT_EQ(got->created_at, 1000);
  EXPECT_FALSE(got->expires_at.has_value());
  EXPECT_EQ(got->last_used_at, std::optional<UnixMs>(1500));
  EXPECT_FALSE(got->revoked_at.has_value());

  auto missing = this->store().template read_value<AuthToken>(
      [](ReadTx& tx) { return tx.token_by_hash(std::string(32, 'x')); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TYPED_TEST(StoreContractTest, SameTokenHashIsConflict) {
  EmployeeId owner = this->add(this->employee("t@example.com"));
  this->add_token(this->token(owner, "hash-1", 1));
  auto again = this->store().template write_value<TokenId>(
      [&](WriteTx& tx) { return tx.insert_token(this->token(owner, "hash-1", 2)); });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
}

TYPED_TEST(StoreContractTest, TokenOfMissingEmployeeIsRejected) {
  auto id = this->store().template write_value<TokenId>(
      [&](WriteTx& tx) { return tx.insert_token(this->token(EmployeeId(4242), "h", 1)); });
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code, ErrorCode::kNotFound);
}

TYPED_TEST(StoreContractTest, ListTokensNewestFirstWithoutRevokedOrOtherKinds) {
  EmployeeId owner = this->add(this->employee("t@example.com"));
  EmployeeId other = this->add(this->employee("o@example.com"));
  TokenId old_session = this->add_token(this->token(owner, "s1", 100));
  TokenId new_session = this->add_token(this->token(owner, "s2", 300));
  TokenId revoked = this->add_token(this->token(owner, "s3", 200));
  this->add_token(this->token(owner, "p1", 400, TokenKind::kPersonal));
  this->add_token(this->token(other, "s4", 500));
  ASSERT_TRUE(
      this->store().write([&](WriteTx& tx) { return tx.revoke_token(owner, revoked, 600); }).ok());

  auto list = this->store().template read_value<std::vector<AuthToken>>(
      [&](ReadTx& tx) { return tx.list_tokens(owner, TokenKind::kSession); });
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, new_session);
  EXPECT_EQ((*list)[1].id, old_session);

  auto personal = this->store().template read_value<std::vector<AuthToken>>(
      [&](ReadTx& tx) { return tx.list_tokens(owner, TokenKind::kPersonal); });
  ASSERT_TRUE(personal.ok());
  EXPECT_EQ(personal->size(), 1u);
}

TYPED_TEST(StoreContractTest, TouchTokenSetsLastUsed) {
  EmployeeId owner = this->add(this->employee("t@example.com"));
  TokenId id = this->add_token(this->token(owner, "h", 1));
  ASSERT_TRUE(this->store().write([&](WriteTx& tx) { return tx.touch_token(id, 4242); }).ok());
  auto got = this->store().template read_value<AuthToken>(
      [](ReadTx& tx) { return tx.token_by_hash("h"); });
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->last_used_at, std::optional<UnixMs>(4242));

  Status missing = this->store().write([](WriteTx& tx) { return tx.touch_token(TokenId(999), 1); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TYPED_TEST(StoreContractTest, RevokeTokenMatchesOnlyUnrevokedTokenOfThatEmployee) {
  EmployeeId owner = this->add(this->employee("t@example.com"));
  EmployeeId other = this->add(this->employee("o@example.com"));
  TokenId id = this->add_token(this->token(owner, "h", 1));

  auto revoke = [&](EmployeeId who, TokenId what) {
    return this->store().write([&](WriteTx& tx) { return tx.revoke_token(who, what, 50); });
  };
  Status wrong_owner = revoke(other, id);
  ASSERT_FALSE(wrong_owner.ok());
  EXPECT_EQ(wrong_owner.error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(revoke(owner, id).ok());
  auto got = this->store().template read_value<AuthToken>(
      [](ReadTx& tx) { return tx.token_by_hash("h"); });
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->revoked_at, std::optional<UnixMs>(50));

  Status twice = revoke(owner, id);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kNotFound);

  Status missing = revoke(owner, TokenId(999));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TYPED_TEST(StoreContractTest, RevokeAllCountsOnlyThatEmployeesLiveTokens) {
  EmployeeId owner = this->add(this->employee("t@example.com"));
  EmployeeId other = this->add(this->employee("o@example.com"));
  this->add_token(this->token(owner, "a", 1));
  this->add_token(this->token(owner, "b", 2, TokenKind::kPersonal));
  TokenId c = this->add_token(this->token(owner, "c", 3));
  this->add_token(this->token(other, "d", 4));
  ASSERT_TRUE(this->store().write([&](WriteTx& tx) { return tx.revoke_token(owner, c, 5); }).ok());

  auto n = this->store().template write_value<std::int64_t>(
      [&](WriteTx& tx) { return tx.revoke_all_tokens(owner, 10); });
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  for (auto kind : {TokenKind::kSession, TokenKind::kPersonal}) {
    auto list = this->store().template read_value<std::vector<AuthToken>>(
        [&](ReadTx& tx) { return tx.list_tokens(owner, kind); });
    ASSERT_TRUE(list.ok());
    EXPECT_TRUE(list->empty());
  }
  auto others = this->store().template read_value<std::vector<AuthToken>>(
      [&](ReadTx& tx) { return tx.list_tokens(other, TokenKind::kSession); });
  ASSERT_TRUE(others.ok());
  EXPECT_EQ(others->size(), 1u);
}

TYPED_TEST(StoreContractTest, PurgeDeletesExpiredAndRevokedBeforeTheCutoff) {
  EmployeeId owner = this->add(this->employee("t@example.com"));
  auto expired = this->token(owner, "expired", 0);
  expired.expires_at = 100;
  auto live = this->token(owner, "live", 0);
  live.expires_at = 10'000;
  auto forever = this->token(owner, "forever", 0, TokenKind::kPersonal);
  auto revoked_early = this->token(owner, "revoked-early", 0, TokenKind::kPersonal);
  revoked_early.revoked_at = 50;
  auto revoked_late = this->token(owner, "revoked-late", 0, TokenKind::kPersonal);
  revoked_late.revoked_at = 5000;
  for (const auto& t : {expired, live, forever, revoked_early, revoked_late}) this->add_token(t);

  auto n = this->store().template write_value<std::int64_t>(
      [](WriteTx& tx) { return tx.purge_tokens(1000); });
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  for (const char* gone : {"expired", "revoked-early"}) {
    auto t = this->store().template read_value<AuthToken>(
        [&](ReadTx& tx) { return tx.token_by_hash(gone); });
    EXPECT_FALSE(t.ok()) << gone;
  }
  for (const char* kept : {"live", "forever", "revoked-late"}) {
    auto t = this->store().template read_value<AuthToken>(
        [&](ReadTx& tx) { return tx.token_by_hash(kept); });
    EXPECT_TRUE(t.ok()) << kept;
  }
}

// --- transactions ---

TYPED_TEST(StoreContractTest, ReadsInsideWriteSeeTheTransactionsOwnWrites) {
  auto n =
      this->store().template write_value<std::int64_t>([&](WriteTx& tx) -> Result<std::int64_t> {
        auto id = tx.insert_employee(this->employee("w@example.com"));
        if (!id.ok()) return id.error();
        auto e = tx.employee_by_id(*id);
        if (!e.ok()) return e.error();
        return tx.count_employees();
      });
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
}

TYPED_TEST(StoreContractTest, FailedWriteLeavesNothing) {
  Status st = this->store().write([&](WriteTx& tx) -> Status {
    auto id = tx.insert_employee(this->employee("partial@example.com"));
    if (!id.ok()) return id.error();
    return Error::invalid("changed my mind");
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInvalid);
  EXPECT_EQ(st.error().message, "changed my mind");
  EXPECT_EQ(this->count(), 0);
}

TYPED_TEST(StoreContractTest, ExceptionInWriteIsInternalAndRolledBack) {
  Status st = this->store().write([&](WriteTx& tx) -> Status {
    (void)tx.insert_employee(this->employee("thrower@example.com"));
    throw std::runtime_error("boom");
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInternal);
  EXPECT_EQ(this->count(), 0);
  // The store keeps working afterwards.
  EXPECT_TRUE(this->add(this->employee("after@example.com")).is_valid());
}

TYPED_TEST(StoreContractTest, ExceptionInReadIsInternal) {
  Status st = this->store().read([](ReadTx&) -> Status { throw std::runtime_error("boom"); });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInternal);
  EXPECT_EQ(this->count(), 0);
}

TYPED_TEST(StoreContractTest, WriteValueAndReadValueHandBackValuesAndErrors) {
  auto id = this->store().template write_value<EmployeeId>(
      [&](WriteTx& tx) { return tx.insert_employee(this->employee("v@example.com")); });
  ASSERT_TRUE(id.ok());
  auto e = this->get(*id);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->email, "v@example.com");
  auto err = this->store().template write_value<int>(
      [](WriteTx&) -> Result<int> { return Error::forbidden("no"); });
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.error().code, ErrorCode::kForbidden);
}

// Several threads submit at once so that good and failing transactions share batches; exactly
// the good ones must be stored.
TYPED_TEST(StoreContractTest, FailingTransactionIsRolledBackAloneInItsBatch) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::mutex mu;
  std::set<std::string> committed;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string email = "m" + std::to_string(t) + "-" + std::to_string(i) + "@example.com";
        const int kind = (t + i) % 3;  // 0: good, 1: returns an error, 2: throws
        Status st = this->store().write([&](WriteTx& tx) -> Status {
          auto id = tx.insert_employee(this->employee(email));
          if (!id.ok()) return id.error();
          if (kind == 1) return Error::invalid("rejected");
          if (kind == 2) throw std::runtime_error("thrown");
          return {};
        });
        if (kind == 0) {
          EXPECT_TRUE(st.ok()) << st.error().message;
          std::lock_guard lock(mu);
          committed.insert(email);
        } else {
          EXPECT_FALSE(st.ok());
          EXPECT_EQ(st.error().code, kind == 1 ? ErrorCode::kInvalid : ErrorCode::kInternal);
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();

  std::set<std::string> stored;
  Status st = this->store().read([&](ReadTx& tx) -> Status {
    PageRequest page{0, 100};
    for (;;) {
      auto p = tx.list_employees({}, page);
      if (!p.ok()) return p.error();
      for (const auto& e : p->items) stored.insert(e.email);
      if (!p->has_more) return {};
      page.after = p->items.back().id.get();
    }
  });
  ASSERT_TRUE(st.ok());
  EXPECT_GT(failures.load(), 0);
  EXPECT_EQ(stored, committed);
}

TYPED_TEST(StoreContractTest, ManyConcurrentWritersAreStoredOnceAndBatched) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 200;
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto e = this->employee("c" + std::to_string(t) + "-" + std::to_string(i) + "@x.com");
        Status st = this->store().write([&](WriteTx& tx) -> Status {
          auto id = tx.insert_employee(e);
          if (!id.ok()) return id.error();
          return {};
        });
        if (!st.ok()) ++errors;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(this->count(), kThreads * kPerThread);
  StoreStats stats = this->store().stats();
  EXPECT_GE(stats.transactions, static_cast<std::uint64_t>(kThreads * kPerThread));
  EXPECT_LT(stats.batches, stats.transactions);
  EXPECT_EQ(stats.queue_depth, 0u);
}

TYPED_TEST(StoreContractTest, SubmitWriteCallsDoneOncePerTransaction) {
  constexpr int kJobs = 100;
  std::atomic<int> ok{0};
  std::promise<void> all_done;
  std::atomic<int> remaining{kJobs};
  for (int i = 0; i < kJobs; ++i) {
    auto e = this->employee("s" + std::to_string(i) + "@example.com");
    this->store().submit_write(
        [e](WriteTx& tx) -> Status {
          auto id = tx.insert_employee(e);
          if (!id.ok()) return id.error();
          return {};
        },
        [&](Status st) {
          if (st.ok()) ++ok;
          if (--remaining == 0) all_done.set_value();
        });
  }
  ASSERT_EQ(all_done.get_future().wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_EQ(ok.load(), kJobs);
  EXPECT_EQ(this->count(), kJobs);
}

// --- lifecycle ---

TYPED_TEST(StoreContractTest, DataSurvivesCloseAndReopen) {
  EmployeeId id = this->add(this->employee("durable@example.com", Role::kAdmin));
  this->add_token(this->token(id, "durable-token", 7));
  this->reopen();
  auto got = this->get(id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->email, "durable@example.com");
  auto t = this->store().template read_value<AuthToken>(
      [](ReadTx& tx) { return tx.token_by_hash("durable-token"); });
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->employee_id, id);
}

TYPED_TEST(StoreContractTest, CloseCommitsEverythingAlreadyQueued) {
  constexpr int kJobs = 200;
  std::atomic<int> ok{0};
  for (int i = 0; i < kJobs; ++i) {
    auto e = this->employee("q" + std::to_string(i) + "@example.com");
    this->store().submit_write(
        [e](WriteTx& tx) -> Status {
          auto id = tx.insert_employee(e);
          if (!id.ok()) return id.error();
          return {};
        },
        [&ok](Status st) {
          if (st.ok()) ++ok;
        });
  }
  this->store().close();
  EXPECT_EQ(ok.load(), kJobs);  // every done was called before close() returned
  this->reopen();
  EXPECT_EQ(this->count(), kJobs);
}

TYPED_TEST(StoreContractTest, EveryCallAfterCloseIsUnavailable) {
  this->store().close();
  this->store().close();  // idempotent
  EXPECT_FALSE(this->store().ready());
  Status w = this->store().write([](WriteTx&) -> Status { return {}; });
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, ErrorCode::kUnavailable);
  Status r = this->store().read([](ReadTx&) -> Status { return {}; });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  bool called = false;
  this->store().submit_write([](WriteTx&) -> Status { return {}; },
                             [&](Status st) {
                               called = true;
                               EXPECT_EQ(st.error().code, ErrorCode::kUnavailable);
                             });
  EXPECT_TRUE(called);
}

TYPED_TEST(StoreContractTest, CommitObserverSeesEveryTransaction) {
  std::mutex mu;
  std::size_t seen = 0;
  double total_seconds = 0;
  this->store().set_commit_observer([&](std::size_t n, double s) {
    std::lock_guard lock(mu);
    seen += n;
    total_seconds += s;
  });
  for (int i = 0; i < 5; ++i) this->add(this->employee("o" + std::to_string(i) + "@x.com"));
  std::lock_guard lock(mu);
  EXPECT_EQ(seen, 5u);
  EXPECT_GT(total_seconds, 0.0);
  this->store().set_commit_observer(nullptr);
}

}  // namespace
}  // namespace omniline::store
