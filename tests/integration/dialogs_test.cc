// Dialogs over real HTTP: connector ingest, history, sending, every action and its system
// message, illegal transitions, lists/counts, and who may see what.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "scenario.h"

namespace omniline::testing {
namespace {

using scn::World;

std::string S(std::int64_t v) { return std::to_string(v); }

class Dialogs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess();
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
  static HttpResponse call(bhttp::verb m, const std::string& t, const std::string& body = "",
                           const std::string& token = "") {
    return w_->call(m, t, body, token);
  }
  static std::string dpath(std::int64_t id) { return "/api/v1/dialogs/" + S(id); }
  static json::object session_of(const json::value& d) { return d.at("session").as_object(); }
  static std::string status(const json::value& d) {
    return std::string(d.at("session").at("status").as_string());
  }
  static std::int64_t op(const json::value& d) { return scn::id_or_zero(d.at("session").at("operator_id")); }
  // The last system message's kind, or "".
  static std::string last_system(std::int64_t dialog) {
    auto k = w_->system_kinds(dialog);
    return k.empty() ? "" : k.back();
  }
  static int count_kind(std::int64_t dialog, const std::string& kind) {
    auto k = w_->system_kinds(dialog);
    return static_cast<int>(std::count(k.begin(), k.end(), kind));
  }

  static ServerProcess* server_;
  static World* w_;
};
ServerProcess* Dialogs::server_ = nullptr;
World* Dialogs::w_ = nullptr;

// A line in mode "all": sessions stay unassigned, any queue operator may take them.
constexpr const char* kAll = R"({"mode":"all","only_available":false})";
constexpr const char* kStrict = R"({"mode":"strictly","only_available":false,"queue_time_s":600})";

TEST_F(Dialogs, IngestIsIdempotent) {
  auto a = w_->employee();
  auto line = w_->line({a.id}, kAll);
  auto ch1 = w_->channel(line);
  auto ch2 = w_->channel(line);

  auto first = w_->ingest(ch1, "u1", "hello", "m1");
  EXPECT_FALSE(first.duplicate);
  EXPECT_GT(first.dialog_id, 0);
  auto again = w_->ingest(ch1, "u1", "hello (retried)", "m1");
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.dialog_id, first.dialog_id);
  EXPECT_EQ(again.message_id, first.message_id);
  auto hist = w_->history(first.dialog_id);
  int customer_msgs = 0;
  for (auto& m : hist)
    if (m.at("author").at("kind") == "customer") {
      ++customer_msgs;
      EXPECT_EQ(m.at("text").as_string(), "hello");
      EXPECT_EQ(m.at("external_id").as_string(), "m1");
      EXPECT_FALSE(m.at("hidden").as_bool());
      EXPECT_TRUE(m.at("system").is_null());
    }
  EXPECT_EQ(customer_msgs, 1);

  // The same message id on another channel is another message (and another customer/dialog).
  auto other = w_->ingest(ch2, "u1", "hello", "m1");
  EXPECT_FALSE(other.duplicate);
  EXPECT_NE(other.message_id, first.message_id);
  EXPECT_NE(other.dialog_id, first.dialog_id);

  // Another message of the same user lands in the same dialog; another chat id opens another.
  auto second = w_->ingest(ch1, "u1", "more", "m2");
  EXPECT_FALSE(second.duplicate);
  EXPECT_EQ(second.dialog_id, first.dialog_id);
  EXPECT_NE(second.message_id, first.message_id);
  auto chat = w_->ingest(ch1, "u1", "in a group", "m3", "chat-9");
  EXPECT_NE(chat.dialog_id, first.dialog_id);
  auto chat2 = w_->ingest(ch1, "u1", "again in the group", "m4", "chat-9");
  EXPECT_EQ(chat2.dialog_id, chat.dialog_id);

  // Integer ids.
  auto ri = w_->ingest_raw(ch1, R"({"user":{"id":42,"name":"Num"},"chat":{"id":7},)"
                                R"("message":{"id":1001,"text":"numbers"}})");
  ASSERT_EQ(ri.status, 200) << ri.body;
  auto ri2 = w_->ingest_raw(ch1, R"({"user":{"id":42,"name":"Num"},"chat":{"id":7},)"
                                 R"("message":{"id":1001,"text":"numbers"}})");
  ASSERT_EQ(ri2.status, 200) << ri2.body;
  EXPECT_TRUE(ri2.json().at("duplicate").as_bool());
  EXPECT_EQ(ri2.json().at("message_id"), ri.json().at("message_id"));
  auto d = w_->dialog(ri.json().at("dialog_id").as_int64());
  ASSERT_FALSE(d.is_null());
  EXPECT_EQ(d.at("customer").at("external_id").as_string(), "42");
  EXPECT_EQ(d.at("customer").at("name").as_string(), "Num");
  EXPECT_EQ(d.at("title").as_string(), "Num");
  EXPECT_FALSE(d.at("custom_title").as_bool());
  EXPECT_EQ(d.at("line_id").as_int64(), line);
  EXPECT_EQ(d.at("channel_id").as_int64(), ch1.id);
  EXPECT_EQ(status(d), "new");
  EXPECT_TRUE(d.at("session").at("operator_id").is_null());
  EXPECT_EQ(d.at("last_message").at("text").as_string(), "numbers");

  // Concurrent retries of the same message: one message.
  std::vector<std::thread> ts;
  std::vector<int> statuses(8);
  std::vector<std::int64_t> mids(8);
  for (int i = 0; i < 8; ++i)
    ts.emplace_back([&, i] {
      auto r = w_->ingest_raw(ch1, R"({"user":{"id":"racer"},"message":{"id":"race-1","text":"x"}})");
      statuses[i] = r.status;
      if (r.status == 200) mids[i] = r.json().at("message_id").as_int64();
    });
  for (auto& t : ts) t.join();
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(statuses[i], 200);
    EXPECT_EQ(mids[i], mids[0]);
  }
}

