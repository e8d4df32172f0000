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

}  // namespace
}  // namespace omniline::events
