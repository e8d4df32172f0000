// Routing over real HTTP with a controllable clock: strictly/evenly/all modes, queue time,
// max_chats, availability (realtime connection, away), races, forwarding between lines.
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <set>

#include "scenario.h"

namespace omniline::testing {
namespace {

using scn::World;

std::string S(std::int64_t v) { return std::to_string(v); }

class Routing : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess({"--test-clock"});
    ASSERT_TRUE(server_->start()) << server_->log();
    w_ = new World(server_->port());
  }
  static void TearDownTestSuite() {
    delete w_;
    EXPECT_EQ(server_->stop(), 0) << server_->log();
    delete server_;
  }
  void TearDown() override {
    if (HasFailure()) {
      auto l = server_->log();
      std::cerr << "--- server log (tail) ---\n"
                << (l.size() > 6000 ? l.substr(l.size() - 6000) : l) << "\n";
    }
  }
  // System messages (the "system" objects), oldest first.
  static std::vector<json::object> systems(std::int64_t dialog) {
    std::vector<json::object> out;
    for (auto& m : w_->history(dialog))
      if (m.at("system").is_object()) out.push_back(m.at("system").as_object());
    return out;
  }
  static std::string status(std::int64_t dialog) { return w_->status_of(dialog); }

  static ServerProcess* server_;
  static World* w_;
};
ServerProcess* Routing::server_ = nullptr;
World* Routing::w_ = nullptr;

TEST_F(Routing, StrictlyPassesDownTheQueueOnTimeout) {
  auto a = w_->employee();
  auto b = w_->employee();
  auto c = w_->employee();
  auto line = w_->line({a.id, b.id, c.id},
                       R"({"mode":"strictly","queue_time_s":60,"only_available":false})");
  auto ch = w_->channel(line);
  auto id = w_->ingest(ch, "strict-1").dialog_id;
  EXPECT_EQ(w_->operator_of(id), a.id);
  EXPECT_EQ(status(id), "new");
  auto sys = systems(id);
  ASSERT_EQ(sys.size(), 1u);
  EXPECT_EQ(sys[0].at("kind").as_string(), "assigned");
  EXPECT_EQ(sys[0].at("employee_id").as_int64(), a.id);

  // Before the queue time nothing moves.
  w_->advance(30);
  EXPECT_EQ(w_->operator_of(id), a.id);
  // A second new session on the line also goes to the first operator (strictly).
  auto id2 = w_->ingest(ch, "strict-2").dialog_id;
  EXPECT_EQ(w_->operator_of(id2), a.id);

  w_->advance(31);
  EXPECT_EQ(w_->operator_of(id), b.id);
  EXPECT_EQ(status(id), "new");
  w_->advance(61);
  EXPECT_EQ(w_->operator_of(id), c.id);
  w_->advance(61);
  EXPECT_EQ(w_->operator_of(id), a.id) << "a new round starts at the top of the queue";
  sys = systems(id);
  ASSERT_EQ(sys.size(), 4u);
  const std::int64_t expect_to[] = {a.id, b.id, c.id, a.id};
  const std::int64_t expect_from[] = {0, a.id, b.id, c.id};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(sys[i].at("kind").as_string(), i == 0 ? "assigned" : "passed") << i;
    EXPECT_EQ(sys[i].at("employee_id").as_int64(), expect_to[i]) << i;
    if (i > 0) {
      EXPECT_EQ(scn::id_or_zero(sys[i].at("from_employee_id")), expect_from[i]) << i;
    }
  }

  // Once answered, the queue time no longer applies.
  ASSERT_EQ(w_->act(id, "answer", a.token).status, 200);
  EXPECT_TRUE(w_->dialog(id).at("session").at("offer_deadline").is_null());
  w_->advance(200);
  EXPECT_EQ(w_->operator_of(id), a.id);
  EXPECT_EQ(status(id), "in_work");
  EXPECT_EQ(systems(id).size(), 5u);  // + picked_up only
}