TEST_F(Dialogs, ConnectorRejectsBadInput) {
  auto line = w_->line({}, kAll);
  auto ch = w_->channel(line);
  auto web = w_->channel(line, "webchat");
  struct Case {
    std::string body;
    int status;
    const char* why;
  };
  std::vector<Case> cases = {
      {R"({"message":{"id":"x1","text":"hi"}})", 400, "missing user"},
      {R"({"user":"u","message":{"id":"x1","text":"hi"}})", 400, "user not object"},
      {R"({"user":{"name":"A"},"message":{"id":"x1","text":"hi"}})", 400, "user.id missing"},
      {R"({"user":{"id":1.5},"message":{"id":"x1","text":"hi"}})", 400, "user.id float"},
      {R"({"user":{"id":""},"message":{"id":"x1","text":"hi"}})", 400, "user.id empty"},
      {R"({"user":{"id":"u","name":5},"message":{"id":"x1","text":"hi"}})", 400, "name type"},
      {R"({"user":{"id":"u","name":")" + std::string(300, 'n') + R"("},"message":{"id":"x1","text":"hi"}})",
       400, "name too long"},
      {R"({"user":{"id":"u"}})", 400, "missing message"},
      {R"({"user":{"id":"u"},"message":{"text":"hi"}})", 400, "message.id missing"},
      {R"({"user":{"id":"u"},"message":{"id":"x1"}})", 400, "text missing"},
      {R"({"user":{"id":"u"},"message":{"id":"x1","text":5}})", 400, "text not string"},
      {R"({"user":{"id":"u"},"message":{"id":"x1","text":"   "}})", 400, "blank text"},
      {R"({"user":{"id":"u"},"message":{"id":"x1","text":")" + std::string(20001, 'a') + "\"}}",
       400, "text too long"},
      {R"({"user":{"id":"u"},"message":{"id":")" + std::string(300, 'i') + R"(","text":"hi"}})",
       400, "id too long"},
      {R"({"user":{"id":"u"},"chat":"c","message":{"id":"x1","text":"hi"}})", 400, "chat type"},
      {R"({"user":{"id":"u"},"message":{"id":"x1","text":"hi","files":[{"url":"x"}]}})", 400,
       "files"},
      {"{", 400, "malformed"},
      {"[]", 400, "array"},
  };
  for (const auto& c : cases) {
    auto r = w_->ingest_raw(ch, c.body);
    EXPECT_EQ(r.status, c.status) << c.why << ": " << r.body.substr(0, 300);
    EXPECT_EQ(r.error_code(), "invalid_request") << c.why;
  }
  const std::string good = R"({"user":{"id":"u"},"message":{"id":"ok","text":"hi"}})";
  auto wrong = w_->ingest_raw(ch, good, "olk_wrong");
  EXPECT_EQ(wrong.status, 401) << wrong.body;
  EXPECT_EQ(wrong.error_code(), "unauthorized");
  auto none = http_once(server_->port(), bhttp::verb::post,
                        "/hooks/api/" + S(ch.id) + "/messages", good);
  EXPECT_EQ(none.status, 401);
  // An employee's token is not a channel secret.
  auto emp = http_once(server_->port(), bhttp::verb::post, "/hooks/api/" + S(ch.id) + "/messages",
                       good, bearer(w_->admin_token()));
  EXPECT_EQ(emp.status, 401);
  World::Channel unknown{999999, ch.secret};
  EXPECT_EQ(w_->ingest_raw(unknown, good).status, 401);
  // A webchat channel has no connector side.
  EXPECT_EQ(w_->ingest_raw(web, good).status, 401);
  // Too big for the server's body limit (1 MiB by default).
  auto big = w_->ingest_raw(ch, R"({"user":{"id":"u"},"message":{"id":"big","text":")" +
                                    std::string(1100 * 1024, 'a') + "\"}}");
  EXPECT_EQ(big.status, 413) << big.body.substr(0, 200);

  // None of this created a dialog on the line.
  auto list = call(bhttp::verb::get, "/api/v1/dialogs?view=all&line_id=" + S(line));
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(list.json().at("items").as_array().empty()) << list.body;
  // And the good one still works.
  EXPECT_EQ(w_->ingest_raw(ch, good).status, 200);
}

