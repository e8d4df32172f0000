// The storage contract (store.h) for quick answers, run against every backend of
// store_test_backends.h: CRUD, soft delete, visibility per viewer, filters, search, paging and
// sections.
#include <gtest/gtest.h>

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "store/store.h"
#include "store/store_test_backends.h"

namespace omniline::store {
namespace {

using domain::Employee;
using domain::Line;
using domain::QuickAnswer;
using domain::Role;
using test_backends::Backends;

constexpr UnixMs kT0 = 1'700'000'000'000;

template <typename R>
struct ValueOf;
template <typename T>
struct ValueOf<Result<T>> {
  using type = T;
};

template <typename T>
T must(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.error().message;
  if (!r.ok()) return T{};
  return std::move(*r);
}

template <typename T>
void expect_error(const Result<T>& r, ErrorCode code) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, code) << r.error().message;
}

std::vector<std::string> titles(const Page<QuickAnswer>& page) {
  std::vector<std::string> out;
  for (const auto& qa : page.items) out.push_back(qa.title);
  return out;
}

template <typename Backend>
class StoreQuickAnswersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = backend_.open();
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(*s);
  }
  void TearDown() override {
    if (store_) store_->close();
  }

  template <typename Fn>
  auto rd(Fn fn) {
    using T = typename ValueOf<std::invoke_result_t<Fn, ReadTx&>>::type;
    return store_->template read_value<T>(fn);
  }
  template <typename Fn>
  auto wr(Fn fn) {
    using T = typename ValueOf<std::invoke_result_t<Fn, WriteTx&>>::type;
    return store_->template write_value<T>(fn);
  }

  EmployeeId employee(const std::string& name) {
    Employee e;
    e.name = name;
    e.email = name + "@example.com";
    e.role = Role::kOperator;
    e.password_hash = "h";
    e.created_at = e.updated_at = kT0;
    return must(wr([&](WriteTx& tx) { return tx.insert_employee(e); }));
  }
  LineId line(std::vector<EmployeeId> queue, const std::string& name) {
    Line l;
    l.name = name;
    l.queue = std::move(queue);
    l.created_at = l.updated_at = kT0;
    return must(wr([&](WriteTx& tx) { return tx.insert_line(l); }));
  }
  QuickAnswer value(std::optional<LineId> line, const std::string& title,
                    const std::string& text = "text", const std::string& section = "") {
    QuickAnswer qa;
    qa.line_id = line;
    qa.title = title;
    qa.text = text;
    qa.section = section;
    qa.created_by = author_;
    qa.created_at = kT0;
    qa.updated_at = kT0 + 1;
    return qa;
  }
  Result<QuickAnswerId> insert(const QuickAnswer& qa) {
    return wr([&](WriteTx& tx) { return tx.insert_quick_answer(qa); });
  }
  QuickAnswerId add(std::optional<LineId> line, const std::string& title,
                    const std::string& text = "text", const std::string& section = "") {
    return must(insert(value(line, title, text, section)));
  }
  Page<QuickAnswer> list(QuickAnswerQuery q) {
    return must(rd([&](ReadTx& tx) { return tx.list_quick_answers(q); }));
  }
  std::vector<std::string> sections(QuickAnswerQuery q) {
    return must(rd([&](ReadTx& tx) { return tx.quick_answer_sections(q); }));
  }
  static QuickAnswerQuery all() {
    QuickAnswerQuery q;
    q.viewer_sees_all = true;
    return q;
  }

  Backend backend_;
  std::unique_ptr<Store> store_;
  EmployeeId author_;
};

TYPED_TEST_SUITE(StoreQuickAnswersTest, Backends);