TEST_F(Routing, ReturnsToQueueWhenNobodyElse) {
  auto a = w_->employee();
  auto line = w_->line({a.id}, R"({"mode":"strictly","queue_time_s":20,"only_available":false})");
  auto ch = w_->channel(line);
  auto id = w_->ingest(ch, "solo").dialog_id;
  EXPECT_EQ(w_->operator_of(id), a.id);
  w_->advance(21);
  EXPECT_EQ(w_->operator_of(id), 0);
  auto sys = systems(id);
  ASSERT_FALSE(sys.empty());
  EXPECT_EQ(sys.back().at("kind").as_string(), "returned_to_queue");
  EXPECT_EQ(scn::id_or_zero(sys.back().at("from_employee_id")), a.id);
  EXPECT_TRUE(w_->dialog(id).at("session").at("offer_deadline").is_null());
  // Unassigned, it is in the operator's unanswered list and can be answered.
  auto un = w_->call(bhttp::verb::get, "/api/v1/dialogs?view=unanswered&limit=200", "", a.token);
  ASSERT_EQ(un.status, 200);
  bool listed = false;
  for (auto& d : scn::items(un)) listed |= d.at("id").as_int64() == id;
  EXPECT_TRUE(listed);
  w_->advance(100);
  EXPECT_EQ(systems(id).size(), sys.size()) << "nothing more happens while it waits";
  EXPECT_EQ(w_->act(id, "answer", a.token).status, 200);
}

TEST_F(Routing, EvenlySpreadsSessions) {
  auto a = w_->employee();
  auto b = w_->employee();
  auto c = w_->employee();
  auto line =
      w_->line({a.id, b.id, c.id}, R"({"mode":"evenly","queue_time_s":0,"only_available":false})");
  auto ch = w_->channel(line);
  std::vector<std::int64_t> got;
  for (int i = 0; i < 6; ++i) {
    auto id = w_->ingest(ch, "even-" + std::to_string(i)).dialog_id;
    got.push_back(w_->operator_of(id));
  }
  EXPECT_EQ(got, (std::vector<std::int64_t>{a.id, b.id, c.id, a.id, b.id, c.id}));
  // queue_time_s 0: never passed on.
  auto id = w_->ingest(ch, "even-x").dialog_id;
  EXPECT_TRUE(w_->dialog(id).at("session").at("offer_deadline").is_null());
  w_->advance(3600);
  EXPECT_EQ(w_->operator_of(id), a.id);
  std::map<std::int64_t, int> per;
  for (auto x : got) ++per[x];
  EXPECT_EQ(per[a.id], 2);
  EXPECT_EQ(per[b.id], 2);
  EXPECT_EQ(per[c.id], 2);
}

TEST_F(Routing, ModeAllLeavesItToWhoeverAnswers) {
  auto a = w_->employee();
  auto b = w_->employee();
  auto outsider = w_->employee();
  auto line = w_->line({a.id, b.id}, R"({"mode":"all","only_available":false,"queue_time_s":10})");
  auto ch = w_->channel(line);
  auto id = w_->ingest(ch, "all-1").dialog_id;
  auto d = w_->dialog(id);
  EXPECT_TRUE(d.at("session").at("operator_id").is_null());
  EXPECT_TRUE(d.at("session").at("offer_deadline").is_null());
  EXPECT_EQ(d.at("session").at("status").as_string(), "new");
  EXPECT_TRUE(systems(id).empty());
  w_->advance(60);
  EXPECT_EQ(w_->operator_of(id), 0);
  for (auto* who : {&a, &b}) {
    auto un = w_->call(bhttp::verb::get, "/api/v1/dialogs?view=unanswered&limit=200", "", who->token);
    bool listed = false;
    for (auto& x : scn::items(un)) listed |= x.at("id").as_int64() == id;
    EXPECT_TRUE(listed);
  }
  EXPECT_EQ(w_->act(id, "answer", outsider.token).status, 404);
  auto first = w_->act(id, "answer", b.token);
  ASSERT_EQ(first.status, 200) << first.body;
  auto second = w_->act(id, "answer", a.token);
  EXPECT_EQ(second.status, 409) << second.body;
  EXPECT_EQ(w_->operator_of(id), b.id);
  // After answering it left a's unanswered list.
  auto un = w_->call(bhttp::verb::get, "/api/v1/dialogs?view=unanswered&limit=200", "", a.token);
  for (auto& x : scn::items(un)) EXPECT_NE(x.at("id").as_int64(), id);
}