TEST_F(Dialogs, AnswerReplyHiddenPinRenameInviteClose) {
  auto a = w_->employee("operator", "Alice");
  auto c = w_->employee("operator", "Carol");  // not in the line
  auto line = w_->line({a.id}, kAll);
  auto ch = w_->channel(line);
  auto in = w_->ingest(ch, "cust-1", "I need help", "", "", "Ann");
  const auto id = in.dialog_id;

  auto d0 = w_->dialog(id, a.token);
  ASSERT_FALSE(d0.is_null());
  EXPECT_EQ(status(d0), "new");
  const auto session1 = d0.at("session").at("id").as_int64();

  // answer
  auto ans = w_->act(id, "answer", a.token);
  ASSERT_EQ(ans.status, 200) << ans.body;
  EXPECT_EQ(status(ans.json()), "in_work");
  EXPECT_EQ(op(ans.json()), a.id);
  EXPECT_EQ(ans.json().at("id").as_int64(), id);
  EXPECT_EQ(last_system(id), "picked_up");
  auto again = w_->act(id, "answer", a.token);
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.error_code(), "conflict");

  // A hidden note: no status change; staff see it.
  auto note = w_->send(id, a.token, "internal note", true);
  ASSERT_EQ(note.status, 201) << note.body;
  EXPECT_TRUE(note.json().at("hidden").as_bool());
  EXPECT_EQ(note.json().at("author").at("kind").as_string(), "operator");
  EXPECT_EQ(note.json().at("author").at("id").as_int64(), a.id);
  EXPECT_EQ(note.json().at("author").at("name").as_string(), "Alice");
  EXPECT_EQ(status(w_->dialog(id)), "in_work");

  // A public reply: operator_replied; the customer's answer: waiting_operator.
  auto reply = w_->send(id, a.token, "How can I help?");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_FALSE(reply.json().at("hidden").as_bool());
  EXPECT_EQ(reply.json().at("dialog_id").as_int64(), id);
  EXPECT_EQ(reply.json().at("session_id").as_int64(), session1);
  EXPECT_EQ(status(w_->dialog(id)), "operator_replied");
  w_->ingest(ch, "cust-1", "My order is late");
  EXPECT_EQ(status(w_->dialog(id)), "waiting_operator");

  // reply_to must be a message of the dialog.
  auto rt = call(bhttp::verb::post, dpath(id) + "/messages",
                 R"({"text":"re","reply_to":)" + S(in.message_id) + "}", a.token);
  ASSERT_EQ(rt.status, 201) << rt.body;
  EXPECT_EQ(rt.json().at("reply_to").as_int64(), in.message_id);
  EXPECT_EQ(call(bhttp::verb::post, dpath(id) + "/messages",
                 R"({"text":"re","reply_to":99999999})", a.token)
                .status,
            400);
  for (const char* bad : {R"({})", R"({"text":""})", R"({"text":5})", R"({"text":"x","hidden":1})",
                          "{", R"({"text":"x","files":[{"url":"u"}]})"})
    EXPECT_EQ(call(bhttp::verb::post, dpath(id) + "/messages", bad, a.token).status, 400) << bad;

  // The staff history has everything in order, the note and system lines included.
  auto hist = w_->history(id, a.token);
  std::vector<std::string> texts;
  for (auto& m : hist) texts.emplace_back(m.at("text").as_string());
  auto pos = [&](const std::string& t) {
    return std::find(texts.begin(), texts.end(), t) - texts.begin();
  };
  EXPECT_LT(pos("I need help"), pos("internal note"));
  EXPECT_LT(pos("internal note"), pos("How can I help?"));
  EXPECT_LT(pos("How can I help?"), pos("My order is late"));
  EXPECT_LT(pos("My order is late"), static_cast<long>(texts.size()));
  for (auto& m : hist) {
    if (m.at("system").is_object()) {
      EXPECT_TRUE(m.at("hidden").as_bool());
      EXPECT_EQ(m.at("author").at("kind").as_string(), "system");
    }
  }

  // pin / unpin
  auto pin = w_->act(id, "pin", a.token);
  ASSERT_EQ(pin.status, 200) << pin.body;
  EXPECT_TRUE(pin.json().at("session").at("pinned").as_bool());
  auto unpin = w_->act(id, "unpin", a.token);
  ASSERT_EQ(unpin.status, 200) << unpin.body;
  EXPECT_FALSE(unpin.json().at("session").at("pinned").as_bool());

  // rename, and back to the default title
  auto rn = w_->act(id, "rename", a.token, R"({"title":"Late order #42"})");
  ASSERT_EQ(rn.status, 200) << rn.body;
  EXPECT_EQ(rn.json().at("title").as_string(), "Late order #42");
  EXPECT_TRUE(rn.json().at("custom_title").as_bool());
  EXPECT_EQ(w_->dialog(id).at("title").as_string(), "Late order #42");
  EXPECT_EQ(w_->act(id, "rename", a.token, R"({"title":")" + std::string(300, 't') + "\"}").status,
            400);
  EXPECT_EQ(w_->act(id, "rename", a.token, R"({})").status, 400);
  EXPECT_EQ(w_->act(id, "rename", a.token, R"({"title":7})").status, 400);
  auto rn2 = w_->act(id, "rename", a.token, R"({"title":""})");
  ASSERT_EQ(rn2.status, 200) << rn2.body;
  EXPECT_EQ(rn2.json().at("title").as_string(), "Ann");
  EXPECT_FALSE(rn2.json().at("custom_title").as_bool());

  // invite: Carol (outside the line) gains access.
  EXPECT_EQ(call(bhttp::verb::get, dpath(id), "", c.token).status, 404);
  auto inv = w_->act(id, "invite", a.token, R"({"employee_id":)" + S(c.id) + "}");
  ASSERT_EQ(inv.status, 200) << inv.body;
  EXPECT_EQ(last_system(id), "invited");
  EXPECT_EQ(call(bhttp::verb::get, dpath(id), "", c.token).status, 200);
  EXPECT_EQ(call(bhttp::verb::get, dpath(id) + "/messages", "", c.token).status, 200);
  auto inv2 = w_->act(id, "invite", a.token, R"({"employee_id":)" + S(c.id) + "}");
  EXPECT_EQ(inv2.status, 409) << inv2.body;
  EXPECT_EQ(w_->act(id, "invite", a.token, R"({})").status, 400);
  EXPECT_EQ(w_->act(id, "invite", a.token, R"({"employee_id":999999})").status, 400);
  // A hidden note by the invited colleague.
  EXPECT_EQ(w_->send(id, c.token, "Carol's hint", true).status, 201);

  // read
  auto rd = w_->act(id, "read", a.token);
  EXPECT_EQ(rd.status, 200) << rd.body;
  EXPECT_EQ(w_->act(id, "read", a.token, R"({"message_id":)" + S(in.message_id) + "}").status,
            200);

  // close
  auto cl = w_->act(id, "close", a.token);
  ASSERT_EQ(cl.status, 200) << cl.body;
  EXPECT_EQ(status(cl.json()), "closed");
  EXPECT_TRUE(cl.json().at("session").at("closed_at").is_string());
  EXPECT_EQ(last_system(id), "closed");
  EXPECT_EQ(w_->act(id, "close", a.token).status, 409);
  EXPECT_EQ(w_->act(id, "pin", a.token).status, 409);
  EXPECT_EQ(w_->act(id, "take_over", a.token).status, 409);
  EXPECT_EQ(w_->act(id, "answer", a.token).status, 409);
  EXPECT_EQ(w_->act(id, "spam", a.token).status, 409);

  // The customer writes again: a new session, back to the line's queue.
  w_->ingest(ch, "cust-1", "One more thing");
  auto d2 = w_->dialog(id);
  EXPECT_NE(d2.at("session").at("id").as_int64(), session1);
  EXPECT_EQ(status(d2), "new");
  EXPECT_TRUE(d2.at("session").at("operator_id").is_null());
  // The title survives the session.
  EXPECT_EQ(d2.at("title").as_string(), "Ann");

  // accept_and_close on an unanswered session.
  auto ac = w_->act(id, "accept_and_close", a.token);
  ASSERT_EQ(ac.status, 200) << ac.body;
  EXPECT_EQ(status(ac.json()), "closed");
  EXPECT_EQ(op(ac.json()), a.id);
  EXPECT_EQ(last_system(id), "accepted_and_closed");

  // A public reply to a closed dialog starts a new session, taken by the writer.
  auto late = w_->send(id, a.token, "Following up");
  ASSERT_EQ(late.status, 201) << late.body;
  auto d3 = w_->dialog(id);
  EXPECT_NE(d3.at("session").at("id").as_int64(), d2.at("session").at("id").as_int64());
  EXPECT_EQ(late.json().at("session_id").as_int64(), d3.at("session").at("id").as_int64());
  EXPECT_EQ(status(d3), "operator_replied");
  EXPECT_EQ(op(d3), a.id);
  // accept_and_close only fits unanswered sessions.
  EXPECT_EQ(w_->act(id, "accept_and_close", a.token).status, 409);

  // Unknown action.
  auto unk = w_->act(id, "explode", a.token);
  EXPECT_EQ(unk.status, 404) << unk.body;
}

