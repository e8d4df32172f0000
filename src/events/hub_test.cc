#include "events/hub.h"

#include <gtest/gtest.h>

namespace omniline::events {
namespace {

domain::EventRecord record(std::int64_t seq, std::string type, std::int64_t line,
                           std::vector<EmployeeId> members = {}) {
  domain::EventRecord r;
  r.seq = seq;
  r.type = std::move(type);
  r.line_id = LineId(line);
  r.employee_ids = std::move(members);
  r.data = R"({"x":1})";
  return r;
}

TEST(EventAudience, OperatorsSeeTheirLinesAndWhatListsThem) {
  Viewer op;
  op.employee = EmployeeId(7);
  op.lines = {1};
  auto own = make_frame(record(1, "message.created", 1));
  auto other = make_frame(record(2, "message.created", 2));
  auto invited = make_frame(record(3, "message.created", 2, {EmployeeId(7)}));
  EXPECT_NE(visible_frame(op, *own), nullptr);
  EXPECT_EQ(visible_frame(op, *other), nullptr);
  EXPECT_NE(visible_frame(op, *invited), nullptr);
  EXPECT_EQ(*visible_frame(op, *own), R"({"seq":1,"type":"message.created","data":{"x":1}})");
}

TEST(EventAudience, AdminsSeeEverythingCustomersOnlyTheirOwnCustomerData) {
  Viewer admin;
  admin.employee = EmployeeId(1);
  admin.sees_all = true;
  auto r = record(5, "message.created", 3);
  r.customer_id = CustomerId(9);
  r.customer_data = R"({"y":2})";
  auto f = make_frame(r);
  EXPECT_NE(visible_frame(admin, *f), nullptr);
  Viewer mine;
  mine.customer = CustomerId(9);
  ASSERT_NE(visible_frame(mine, *f), nullptr);
  EXPECT_EQ(*visible_frame(mine, *f), R"({"seq":5,"type":"message.created","data":{"y":2}})");
  Viewer stranger;
  stranger.customer = CustomerId(10);
  EXPECT_EQ(visible_frame(stranger, *f), nullptr);
  // Without customer data (a hidden message) the customer gets nothing.
  auto hidden = record(6, "message.created", 3);
  hidden.customer_id = CustomerId(9);
  EXPECT_EQ(visible_frame(mine, *make_frame(hidden)), nullptr);
}

TEST(EventAudience, LineChangesUpdateTheViewersQueueMembership) {
  Viewer op;
  op.employee = EmployeeId(4);
  auto added = record(1, "line.updated", 8, {EmployeeId(4)});
  added.staff_all = true;
  EXPECT_NE(visible_frame(op, *make_frame(added)), nullptr);
  EXPECT_TRUE(op.lines.contains(8));
  EXPECT_NE(visible_frame(op, *make_frame(record(2, "dialog.updated", 8))), nullptr);
  auto removed = record(3, "line.updated", 8, {EmployeeId(5)});
  removed.staff_all = true;
  visible_frame(op, *make_frame(removed));
  EXPECT_FALSE(op.lines.contains(8));
  EXPECT_EQ(visible_frame(op, *make_frame(record(4, "dialog.updated", 8))), nullptr);
}

struct Collector : Subscriber {
  std::vector<std::int64_t> seqs;
  void on_event(const FramePtr& f) override { seqs.push_back(f->record.seq); }
};

TEST(Hub, DeliversInOrderAndForgetsUnsubscribedAndExpired) {
  Hub hub;
  auto a = std::make_shared<Collector>();
  auto b = std::make_shared<Collector>();
  auto ida = hub.subscribe(a);
  hub.subscribe(b);
  hub.publish({record(1, "t", 1), record(2, "t", 1)});
  hub.unsubscribe(ida);
  b.reset();  // expired subscribers are skipped
  hub.publish({record(3, "t", 1)});
  hub.publish_ephemeral(record(99, "typing", 1));
  EXPECT_EQ(a->seqs, (std::vector<std::int64_t>{1, 2}));
}

struct Watcher : Subscriber {
  explicit Watcher(Viewer v) : viewer(std::move(v)) {}
  Viewer viewer;
  std::vector<std::int64_t> offered, shown;
  Hub* hub = nullptr;
  std::uint64_t id = 0;
  void on_event(const FramePtr& f) override {
    offered.push_back(f->record.seq);
    const auto before = viewer.lines;
    if (visible_frame(viewer, *f)) shown.push_back(f->record.seq);
    if (hub && viewer.lines != before) hub->set_lines(id, viewer.lines);
  }
};

std::shared_ptr<Watcher> watch(Hub& hub, Viewer v) {
  auto w = std::make_shared<Watcher>(std::move(v));
  w->hub = &hub;
  w->id = hub.subscribe(w, w->viewer);
  return w;
}

TEST(Hub, OffersAnEventOnlyToConnectionsThatMaySeeIt) {
  Hub hub;
  Viewer op1, op2, admin, cust, other_cust;
  op1.employee = EmployeeId(1);
  op1.lines = {10};
  op2.employee = EmployeeId(2);
  op2.lines = {20};
  admin.employee = EmployeeId(3);
  admin.sees_all = true;
  cust.customer = CustomerId(50);
  other_cust.customer = CustomerId(51);
  auto w1 = watch(hub, op1), w2 = watch(hub, op2), wa = watch(hub, admin);
  auto wc = watch(hub, cust), wo = watch(hub, other_cust);
  auto in_line_10 = record(1, "message.created", 10);
  in_line_10.customer_id = CustomerId(50);
  in_line_10.customer_data = R"({"m":1})";
  auto invited = record(2, "message.created", 20, {EmployeeId(1)});
  auto everyone = record(3, "employee.updated", 0);
  everyone.staff_all = true;
  hub.publish({in_line_10, invited, everyone});
  EXPECT_EQ(w1->offered, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(w2->offered, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(wa->offered, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(wc->offered, (std::vector<std::int64_t>{1}));
  EXPECT_TRUE(wo->offered.empty());
  // What was offered is exactly what each viewer may see.
  EXPECT_EQ(w1->shown, w1->offered);
  EXPECT_EQ(w2->shown, w2->offered);
  EXPECT_EQ(wc->shown, wc->offered);
  // A hidden message (no customer data) is not offered to the customer.
  auto hidden = record(4, "message.created", 10);
  hidden.customer_id = CustomerId(50);
  hub.publish({hidden});
  EXPECT_EQ(wc->offered, (std::vector<std::int64_t>{1}));
}

TEST(Hub, FollowsQueueChangesWithinOneBatch) {
  Hub hub;
  Viewer op;
  op.employee = EmployeeId(4);
  auto w = watch(hub, op);
  auto added = record(1, "line.updated", 8, {EmployeeId(4)});
  added.staff_all = true;
  auto removed = record(3, "line.updated", 8, {EmployeeId(5)});
  removed.staff_all = true;
  // Added, a message in the line, removed, another message: only the first is for them.
  hub.publish({added, record(2, "message.created", 8), removed, record(4, "message.created", 8)});
  EXPECT_EQ(w->shown, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(w->offered, (std::vector<std::int64_t>{1, 2, 3}));
  auto deleted = record(5, "line.deleted", 8);
  deleted.staff_all = true;
  hub.publish({record(6, "line.updated", 9, {EmployeeId(4)}), deleted, record(7, "typing", 9)});
  EXPECT_EQ(w->offered, (std::vector<std::int64_t>{1, 2, 3, 6, 5, 7}));
}

TEST(Hub, UnsubscribedConnectionsLeaveEveryIndex) {
  Hub hub;
  Viewer op;
  op.employee = EmployeeId(1);
  op.lines = {1, 2};
  Viewer c;
  c.customer = CustomerId(9);
  auto w = watch(hub, op);
  auto wc = watch(hub, c);
  EXPECT_EQ(hub.subscribers(), 2u);
  hub.unsubscribe(w->id);
  hub.unsubscribe(wc->id);
  hub.unsubscribe(wc->id);  // twice is harmless
  auto r = record(1, "message.created", 1, {EmployeeId(1)});
  r.customer_id = CustomerId(9);
  r.customer_data = "{}";
  hub.publish({r});
  EXPECT_TRUE(w->offered.empty());
  EXPECT_TRUE(wc->offered.empty());
  EXPECT_EQ(hub.subscribers(), 0u);
}

std::vector<std::int64_t> seqs(const std::vector<FramePtr>& frames) {
  std::vector<std::int64_t> out;
  for (const auto& f : frames) out.push_back(f->record.seq);
  return out;
}

TEST(Hub, KeepsARecentWindowForResumes) {
  Hub hub;
  std::vector<FramePtr> got;
  EXPECT_FALSE(hub.recent_after(0, 100, got));  // nothing published yet: only the store knows
  hub.publish({record(41, "t", 1), record(42, "t", 1)});
  hub.publish_ephemeral(record(0, "typing", 1));  // never part of the window
  hub.publish({record(43, "t", 1)});
  EXPECT_TRUE(hub.recent_after(40, 100, got));  // everything after 40 was published here
  EXPECT_EQ(seqs(got), (std::vector<std::int64_t>{41, 42, 43}));
  got.clear();
  EXPECT_TRUE(hub.recent_after(42, 100, got));
  EXPECT_EQ(seqs(got), (std::vector<std::int64_t>{43}));
  got.clear();
  EXPECT_TRUE(hub.recent_after(43, 100, got));  // up to date: nothing to replay
  EXPECT_TRUE(got.empty());
  EXPECT_FALSE(hub.recent_after(39, 100, got));  // 40 was committed before this process
  EXPECT_FALSE(hub.recent_after(44, 100, got));  // not published yet (or another database)
  EXPECT_FALSE(hub.recent_after(40, 2, got));    // more than the caller may replay
  EXPECT_TRUE(got.empty());
}

TEST(Hub, TheRecentWindowForgetsTheOldestBeyondItsBudget) {
  const std::size_t one = sizeof(Frame) + make_frame(record(1, "t", 1))->staff->size() + 1;
  Hub hub(3 * one);  // room for three frames of this size
  for (std::int64_t seq = 1; seq <= 5; ++seq) hub.publish({record(seq, "t", 1)});
  std::vector<FramePtr> got;
  EXPECT_FALSE(hub.recent_after(1, 100, got));  // 2 was forgotten
  EXPECT_TRUE(hub.recent_after(2, 100, got));
  EXPECT_EQ(seqs(got), (std::vector<std::int64_t>{3, 4, 5}));
  Hub none(0);
  none.publish({record(1, "t", 1)});
  EXPECT_FALSE(none.recent_after(0, 100, got));
}

}  // namespace
}  // namespace omniline::events