TEST_F(Routing, MaxChatsHoldsSessionsUntilASlotFrees) {
  auto a = w_->employee();
  auto line = w_->line(
      {a.id}, R"({"mode":"strictly","only_available":false,"max_chats":1,"queue_time_s":0})");
  auto ch = w_->channel(line);
  auto d1 = w_->ingest(ch, "mc-1").dialog_id;
  auto d2 = w_->ingest(ch, "mc-2").dialog_id;
  auto d3 = w_->ingest(ch, "mc-3").dialog_id;
  EXPECT_EQ(w_->operator_of(d1), a.id);
  EXPECT_EQ(w_->operator_of(d2), 0);
  EXPECT_EQ(w_->operator_of(d3), 0);
  ASSERT_EQ(w_->act(d1, "answer", a.token).status, 200);
  ASSERT_EQ(w_->send(d1, a.token, "hello").status, 201);  // waiting_customer counts too
  w_->advance(0);
  EXPECT_EQ(w_->operator_of(d2), 0);
  // Closing frees the slot: the oldest waiting session comes.
  ASSERT_EQ(w_->act(d1, "close", a.token).status, 200);
  EXPECT_TRUE(World::eventually([&] { return w_->operator_of(d2) == a.id; }))
      << "d2 operator " << w_->operator_of(d2);
  EXPECT_EQ(w_->operator_of(d3), 0);
  EXPECT_EQ(systems(d2).back().at("kind").as_string(), "assigned");
  // Raising the limit hands out the rest.
  auto p = w_->call(bhttp::verb::patch, "/api/v1/lines/" + S(line), R"({"routing":{"max_chats":5}})");
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_TRUE(World::eventually([&] { return w_->operator_of(d3) == a.id; }));
}

TEST_F(Routing, MaxChatsCountsOnlyConfiguredStatuses) {
  auto a = w_->employee();
  auto line = w_->line({a.id}, R"({"mode":"strictly","only_available":false,"max_chats":1,)"
                               R"("max_chats_count":["new"],"queue_time_s":0})");
  auto ch = w_->channel(line);
  auto d1 = w_->ingest(ch, "mcc-1").dialog_id;
  auto d2 = w_->ingest(ch, "mcc-2").dialog_id;
  EXPECT_EQ(w_->operator_of(d1), a.id);
  EXPECT_EQ(w_->operator_of(d2), 0);  // one "new" offered already
  ASSERT_EQ(w_->act(d1, "answer", a.token).status, 200);
  // Answered, d1 no longer counts toward the limit: the slot is free and the waiting session
  // should come to a without any other trigger.
  w_->advance(0);
  EXPECT_TRUE(World::eventually([&] { return w_->operator_of(d2) == a.id; }, 2000))
      << "d2 still waits although a has no 'new' session any more";
  // A newer session must not jump ahead of the one waiting longer.
  auto d3 = w_->ingest(ch, "mcc-3").dialog_id;
  if (w_->operator_of(d2) == 0) {
    EXPECT_NE(w_->operator_of(d3), a.id) << "the newer d3 took the slot while d2 kept waiting";
  }
}