TEST_F(Dialogs, SkipForwardTakeOver) {
  auto p = w_->employee("operator", "Pat");
  auto q = w_->employee("operator", "Quinn");
  auto r = w_->employee("operator", "Riley");
  auto line = w_->line({p.id, q.id, r.id}, kStrict);
  auto ch = w_->channel(line);
  auto in = w_->ingest(ch, "skip-1");
  const auto id = in.dialog_id;
  auto d = w_->dialog(id);
  EXPECT_EQ(op(d), p.id);
  EXPECT_EQ(status(d), "new");
  EXPECT_TRUE(d.at("session").at("offer_deadline").is_string());
  EXPECT_EQ(last_system(id), "assigned");

  // Only the offered operator may skip.
  auto qs = w_->act(id, "skip", q.token);
  EXPECT_EQ(qs.status, 409) << qs.body;
  auto ps = w_->act(id, "skip", p.token);
  ASSERT_EQ(ps.status, 200) << ps.body;
  EXPECT_EQ(op(ps.json()), q.id);
  EXPECT_EQ(status(ps.json()), "new");
  auto kinds = w_->system_kinds(id);
  ASSERT_GE(kinds.size(), 3u);
  EXPECT_EQ(kinds[kinds.size() - 2], "skipped");
  EXPECT_EQ(kinds.back(), "passed");

  // Pat may not answer it now; Riley neither.
  EXPECT_EQ(w_->act(id, "answer", p.token).status, 409);
  EXPECT_EQ(w_->act(id, "answer", r.token).status, 409);
  // Nor write to it publicly (it is offered to Quinn).
  EXPECT_EQ(w_->send(id, r.token, "mine!").status, 409);

  // Forward to an employee: offered to them again.
  auto fw = w_->act(id, "forward", q.token, R"({"employee_id":)" + S(r.id) + "}");
  ASSERT_EQ(fw.status, 200) << fw.body;
  EXPECT_EQ(op(fw.json()), r.id);
  EXPECT_EQ(status(fw.json()), "new");
  EXPECT_EQ(last_system(id), "forwarded");
  EXPECT_EQ(w_->act(id, "forward", r.token, R"({"employee_id":)" + S(r.id) + "}").status, 409);
  EXPECT_EQ(w_->act(id, "forward", r.token, R"({})").status, 400);
  EXPECT_EQ(
      w_->act(id, "forward", r.token,
              R"({"employee_id":)" + S(p.id) + R"(,"line_id":)" + S(line) + "}")
          .status,
      400);
  EXPECT_EQ(w_->act(id, "forward", r.token, R"({"employee_id":999999})").status, 400);
  EXPECT_EQ(w_->act(id, "forward", r.token, R"({"line_id":)" + S(line) + "}").status, 409);
  EXPECT_EQ(w_->act(id, "forward", r.token, R"({"line_id":999999})").status, 400);
  // Someone who is not responsible may not forward it.
  EXPECT_EQ(w_->act(id, "forward", p.token, R"({"employee_id":)" + S(q.id) + "}").status, 403);

  // Riley answers; Pat takes it over.
  ASSERT_EQ(w_->act(id, "answer", r.token).status, 200);
  EXPECT_EQ(w_->act(id, "skip", p.token).status, 409);  // not theirs to skip
  auto to = w_->act(id, "take_over", p.token);
  ASSERT_EQ(to.status, 200) << to.body;
  EXPECT_EQ(op(to.json()), p.id);
  EXPECT_EQ(status(to.json()), "in_work");
  auto hist = w_->history(id);
  ASSERT_FALSE(hist.empty());
  auto& sys = hist.back().at("system");
  ASSERT_TRUE(sys.is_object());
  EXPECT_EQ(sys.at("kind").as_string(), "took_over");
  EXPECT_EQ(sys.at("employee_id").as_int64(), p.id);
  EXPECT_EQ(sys.at("from_employee_id").as_int64(), r.id);
  EXPECT_EQ(w_->act(id, "take_over", p.token).status, 409);  // already theirs
  // Riley no longer is the operator: cannot close it.
  EXPECT_EQ(w_->act(id, "close", r.token).status, 403);
  EXPECT_EQ(w_->act(id, "pin", r.token).status, 403);

  // A one-operator line: skipping returns it to the queue.
  auto solo = w_->line({q.id}, kStrict);
  auto sch = w_->channel(solo);
  auto sd = w_->ingest(sch, "solo-1").dialog_id;
  EXPECT_EQ(w_->operator_of(sd), q.id);
  auto sk = w_->act(sd, "skip", q.token);
  ASSERT_EQ(sk.status, 200) << sk.body;
  EXPECT_TRUE(sk.json().at("session").at("operator_id").is_null()) << sk.body;
  EXPECT_EQ(status(sk.json()), "skipped");
  EXPECT_EQ(last_system(sd), "returned_to_queue");
  // Still answerable by the line's operator.
  auto sa = w_->act(sd, "answer", q.token);
  EXPECT_EQ(sa.status, 200) << sa.body;
}

TEST_F(Dialogs, SpamForceCloseAndNewSessions) {
  auto a = w_->employee();
  auto line = w_->line({a.id}, kAll);
  auto ch = w_->channel(line);

  auto spam = w_->ingest(ch, "spammer", "BUY NOW").dialog_id;
  auto s1 = w_->dialog(spam).at("session").at("id").as_int64();
  auto sp = w_->act(spam, "spam", a.token);
  ASSERT_EQ(sp.status, 200) << sp.body;
  EXPECT_EQ(status(sp.json()), "spam");
  EXPECT_EQ(last_system(spam), "spam");
  w_->ingest(ch, "spammer", "BUY NOW!!!");
  auto after = w_->dialog(spam);
  EXPECT_NE(after.at("session").at("id").as_int64(), s1);
  EXPECT_EQ(status(after), "new");
  EXPECT_EQ(after.at("id").as_int64(), spam);

  auto fc = w_->act(spam, "force_close", a.token);
  ASSERT_EQ(fc.status, 200) << fc.body;
  EXPECT_EQ(status(fc.json()), "silently_closed");
  EXPECT_EQ(last_system(spam), "force_closed");
  EXPECT_EQ(w_->act(spam, "force_close", a.token).status, 409);

  // new_session: the chosen message and later ones move to a fresh session.
  auto d = w_->ingest(ch, "split", "first topic");
  auto m2 = w_->ingest(ch, "split", "second topic");
  auto m3 = w_->ingest(ch, "split", "more on the second");
  ASSERT_EQ(w_->act(d.dialog_id, "answer", a.token).status, 200);
  auto before = w_->dialog(d.dialog_id).at("session").at("id").as_int64();
  auto ns = w_->act(d.dialog_id, "new_session", a.token,
                    R"({"from_message_id":)" + S(m2.message_id) + "}");
  ASSERT_EQ(ns.status, 200) << ns.body;
  auto after_id = ns.json().at("session").at("id").as_int64();
  EXPECT_NE(after_id, before);
  EXPECT_EQ(status(ns.json()), "in_work");
  EXPECT_EQ(op(ns.json()), a.id);
  EXPECT_EQ(last_system(d.dialog_id), "new_session");
  for (auto& m : w_->history(d.dialog_id)) {
    auto mid = m.at("id").as_int64();
    if (mid == d.message_id) {
      EXPECT_EQ(m.at("session_id").as_int64(), before);
    }
    if (mid == m2.message_id || mid == m3.message_id) {
      EXPECT_EQ(m.at("session_id").as_int64(), after_id) << m;
    }
  }
  // From a message that is not in the current session: 400; missing: 400.
  EXPECT_EQ(w_->act(d.dialog_id, "new_session", a.token,
                    R"({"from_message_id":)" + S(d.message_id) + "}")
                .status,
            400);
  EXPECT_EQ(w_->act(d.dialog_id, "new_session", a.token, R"({})").status, 400);
  auto other = w_->ingest(ch, "split-other", "elsewhere");
  EXPECT_EQ(w_->act(d.dialog_id, "new_session", a.token,
                    R"({"from_message_id":)" + S(other.message_id) + "}")
                .status,
            400);
}

