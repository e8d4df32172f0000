// The storage contract (store.h) for lines, channels, customers, dialogs, sessions, messages,
// the event log and the outbox, run against every backend of store_test_backends.h.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "domain/session_state.h"
#include "store/store.h"
#include "store/store_test_backends.h"

namespace omniline::store {
namespace {

using domain::AuthorKind;
using domain::Channel;
using domain::ChannelKind;
using domain::Customer;
using domain::DeliveryStatus;
using domain::Dialog;
using domain::Employee;
using domain::EventRecord;
using domain::Line;
using domain::Message;
using domain::OutboxItem;
using domain::OutboxStatus;
using domain::Role;
using domain::RoutingMode;
using domain::Session;
using domain::SessionStatus;
using test_backends::Backends;

constexpr UnixMs kT0 = 1'700'000'000'000;

template <typename R>
struct ValueOf;
template <typename T>
struct ValueOf<Result<T>> {
  using type = T;
};

// The value of a result that must be ok (a failed expectation and T{} otherwise).
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

template <typename IdT>
std::vector<std::int64_t> raw(const std::vector<IdT>& ids) {
  std::vector<std::int64_t> out;
  for (IdT id : ids) out.push_back(id.get());
  return out;
}

template <typename T, typename Fn>
std::vector<std::int64_t> ids_of(const std::vector<T>& items, Fn id_fn) {
  std::vector<std::int64_t> out;
  for (const T& item : items) out.push_back(id_fn(item).get());
  return out;
}

std::vector<std::int64_t> dialog_ids(const Page<DialogRow>& page) {
  return ids_of(page.items, [](const DialogRow& r) { return r.dialog.id; });
}

// A dialog with its first session, as the fixture creates them.
struct Made {
  DialogId dialog;
  SessionId session;
  CustomerId customer;
};

template <typename Backend>
class StoreDialogsTest : public ::testing::Test {
 public:  // the helpers are used by World below too
  void SetUp() override {
    auto s = backend_.open();
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(*s);
  }
  void TearDown() override {
    if (store_) store_->close();
  }

  // Runs fn in a read (write) transaction and hands back its result.
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
  Status wst(const Store::WriteFn& fn) { return store_->write(fn); }

  EmployeeId employee(const std::string& name, Role role = Role::kOperator) {
    Employee e;
    e.name = name;
    e.email = name + "@example.com";
    e.role = role;
    e.password_hash = "h";
    e.created_at = e.updated_at = kT0;
    return must(wr([&](WriteTx& tx) { return tx.insert_employee(e); }));
  }

  static Line line_value(std::vector<EmployeeId> queue, const std::string& name) {
    Line l;
    l.name = name;
    l.queue = std::move(queue);
    l.created_at = kT0;
    l.updated_at = kT0 + 1;
    return l;
  }
  LineId line(std::vector<EmployeeId> queue = {}, const std::string& name = "Support") {
    Line l = line_value(std::move(queue), name);
    return must(wr([&](WriteTx& tx) { return tx.insert_line(l); }));
  }

  static Channel channel_value(LineId line) {
    Channel c;
    c.line_id = line;
    c.kind = ChannelKind::kApi;
    c.name = "Site";
    c.secret = "s3cret";
    c.webhook_url = "https://hooks.example.com/x";
    c.allowed_origins = {"https://a.example.com", "http://b.example.com:8080"};
    c.active = false;
    c.created_at = kT0;
    c.updated_at = kT0 + 2;
    return c;
  }
  ChannelId channel(LineId line) {
    Channel c = channel_value(line);
    return must(wr([&](WriteTx& tx) { return tx.insert_channel(c); }));
  }

  static Customer customer_value(ChannelId ch, const std::string& ext) {
    Customer c;
    c.channel_id = ch;
    c.external_id = ext;
    c.name = "Customer " + ext;
    c.created_at = kT0;
    c.updated_at = kT0 + 3;
    return c;
  }
  CustomerId customer(const Customer& c) {
    return must(wr([&](WriteTx& tx) { return tx.insert_customer(c); }));
  }

  // A dialog with a new customer (named `who`) and a first session in `status` with `op`.
  Made dialog(LineId line, ChannelId ch, UnixMs last_at, SessionStatus status = SessionStatus::kNew,
              EmployeeId op = {}, const std::string& title = "", const std::string& who = "",
              const std::string& email = "", const std::string& phone = "") {
    const std::string ext = "cust-" + std::to_string(++customers_);
    return must(wr([&](WriteTx& tx) -> Result<Made> {
      Customer c = customer_value(ch, ext);
      c.name = who;
      c.email = email;
      c.phone = phone;
      auto cid = tx.insert_customer(c);
      if (!cid.ok()) return cid.error();
      Dialog d;
      d.line_id = line;
      d.channel_id = ch;
      d.customer_id = *cid;
      d.title = title;
      d.last_message_at = last_at;
      d.created_at = last_at;
      auto id = tx.insert_dialog(d);
      if (!id.ok()) return id.error();
      Session s;
      s.dialog_id = *id;
      s.line_id = line;
      s.status = status;
      s.operator_id = op;
      s.created_at = last_at;
      auto sid = tx.insert_session(s);
      if (!sid.ok()) return sid.error();
      d.id = *id;
      d.session_id = *sid;
      if (Status u = tx.update_dialog(d); !u.ok()) return u.error();
      return Made{*id, *sid, *cid};
    }));
  }

  static Session session_value(DialogId d, LineId line, SessionStatus status, EmployeeId op,
                               UnixMs created) {
    Session s;
    s.dialog_id = d;
    s.line_id = line;
    s.status = status;
    s.operator_id = op;
    s.created_at = created;
    return s;
  }
  SessionId session(const Session& s) {
    return must(wr([&](WriteTx& tx) { return tx.insert_session(s); }));
  }

  static Message message_value(DialogId d, ChannelId ch, const std::string& text) {
    Message m;
    m.dialog_id = d;
    m.channel_id = ch;
    m.text = text;
    m.created_at = kT0;
    return m;
  }
  Result<MessageId> try_message(const Message& m) {
    return wr([&](WriteTx& tx) { return tx.insert_message(m); });
  }
  MessageId message(const Message& m) { return must(try_message(m)); }

  Page<DialogRow> list(DialogQuery q) {
    return must(rd([&](ReadTx& tx) { return tx.list_dialogs(q); }));
  }
  std::int64_t count(DialogQuery q) {
    return must(rd([&](ReadTx& tx) { return tx.count_dialogs(q); }));
  }
  std::vector<std::int64_t> view(DialogView v, EmployeeId viewer, bool sees_all,
                                 std::optional<LineId> line = std::nullopt,
                                 const std::string& text = "") {
    DialogQuery q;
    q.view = v;
    q.viewer = viewer;
    q.viewer_sees_all = sees_all;
    q.line_id = line;
    q.q = text;
    auto ids = dialog_ids(list(q));
    EXPECT_EQ(count(q), static_cast<std::int64_t>(ids.size()));
    return ids;
  }