TEST_F(Routing, OnlyAvailableOperatorsGetSessions) {
  auto a = w_->employee();
  auto watcher = w_->employee("supervisor");
  auto line = w_->line({a.id}, R"({"mode":"strictly","queue_time_s":60})");  // only_available
  auto ch = w_->channel(line);
  auto d1 = w_->ingest(ch, "oa-1").dialog_id;
  w_->advance(0);
  EXPECT_EQ(w_->operator_of(d1), 0) << "nobody online";
  EXPECT_TRUE(systems(d1).empty());

  scn::Online watch;
  ASSERT_TRUE(watch.connect(server_->port(), watcher.token));
  {
    scn::Online online;
    ASSERT_TRUE(online.connect(server_->port(), a.token));
    w_->advance(0);
    EXPECT_TRUE(World::eventually([&] { return w_->operator_of(d1) == a.id; }))
        << "coming online takes the waiting session";
    // While online, new sessions go straight to a.
    auto d2 = w_->ingest(ch, "oa-2").dialog_id;
    EXPECT_EQ(w_->operator_of(d2), a.id);

    // Away: not eligible.
    auto away = w_->call(bhttp::verb::put, "/api/v1/me/away", R"({"away":true})", a.token);
    ASSERT_EQ(away.status, 200) << away.body;
    EXPECT_TRUE(away.json().at("away").as_bool());
    auto d3 = w_->ingest(ch, "oa-3").dialog_id;
    w_->advance(0);
    EXPECT_EQ(w_->operator_of(d3), 0);
    EXPECT_EQ(w_->call(bhttp::verb::put, "/api/v1/me/away", R"({"away":"no"})", a.token).status,
              400);
    EXPECT_EQ(w_->call(bhttp::verb::put, "/api/v1/me/away", R"({})", a.token).status, 400);
    // Back: the waiting one comes.
    ASSERT_EQ(w_->call(bhttp::verb::put, "/api/v1/me/away", R"({"away":false})", a.token).status,
              200);
    EXPECT_TRUE(World::eventually([&] { return w_->operator_of(d3) == a.id; }));
  }
  // Offline again (the watcher sees the presence change): new sessions wait.
  EXPECT_TRUE(World::eventually([&] {
    for (auto& e : watch.events()) {
      if (!e.is_object() || e.as_object().if_contains("type") == nullptr) continue;
      if (e.at("type") != "presence") continue;
      auto& d = e.at("data");
      if (d.at("employee_id").as_int64() == a.id && d.as_object().if_contains("online") &&
          d.at("online") == false)
        return true;
    }
    return false;
  })) << "no presence offline event";
  auto d4 = w_->ingest(ch, "oa-4").dialog_id;
  w_->advance(0);
  EXPECT_EQ(w_->operator_of(d4), 0);
}

TEST_F(Routing, ConcurrentAnswersHaveOneWinner) {
  std::vector<World::Staff> ops;
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) {  // 20 threads over 5 operators
    ops.push_back(w_->employee());
    ids.push_back(ops.back().id);
  }
  auto line = w_->line(ids, R"({"mode":"all","only_available":false})");
  auto ch = w_->channel(line);

  // 20 threads answer the same dialog.
  auto id = w_->ingest(ch, "race-answer").dialog_id;
  std::vector<std::future<std::pair<int, std::int64_t>>> fs;
  for (int i = 0; i < 20; ++i)
    fs.push_back(std::async(std::launch::async, [&, i] {
      const auto& who = ops[i % ops.size()];
      return std::pair{w_->act(id, "answer", who.token).status, who.id};
    }));
  int ok = 0;
  std::int64_t winner = 0;
  for (auto& f : fs) {
    auto [st, who] = f.get();
    if (st == 200) {
      ++ok;
      winner = who;
    } else {
      EXPECT_EQ(st, 409);
    }
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(w_->operator_of(id), winner);
  auto sys = systems(id);
  ASSERT_EQ(sys.size(), 1u);
  EXPECT_EQ(sys[0].at("kind").as_string(), "picked_up");
  EXPECT_EQ(sys[0].at("employee_id").as_int64(), winner);

  // A mixed race of answer and take_over on a fresh dialog.
  auto id2 = w_->ingest(ch, "race-mixed").dialog_id;
  struct Out {
    std::string action;
    int status;
    std::int64_t who;
  };
  std::vector<std::future<Out>> mixed;
  for (int i = 0; i < 20; ++i)
    mixed.push_back(std::async(std::launch::async, [&, i] {
      const auto& who = ops[i % ops.size()];
      std::string action = i % 2 ? "take_over" : "answer";
      return Out{action, w_->act(id2, action, who.token).status, who.id};
    }));
  int answers = 0, takeovers = 0;
  for (auto& f : mixed) {
    auto o = f.get();
    EXPECT_TRUE(o.status == 200 || o.status == 409) << o.action << " " << o.status;
    if (o.status == 200) (o.action == "answer" ? answers : takeovers)++;
  }
  EXPECT_LE(answers, 1);
  EXPECT_GE(answers + takeovers, 1);
  sys = systems(id2);
  int picked = 0, took = 0;
  for (auto& s : sys) {
    picked += s.at("kind") == "picked_up";
    took += s.at("kind") == "took_over";
  }
  EXPECT_EQ(picked, answers);
  EXPECT_EQ(took, takeovers);
  ASSERT_FALSE(sys.empty());
  // The last one to take it is its operator; the chain of "from" links is unbroken.
  EXPECT_EQ(w_->operator_of(id2), sys.back().at("employee_id").as_int64());
  std::int64_t holder = 0;
  for (auto& s : sys) {
    if (s.at("kind") == "took_over" && holder != 0 && holder != s.at("employee_id").as_int64()) {
      EXPECT_EQ(scn::id_or_zero(s.at("from_employee_id")), holder) << s;
    }
    holder = s.at("employee_id").as_int64();
  }
  EXPECT_EQ(status(id2), "in_work");
  // The first taker took an unanswered session: only one of them moved it out of "new".
  if (answers == 1) {
    EXPECT_EQ(sys.front().at("kind").as_string(), "picked_up");
  }
}