TEST_F(Dialogs, EditAndDeleteMessages) {
  auto a = w_->employee("operator", "Author");
  auto b = w_->employee("operator", "Colleague");
  auto sup = w_->employee("supervisor");
  auto line = w_->line({a.id, b.id}, kAll);
  auto ch = w_->channel(line);
  auto in = w_->ingest(ch, "edits");
  const auto id = in.dialog_id;
  auto sent = w_->send(id, a.token, "typo hre");
  ASSERT_EQ(sent.status, 201) << sent.body;
  const auto mid = sent.json().at("id").as_int64();
  const std::string mpath = "/api/v1/messages/" + S(mid);

  EXPECT_EQ(call(bhttp::verb::patch, mpath, R"({"text":"hijack"})", b.token).status, 403);
  EXPECT_EQ(call(bhttp::verb::patch, mpath, R"({"text":"supervisor edit"})", sup.token).status, 403);
  EXPECT_EQ(call(bhttp::verb::patch, mpath, R"({"text":""})", a.token).status, 400);
  EXPECT_EQ(call(bhttp::verb::patch, mpath, R"({"text":1})", a.token).status, 400);
  EXPECT_EQ(call(bhttp::verb::patch, mpath, R"({})", a.token).status, 400);
  auto ed = call(bhttp::verb::patch, mpath, R"({"text":"typo here"})", a.token);
  ASSERT_EQ(ed.status, 200) << ed.body;
  EXPECT_EQ(ed.json().at("text").as_string(), "typo here");
  EXPECT_TRUE(ed.json().at("edited_at").is_string());
  // The customer's message and system messages are nobody's to edit.
  EXPECT_EQ(call(bhttp::verb::patch, "/api/v1/messages/" + S(in.message_id), R"({"text":"x"})",
                 a.token)
                .status,
            403);
  std::int64_t sys_id = 0;
  for (auto& m : w_->history(id))
    if (m.at("system").is_object()) sys_id = m.at("id").as_int64();
  if (sys_id) {
    EXPECT_EQ(call(bhttp::verb::patch, "/api/v1/messages/" + S(sys_id), R"({"text":"x"})", a.token)
                  .status,
              403);
    EXPECT_EQ(call(bhttp::verb::delete_, "/api/v1/messages/" + S(sys_id), "", a.token).status,
              403);
  }
  EXPECT_EQ(call(bhttp::verb::delete_, "/api/v1/messages/" + S(in.message_id), "", a.token).status,
            403);

  // Delete: a colleague may not, the author may.
  EXPECT_EQ(call(bhttp::verb::delete_, mpath, "", b.token).status, 403);
  auto del = call(bhttp::verb::delete_, mpath, "", a.token);
  EXPECT_EQ(del.status, 204) << del.body;
  EXPECT_EQ(call(bhttp::verb::delete_, mpath, "", a.token).status, 409);
  EXPECT_EQ(call(bhttp::verb::patch, mpath, R"({"text":"resurrect"})", a.token).status, 409);
  bool found = false;
  for (auto& m : w_->history(id))
    if (m.at("id").as_int64() == mid) {
      found = true;
      EXPECT_TRUE(m.at("deleted").as_bool());
      EXPECT_EQ(m.at("text").as_string(), "");
    }
  EXPECT_TRUE(found);

  // A supervisor may delete an operator's message (moderation).
  auto note = w_->send(id, b.token, "oops", true);
  ASSERT_EQ(note.status, 201);
  EXPECT_EQ(call(bhttp::verb::delete_, "/api/v1/messages/" + S(note.json().at("id").as_int64()),
                 "", sup.token)
                .status,
            204);
  EXPECT_EQ(call(bhttp::verb::patch, "/api/v1/messages/999999999", R"({"text":"x"})").status, 404);
  EXPECT_EQ(call(bhttp::verb::delete_, "/api/v1/messages/999999999").status, 404);
}