TYPED_TEST(StoreQuickAnswersTest, InsertReadUpdateSoftDelete) {
  this->author_ = this->employee("ann");
  LineId line = this->line({}, "Sales");
  QuickAnswerId global = this->add(std::nullopt, "Hello", "Hi [b]there[/b]", "Greetings");
  QuickAnswerId own = this->add(line, "Prices", "See the list");
  EXPECT_NE(global, own);

  auto got = must(this->rd([&](ReadTx& tx) { return tx.quick_answer_by_id(global); }));
  EXPECT_EQ(got.id, global);
  EXPECT_FALSE(got.line_id.has_value());
  EXPECT_EQ(got.title, "Hello");
  EXPECT_EQ(got.text, "Hi [b]there[/b]");
  EXPECT_EQ(got.section, "Greetings");
  EXPECT_EQ(got.created_by, this->author_);
  EXPECT_EQ(got.created_at, kT0);
  EXPECT_EQ(got.updated_at, kT0 + 1);
  auto of_line = must(this->rd([&](ReadTx& tx) { return tx.quick_answer_by_id(own); }));
  ASSERT_TRUE(of_line.line_id.has_value());
  EXPECT_EQ(*of_line.line_id, line);

  // Update replaces line, section, title, text and updated_at; created_* stay.
  got.line_id = line;
  got.section = "";
  got.title = "Hello again";
  got.text = "new";
  got.updated_at = kT0 + 50;
  got.created_at = 1;
  ASSERT_TRUE(this->store_->write([&](WriteTx& tx) { return tx.update_quick_answer(got); }).ok());
  auto after = must(this->rd([&](ReadTx& tx) { return tx.quick_answer_by_id(global); }));
  EXPECT_EQ(after.title, "Hello again");
  EXPECT_EQ(after.text, "new");
  EXPECT_EQ(after.section, "");
  EXPECT_EQ(after.line_id, std::optional<LineId>(line));
  EXPECT_EQ(after.updated_at, kT0 + 50);
  EXPECT_EQ(after.created_at, kT0);
  // Back to global.
  after.line_id.reset();
  ASSERT_TRUE(this->store_->write([&](WriteTx& tx) { return tx.update_quick_answer(after); }).ok());
  EXPECT_FALSE(must(this->rd([&](ReadTx& tx) {
                 return tx.quick_answer_by_id(global);
               })).line_id.has_value());

  // Soft delete: gone for reads, updates and a second delete.
  ASSERT_TRUE(
      this->store_->write([&](WriteTx& tx) { return tx.delete_quick_answer(global, kT0 + 60); })
          .ok());
  expect_error(this->rd([&](ReadTx& tx) { return tx.quick_answer_by_id(global); }),
               ErrorCode::kNotFound);
  Status again =
      this->store_->write([&](WriteTx& tx) { return tx.delete_quick_answer(global, 1); });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
  Status upd = this->store_->write([&](WriteTx& tx) { return tx.update_quick_answer(after); });
  ASSERT_FALSE(upd.ok());
  EXPECT_EQ(upd.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(titles(this->list(this->all())), std::vector<std::string>{"Prices"});
  expect_error(this->rd([&](ReadTx& tx) { return tx.quick_answer_by_id(QuickAnswerId(999)); }),
               ErrorCode::kNotFound);
}

TYPED_TEST(StoreQuickAnswersTest, UnknownOrDeletedLineAndAuthorAreNotFound) {
  this->author_ = this->employee("ann");
  LineId line = this->line({}, "Old");
  expect_error(this->insert(this->value(LineId(999), "x")), ErrorCode::kNotFound);
  QuickAnswerId id = this->add(line, "On a line");
  ASSERT_TRUE(this->store_->write([&](WriteTx& tx) { return tx.delete_line(line, kT0 + 5); }).ok());
  // The answers of a deleted line are never read; new ones cannot be put there.
  expect_error(this->rd([&](ReadTx& tx) { return tx.quick_answer_by_id(id); }),
               ErrorCode::kNotFound);
  EXPECT_TRUE(this->list(this->all()).items.empty());
  expect_error(this->insert(this->value(line, "x")), ErrorCode::kNotFound);
  // An author who does not exist.
  auto qa = this->value(std::nullopt, "x");
  qa.created_by = EmployeeId(12345);
  expect_error(this->insert(qa), ErrorCode::kNotFound);
  // Moving an answer to a missing line.
  QuickAnswerId g = this->add(std::nullopt, "Global");
  auto cur = must(this->rd([&](ReadTx& tx) { return tx.quick_answer_by_id(g); }));
  cur.line_id = LineId(999);
  Status st = this->store_->write([&](WriteTx& tx) { return tx.update_quick_answer(cur); });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kNotFound);
}

TYPED_TEST(StoreQuickAnswersTest, VisibilityPerViewerAndLineFilter) {
  EmployeeId op = this->employee("op");
  EmployeeId other = this->employee("other");
  this->author_ = op;
  LineId mine = this->line({op}, "Mine");
  LineId theirs = this->line({other}, "Theirs");
  this->add(std::nullopt, "A global");
  this->add(mine, "B mine");
  this->add(theirs, "C theirs");

  EXPECT_EQ(titles(this->list(this->all())),
            (std::vector<std::string>{"A global", "B mine", "C theirs"}));
  QuickAnswerQuery q;
  q.viewer = op;
  EXPECT_EQ(titles(this->list(q)), (std::vector<std::string>{"A global", "B mine"}));
  q.viewer = other;
  EXPECT_EQ(titles(this->list(q)), (std::vector<std::string>{"A global", "C theirs"}));

  // Line filter: the global answers plus that line's.
  QuickAnswerQuery f = this->all();
  f.line_id = mine;
  EXPECT_EQ(titles(this->list(f)), (std::vector<std::string>{"A global", "B mine"}));
  f.viewer = other;
  f.viewer_sees_all = false;
  EXPECT_EQ(titles(this->list(f)), std::vector<std::string>{"A global"});
}