TEST_F(Routing, ForwardToAnotherLineRoutesThere) {
  auto a = w_->employee();
  auto b = w_->employee();
  auto l1 = w_->line({a.id}, R"({"mode":"strictly","only_available":false,"queue_time_s":60})");
  auto l2 = w_->line({b.id}, R"({"mode":"strictly","only_available":false,"queue_time_s":60})");
  auto ch = w_->channel(l1);
  auto id = w_->ingest(ch, "fw-line").dialog_id;
  ASSERT_EQ(w_->operator_of(id), a.id);
  ASSERT_EQ(w_->act(id, "answer", a.token).status, 200);
  auto fw = w_->act(id, "forward", a.token, R"({"line_id":)" + S(l2) + "}");
  ASSERT_EQ(fw.status, 200) << fw.body;
  auto d = fw.json();
  EXPECT_EQ(d.at("line_id").as_int64(), l2);
  EXPECT_EQ(d.at("session").at("line_id").as_int64(), l2);
  EXPECT_EQ(scn::id_or_zero(d.at("session").at("operator_id")), b.id);
  EXPECT_EQ(d.at("session").at("status").as_string(), "new");
  auto sys = systems(id);
  ASSERT_GE(sys.size(), 2u);
  EXPECT_EQ(sys[sys.size() - 2].at("kind").as_string(), "forwarded_to_line");
  EXPECT_EQ(sys[sys.size() - 2].at("to_line_id").as_int64(), l2);
  EXPECT_EQ(sys.back().at("kind").as_string(), "assigned");
  EXPECT_EQ(sys.back().at("employee_id").as_int64(), b.id);
  // b (line 2) sees and answers it.
  EXPECT_EQ(w_->call(bhttp::verb::get, "/api/v1/dialogs/" + S(id), "", b.token).status, 200);
  ASSERT_EQ(w_->act(id, "answer", b.token).status, 200);
  // Queue time on the new line passes it within line 2 only.
  ASSERT_EQ(w_->act(id, "close", b.token).status, 200);
  // The forward lasts one session: the customer's next message goes back to line 1.
  w_->ingest(ch, "fw-line", "back again");
  auto d2 = w_->dialog(id);
  EXPECT_EQ(d2.at("line_id").as_int64(), l1);
  EXPECT_EQ(scn::id_or_zero(d2.at("session").at("operator_id")), a.id);
}