  Backend backend_;
  std::unique_ptr<Store> store_;
  int customers_ = 0;
};

TYPED_TEST_SUITE(StoreDialogsTest, Backends);

// --- names (domain/names.cc) ---

TEST(DomainNames, EveryEnumRoundTripsThroughItsName) {
  for (auto m : {RoutingMode::kEvenly, RoutingMode::kStrictly, RoutingMode::kAll}) {
    EXPECT_EQ(domain::parse_routing_mode(domain::routing_mode_name(m)), m);
  }
  EXPECT_STREQ(domain::routing_mode_name(RoutingMode::kStrictly), "strictly");
  for (int i = 0; i <= 8; ++i) {
    auto s = static_cast<SessionStatus>(i);
    EXPECT_EQ(domain::parse_session_status(domain::session_status_name(s)), s);
  }
  EXPECT_STREQ(domain::session_status_name(SessionStatus::kSilentlyClosed), "silently_closed");
  EXPECT_STREQ(domain::session_status_name(SessionStatus::kOperatorReplied), "operator_replied");
  for (int i = 0; i <= 5; ++i) {
    auto d = static_cast<DeliveryStatus>(i);
    EXPECT_EQ(domain::parse_delivery_status(domain::delivery_status_name(d)), d);
  }
  EXPECT_STREQ(domain::delivery_status_name(DeliveryStatus::kDelivered), "delivered");
  for (int i = 0; i <= 3; ++i) {
    auto a = static_cast<AuthorKind>(i);
    EXPECT_EQ(domain::parse_author_kind(domain::author_kind_name(a)), a);
  }
  EXPECT_STREQ(domain::author_kind_name(AuthorKind::kBot), "bot");
  EXPECT_EQ(domain::parse_channel_kind("api"), ChannelKind::kApi);
  EXPECT_STREQ(domain::channel_kind_name(ChannelKind::kWebchat), "webchat");
  EXPECT_STREQ(domain::outbox_status_name(OutboxStatus::kFailed), "failed");
  EXPECT_STREQ(domain::session_event_name(domain::SessionEvent::kCloseForRating),
               "close_for_rating");
  EXPECT_STREQ(domain::session_event_name(domain::SessionEvent::kTakeOver), "take_over");
  for (const char* bad : {"", "Evenly", "in-work", "unknown"}) {
    EXPECT_FALSE(domain::parse_routing_mode(bad));
    EXPECT_FALSE(domain::parse_session_status(bad));
    EXPECT_FALSE(domain::parse_counted_status(bad));
  }
}

TEST(DomainNames, CountedStatusMaskNamesInBitOrder) {
  using domain::counted_status_names;
  EXPECT_EQ(counted_status_names(0), std::vector<std::string>{});
  EXPECT_EQ(counted_status_names(domain::kCountClosing | domain::kCountNew),
            (std::vector<std::string>{"new", "closing"}));
  EXPECT_EQ(counted_status_names(15),
            (std::vector<std::string>{"new", "answered", "waiting_customer", "closing"}));
  EXPECT_EQ(domain::parse_counted_status("waiting_customer"), domain::kCountWaitingCustomer);
  EXPECT_EQ(domain::parse_counted_status("answered"), domain::kCountAnswered);
}

// --- employees: the away flag of migration 2 ---

TYPED_TEST(StoreDialogsTest, EmployeeAwayRoundTrips) {
  EmployeeId id = this->employee("away");
  auto e = must(this->rd([&](ReadTx& tx) { return tx.employee_by_id(id); }));
  EXPECT_FALSE(e.away);
  e.away = true;
  ASSERT_TRUE(this->wst([&](WriteTx& tx) { return tx.update_employee(e); }).ok());
  EXPECT_TRUE(must(this->rd([&](ReadTx& tx) { return tx.employee_by_id(id); })).away);
  auto page = must(this->rd([](ReadTx& tx) { return tx.list_employees({}, PageRequest{}); }));
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_TRUE(page.items[0].away);
}

// --- lines ---

void expect_same(const Line& a, const Line& b) {
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(raw(a.queue), raw(b.queue));
  EXPECT_EQ(a.routing.mode, b.routing.mode);
  EXPECT_EQ(a.routing.queue_time_s, b.routing.queue_time_s);
  EXPECT_EQ(a.routing.max_chats, b.routing.max_chats);
  EXPECT_EQ(a.routing.max_chats_count, b.routing.max_chats_count);
  EXPECT_EQ(a.routing.only_available, b.routing.only_available);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.updated_at, b.updated_at);
}

TYPED_TEST(StoreDialogsTest, LineRoundTripsWithRoutingAndQueueOrder) {
  EmployeeId a = this->employee("a"), b = this->employee("b"), c = this->employee("c");
  Line l = this->line_value({c, a, b}, "Sales");
  l.id = LineId(999);  // ignored
  l.routing.mode = RoutingMode::kStrictly;
  l.routing.queue_time_s = 0;
  l.routing.max_chats = 7;
  l.routing.max_chats_count = domain::kCountAnswered | domain::kCountClosing;
  l.routing.only_available = false;
  LineId id = must(this->wr([&](WriteTx& tx) { return tx.insert_line(l); }));
  ASSERT_TRUE(id.is_valid());
  EXPECT_NE(id, LineId(999));
  auto got = must(this->rd([&](ReadTx& tx) { return tx.line_by_id(id); }));
  EXPECT_EQ(got.id, id);
  expect_same(got, l);

  Line other = this->line_value({}, "Empty");
  other.routing.mode = RoutingMode::kAll;
  other.routing.max_chats_count = 0;
  LineId empty = must(this->wr([&](WriteTx& tx) { return tx.insert_line(other); }));
  expect_same(must(this->rd([&](ReadTx& tx) { return tx.line_by_id(empty); })), other);

  expect_error(this->rd([](ReadTx& tx) { return tx.line_by_id(LineId(12345)); }),
               ErrorCode::kNotFound);
  EXPECT_EQ(raw(must(this->rd([&](ReadTx& tx) { return tx.lines_of_employee(a); }))),
            (std::vector<std::int64_t>{id.get()}));
}

TYPED_TEST(StoreDialogsTest, LineWithUnknownEmployeeInQueueIsRejected) {
  EmployeeId a = this->employee("a");
  Line l = this->line_value({a, EmployeeId(4242)}, "Bad");
  expect_error(this->wr([&](WriteTx& tx) { return tx.insert_line(l); }), ErrorCode::kNotFound);
  auto page = must(this->rd([](ReadTx& tx) { return tx.list_lines(PageRequest{}); }));
  EXPECT_TRUE(page.items.empty());  // the failed write left nothing behind
}

TYPED_TEST(StoreDialogsTest, UpdateLineReplacesQueueAndKeepsLastAssignedOfThoseWhoStay) {
  EmployeeId a = this->employee("a"), b = this->employee("b"), c = this->employee("c"),
             d = this->employee("d");
  LineId id = this->line({a, b, c});
  ASSERT_TRUE(this->wst([&](WriteTx& tx) -> Status {
                    if (Status s = tx.set_last_assigned(id, a, 100); !s.ok()) return s;
                    if (Status s = tx.set_last_assigned(id, b, 200); !s.ok()) return s;
                    if (Status s = tx.set_last_assigned(id, c, 300); !s.ok()) return s;
                    return tx.set_last_assigned(id, d, 400);  // not in the queue: no-op
                  })
                  .ok());
  auto last = [&](EmployeeId e) {
    return must(this->rd([&](ReadTx& tx) { return tx.last_assigned_at(id, e); }));
  };
  EXPECT_EQ(last(b), 200);
  EXPECT_EQ(last(d), 0);

  Line l = this->line_value({c, a, d}, "Renamed");
  l.id = id;
  l.routing.mode = RoutingMode::kAll;
  l.routing.max_chats = 3;
  l.created_at = 5;  // created_at is not replaced
  l.updated_at = kT0 + 99;
  ASSERT_TRUE(this->wst([&](WriteTx& tx) { return tx.update_line(l); }).ok());
  auto got = must(this->rd([&](ReadTx& tx) { return tx.line_by_id(id); }));
  l.created_at = kT0;
  expect_same(got, l);
  EXPECT_EQ(last(a), 100);
  EXPECT_EQ(last(c), 300);
  EXPECT_EQ(last(b), 0);  // left the queue
  EXPECT_EQ(last(d), 0);  // new in the queue
  EXPECT_TRUE(must(this->rd([&](ReadTx& tx) { return tx.lines_of_employee(b); })).empty());

  l.queue = {b, d, b};  // duplicates are invalid and change nothing
  expect_error(this->wst([&](WriteTx& tx) { return tx.update_line(l); }), ErrorCode::kInvalid);
  EXPECT_EQ(raw(must(this->rd([&](ReadTx& tx) { return tx.line_by_id(id); })).queue),
            raw(std::vector<EmployeeId>{c, a, d}));

  l.id = LineId(777);
  l.queue = {};
  expect_error(this->wst([&](WriteTx& tx) { return tx.update_line(l); }), ErrorCode::kNotFound);
}

TYPED_TEST(StoreDialogsTest, DeletedLineIsGoneEverywhere) {
  EmployeeId a = this->employee("a");
  LineId keep = this->line({a}, "Keep");
  LineId gone = this->line({a}, "Gone");
  ASSERT_TRUE(this->wst([&](WriteTx& tx) { return tx.delete_line(gone, kT0); }).ok());
  expect_error(this->rd([&](ReadTx& tx) { return tx.line_by_id(gone); }), ErrorCode::kNotFound);
  auto page = must(this->rd([](ReadTx& tx) { return tx.list_lines(PageRequest{}); }));
  EXPECT_EQ(ids_of(page.items, [](const Line& l) { return l.id; }),
            (std::vector<std::int64_t>{keep.get()}));
  EXPECT_EQ(raw(must(this->rd([&](ReadTx& tx) { return tx.lines_of_employee(a); }))),
            (std::vector<std::int64_t>{keep.get()}));
  expect_error(this->wst([&](WriteTx& tx) { return tx.delete_line(gone, kT0); }),
               ErrorCode::kNotFound);
  expect_error(this->wst([&](WriteTx& tx) { return tx.delete_line(LineId(555), kT0); }),
               ErrorCode::kNotFound);
  Line l = this->line_value({a}, "Revived?");
  l.id = gone;
  expect_error(this->wst([&](WriteTx& tx) { return tx.update_line(l); }), ErrorCode::kNotFound);
}

TYPED_TEST(StoreDialogsTest, ListLinesPagesInIdOrderWithQueues) {
  EmployeeId a = this->employee("a");
  std::vector<LineId> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(this->line({a}, "L" + std::to_string(i)));
  ASSERT_TRUE(this->wst([&](WriteTx& tx) { return tx.delete_line(ids[1], kT0); }).ok());
  auto page = [&](std::int64_t after, int limit) {
    return must(this->rd([&](ReadTx& tx) { return tx.list_lines(PageRequest{after, limit}); }));
  };
  auto first = page(0, 2);
  EXPECT_EQ(ids_of(first.items, [](const Line& l) { return l.id; }),
            (std::vector<std::int64_t>{ids[0].get(), ids[2].get()}));
  EXPECT_TRUE(first.has_more);
  ASSERT_EQ(first.items.size(), 2u);
  EXPECT_EQ(raw(first.items[1].queue), raw(std::vector<EmployeeId>{a}));
  EXPECT_EQ(first.items[1].name, "L2");
  auto rest = page(ids[2].get(), 2);
  EXPECT_EQ(ids_of(rest.items, [](const Line& l) { return l.id; }),
            (std::vector<std::int64_t>{ids[3].get(), ids[4].get()}));
  EXPECT_FALSE(rest.has_more);
  expect_error(this->rd([](ReadTx& tx) {
    return tx.list_lines(PageRequest{0, 0});
  }),
               ErrorCode::kInvalid);
}

// --- channels ---

void expect_same(const Channel& a, const Channel& b) {
  EXPECT_EQ(a.line_id, b.line_id);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.secret, b.secret);
  EXPECT_EQ(a.webhook_url, b.webhook_url);
  EXPECT_EQ(a.allowed_origins, b.allowed_origins);
  EXPECT_EQ(a.active, b.active);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.updated_at, b.updated_at);
}