TEST_F(Dialogs, HistoryPaging) {
  auto line = w_->line({}, kAll);
  auto ch = w_->channel(line);
  std::int64_t id = 0;
  std::vector<std::int64_t> sent;
  for (int i = 0; i < 25; ++i) {
    auto r = w_->ingest(ch, "pager", "msg " + std::to_string(i));
    id = r.dialog_id;
    sent.push_back(r.message_id);
  }
  // Newest page first, newest last within a page.
  std::vector<std::vector<std::int64_t>> pages;
  std::string cursor;
  for (int i = 0; i < 20; ++i) {
    auto r = call(bhttp::verb::get, dpath(id) + "/messages?limit=10" +
                                        (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    auto v = r.json();
    std::vector<std::int64_t> page;
    for (auto& m : v.at("items").as_array()) {
      page.push_back(m.at("id").as_int64());
      EXPECT_EQ(m.at("dialog_id").as_int64(), id);
    }
    EXPECT_LE(page.size(), 10u);
    EXPECT_TRUE(std::is_sorted(page.begin(), page.end())) << r.body;
    pages.push_back(page);
    if (v.at("next_cursor").is_null()) break;
    cursor = std::string(v.at("next_cursor").as_string());
  }
  ASSERT_GE(pages.size(), 3u);
  EXPECT_EQ(pages[0].size(), 10u);
  EXPECT_EQ(pages[0].back(), sent.back());  // the newest message ends the first page
  std::vector<std::int64_t> all;
  for (auto it = pages.rbegin(); it != pages.rend(); ++it) all.insert(all.end(), it->begin(), it->end());
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_EQ(std::set<std::int64_t>(all.begin(), all.end()).size(), all.size()) << "no repeats";
  for (auto m : sent) EXPECT_NE(std::find(all.begin(), all.end(), m), all.end()) << m;
  // Later pages are older.
  EXPECT_LT(pages[1].back(), pages[0].front());
  EXPECT_EQ(call(bhttp::verb::get, dpath(id) + "/messages?limit=0").status, 400);
  EXPECT_EQ(call(bhttp::verb::get, dpath(id) + "/messages?limit=201").status, 400);
  EXPECT_EQ(call(bhttp::verb::get, dpath(id) + "/messages?cursor=zzz").status, 400);
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/dialogs/99999999/messages").status, 404);
}

TEST_F(Dialogs, ListsCountsAndFilters) {
  auto o = w_->employee("operator", "Lister");
  auto sup = w_->employee("supervisor");
  auto x = w_->line({o.id}, kAll);
  auto y = w_->line({}, kAll);  // o is not in it
  auto chx = w_->channel(x);
  auto chy = w_->channel(y);
  std::set<std::int64_t> xs;
  for (int i = 0; i < 7; ++i)
    xs.insert(w_->ingest(chx, "lx" + std::to_string(i), "hi", "", "",
                         i == 3 ? "Zebediah Quux" : "Person " + std::to_string(i))
                  .dialog_id);
  auto ydialog = w_->ingest(chy, "ly", "hi").dialog_id;
  ASSERT_EQ(xs.size(), 7u);

  auto list_ids = [&](const std::string& query, const std::string& token) {
    std::set<std::int64_t> out;
    auto r = call(bhttp::verb::get, "/api/v1/dialogs?" + query, "", token);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    if (r.status != 200) return out;
    for (auto& d : scn::items(r)) out.insert(d.at("id").as_int64());
    return out;
  };
  // The operator's unanswered list: the line's dialogs, not the other line's.
  auto un = list_ids("view=unanswered&limit=200", o.token);
  for (auto id : xs) EXPECT_TRUE(un.count(id)) << id;
  EXPECT_FALSE(un.count(ydialog));
  EXPECT_EQ(call(bhttp::verb::get, dpath(ydialog), "", o.token).status, 404);
  auto counts = call(bhttp::verb::get, "/api/v1/dialogs/counts", "", o.token);
  ASSERT_EQ(counts.status, 200) << counts.body;
  EXPECT_EQ(counts.json().at("unanswered").as_int64(), 7);
  EXPECT_EQ(counts.json().at("mine").as_int64(), 0);
  EXPECT_TRUE(counts.json().at("all").is_null());
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/dialogs?view=all", "", o.token).status, 403);

  // Answering moves one to "mine".
  auto first = *xs.begin();
  ASSERT_EQ(w_->act(first, "answer", o.token).status, 200);
  auto mine = list_ids("view=mine", o.token);
  EXPECT_EQ(mine, std::set<std::int64_t>{first});
  EXPECT_FALSE(list_ids("view=unanswered&limit=200", o.token).count(first));
  auto c2 = call(bhttp::verb::get, "/api/v1/dialogs/counts", "", o.token).json();
  EXPECT_EQ(c2.at("unanswered").as_int64(), 6);
  EXPECT_EQ(c2.at("mine").as_int64(), 1);
  // The list item has the dialog's shape.
  auto r = call(bhttp::verb::get, "/api/v1/dialogs?view=mine", "", o.token).json();
  ASSERT_EQ(r.at("items").as_array().size(), 1u);
  auto& item = r.at("items").at(0);
  EXPECT_EQ(item.at("session").at("status").as_string(), "in_work");
  EXPECT_EQ(item.at("session").at("operator_id").as_int64(), o.id);
  EXPECT_EQ(item.at("line_id").as_int64(), x);
  EXPECT_TRUE(item.at("customer").is_object());
  EXPECT_TRUE(item.at("last_message").is_object());

  // Supervisor: all, with line filter and counts.
  auto sx = list_ids("view=all&limit=200&line_id=" + S(x), sup.token);
  EXPECT_EQ(sx, xs);
  auto sy = list_ids("view=all&limit=200&line_id=" + S(y), sup.token);
  EXPECT_EQ(sy, std::set<std::int64_t>{ydialog});
  auto sc = call(bhttp::verb::get, "/api/v1/dialogs/counts?line_id=" + S(x), "", sup.token).json();
  EXPECT_EQ(sc.at("all").as_int64(), 7);
  EXPECT_EQ(sc.at("unanswered").as_int64(), 6);
  EXPECT_EQ(sc.at("mine").as_int64(), 0);

  // q: by customer name, case-insensitive.
  auto zq = list_ids("view=all&line_id=" + S(x) + "&q=zebed", sup.token);
  ASSERT_EQ(zq.size(), 1u);
  EXPECT_EQ(w_->dialog(*zq.begin()).at("customer").at("name").as_string(), "Zebediah Quux");
  EXPECT_TRUE(list_ids("view=all&line_id=" + S(x) + "&q=nobody-by-that-name", sup.token).empty());
  // ... and by a custom title.
  ASSERT_EQ(w_->act(ydialog, "rename", sup.token, R"({"title":"Refund Wombat"})").status, 200);
  EXPECT_EQ(list_ids("view=all&q=refund%20wombat", sup.token),
            std::set<std::int64_t>{ydialog});

  // Paging across more than `limit`: every dialog once, newest activity first.
  std::set<std::int64_t> seen;
  std::string cursor;
  int pages = 0;
  std::string prev_at;
  for (;;) {
    auto p = call(bhttp::verb::get,
                  "/api/v1/dialogs?view=all&limit=2&line_id=" + S(x) +
                      (cursor.empty() ? "" : "&cursor=" + cursor),
                  "", sup.token);
    ASSERT_EQ(p.status, 200) << p.body;
    auto v = p.json();
    EXPECT_LE(v.at("items").as_array().size(), 2u);
    for (auto& d : v.at("items").as_array()) {
      EXPECT_TRUE(seen.insert(d.at("id").as_int64()).second) << "repeated " << d.at("id");
      std::string at(d.at("last_message_at").as_string());
      if (!prev_at.empty()) {
        EXPECT_LE(at, prev_at);  // RFC 3339 in UTC sorts as text
      }
      prev_at = at;
    }
    ++pages;
    if (v.at("next_cursor").is_null()) break;
    cursor = std::string(v.at("next_cursor").as_string());
    ASSERT_LT(pages, 50);
  }
  EXPECT_EQ(seen, xs);
  EXPECT_GE(pages, 4);

  // Bad parameters.
  for (const char* q : {"view=bogus", "limit=0", "limit=500", "limit=x", "cursor=bogus",
                        "line_id=abc", "line_id=-1"})
    EXPECT_EQ(call(bhttp::verb::get, std::string("/api/v1/dialogs?") + q, "", sup.token).status,
              400)
        << q;
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/dialogs/counts?line_id=x", "", sup.token).status, 400);
}

TEST_F(Dialogs, RelatedDialogsShareContacts) {
  auto line = w_->line({}, kAll);
  auto ch1 = w_->channel(line);
  auto ch2 = w_->channel(line);
  auto r1 = w_->ingest_raw(
      ch1, R"({"user":{"id":"r1","name":"Rel","email":"rel@example.com"},"message":{"id":"a","text":"x"}})");
  auto r2 = w_->ingest_raw(
      ch2, R"({"user":{"id":"r2","name":"Rel","email":"rel@example.com"},"message":{"id":"a","text":"y"}})");
  auto r3 = w_->ingest_raw(
      ch2, R"({"user":{"id":"r3","name":"Other","email":"other@example.com"},"message":{"id":"b","text":"z"}})");
  ASSERT_EQ(r1.status, 200);
  ASSERT_EQ(r2.status, 200);
  ASSERT_EQ(r3.status, 200);
  auto d1 = r1.json().at("dialog_id").as_int64();
  auto d2 = r2.json().at("dialog_id").as_int64();
  auto rel = call(bhttp::verb::get, dpath(d1) + "/related");
  ASSERT_EQ(rel.status, 200) << rel.body;
  std::set<std::int64_t> ids;
  for (auto& d : scn::items(rel)) ids.insert(d.at("id").as_int64());
  EXPECT_EQ(ids, std::set<std::int64_t>{d2});
  EXPECT_EQ(w_->dialog(d1).at("customer").at("email").as_string(), "rel@example.com");
}

TEST_F(Dialogs, PermissionMatrix) {
  auto a = w_->employee("operator", "Line1 Op");
  auto b = w_->employee("operator", "Line2 Op");
  auto sup = w_->employee("supervisor");
  auto l1 = w_->line({a.id}, kAll);
  auto l2 = w_->line({b.id}, kAll);
  auto ch1 = w_->channel(l1);
  w_->channel(l2);
  auto in = w_->ingest(ch1, "perm-1", "secret stuff");
  const auto id = in.dialog_id;
  ASSERT_EQ(w_->act(id, "answer", a.token).status, 200);
  auto mine = w_->send(id, a.token, "hi from A");
  ASSERT_EQ(mine.status, 201);
  const auto mid = mine.json().at("id").as_int64();
  const json::value title_before = w_->dialog(id).at("title");

  struct Req {
    bhttp::verb m;
    std::string target;
    std::string body;
  };
  std::vector<Req> reqs = {
      {bhttp::verb::get, dpath(id), ""},
      {bhttp::verb::get, dpath(id) + "/related", ""},
      {bhttp::verb::get, dpath(id) + "/messages", ""},
      {bhttp::verb::post, dpath(id) + "/messages", R"({"text":"intruder"})"},
      {bhttp::verb::post, dpath(id) + "/messages", R"({"text":"intruder","hidden":true})"},
      {bhttp::verb::post, dpath(id) + "/typing", ""},
      {bhttp::verb::patch, "/api/v1/messages/" + S(mid), R"({"text":"intruder"})"},
      {bhttp::verb::delete_, "/api/v1/messages/" + S(mid), ""},
  };
  for (const char* action : {"answer", "skip", "close", "accept_and_close", "spam", "force_close",
                             "take_over", "pin", "unpin", "read"})
    reqs.push_back({bhttp::verb::post, dpath(id) + "/" + action, ""});
  reqs.push_back({bhttp::verb::post, dpath(id) + "/forward", R"({"employee_id":)" + S(b.id) + "}"});
  reqs.push_back({bhttp::verb::post, dpath(id) + "/forward", R"({"line_id":)" + S(l2) + "}"});
  reqs.push_back({bhttp::verb::post, dpath(id) + "/invite", R"({"employee_id":)" + S(b.id) + "}"});
  reqs.push_back({bhttp::verb::post, dpath(id) + "/rename", R"({"title":"pwned"})"});
  reqs.push_back(
      {bhttp::verb::post, dpath(id) + "/new_session", R"({"from_message_id":)" + S(mid) + "}"});

  for (const auto& r : reqs) {
    auto res = call(r.m, r.target, r.body, b.token);
    EXPECT_EQ(res.status, 404) << "B " << r.target << " " << r.body << ": " << res.body;
    auto anon = w_->call_anon(r.m, r.target, r.body);
    EXPECT_EQ(anon.status, 401) << "anon " << r.target << ": " << anon.body;
    auto forged = call(r.m, r.target, r.body, "ols_forged_token");
    EXPECT_EQ(forged.status, 401) << "forged " << r.target;
  }
  for (const char* t : {"/api/v1/dialogs", "/api/v1/dialogs/counts", "/api/v1/dialogs?view=mine"})
    EXPECT_EQ(w_->call_anon(bhttp::verb::get, t).status, 401) << t;
  EXPECT_EQ(w_->call_anon(bhttp::verb::put, "/api/v1/me/away", R"({"away":true})").status, 401);
  // Nothing B tried changed the dialog.
  auto d = w_->dialog(id);
  EXPECT_EQ(op(d), a.id);
  EXPECT_EQ(status(d), "operator_replied");
  EXPECT_EQ(d.at("title"), title_before);
  EXPECT_FALSE(d.at("custom_title").as_bool());
  EXPECT_EQ(d.at("line_id").as_int64(), l1);
  for (auto& m : w_->history(id)) {
    EXPECT_NE(m.at("text").as_string(), "intruder");
    if (m.at("id").as_int64() == mid) {
      EXPECT_EQ(m.at("text").as_string(), "hi from A");
    }
  }
  // B's lists do not show it.
  auto bl = call(bhttp::verb::get, "/api/v1/dialogs?view=unanswered&limit=200", "", b.token);
  ASSERT_EQ(bl.status, 200);
  for (auto& x : scn::items(bl)) EXPECT_NE(x.at("id").as_int64(), id);

  // A and the supervisor see it.
  EXPECT_EQ(call(bhttp::verb::get, dpath(id), "", a.token).status, 200);
  EXPECT_EQ(call(bhttp::verb::get, dpath(id), "", sup.token).status, 200);
  EXPECT_EQ(call(bhttp::verb::get, dpath(id) + "/messages", "", sup.token).status, 200);

  // Invited, B gains access (but is not its operator).
  ASSERT_EQ(w_->act(id, "invite", a.token, R"({"employee_id":)" + S(b.id) + "}").status, 200);
  EXPECT_EQ(call(bhttp::verb::get, dpath(id), "", b.token).status, 200);
  EXPECT_EQ(call(bhttp::verb::get, dpath(id) + "/messages", "", b.token).status, 200);
  auto bn = w_->send(id, b.token, "B's note", true);
  EXPECT_EQ(bn.status, 201) << bn.body;
  // Still not the author of A's message, not responsible for the session.
  EXPECT_EQ(call(bhttp::verb::patch, "/api/v1/messages/" + S(mid), R"({"text":"x"})", b.token).status,
            403);
  EXPECT_EQ(w_->act(id, "close", b.token).status, 403);
  // Taking it over works for a member.
  auto to = w_->act(id, "take_over", b.token);
  EXPECT_EQ(to.status, 200) << to.body;
  EXPECT_EQ(op(to.json()), b.id);
}
TEST_F(Dialogs, SearchIsCaseInsensitiveBeyondAscii) {
  auto line = w_->line({}, kAll);
  auto ch = w_->channel(line);
  auto id = w_->ingest(ch, "cyr", "Здравствуйте", "", "", "Мария Иванова").dialog_id;
  auto find = [&](const std::string& q) {
    std::set<std::int64_t> out;
    for (auto& d : scn::items(call(bhttp::verb::get, "/api/v1/dialogs?view=all&line_id=" +
                                                         S(line) + "&q=" + q)))
      out.insert(d.at("id").as_int64());
    return out;
  };
  // "Мария" as typed, then in lower case (percent-encoded UTF-8).
  EXPECT_EQ(find("%D0%9C%D0%B0%D1%80%D0%B8%D1%8F"), std::set<std::int64_t>{id});
  EXPECT_EQ(find("%D0%BC%D0%B0%D1%80%D0%B8%D1%8F"), std::set<std::int64_t>{id})
      << "q=мария does not find the customer Мария";
}

TEST_F(Dialogs, ConcurrentFirstMessagesOpenOneDialog) {
  auto line = w_->line({}, kAll);
  auto ch = w_->channel(line);
  std::vector<std::thread> ts;
  std::vector<std::int64_t> dialogs(10);
  std::vector<int> statuses(10);
  for (int i = 0; i < 10; ++i)
    ts.emplace_back([&, i] {
      auto r = w_->ingest_raw(ch, R"({"user":{"id":"burst","name":"Burst"},"message":{"id":"b)" +
                                      std::to_string(i) + R"(","text":"part )" +
                                      std::to_string(i) + R"("}})");
      statuses[i] = r.status;
      if (r.status == 200) dialogs[i] = r.json().at("dialog_id").as_int64();
    });
  for (auto& t : ts) t.join();
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(statuses[i], 200);
    EXPECT_EQ(dialogs[i], dialogs[0]);
  }
  auto hist = w_->history(dialogs[0]);
  std::set<std::int64_t> sessions;
  int customer = 0;
  for (auto& m : hist) {
    sessions.insert(m.at("session_id").as_int64());
    customer += m.at("author").at("kind") == "customer";
  }
  EXPECT_EQ(customer, 10);
  EXPECT_EQ(sessions.size(), 1u);
  EXPECT_EQ(w_->dialog(dialogs[0]).at("session").at("message_count").as_int64(), 10);

  // A burst into a closed dialog opens exactly one new session.
  ASSERT_EQ(w_->act(dialogs[0], "close", "").status, 200);
  ts.clear();
  for (int i = 0; i < 10; ++i)
    ts.emplace_back([&, i] {
      statuses[i] = w_->ingest_raw(ch, R"({"user":{"id":"burst"},"message":{"id":"c)" +
                                           std::to_string(i) + R"(","text":"again"}})")
                        .status;
    });
  for (auto& t : ts) t.join();
  for (int i = 0; i < 10; ++i) EXPECT_EQ(statuses[i], 200);
  sessions.clear();
  for (auto& m : w_->history(dialogs[0])) sessions.insert(m.at("session_id").as_int64());
  EXPECT_EQ(sessions.size(), 2u);
  EXPECT_EQ(w_->dialog(dialogs[0]).at("session").at("message_count").as_int64(), 10);
}