TYPED_TEST(StoreQuickAnswersTest, SearchIsCaseInsensitiveOverTitleAndText) {
  this->author_ = this->employee("ann");
  this->add(std::nullopt, "Приветствие", "Здравствуйте! Чем помочь?");
  this->add(std::nullopt, "Delivery", "Parcels ship in 2 DAYS");
  this->add(std::nullopt, "Refunds", "Money back within a week");
  QuickAnswerQuery q = this->all();
  q.q = "ПРИВЕТ";
  EXPECT_EQ(titles(this->list(q)), std::vector<std::string>{"Приветствие"});
  q.q = "чем ПОМОЧЬ";
  EXPECT_EQ(titles(this->list(q)), std::vector<std::string>{"Приветствие"});
  q.q = "days";
  EXPECT_EQ(titles(this->list(q)), std::vector<std::string>{"Delivery"});
  q.q = "e";
  EXPECT_EQ(titles(this->list(q)), (std::vector<std::string>{"Delivery", "Refunds"}));
  q.q = "100%_";  // no wildcards
  EXPECT_TRUE(this->list(q).items.empty());
}

TYPED_TEST(StoreQuickAnswersTest, PagesByTitleThenIdAndFiltersBySection) {
  this->author_ = this->employee("ann");
  this->add(std::nullopt, "b", "t", "Billing");
  this->add(std::nullopt, "a", "t", "Delivery");
  QuickAnswerId a2 = this->add(std::nullopt, "a", "t", "Billing");
  this->add(std::nullopt, "c");
  this->add(std::nullopt, "B", "t", "Billing");

  QuickAnswerQuery q = this->all();
  q.limit = 2;
  auto p1 = this->list(q);
  EXPECT_EQ(titles(p1), (std::vector<std::string>{"B", "a"}));
  EXPECT_TRUE(p1.has_more);
  q.after_title = p1.items.back().title;
  q.after_id = p1.items.back().id.get();
  auto p2 = this->list(q);
  EXPECT_EQ(titles(p2), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(p2.items[0].id, a2);  // same title: id order
  EXPECT_TRUE(p2.has_more);
  q.after_title = p2.items.back().title;
  q.after_id = p2.items.back().id.get();
  auto p3 = this->list(q);
  EXPECT_EQ(titles(p3), std::vector<std::string>{"c"});
  EXPECT_FALSE(p3.has_more);

  QuickAnswerQuery s = this->all();
  s.section = "Billing";
  EXPECT_EQ(titles(this->list(s)), (std::vector<std::string>{"B", "a", "b"}));
  EXPECT_EQ(this->sections(this->all()), (std::vector<std::string>{"Billing", "Delivery"}));

  QuickAnswerQuery bad = this->all();
  bad.limit = 0;
  expect_error(this->rd([&](ReadTx& tx) { return tx.list_quick_answers(bad); }),
               ErrorCode::kInvalid);
}

TYPED_TEST(StoreQuickAnswersTest, SectionsFollowVisibility) {
  EmployeeId op = this->employee("op");
  EmployeeId other = this->employee("other");
  this->author_ = op;
  LineId mine = this->line({op}, "Mine");
  LineId theirs = this->line({other}, "Theirs");
  this->add(std::nullopt, "g", "t", "Common");
  this->add(mine, "m", "t", "Mine only");
  this->add(theirs, "t", "t", "Secret");
  QuickAnswerId gone = this->add(std::nullopt, "x", "t", "Deleted");
  ASSERT_TRUE(
      this->store_->write([&](WriteTx& tx) { return tx.delete_quick_answer(gone, kT0); }).ok());
  QuickAnswerQuery q;
  q.viewer = op;
  EXPECT_EQ(this->sections(q), (std::vector<std::string>{"Common", "Mine only"}));
  q.line_id = theirs;
  q.viewer_sees_all = true;
  EXPECT_EQ(this->sections(q), (std::vector<std::string>{"Common", "Secret"}));
}

}  // namespace
}  // namespace omniline::store