TYPED_TEST(StoreDialogsTest, ChannelRoundTripsUpdatesAndSoftDeletes) {
  LineId line = this->line();
  LineId other = this->line({}, "Other");
  Channel c = this->channel_value(line);
  ChannelId id = must(this->wr([&](WriteTx& tx) { return tx.insert_channel(c); }));
  expect_same(must(this->rd([&](ReadTx& tx) { return tx.channel_by_id(id); })), c);

  c.id = id;
  c.line_id = other;
  c.kind = ChannelKind::kWebchat;
  c.name = "Widget \"main\"";
  c.secret = "rotated";
  c.webhook_url = "";
  c.allowed_origins = {};
  c.active = true;
  c.updated_at = kT0 + 50;
  ASSERT_TRUE(this->wst([&](WriteTx& tx) { return tx.update_channel(c); }).ok());
  expect_same(must(this->rd([&](ReadTx& tx) { return tx.channel_by_id(id); })), c);

  ChannelId second = this->channel(other);
  ChannelId elsewhere = this->channel(line);
  auto list = [&](LineId l) {
    return ids_of(must(this->rd([&](ReadTx& tx) { return tx.list_channels(l); })),
                  [](const Channel& ch) { return ch.id; });
  };
  EXPECT_EQ(list(other), (std::vector<std::int64_t>{id.get(), second.get()}));
  EXPECT_EQ(list(line), (std::vector<std::int64_t>{elsewhere.get()}));

  ASSERT_TRUE(this->wst([&](WriteTx& tx) { return tx.delete_channel(id, kT0); }).ok());
  expect_error(this->rd([&](ReadTx& tx) { return tx.channel_by_id(id); }), ErrorCode::kNotFound);
  EXPECT_EQ(list(other), (std::vector<std::int64_t>{second.get()}));
  expect_error(this->wst([&](WriteTx& tx) { return tx.delete_channel(id, kT0); }),
               ErrorCode::kNotFound);
  expect_error(this->wst([&](WriteTx& tx) { return tx.update_channel(c); }), ErrorCode::kNotFound);
  expect_error(this->rd([](ReadTx& tx) { return tx.channel_by_id(ChannelId(888)); }),
               ErrorCode::kNotFound);
}

TYPED_TEST(StoreDialogsTest, ChannelNeedsALiveLine) {
  LineId line = this->line();
  ChannelId ch = this->channel(line);
  Channel missing = this->channel_value(LineId(9999));
  expect_error(this->wr([&](WriteTx& tx) { return tx.insert_channel(missing); }),
               ErrorCode::kNotFound);
  LineId deleted = this->line({}, "Deleted");
  ASSERT_TRUE(this->wst([&](WriteTx& tx) { return tx.delete_line(deleted, kT0); }).ok());
  Channel on_deleted = this->channel_value(deleted);
  expect_error(this->wr([&](WriteTx& tx) { return tx.insert_channel(on_deleted); }),
               ErrorCode::kNotFound);
  Channel moved = must(this->rd([&](ReadTx& tx) { return tx.channel_by_id(ch); }));
  moved.line_id = deleted;
  expect_error(this->wst([&](WriteTx& tx) { return tx.update_channel(moved); }),
               ErrorCode::kNotFound);
  EXPECT_EQ(must(this->rd([&](ReadTx& tx) { return tx.channel_by_id(ch); })).line_id, line);
}

// --- customers ---

void expect_same(const Customer& a, const Customer& b) {
  EXPECT_EQ(a.channel_id, b.channel_id);
  EXPECT_EQ(a.external_id, b.external_id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.email, b.email);
  EXPECT_EQ(a.phone, b.phone);
  EXPECT_EQ(a.token_hash, b.token_hash);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.updated_at, b.updated_at);
}

TYPED_TEST(StoreDialogsTest, CustomerRoundTripsByIdExternalIdAndToken) {
  ChannelId ch = this->channel(this->line());
  Customer c = this->customer_value(ch, "user-1");
  c.email = "x@example.com";
  c.phone = "+15550100";
  c.token_hash = std::string("\x00\x01\xff hash", 9);  // raw bytes
  CustomerId id = this->customer(c);
  expect_same(must(this->rd([&](ReadTx& tx) { return tx.customer_by_id(id); })), c);
  EXPECT_EQ(must(this->rd([&](ReadTx& tx) { return tx.customer_by_external(ch, "user-1"); })).id,
            id);
  EXPECT_EQ(must(this->rd([&](ReadTx& tx) { return tx.customer_by_token_hash(c.token_hash); })).id,
            id);
  expect_error(this->rd([&](ReadTx& tx) { return tx.customer_by_external(ch, "user-2"); }),
               ErrorCode::kNotFound);
  expect_error(this->rd([&](ReadTx& tx) { return tx.customer_by_id(CustomerId(404)); }),
               ErrorCode::kNotFound);

  c.id = id;
  c.name = "Renamed";
  c.email = "";
  c.token_hash = "";
  c.updated_at = kT0 + 77;
  ASSERT_TRUE(this->wst([&](WriteTx& tx) { return tx.update_customer(c); }).ok());
  expect_same(must(this->rd([&](ReadTx& tx) { return tx.customer_by_id(id); })), c);
  expect_error(this->rd([](ReadTx& tx) { return tx.customer_by_token_hash(""); }),
               ErrorCode::kNotFound);
  c.id = CustomerId(404);
  expect_error(this->wst([&](WriteTx& tx) { return tx.update_customer(c); }), ErrorCode::kNotFound);
}

TYPED_TEST(StoreDialogsTest, CustomerExternalIdAndTokenAreUniqueButEmptyTokensNeverConflict) {
  LineId line = this->line();
  ChannelId ch = this->channel(line), other = this->channel(line);
  CustomerId first = this->customer(this->customer_value(ch, "same"));
  expect_error(
      this->wr([&](WriteTx& tx) { return tx.insert_customer(this->customer_value(ch, "same")); }),
      ErrorCode::kConflict);
  EXPECT_TRUE(this->customer(this->customer_value(other, "same")).is_valid());
  CustomerId second = this->customer(this->customer_value(ch, "second"));  // both tokens empty

  Customer with_token = this->customer_value(ch, "third");
  with_token.token_hash = "tok";
  this->customer(with_token);
  with_token.external_id = "fourth";
  expect_error(this->wr([&](WriteTx& tx) { return tx.insert_customer(with_token); }),
               ErrorCode::kConflict);

  auto renamed = must(this->rd([&](ReadTx& tx) { return tx.customer_by_id(second); }));
  renamed.external_id = "same";
  expect_error(this->wst([&](WriteTx& tx) { return tx.update_customer(renamed); }),
               ErrorCode::kConflict);
  EXPECT_EQ(must(this->rd([&](ReadTx& tx) { return tx.customer_by_external(ch, "same"); })).id,
            first);
  expect_error(this->wr([&](WriteTx& tx) {
    return tx.insert_customer(this->customer_value(ChannelId(31337), "x"));
  }),
               ErrorCode::kNotFound);
}

// --- dialogs and members ---

void expect_same(const Dialog& a, const Dialog& b) {
  EXPECT_EQ(a.line_id, b.line_id);
  EXPECT_EQ(a.channel_id, b.channel_id);
  EXPECT_EQ(a.customer_id, b.customer_id);
  EXPECT_EQ(a.external_chat_id, b.external_chat_id);
  EXPECT_EQ(a.title, b.title);
  EXPECT_EQ(a.session_id, b.session_id);
  EXPECT_EQ(a.last_message_id, b.last_message_id);
  EXPECT_EQ(a.last_message_at, b.last_message_at);
  EXPECT_EQ(a.customer_read_id, b.customer_read_id);
  EXPECT_EQ(a.created_at, b.created_at);
}

TYPED_TEST(StoreDialogsTest, DialogRoundTripsByIdAndKeyWhichIsUnique) {
  LineId line = this->line(), line2 = this->line({}, "Two");
  ChannelId ch = this->channel(line);
  CustomerId cu = this->customer(this->customer_value(ch, "u"));
  Dialog d;
  d.line_id = line;
  d.channel_id = ch;
  d.customer_id = cu;
  d.external_chat_id = "chat-1";
  d.title = "Title";
  d.session_id = SessionId(5);
  d.last_message_id = MessageId(6);
  d.last_message_at = kT0 + 7;
  d.customer_read_id = MessageId(4);
  d.created_at = kT0;
  DialogId id = must(this->wr([&](WriteTx& tx) { return tx.insert_dialog(d); }));
  expect_same(must(this->rd([&](ReadTx& tx) { return tx.dialog_by_id(id); })), d);
  EXPECT_EQ(must(this->rd([&](ReadTx& tx) { return tx.dialog_by_key(ch, cu, "chat-1"); })).id, id);
  expect_error(this->rd([&](ReadTx& tx) { return tx.dialog_by_key(ch, cu, ""); }),
               ErrorCode::kNotFound);
  expect_error(this->wr([&](WriteTx& tx) { return tx.insert_dialog(d); }), ErrorCode::kConflict);
  d.external_chat_id = "";  // another chat of the same customer
  DialogId second = must(this->wr([&](WriteTx& tx) { return tx.insert_dialog(d); }));
  EXPECT_EQ(must(this->rd([&](ReadTx& tx) { return tx.dialog_by_key(ch, cu, ""); })).id, second);

  d.id = id;
  d.line_id = line2;  // forwarded to another line
  d.external_chat_id = "chat-2";
  d.title = "";
  d.session_id = SessionId(8);
  d.last_message_id = MessageId(9);
  d.last_message_at = kT0 + 10;
  d.customer_read_id = MessageId(9);
  ASSERT_TRUE(this->wst([&](WriteTx& tx) { return tx.update_dialog(d); }).ok());
  expect_same(must(this->rd([&](ReadTx& tx) { return tx.dialog_by_id(id); })), d);
  d.external_chat_id = "";  // the key of `second`
  expect_error(this->wst([&](WriteTx& tx) { return tx.update_dialog(d); }), ErrorCode::kConflict);
  d.id = DialogId(999);
  d.external_chat_id = "chat-3";
  expect_error(this->wst([&](WriteTx& tx) { return tx.update_dialog(d); }), ErrorCode::kNotFound);
  expect_error(this->rd([](ReadTx& tx) { return tx.dialog_by_id(DialogId(999)); }),
               ErrorCode::kNotFound);
  d.customer_id = CustomerId(31337);
  expect_error(this->wr([&](WriteTx& tx) { return tx.insert_dialog(d); }), ErrorCode::kNotFound);
}