TEST_F(Routing, PinnedDialogReturnsToItsOperator) {
  auto a = w_->employee();
  auto b = w_->employee();
  auto line =
      w_->line({a.id, b.id}, R"({"mode":"evenly","only_available":false,"queue_time_s":60})");
  auto ch = w_->channel(line);
  auto id = w_->ingest(ch, "pinme").dialog_id;
  auto first = w_->operator_of(id);
  ASSERT_NE(first, 0);
  const auto& owner = first == a.id ? a : b;
  ASSERT_EQ(w_->act(id, "answer", owner.token).status, 200);
  ASSERT_EQ(w_->act(id, "pin", owner.token).status, 200);
  ASSERT_EQ(w_->act(id, "close", owner.token).status, 200);
  // Evenly would pick the other operator now; the pin wins.
  w_->ingest(ch, "pinme", "it's me again");
  auto d = w_->dialog(id);
  EXPECT_EQ(scn::id_or_zero(d.at("session").at("operator_id")), owner.id);
  EXPECT_TRUE(d.at("session").at("pinned").as_bool());
  auto sys = systems(id);
  ASSERT_FALSE(sys.empty());
  EXPECT_EQ(sys.back().at("kind").as_string(), "assigned");
  EXPECT_EQ(sys.back().at("by").as_string(), "pin");
  // A pinned offer is not passed on.
  w_->advance(120);
  EXPECT_EQ(w_->operator_of(id), owner.id);
}

TEST_F(Routing, SwitchingModeHandsOutWaitingSessions) {
  auto a = w_->employee();
  auto b = w_->employee();
  auto line = w_->line({a.id, b.id}, R"({"mode":"all","only_available":false,"queue_time_s":60})");
  auto ch = w_->channel(line);
  auto d1 = w_->ingest(ch, "sw-1").dialog_id;
  auto d2 = w_->ingest(ch, "sw-2").dialog_id;
  EXPECT_EQ(w_->operator_of(d1), 0);
  EXPECT_EQ(w_->operator_of(d2), 0);
  auto p = w_->call(bhttp::verb::patch, "/api/v1/lines/" + S(line),
                    R"({"routing":{"mode":"evenly"}})");
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(p.json().at("routing").at("mode").as_string(), "evenly");
  EXPECT_EQ(p.json().at("routing").at("queue_time_s").as_int64(), 60);
  w_->advance(0);
  EXPECT_TRUE(World::eventually([&] { return w_->operator_of(d1) != 0 && w_->operator_of(d2) != 0; }));
  EXPECT_NE(w_->operator_of(d1), w_->operator_of(d2)) << "evenly: one each";
}

TEST_F(Routing, OfferedSessionIsOnlyInTheOfferedOperatorsList) {
  auto a = w_->employee();
  auto b = w_->employee();
  auto line =
      w_->line({a.id, b.id}, R"({"mode":"strictly","only_available":false,"queue_time_s":60})");
  auto ch = w_->channel(line);
  auto id = w_->ingest(ch, "offered").dialog_id;
  ASSERT_EQ(w_->operator_of(id), a.id);
  auto listed = [&](const std::string& token) {
    for (auto& d : scn::items(w_->call(bhttp::verb::get,
                                       "/api/v1/dialogs?view=unanswered&limit=200", "", token)))
      if (d.at("id").as_int64() == id) return true;
    return false;
  };
  EXPECT_TRUE(listed(a.token));
  EXPECT_FALSE(listed(b.token));
  // b may still open it (same line) and take it over.
  EXPECT_EQ(w_->call(bhttp::verb::get, "/api/v1/dialogs/" + S(id), "", b.token).status, 200);
  // A forward to b restarts the queue time, and when it runs out it passes on from b.
  auto fw = w_->act(id, "forward", a.token, R"({"employee_id":)" + S(b.id) + "}");
  ASSERT_EQ(fw.status, 200) << fw.body;
  EXPECT_TRUE(listed(b.token));
  EXPECT_FALSE(listed(a.token));
  w_->advance(61);
  EXPECT_EQ(w_->operator_of(id), a.id);
  auto sys = systems(id);
  EXPECT_EQ(sys.back().at("kind").as_string(), "passed");
  EXPECT_EQ(scn::id_or_zero(sys.back().at("from_employee_id")), b.id);
}

}  // namespace
}  // namespace omniline::testing
