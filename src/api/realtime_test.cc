#include "api/realtime.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "support/temp_dir.h"

namespace omniline::api {
namespace {

namespace json = boost::json;

class RealtimeConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions o;
    o.path = dir_.file("omniline.db");
    auto s = store::open_sqlite(o);
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
  }
  void TearDown() override { store_->close(); }

  // Stores an event for line 1 and returns it with its seq.
  domain::EventRecord stored(const std::string& text) {
    domain::EventRecord e;
    e.type = "message.created";
    e.at = 1;
    e.line_id = LineId(1);
    e.data = json::serialize(json::object{{"text", text}});
    auto seq = store_->write_value<std::int64_t>(
        [&](store::WriteTx& tx) { return tx.insert_event(e); });
    EXPECT_TRUE(seq.ok());
    e.seq = *seq;
    return e;
  }

  std::shared_ptr<RealtimeConnection> connect(events::Viewer v) {
    return std::make_shared<RealtimeConnection>(
        std::move(v), *store_,
        [this](std::shared_ptr<const std::string> m) { sent_.push_back(json::parse(*m)); },
        nullptr);
  }

  // (type, seq) of everything sent, in order.
  std::vector<std::pair<std::string, std::int64_t>> log() const {
    std::vector<std::pair<std::string, std::int64_t>> out;
    for (const auto& v : sent_) {
      const auto& o = v.as_object();
      out.emplace_back(std::string(o.at("type").as_string()),
                       o.contains("seq") ? o.at("seq").as_int64() : -1);
    }
    return out;
  }

  omniline::testing::TempDir dir_{"omniline-realtime-test"};
  std::unique_ptr<store::Store> store_;
  std::vector<json::value> sent_;
};

using Log = std::vector<std::pair<std::string, std::int64_t>>;

TEST_F(RealtimeConnectionTest, HelloFirstThenLiveThenResumeWithoutGapsOrDuplicates) {
  auto e1 = stored("one");
  auto e2 = stored("two");
  events::Viewer admin;
  admin.employee = EmployeeId(1);
  admin.sees_all = true;
  auto c = connect(admin);
  // Published before hello: held, and dropped when already before the hello's seq.
  c->on_event(events::make_frame(e2));
  c->start(R"({"employee_id":1})");
  EXPECT_EQ(sent_.front().at("data").at("last_seq").as_int64(), e2.seq);
  auto e3 = stored("three");
  c->on_event(events::make_frame(e3));  // live
  c->on_event(events::make_frame(e3));  // the same again: not repeated
  c->on_client_message(R"({"type":"resume","seq":)" + std::to_string(e1.seq - 1) + "}");
  EXPECT_EQ(log(), (Log{{"hello", 0},
                        {"message.created", e3.seq},
                        {"message.created", e1.seq},
                        {"message.created", e2.seq},
                        {"resumed", 0}}));
  EXPECT_EQ(sent_.back().at("data").at("seq").as_int64(), e3.seq);
}

TEST_F(RealtimeConnectionTest, OperatorsGetOnlyTheirLinesAndBadInputIsAnError) {
  auto mine = stored("mine");
  domain::EventRecord other;
  other.type = "message.created";
  other.at = 1;
  other.line_id = LineId(2);
  other.data = "{}";
  auto seq = store_->write_value<std::int64_t>(
      [&](store::WriteTx& tx) { return tx.insert_event(other); });
  ASSERT_TRUE(seq.ok());
  events::Viewer op;
  op.employee = EmployeeId(5);
  op.lines = {1};
  auto c = connect(op);
  c->start(R"({"employee_id":5})");
  c->on_client_message(R"({"type":"resume","seq":0})");
  EXPECT_EQ(log(), (Log{{"hello", 0}, {"message.created", mine.seq}, {"resumed", 0}}));
  sent_.clear();
  c->on_client_message("{not json");
  c->on_client_message(R"({"type":"resume"})");
  c->on_client_message(R"({"type":"resume","seq":123456})");
  c->on_client_message(R"({"type":"ping"})");
  EXPECT_EQ(log(), (Log{{"error", 0}, {"error", 0}, {"resync_required", 0}, {"pong", -1}}));
}

TEST_F(RealtimeConnectionTest, ResumeReplaysFromTheHubsRecentWindowWhenItHoldsTheGap) {
  // The window holds frames the store does not have: a resume that finds them there has not
  // read the store. Before the window's start it falls back to the store (which resyncs here).
  events::Hub hub;
  auto e1 = stored("one");
  hub.publish({e1});
  events::Viewer op;
  op.employee = EmployeeId(5);
  op.lines = {1};
  auto c = connect(op);
  c->use_recent(&hub);
  c->start(R"({"employee_id":5})");
  domain::EventRecord only_in_memory;
  only_in_memory.type = "message.created";
  only_in_memory.seq = e1.seq + 1;
  only_in_memory.line_id = LineId(1);
  only_in_memory.data = R"({"text":"two"})";
  domain::EventRecord other_line = only_in_memory;
  other_line.seq = e1.seq + 2;
  other_line.line_id = LineId(2);
  hub.publish({only_in_memory, other_line});  // not subscribed: the connection missed them
  c->on_client_message(R"({"type":"resume","seq":)" + std::to_string(e1.seq - 1) + "}");
  EXPECT_EQ(log(), (Log{{"hello", 0},
                        {"message.created", e1.seq},
                        {"message.created", e1.seq + 1},
                        {"resumed", 0}}));
  EXPECT_EQ(sent_.back().at("data").at("seq").as_int64(), e1.seq + 2);  // the newest it has seen
  // Again from the same point: nothing is sent twice.
  sent_.clear();
  c->on_client_message(R"({"type":"resume","seq":)" + std::to_string(e1.seq - 1) + "}");
  EXPECT_EQ(log(), (Log{{"resumed", 0}}));
  // Older than the window: the store decides, and it has no such history.
  sent_.clear();
  c->on_client_message(R"({"type":"resume","seq":)" + std::to_string(e1.seq - 2) + "}");
  EXPECT_EQ(log(), (Log{{"resync_required", 0}}));
}

}  // namespace
}  // namespace omniline::api