TYPED_TEST(StoreDialogsTest, MembersInJoinOrderAndAddingTwiceIsANoOp) {
  EmployeeId a = this->employee("a"), b = this->employee("b"), c = this->employee("c");
  LineId line = this->line();
  ChannelId ch = this->channel(line);
  Made d = this->dialog(line, ch, kT0), other = this->dialog(line, ch, kT0);
  ASSERT_TRUE(this->wst([&](WriteTx& tx) -> Status {
                    if (Status s = tx.add_member(d.dialog, c, 10); !s.ok()) return s;
                    if (Status s = tx.add_member(d.dialog, a, 20); !s.ok()) return s;
                    if (Status s = tx.add_member(d.dialog, c, 30); !s.ok()) return s;  // again
                    return tx.add_member(other.dialog, b, 5);
                  })
                  .ok());
  EXPECT_EQ(raw(must(this->rd([&](ReadTx& tx) { return tx.members(d.dialog); }))),
            raw(std::vector<EmployeeId>{c, a}));
  auto member = [&](DialogId dlg, EmployeeId e) {
    return must(this->rd([&](ReadTx& tx) { return tx.is_member(dlg, e); }));
  };
  EXPECT_TRUE(member(d.dialog, a));
  EXPECT_FALSE(member(d.dialog, b));
  EXPECT_TRUE(member(other.dialog, b));
  EXPECT_TRUE(must(this->rd([](ReadTx& tx) { return tx.members(DialogId(999)); })).empty());
  expect_error(this->wst([&](WriteTx& tx) { return tx.add_member(DialogId(999), a, 1); }),
               ErrorCode::kNotFound);
}

TYPED_TEST(StoreDialogsTest, RelatedDialogsShareEmailOrPhoneOnTheSameLine) {
  LineId line = this->line(), other_line = this->line({}, "Other");
  ChannelId ch = this->channel(line), ch2 = this->channel(line), far = this->channel(other_line);
  using S = SessionStatus;
  Made self = this->dialog(line, ch, 100, S::kNew, {}, "", "", "x@example.com", "+1");
  Made by_email = this->dialog(line, ch2, 300, S::kNew, {}, "", "", "x@example.com", "");
  Made by_phone = this->dialog(line, ch, 200, S::kNew, {}, "", "", "", "+1");
  this->dialog(line, ch, 400, S::kNew, {}, "", "", "y@example.com", "+2");  // unrelated
  this->dialog(line, ch, 500);                                              // empty e-mail/phone
  this->dialog(other_line, far, 600, S::kNew, {}, "", "", "x@example.com", "+1");  // other line
  auto related = [&](DialogId id, int limit) {
    return ids_of(must(this->rd([&](ReadTx& tx) { return tx.related_dialogs(id, limit); })),
                  [](const Dialog& d) { return d.id; });
  };
  EXPECT_EQ(related(self.dialog, 10),
            (std::vector<std::int64_t>{by_email.dialog.get(), by_phone.dialog.get()}));
  EXPECT_EQ(related(self.dialog, 1), (std::vector<std::int64_t>{by_email.dialog.get()}));
  EXPECT_EQ(related(by_phone.dialog, 10), (std::vector<std::int64_t>{self.dialog.get()}));
  Made lonely = this->dialog(line, ch, 700);  // empty e-mail and phone match nobody
  EXPECT_TRUE(related(lonely.dialog, 10).empty());
  expect_error(this->rd([](ReadTx& tx) { return tx.related_dialogs(DialogId(999), 10); }),
               ErrorCode::kNotFound);
}

// --- sessions ---

void expect_same(const Session& a, const Session& b) {
  EXPECT_EQ(a.dialog_id, b.dialog_id);
  EXPECT_EQ(a.line_id, b.line_id);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.operator_id, b.operator_id);
  EXPECT_EQ(a.pinned, b.pinned);
  EXPECT_EQ(raw(a.tried), raw(b.tried));
  EXPECT_EQ(a.offer_deadline, b.offer_deadline);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.assigned_at, b.assigned_at);
  EXPECT_EQ(a.answered_at, b.answered_at);
  EXPECT_EQ(a.first_reply_at, b.first_reply_at);
  EXPECT_EQ(a.closed_at, b.closed_at);
  EXPECT_EQ(a.message_count, b.message_count);
}

TYPED_TEST(StoreDialogsTest, SessionRoundTripsEveryField) {
  EmployeeId a = this->employee("a"), b = this->employee("b");
  LineId line = this->line({a, b}), line2 = this->line({}, "Two");
  Made d = this->dialog(line, this->channel(line), kT0);
  Session s = this->session_value(d.dialog, line, SessionStatus::kNew, {}, kT0);
  SessionId id = this->session(s);
  expect_same(must(this->rd([&](ReadTx& tx) { return tx.session_by_id(id); })), s);

  s.id = id;
  s.line_id = line2;
  s.status = SessionStatus::kClosing;
  s.operator_id = b;
  s.pinned = true;
  s.tried = {b, a};
  s.offer_deadline = kT0 + 60'000;
  s.assigned_at = kT0 + 1;
  s.answered_at = kT0 + 2;
  s.first_reply_at = kT0 + 3;
  s.closed_at = kT0 + 4;
  s.message_count = 42;
  ASSERT_TRUE(this->wst([&](WriteTx& tx) { return tx.update_session(s); }).ok());
  expect_same(must(this->rd([&](ReadTx& tx) { return tx.session_by_id(id); })), s);
  SessionId copy = this->session(s);  // a new row with every optional set
  expect_same(must(this->rd([&](ReadTx& tx) { return tx.session_by_id(copy); })), s);

  s.offer_deadline.reset();
  s.closed_at.reset();
  s.tried.clear();
  ASSERT_TRUE(this->wst([&](WriteTx& tx) { return tx.update_session(s); }).ok());
  expect_same(must(this->rd([&](ReadTx& tx) { return tx.session_by_id(id); })), s);
  s.id = SessionId(999);
  expect_error(this->wst([&](WriteTx& tx) { return tx.update_session(s); }), ErrorCode::kNotFound);
  expect_error(this->rd([](ReadTx& tx) { return tx.session_by_id(SessionId(999)); }),
               ErrorCode::kNotFound);
  Session orphan = this->session_value(DialogId(999), line, SessionStatus::kNew, {}, kT0);
  expect_error(this->wr([&](WriteTx& tx) { return tx.insert_session(orphan); }),
               ErrorCode::kNotFound);
}

TYPED_TEST(StoreDialogsTest, TheHotPathWritesOnlyTheLastMessageAndTheMessageCount) {
  EmployeeId op = this->employee("op");
  LineId line = this->line({op});
  ChannelId ch = this->channel(line);
  Made older = this->dialog(line, ch, kT0 + 10, SessionStatus::kNew, {}, "Older");
  Made newer = this->dialog(line, ch, kT0 + 20, SessionStatus::kNew, {}, "Newer");
  EXPECT_EQ(this->view(DialogView::kUnanswered, op, false),
            (std::vector<std::int64_t>{newer.dialog.get(), older.dialog.get()}));
  Dialog before = must(this->rd([&](ReadTx& tx) { return tx.dialog_by_id(older.dialog); }));
  Session session_before =
      must(this->rd([&](ReadTx& tx) { return tx.session_by_id(older.session); }));

  ASSERT_TRUE(this->wst([&](WriteTx& tx) {
                    return tx.set_dialog_last_message(older.dialog, MessageId(77), kT0 + 30);
                  }).ok());
  ASSERT_TRUE(this->wst([&](WriteTx& tx) {
                    return tx.set_session_message_count(older.session, 5);
                  }).ok());
  Dialog after = must(this->rd([&](ReadTx& tx) { return tx.dialog_by_id(older.dialog); }));
  before.last_message_id = MessageId(77);
  before.last_message_at = kT0 + 30;
  expect_same(after, before);  // every other column as it was
  Session session_after =
      must(this->rd([&](ReadTx& tx) { return tx.session_by_id(older.session); }));
  session_before.message_count = 5;
  expect_same(session_after, session_before);
  // The list indexes follow the new time: the older dialog is now the most recent one.
  EXPECT_EQ(this->view(DialogView::kUnanswered, op, false),
            (std::vector<std::int64_t>{older.dialog.get(), newer.dialog.get()}));
  EXPECT_EQ(this->view(DialogView::kAll, op, true),
            (std::vector<std::int64_t>{older.dialog.get(), newer.dialog.get()}));

  expect_error(this->wst([&](WriteTx& tx) {
                 return tx.set_dialog_last_message(DialogId(999), MessageId(1), kT0);
               }),
               ErrorCode::kNotFound);
  expect_error(
      this->wst([&](WriteTx& tx) { return tx.set_session_message_count(SessionId(999), 1); }),
      ErrorCode::kNotFound);
}