TEST_F(Dialogs, PublicReplyAnswersAHiddenNoteDoesNot) {
  auto a = w_->employee();
  auto outsider = w_->employee();
  auto line = w_->line({a.id}, kAll);
  auto ch = w_->channel(line);
  auto id = w_->ingest(ch, "reply-answers").dialog_id;
  ASSERT_EQ(w_->send(id, a.token, "looking into it", true).status, 201);
  EXPECT_EQ(w_->status_of(id), "new");
  EXPECT_EQ(w_->operator_of(id), 0);
  // Someone outside the line cannot even see it.
  EXPECT_EQ(w_->send(id, outsider.token, "hi").status, 404);
  auto r = w_->send(id, a.token, "Hello! How can I help?");
  ASSERT_EQ(r.status, 201) << r.body;
  auto d = w_->dialog(id);
  EXPECT_EQ(status(d), "operator_replied");
  EXPECT_EQ(op(d), a.id);
  EXPECT_TRUE(d.at("session").at("answered_at").is_string());
  EXPECT_TRUE(d.at("session").at("first_reply_at").is_string());
  EXPECT_EQ(d.at("session").at("message_count").as_int64(), 3);
  auto mine = call(bhttp::verb::get, "/api/v1/dialogs?view=mine", "", a.token);
  bool listed = false;
  for (auto& x : scn::items(mine)) listed |= x.at("id").as_int64() == id;
  EXPECT_TRUE(listed);
  EXPECT_EQ(w_->act(id, "answer", a.token).status, 409);
}

}  // namespace
}  // namespace omniline::testing