TYPED_TEST(StoreDialogsTest, CountOpenSessionsByMask) {
  EmployeeId me = this->employee("me"), other = this->employee("other");
  LineId line = this->line({me, other});
  Made d = this->dialog(line, this->channel(line), kT0);  // its own session: new, nobody's
  using S = SessionStatus;
  for (S st : {S::kNew, S::kSkipped, S::kInWork, S::kWaitingOperator, S::kOperatorReplied,
               S::kClosing, S::kClosed, S::kSpam, S::kSilentlyClosed}) {
    this->session(this->session_value(d.dialog, line, st, me, kT0));
  }
  this->session(this->session_value(d.dialog, line, S::kInWork, other, kT0));
  auto count = [&](unsigned mask) {
    return must(this->rd([&](ReadTx& tx) { return tx.count_open_sessions(me, mask); }));
  };
  EXPECT_EQ(count(0), 0);
  EXPECT_EQ(count(domain::kCountNew), 2);
  EXPECT_EQ(count(domain::kCountAnswered), 2);
  EXPECT_EQ(count(domain::kCountWaitingCustomer), 1);
  EXPECT_EQ(count(domain::kCountClosing), 1);
  EXPECT_EQ(count(domain::kCountNew | domain::kCountWaitingCustomer), 3);
  EXPECT_EQ(count(15), 6);
  EXPECT_EQ(must(this->rd([&](ReadTx& tx) { return tx.count_open_sessions(other, 15); })), 1);
}

TYPED_TEST(StoreDialogsTest, WaitingSessionsAreUnassignedNewOrSkippedOldestFirst) {
  EmployeeId op = this->employee("op");
  LineId line = this->line({op}), other = this->line({}, "Other");
  Made d = this->dialog(line, this->channel(line), kT0 + 999);  // new, unassigned: newest
  using S = SessionStatus;
  SessionId late = this->session(this->session_value(d.dialog, line, S::kNew, {}, kT0 + 300));
  SessionId early = this->session(this->session_value(d.dialog, line, S::kSkipped, {}, kT0 + 100));
  SessionId mid = this->session(this->session_value(d.dialog, line, S::kNew, {}, kT0 + 200));
  this->session(this->session_value(d.dialog, line, S::kNew, op, kT0));     // offered
  this->session(this->session_value(d.dialog, line, S::kInWork, {}, kT0));  // answered
  this->session(this->session_value(d.dialog, line, S::kClosed, {}, kT0));  // closed
  this->session(this->session_value(d.dialog, other, S::kNew, {}, kT0));    // other line
  auto waiting = [&](int limit) {
    return ids_of(must(this->rd([&](ReadTx& tx) { return tx.waiting_sessions(line, limit); })),
                  [](const Session& s) { return s.id; });
  };
  EXPECT_EQ(waiting(10),
            (std::vector<std::int64_t>{early.get(), mid.get(), late.get(), d.session.get()}));
  EXPECT_EQ(waiting(2), (std::vector<std::int64_t>{early.get(), mid.get()}));
}

TYPED_TEST(StoreDialogsTest, DueOffersAreOpenSessionsPastTheirDeadlineEarliestFirst) {
  EmployeeId op = this->employee("op");
  LineId line = this->line({op});
  Made d = this->dialog(line, this->channel(line), kT0);  // no deadline
  auto with_deadline = [&](SessionStatus st, UnixMs deadline) {
    Session s = this->session_value(d.dialog, line, st, op, kT0);
    s.offer_deadline = deadline;
    return this->session(s);
  };
  SessionId second = with_deadline(SessionStatus::kNew, 100);
  SessionId first = with_deadline(SessionStatus::kSkipped, 50);
  with_deadline(SessionStatus::kNew, 201);    // not yet
  with_deadline(SessionStatus::kClosed, 10);  // closed
  SessionId exact = with_deadline(SessionStatus::kInWork, 200);
  auto due = [&](UnixMs now, int limit) {
    return ids_of(must(this->rd([&](ReadTx& tx) { return tx.due_offers(now, limit); })),
                  [](const Session& s) { return s.id; });
  };
  EXPECT_EQ(due(200, 10), (std::vector<std::int64_t>{first.get(), second.get(), exact.get()}));
  EXPECT_EQ(due(200, 1), (std::vector<std::int64_t>{first.get()}));
  EXPECT_TRUE(due(49, 10).empty());
  expect_error(this->rd([](ReadTx& tx) { return tx.due_offers(0, 0); }), ErrorCode::kInvalid);
}

// --- messages ---

void expect_same(const Message& a, const Message& b) {
  EXPECT_EQ(a.dialog_id, b.dialog_id);
  EXPECT_EQ(a.session_id, b.session_id);
  EXPECT_EQ(a.channel_id, b.channel_id);
  EXPECT_EQ(a.author_kind, b.author_kind);
  EXPECT_EQ(a.author_employee, b.author_employee);
  EXPECT_EQ(a.author_customer, b.author_customer);
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.hidden, b.hidden);
  EXPECT_EQ(a.reply_to, b.reply_to);
  EXPECT_EQ(a.external_id, b.external_id);
  EXPECT_EQ(a.system, b.system);
  EXPECT_EQ(a.delivery, b.delivery);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.edited_at, b.edited_at);
  EXPECT_EQ(a.deleted_at, b.deleted_at);
}

TYPED_TEST(StoreDialogsTest, MessageRoundTripsEveryField) {
  EmployeeId op = this->employee("op");
  LineId line = this->line({op});
  ChannelId ch = this->channel(line);
  Made d = this->dialog(line, ch, kT0);
  Message m = this->message_value(d.dialog, ch, "Hello \xF0\x9F\x91\x8B");
  m.session_id = d.session;
  m.author_customer = d.customer;
  m.external_id = "ext-1";
  MessageId id = this->message(m);
  expect_same(must(this->rd([&](ReadTx& tx) { return tx.message_by_id(id); })), m);
  EXPECT_EQ(must(this->rd([&](ReadTx& tx) { return tx.message_by_external(ch, "ext-1"); })).id, id);

  m.id = id;
  m.author_kind = AuthorKind::kSystem;
  m.author_employee = op;
  m.text = "edited";
  m.hidden = true;
  m.reply_to = MessageId(1);
  m.external_id = "";
  m.system = R"({"kind":"closed"})";
  m.delivery = DeliveryStatus::kRead;
  m.edited_at = kT0 + 5;
  m.deleted_at = kT0 + 6;
  ASSERT_TRUE(this->wst([&](WriteTx& tx) { return tx.update_message(m); }).ok());
  expect_same(must(this->rd([&](ReadTx& tx) { return tx.message_by_id(id); })), m);
  expect_error(this->rd([&](ReadTx& tx) { return tx.message_by_external(ch, "ext-1"); }),
               ErrorCode::kNotFound);
  expect_error(this->rd([&](ReadTx& tx) { return tx.message_by_external(ch, ""); }),
               ErrorCode::kNotFound);
  m.id = MessageId(999);
  expect_error(this->wst([&](WriteTx& tx) { return tx.update_message(m); }), ErrorCode::kNotFound);
  expect_error(this->rd([](ReadTx& tx) { return tx.message_by_id(MessageId(999)); }),
               ErrorCode::kNotFound);
}

TYPED_TEST(StoreDialogsTest, MessageExternalIdIsUniquePerChannelOnly) {
  LineId line = this->line();
  ChannelId ch = this->channel(line), other = this->channel(line);
  Made d = this->dialog(line, ch, kT0), e = this->dialog(line, other, kT0);
  Message m = this->message_value(d.dialog, ch, "one");
  m.external_id = "dup";
  MessageId first = this->message(m);
  expect_error(this->try_message(m), ErrorCode::kConflict);
  Message elsewhere = this->message_value(e.dialog, other, "two");
  elsewhere.external_id = "dup";
  MessageId second = this->message(elsewhere);
  EXPECT_EQ(must(this->rd([&](ReadTx& tx) { return tx.message_by_external(ch, "dup"); })).id,
            first);
  EXPECT_EQ(must(this->rd([&](ReadTx& tx) { return tx.message_by_external(other, "dup"); })).id,
            second);
  Message ours = this->message_value(d.dialog, ch, "no external id");
  EXPECT_TRUE(this->message(ours).is_valid());
  EXPECT_TRUE(this->message(ours).is_valid());  // empty ids never conflict
  Message moved = must(this->rd([&](ReadTx& tx) { return tx.message_by_id(second); }));
  moved.channel_id = ch;  // its "dup" is taken there
  expect_error(this->wst([&](WriteTx& tx) { return tx.update_message(moved); }),
               ErrorCode::kConflict);
  expect_error(this->try_message(this->message_value(DialogId(999), ch, "orphan")),
               ErrorCode::kNotFound);
}

TYPED_TEST(StoreDialogsTest, ListMessagesPagesNewestFirstAndFiltersHidden) {
  LineId line = this->line();
  ChannelId ch = this->channel(line);
  Made d = this->dialog(line, ch, kT0), other = this->dialog(line, ch, kT0);
  std::vector<MessageId> m;  // m[0] is the oldest; m[0], m[2], m[5] are hidden, m[4] deleted
  for (int i = 0; i < 7; ++i) {
    Message msg = this->message_value(d.dialog, ch, "m" + std::to_string(i));
    msg.hidden = i == 0 || i == 2 || i == 5;
    if (i == 4) msg.deleted_at = kT0 + 1;
    m.push_back(this->message(msg));
    this->message(this->message_value(other.dialog, ch, "noise"));
  }
  auto page = [&](MessageId before, int limit, bool hidden) {
    return must(
        this->rd([&](ReadTx& tx) { return tx.list_messages(d.dialog, before, limit, hidden); }));
  };
  auto ids = [](const Page<Message>& p) {
    return ids_of(p.items, [](const Message& msg) { return msg.id; });
  };
  auto p1 = page(MessageId(), 3, true);
  EXPECT_EQ(ids(p1), raw(std::vector<MessageId>{m[6], m[5], m[4]}));
  EXPECT_TRUE(p1.has_more);
  ASSERT_EQ(p1.items.size(), 3u);
  EXPECT_TRUE(p1.items[2].deleted_at.has_value());  // deleted ones are still listed
  auto p2 = page(m[4], 3, true);
  EXPECT_EQ(ids(p2), raw(std::vector<MessageId>{m[3], m[2], m[1]}));
  EXPECT_TRUE(p2.has_more);
  auto p3 = page(m[1], 3, true);
  EXPECT_EQ(ids(p3), raw(std::vector<MessageId>{m[0]}));
  EXPECT_FALSE(p3.has_more);

  auto v1 = page(MessageId(), 2, false);
  EXPECT_EQ(ids(v1), raw(std::vector<MessageId>{m[6], m[4]}));
  EXPECT_TRUE(v1.has_more);
  auto v2 = page(m[4], 2, false);
  EXPECT_EQ(ids(v2), raw(std::vector<MessageId>{m[3], m[1]}));
  EXPECT_FALSE(v2.has_more);  // only hidden ones are older
  auto exact = page(MessageId(), 4, false);
  EXPECT_EQ(exact.items.size(), 4u);
  EXPECT_FALSE(exact.has_more);
  EXPECT_TRUE(page(m[0], 5, true).items.empty());
  expect_error(
      this->rd([&](ReadTx& tx) { return tx.list_messages(d.dialog, MessageId(), 0, true); }),
      ErrorCode::kInvalid);
}

// --- the dialog list ---

// Alice and Bob are operators of lines A and B; Carol is in no queue but a member of one dialog;
// the admin sees everything. Dialog i has last_message_at i * 1000, so lists come newest first.
template <typename Test>
struct World {
  explicit World(Test& t) {
    using S = SessionStatus;
    alice = t.employee("alice");
    bob = t.employee("bob");
    carol = t.employee("carol");
    admin = t.employee("admin", Role::kAdmin);
    a = t.line({alice}, "A");
    b = t.line({bob}, "B");
    gone = t.line({alice}, "Gone");
    ChannelId ca = t.channel(a), cb = t.channel(b), cg = t.channel(gone);
    auto add = [&](LineId l, ChannelId c, int i, S st, EmployeeId op, const char* title = "",
                   const char* who = "") {
      d[i] = t.dialog(l, c, i * 1000, st, op, title, who).dialog;
    };
    add(a, ca, 1, S::kNew, {});                            // unanswered in A
    add(a, ca, 2, S::kNew, bob);                           // offered to Bob (outside B)
    add(a, ca, 3, S::kInWork, alice, "Refund request");    // Alice's
    add(b, cb, 4, S::kSkipped, {}, "", "Jane SMITH");      // unanswered in B
    add(b, cb, 5, S::kOperatorReplied, bob, "100% done");  // Bob's; Carol is a member
    add(b, cb, 6, S::kClosed, alice);                      // closed; Alice is a member
    add(gone, cg, 7, S::kNew, {});                         // in a deleted line
    add(a, ca, 8, S::kClosing, alice);                     // Alice's (closing is open)
    add(a, ca, 9, S::kSpam, alice);                        // spam: nobody's
    add(b, cb, 10, S::kWaitingOperator, alice);            // Alice's, though not her line
    add(b, cb, 11, S::kInWork, admin);                     // the admin's
    EXPECT_TRUE(t.wst([&](WriteTx& tx) -> Status {
                   if (Status s = tx.add_member(d[5], carol, 1); !s.ok()) return s;
                   return tx.add_member(d[6], alice, 1);
                 }).ok());
    EXPECT_TRUE(t.wst([&](WriteTx& tx) { return tx.delete_line(gone, kT0); }).ok());
  }
  std::vector<std::int64_t> ids(std::initializer_list<int> which) const {
    std::vector<std::int64_t> out;
    for (int i : which) out.push_back(d[i].get());
    return out;
  }
  EmployeeId alice, bob, carol, admin;
  LineId a, b, gone;
  DialogId d[12];
};

TYPED_TEST(StoreDialogsTest, DialogViewsForLimitedViewers) {
  World w(*this);
  using V = DialogView;
  EXPECT_EQ(this->view(V::kUnanswered, w.alice, false), w.ids({1}));
  EXPECT_EQ(this->view(V::kMine, w.alice, false), w.ids({10, 8, 3}));
  EXPECT_EQ(this->view(V::kAll, w.alice, false), w.ids({9, 8, 6, 3, 2, 1}));
  EXPECT_EQ(this->view(V::kUnanswered, w.bob, false), w.ids({4, 2}));
  EXPECT_EQ(this->view(V::kMine, w.bob, false), w.ids({5}));
  EXPECT_EQ(this->view(V::kAll, w.bob, false), w.ids({11, 10, 6, 5, 4}));
  EXPECT_TRUE(this->view(V::kUnanswered, w.carol, false).empty());
  EXPECT_TRUE(this->view(V::kMine, w.carol, false).empty());
  EXPECT_EQ(this->view(V::kAll, w.carol, false), w.ids({5}));
}

TYPED_TEST(StoreDialogsTest, DialogViewsForAnAllSeeingViewer) {
  World w(*this);
  using V = DialogView;
  EXPECT_EQ(this->view(V::kUnanswered, w.admin, true), w.ids({7, 4, 2, 1}));
  EXPECT_EQ(this->view(V::kMine, w.admin, true), w.ids({11}));
  EXPECT_EQ(this->view(V::kAll, w.admin, true), w.ids({11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}));
  // "mine" is the operator's own, whoever looks; seeing all changes nothing there.
  EXPECT_EQ(this->view(V::kMine, w.alice, true), w.ids({10, 8, 3}));
}

// The counts (kept as tallies by triggers) follow every change of a dialog's line, session,
// status and operator: each view's count stays the length of its list, for every viewer.
TYPED_TEST(StoreDialogsTest, DialogCountsFollowStatusOperatorLineAndSessionChanges) {
  World w(*this);
  using V = DialogView;
  using S = SessionStatus;
  auto check_all = [&](const char* step) {
    SCOPED_TRACE(step);
    for (auto [who, sees_all] : {std::pair{w.alice, false}, std::pair{w.bob, false},
                                 std::pair{w.carol, false}, std::pair{w.admin, true}})
      for (V v : {V::kUnanswered, V::kMine, V::kAll})
        for (std::optional<LineId> l : {std::optional<LineId>(), std::optional<LineId>(w.a),
                                        std::optional<LineId>(w.b)})
          this->view(v, who, sees_all, l);  // asserts count == list length
  };
  check_all("as built");
  auto session_of = [&](int i) {
    return must(this->rd([&](ReadTx& tx) -> Result<Session> {
      auto d = tx.dialog_by_id(w.d[i]);
      if (!d.ok()) return d.error();
      return tx.session_by_id(d->session_id);
    }));
  };
  // d1 (unanswered in A) is answered by Alice; d4 (skipped in B) is offered to Bob.
  Session s1 = session_of(1);
  s1.status = S::kInWork;
  s1.operator_id = w.alice;
  ASSERT_TRUE(this->wst([&](WriteTx& tx) { return tx.update_session(s1); }).ok());
  Session s4 = session_of(4);
  s4.status = S::kNew;
  s4.operator_id = w.bob;
  ASSERT_TRUE(this->wst([&](WriteTx& tx) { return tx.update_session(s4); }).ok());
  check_all("answered and offered");
  EXPECT_EQ(this->view(V::kMine, w.alice, false), w.ids({10, 8, 3, 1}));
  EXPECT_TRUE(this->view(V::kUnanswered, w.alice, false).empty());
  EXPECT_EQ(this->view(V::kUnanswered, w.bob, false), w.ids({4, 2}));
  // d3 (Alice's, in A) is forwarded to line B, back in the queue.
  Dialog d3 = must(this->rd([&](ReadTx& tx) { return tx.dialog_by_id(w.d[3]); }));
  d3.line_id = w.b;
  ASSERT_TRUE(this->wst([&](WriteTx& tx) { return tx.update_dialog(d3); }).ok());
  Session s3 = session_of(3);
  s3.line_id = w.b;
  s3.status = S::kNew;
  s3.operator_id = {};
  ASSERT_TRUE(this->wst([&](WriteTx& tx) { return tx.update_session(s3); }).ok());
  check_all("forwarded");
  EXPECT_EQ(this->view(V::kUnanswered, w.bob, false), w.ids({4, 3, 2}));
  // d5 (Bob's) is closed, then a new session of d6 (closed) opens, waiting.
  Session s5 = session_of(5);
  s5.status = S::kClosed;
  ASSERT_TRUE(this->wst([&](WriteTx& tx) { return tx.update_session(s5); }).ok());
  Dialog d6 = must(this->rd([&](ReadTx& tx) { return tx.dialog_by_id(w.d[6]); }));
  Session fresh = this->session_value(d6.id, w.b, S::kNew, {}, kT0 + 50);
  d6.session_id = this->session(fresh);
  ASSERT_TRUE(this->wst([&](WriteTx& tx) { return tx.update_dialog(d6); }).ok());
  check_all("closed and reopened");
  EXPECT_TRUE(this->view(V::kMine, w.bob, false).empty());
  EXPECT_EQ(this->view(V::kUnanswered, w.bob, false), w.ids({6, 4, 3, 2}));
  EXPECT_EQ(this->view(V::kUnanswered, w.admin, true), w.ids({7, 6, 4, 3, 2}));
}

TYPED_TEST(StoreDialogsTest, DialogListFiltersByLineAndText) {
  World w(*this);
  using V = DialogView;
  EXPECT_EQ(this->view(V::kAll, w.admin, true, w.a), w.ids({9, 8, 3, 2, 1}));
  EXPECT_EQ(this->view(V::kUnanswered, w.admin, true, w.b), w.ids({4}));
  EXPECT_EQ(this->view(V::kAll, w.alice, false, w.b), w.ids({6}));  // d6, as a member
  EXPECT_TRUE(this->view(V::kUnanswered, w.alice, false, w.b).empty());
  EXPECT_EQ(this->view(V::kAll, w.admin, true, std::nullopt, "REFUND"), w.ids({3}));
  EXPECT_EQ(this->view(V::kAll, w.admin, true, std::nullopt, "smith"), w.ids({4}));
  EXPECT_EQ(this->view(V::kAll, w.admin, true, std::nullopt, "%"), w.ids({5}));  // no wildcards
  EXPECT_TRUE(this->view(V::kAll, w.admin, true, std::nullopt, "_").empty());
  EXPECT_TRUE(this->view(V::kAll, w.alice, false, std::nullopt, "smith").empty());  // not hers
  EXPECT_EQ(this->view(V::kUnanswered, w.bob, false, w.b, "jane"), w.ids({4}));
  EXPECT_TRUE(this->view(V::kAll, w.admin, true, w.a, "jane").empty());
}

// The search is a case-insensitive substring of the title or the customer's name, whatever
// the index behind it: it follows renames, folds Cyrillic, and takes short texts and quotes.
TYPED_TEST(StoreDialogsTest, DialogSearchFollowsRenamesAndFoldsCase) {
  EmployeeId op = this->employee("op");
  LineId line = this->line({op});
  ChannelId ch = this->channel(line);
  Made olga = this->dialog(line, ch, 300, SessionStatus::kNew, {}, "", "Ольга Иванова");
  Made quote = this->dialog(line, ch, 200, SessionStatus::kNew, {}, "say \"hi\" now", "Bo");
  Made ann = this->dialog(line, ch, 100, SessionStatus::kNew, {}, "", "Ann Smith");
  using V = DialogView;
  auto search = [&](const std::string& text) { return this->view(V::kAll, op, true, {}, text); };
  EXPECT_EQ(search("ИВАНОВ"), std::vector<std::int64_t>{olga.dialog.get()});
  EXPECT_EQ(search("га и"), std::vector<std::int64_t>{olga.dialog.get()});
  EXPECT_EQ(search("\"hi\""), std::vector<std::int64_t>{quote.dialog.get()});
  EXPECT_EQ(search("Bo"), std::vector<std::int64_t>{quote.dialog.get()});  // under 3 characters
  EXPECT_EQ(search("n S"), std::vector<std::int64_t>{ann.dialog.get()});
  EXPECT_TRUE(search("nobody").empty());

  // The customer renamed, the dialog retitled: the search sees the new texts only.
  ASSERT_TRUE(this->wst([&](WriteTx& tx) -> Status {
                    auto c = tx.customer_by_id(ann.customer);
                    if (!c.ok()) return c.error();
                    c->name = "Zoë Müller";
                    if (Status u = tx.update_customer(*c); !u.ok()) return u;
                    auto d = tx.dialog_by_id(olga.dialog);
                    if (!d.ok()) return d.error();
                    d->title = "Refund Request";
                    return tx.update_dialog(*d);
                  })
                  .ok());
  EXPECT_TRUE(search("smith").empty());
  EXPECT_EQ(search("ZOË MÜ"), std::vector<std::int64_t>{ann.dialog.get()});
  EXPECT_EQ(search("refund req"), std::vector<std::int64_t>{olga.dialog.get()});
  EXPECT_EQ(search("иванова"), std::vector<std::int64_t>{olga.dialog.get()});  // the name stays

  // Views follow the latest session: answering moves the dialog from unanswered to mine.
  EXPECT_EQ(this->view(V::kUnanswered, op, false, {}, "zoë").size(), 1u);
  ASSERT_TRUE(this->wst([&](WriteTx& tx) -> Status {
                    auto s = tx.session_by_id(ann.session);
                    if (!s.ok()) return s.error();
                    s->status = SessionStatus::kInWork;
                    s->operator_id = op;
                    return tx.update_session(*s);
                  })
                  .ok());
  EXPECT_TRUE(this->view(V::kUnanswered, op, false, {}, "zoë").empty());
  EXPECT_EQ(this->view(V::kMine, op, false, {}, "zoë"),
            std::vector<std::int64_t>{ann.dialog.get()});
  EXPECT_EQ(this->view(V::kMine, op, false), std::vector<std::int64_t>{ann.dialog.get()});
}

TYPED_TEST(StoreDialogsTest, DialogRowCarriesSessionCustomerAndNewestMessage) {
  EmployeeId op = this->employee("op");
  LineId line = this->line({op});
  ChannelId ch = this->channel(line);
  Made busy = this->dialog(line, ch, 200, SessionStatus::kInWork, op, "Busy", "Ann");
  Made quiet = this->dialog(line, ch, 100);
  Message visible = this->message_value(busy.dialog, ch, "visible");
  visible.session_id = busy.session;
  this->message(visible);
  Message whisper = this->message_value(busy.dialog, ch, "whisper");
  whisper.hidden = true;
  MessageId newest = this->message(whisper);
  Dialog bare;  // no session yet
  bare.line_id = line;
  bare.channel_id = ch;
  bare.customer_id = busy.customer;
  bare.external_chat_id = "bare";
  bare.last_message_at = 50;
  DialogId bare_id = must(this->wr([&](WriteTx& tx) { return tx.insert_dialog(bare); }));
  DialogQuery q;
  q.viewer = op;
  auto page = this->list(q);
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[2].dialog.id, bare_id);
  EXPECT_FALSE(page.items[2].session.id.is_valid());
  EXPECT_EQ(page.items[2].customer.id, busy.customer);
  EXPECT_EQ(this->view(DialogView::kUnanswered, op, false),
            (std::vector<std::int64_t>{quiet.dialog.get()}));
  const DialogRow& row = page.items[0];
  EXPECT_EQ(row.dialog.id, busy.dialog);
  EXPECT_EQ(row.dialog.title, "Busy");
  EXPECT_EQ(row.session.id, busy.session);
  EXPECT_EQ(row.session.status, SessionStatus::kInWork);
  EXPECT_EQ(row.session.operator_id, op);
  EXPECT_EQ(row.customer.id, busy.customer);
  EXPECT_EQ(row.customer.name, "Ann");
  ASSERT_TRUE(row.last_message.has_value());
  EXPECT_EQ(row.last_message->id, newest);
  EXPECT_EQ(row.last_message->text, "whisper");
  EXPECT_TRUE(row.last_message->hidden);
  EXPECT_EQ(page.items[1].dialog.id, quiet.dialog);
  EXPECT_EQ(page.items[1].session.id, quiet.session);
  EXPECT_FALSE(page.items[1].last_message.has_value());
}

TYPED_TEST(StoreDialogsTest, DialogCursorPagesWithoutGapsOrDuplicates) {
  EmployeeId admin = this->employee("admin", Role::kAdmin);
  LineId line = this->line();
  ChannelId ch = this->channel(line);
  std::vector<std::pair<UnixMs, std::int64_t>> expected;
  for (int i = 0; i < 23; ++i) {
    const UnixMs at = 1000 * ((i * 7) % 5);  // many ties on last_message_at
    expected.emplace_back(at, this->dialog(line, ch, at).dialog.get());
  }
  std::sort(expected.rbegin(), expected.rend());
  DialogQuery q;
  q.viewer = admin;
  q.viewer_sees_all = true;
  q.limit = 4;
  std::vector<std::pair<UnixMs, std::int64_t>> seen;
  for (int pages = 0; pages < 20; ++pages) {
    auto page = this->list(q);
    for (const auto& r : page.items) seen.emplace_back(r.dialog.last_message_at, r.dialog.id.get());
    EXPECT_LE(page.items.size(), 4u);
    if (!page.has_more) break;
    ASSERT_FALSE(page.items.empty());
    q.before_at = page.items.back().dialog.last_message_at;
    q.before_id = page.items.back().dialog.id.get();
    EXPECT_EQ(this->count(q), 23);  // the count ignores the cursor and the limit
  }
  EXPECT_EQ(seen, expected);
  q.limit = 0;
  expect_error(this->rd([&](ReadTx& tx) { return tx.list_dialogs(q); }), ErrorCode::kInvalid);
  q.limit = 23;
  q.before_id = 0;
  q.before_at = 1;  // ignored without a before_id
  auto all = this->list(q);
  EXPECT_EQ(all.items.size(), 23u);
  EXPECT_FALSE(all.has_more);
}

// --- the event log ---

TYPED_TEST(StoreDialogsTest, EventsGetIncreasingSeqsAndRoundTrip) {
  EXPECT_EQ(must(this->rd([](ReadTx& tx) { return tx.last_event_seq(); })), 0);
  EXPECT_EQ(must(this->rd([](ReadTx& tx) { return tx.first_event_seq(); })), 0);
  EventRecord e;
  e.type = "message.created";
  e.at = kT0;
  e.line_id = LineId(3);
  e.dialog_id = DialogId(4);
  e.employee_ids = {EmployeeId(7), EmployeeId(5)};
  e.staff_all = true;
  e.data = R"({"text":"hi"})";
  e.customer_id = CustomerId(9);
  e.customer_data = R"({"x":1})";
  std::vector<std::int64_t> seqs;
  for (int i = 0; i < 4; ++i) {
    seqs.push_back(must(this->wr([&](WriteTx& tx) { return tx.insert_event(e); })));
    if (i > 0) {
      EXPECT_GT(seqs[i], seqs[i - 1]);
    }
    e.customer_data.reset();
    e.employee_ids.clear();
    e.staff_all = false;
  }
  auto all = must(this->rd([](ReadTx& tx) { return tx.events_after(0, 100); }));
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].seq, seqs[0]);
  EXPECT_EQ(all[0].type, "message.created");
  EXPECT_EQ(all[0].at, kT0);
  EXPECT_EQ(all[0].line_id, LineId(3));
  EXPECT_EQ(all[0].dialog_id, DialogId(4));
  EXPECT_EQ(raw(all[0].employee_ids), (std::vector<std::int64_t>{7, 5}));
  EXPECT_TRUE(all[0].staff_all);
  EXPECT_EQ(all[0].data, R"({"text":"hi"})");
  EXPECT_EQ(all[0].customer_id, CustomerId(9));
  EXPECT_EQ(all[0].customer_data, std::optional<std::string>(R"({"x":1})"));
  EXPECT_FALSE(all[1].customer_data.has_value());
  EXPECT_FALSE(all[1].staff_all);
  EXPECT_TRUE(all[1].employee_ids.empty());
  auto after = must(this->rd([&](ReadTx& tx) { return tx.events_after(seqs[1], 1); }));
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].seq, seqs[2]);
  EXPECT_TRUE(must(this->rd([&](ReadTx& tx) { return tx.events_after(seqs[3], 10); })).empty());
  EXPECT_EQ(must(this->rd([](ReadTx& tx) { return tx.last_event_seq(); })), seqs[3]);
  EXPECT_EQ(must(this->rd([](ReadTx& tx) { return tx.first_event_seq(); })), seqs[0]);
}

TYPED_TEST(StoreDialogsTest, PurgeEventsKeepsTheNewestAndSeqsNeverGoBack) {
  std::vector<std::int64_t> seqs;
  for (int i = 1; i <= 5; ++i) {
    EventRecord e;
    e.type = "t";
    e.at = i * 10;
    e.data = "{}";
    seqs.push_back(must(this->wr([&](WriteTx& tx) { return tx.insert_event(e); })));
  }
  auto purge = [&](UnixMs before, std::int64_t keep) {
    return must(this->wr([&](WriteTx& tx) { return tx.purge_events(before, keep); }));
  };
  EXPECT_EQ(purge(25, 0), 2);  // at 10 and 20
  EXPECT_EQ(must(this->rd([](ReadTx& tx) { return tx.first_event_seq(); })), seqs[2]);
  EXPECT_EQ(purge(1000, 2), 1);  // everything is old, but the newest two stay
  auto left = must(this->rd([](ReadTx& tx) { return tx.events_after(0, 10); }));
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].seq, seqs[3]);
  EXPECT_EQ(left[1].seq, seqs[4]);
  EXPECT_EQ(purge(1000, 0), 2);
  EXPECT_EQ(must(this->rd([](ReadTx& tx) { return tx.first_event_seq(); })), 0);
  EXPECT_EQ(must(this->rd([](ReadTx& tx) { return tx.last_event_seq(); })), seqs[4]);
  EventRecord e;
  e.type = "t";
  e.data = "{}";
  EXPECT_GT(must(this->wr([&](WriteTx& tx) { return tx.insert_event(e); })), seqs[4]);
  expect_error(this->wr([](WriteTx& tx) { return tx.purge_events(0, -1); }), ErrorCode::kInvalid);
}

// --- the outbox ---

TYPED_TEST(StoreDialogsTest, OutboxRoundTripsAndIsDueInAttemptOrder) {
  auto item = [](std::int64_t message, UnixMs next, OutboxStatus status = OutboxStatus::kPending) {
    OutboxItem o;
    o.channel_id = ChannelId(2);
    o.message_id = MessageId(message);
    o.payload = R"({"m":)" + std::to_string(message) + "}";
    o.status = status;
    o.next_attempt_at = next;
    o.created_at = kT0;
    return o;
  };
  auto add = [&](const OutboxItem& o) {
    return must(this->wr([&](WriteTx& tx) { return tx.insert_outbox(o); }));
  };
  OutboxId late = add(item(1, 300));
  OutboxId early1 = add(item(2, 100));
  OutboxId early2 = add(item(3, 100));
  add(item(4, 50, OutboxStatus::kFailed));
  add(item(5, 400));
  expect_error(this->wr([&](WriteTx& tx) { return tx.insert_outbox(item(1, 1)); }),
               ErrorCode::kConflict);
  auto due = [&](UnixMs now, int limit) {
    return ids_of(must(this->rd([&](ReadTx& tx) { return tx.due_outbox(now, limit); })),
                  [](const OutboxItem& o) { return o.id; });
  };
  EXPECT_EQ(due(300, 10), raw(std::vector<OutboxId>{early1, early2, late}));
  EXPECT_EQ(due(300, 2), raw(std::vector<OutboxId>{early1, early2}));

  OutboxItem o = must(this->rd([&](ReadTx& tx) { return tx.outbox_by_message(MessageId(2)); }));
  EXPECT_EQ(o.id, early1);
  EXPECT_EQ(o.payload, R"({"m":2})");
  EXPECT_EQ(o.status, OutboxStatus::kPending);
  EXPECT_EQ(o.next_attempt_at, 100);
  EXPECT_FALSE(o.sent_at.has_value());
  o.status = OutboxStatus::kSent;
  o.attempts = 3;
  o.last_error = "HTTP 502";
  o.sent_at = kT0 + 9;
  o.next_attempt_at = 150;
  ASSERT_TRUE(this->wst([&](WriteTx& tx) { return tx.update_outbox(o); }).ok());
  auto got = must(this->rd([&](ReadTx& tx) { return tx.outbox_by_id(early1); }));
  EXPECT_EQ(got.status, OutboxStatus::kSent);
  EXPECT_EQ(got.attempts, 3);
  EXPECT_EQ(got.last_error, "HTTP 502");
  EXPECT_EQ(got.sent_at, std::optional<UnixMs>(kT0 + 9));
  EXPECT_EQ(got.next_attempt_at, 150);
  EXPECT_EQ(got.created_at, kT0);
  EXPECT_EQ(got.channel_id, ChannelId(2));
  EXPECT_EQ(due(300, 10), raw(std::vector<OutboxId>{early2, late}));
  o.id = OutboxId(999);
  expect_error(this->wst([&](WriteTx& tx) { return tx.update_outbox(o); }), ErrorCode::kNotFound);
  expect_error(this->rd([](ReadTx& tx) { return tx.outbox_by_id(OutboxId(999)); }),
               ErrorCode::kNotFound);
  expect_error(this->rd([](ReadTx& tx) { return tx.outbox_by_message(MessageId(999)); }),
               ErrorCode::kNotFound);
}

}  // namespace
}  // namespace omniline::store

namespace omniline::store {
namespace {

TYPED_TEST(StoreDialogsTest, FilesTravelWithTheirMessagesAndAreFoundByFile) {
  LineId line = this->line();
  ChannelId ch = this->channel(line);
  Made d = this->dialog(line, ch, kT0);
  domain::StoredFile f;
  f.sha256 = std::string(64, 'a');
  f.size = 1234;
  f.mime = "image/png";
  f.name = "Снимок.png";
  f.uploader_customer = d.customer;
  f.created_at = kT0;
  FileId a = must(this->wr([&](WriteTx& tx) { return tx.insert_file(f); }));
  f.name = "b.txt";
  f.mime = "text/plain";
  FileId b = must(this->wr([&](WriteTx& tx) { return tx.insert_file(f); }));
  ASSERT_NE(a, b);
  auto read = must(this->rd([&](ReadTx& tx) { return tx.file_by_id(a); }));
  EXPECT_EQ(read.name, "Снимок.png");
  EXPECT_EQ(read.size, 1234);
  EXPECT_EQ(read.sha256, std::string(64, 'a'));
  EXPECT_EQ(read.uploader_customer, d.customer);
  EXPECT_FALSE(read.uploader_employee.is_valid());
  expect_error(this->rd([](ReadTx& tx) { return tx.file_by_id(FileId(999)); }), ErrorCode::kNotFound);

  Message m = this->message_value(d.dialog, ch, "");
  m.session_id = d.session;
  m.files = {{b, "b.txt", 1234, "text/plain"}, {a, "Снимок.png", 1234, "image/png"}};
  MessageId with = this->message(m);
  MessageId plain = this->message(this->message_value(d.dialog, ch, "no files"));
  auto back = must(this->rd([&](ReadTx& tx) { return tx.message_by_id(with); }));
  ASSERT_EQ(back.files.size(), 2u);
  EXPECT_EQ(back.files[0].id, b);  // order kept
  EXPECT_EQ(back.files[1].name, "Снимок.png");
  EXPECT_TRUE(must(this->rd([&](ReadTx& tx) { return tx.message_by_id(plain); })).files.empty());
  // An edit keeps the files.
  back.text = "edited";
  ASSERT_TRUE(this->wst([&](WriteTx& tx) { return tx.update_message(back); }).ok());
  EXPECT_EQ(must(this->rd([&](ReadTx& tx) { return tx.message_by_id(with); })).files.size(), 2u);

  auto carriers = must(this->rd([&](ReadTx& tx) { return tx.messages_with_file(a, 10); }));
  ASSERT_EQ(carriers.size(), 1u);
  EXPECT_EQ(carriers[0].id, with);
  EXPECT_TRUE(must(this->rd([&](ReadTx& tx) { return tx.messages_with_file(FileId(999), 10); })).empty());
  // A message cannot carry a file that does not exist; nothing of it is kept.
  Message ghost = this->message_value(d.dialog, ch, "ghost");
  ghost.files = {{FileId(999), "x", 1, "text/plain"}};
  expect_error(this->try_message(ghost), ErrorCode::kNotFound);
}

TYPED_TEST(StoreDialogsTest, SettingsAreSetOnce) {
  EXPECT_FALSE(must(this->rd([](ReadTx& tx) { return tx.setting("k"); })).has_value());
  EXPECT_EQ(must(this->wr([](WriteTx& tx) { return tx.put_setting_if_absent("k", "first"); })), "first");
  EXPECT_EQ(must(this->wr([](WriteTx& tx) { return tx.put_setting_if_absent("k", "second"); })), "first");
  EXPECT_EQ(must(this->rd([](ReadTx& tx) { return tx.setting("k"); })), std::optional<std::string>("first"));
}

}  // namespace
}  // namespace omniline::store
