// What the operator workspace needs beyond the core: unread counters kept per employee (read
// marks), a dialog's sessions, and the colleague directory for the forward/invite pickers.
#include <gtest/gtest.h>

#include "scenario.h"
#include "webhook_receiver.h"

namespace omniline::testing {
namespace {

using scn::World;

std::string S(std::int64_t v) { return std::to_string(v); }
constexpr const char* kAll = R"({"mode":"all","only_available":false})";

class Workspace : public ::testing::Test {
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
  static HttpResponse get(const std::string& t, const std::string& token = "") {
    return w_->call(bhttp::verb::get, t, "", token);
  }
  static std::int64_t unread_in_list(std::int64_t dialog, const std::string& token,
                                     const std::string& view = "unanswered") {
    auto r = get("/api/v1/dialogs?view=" + view, token);
    EXPECT_EQ(r.status, 200) << r.body;
    auto body = r.json();
    for (const auto& d : body.at("items").as_array())
      if (d.at("id").as_int64() == dialog) return d.at("unread").as_int64();
    return -1;
  }
  static ServerProcess* server_;
  static World* w_;
};
ServerProcess* Workspace::server_ = nullptr;
World* Workspace::w_ = nullptr;

TEST_F(Workspace, UnreadCountersFollowEachEmployeesReadMark) {
  auto a = w_->employee("operator", "Una");
  auto b = w_->employee("operator", "Bert");
  auto line = w_->line({a.id, b.id}, kAll);
  auto ch = w_->channel(line);
  auto first = w_->ingest(ch, "u-1", "one");
  w_->ingest(ch, "u-1", "two");
  const auto id = first.dialog_id;
  EXPECT_EQ(unread_in_list(id, a.token), 2);
  EXPECT_EQ(unread_in_list(id, b.token), 2);
  EXPECT_EQ(w_->dialog(id, a.token).at("unread").as_int64(), 2);
  // Every employee learns the channel's kind and name (for its icon), not its secrets.
  auto channel = w_->dialog(id, a.token).at("channel");
  EXPECT_EQ(channel.at("kind").as_string(), "api");
  EXPECT_EQ(channel.at("id").as_int64(), ch.id);
  EXPECT_FALSE(channel.as_object().contains("secret"));

  // Reading up to the first message leaves one; reading all leaves none, for Una only.
  auto r = w_->act(id, "read", a.token, R"({"message_id":)" + S(first.message_id) + "}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("unread").as_int64(), 1);
  ASSERT_EQ(w_->act(id, "read", a.token).status, 200);
  EXPECT_EQ(unread_in_list(id, a.token), 0);
  EXPECT_EQ(unread_in_list(id, b.token), 2);
  // A read mark never moves back.
  ASSERT_EQ(w_->act(id, "read", a.token, R"({"message_id":)" + S(first.message_id) + "}").status,
            200);
  EXPECT_EQ(unread_in_list(id, a.token), 0);

  // A new customer message counts again; the employee's own reply marks everything read.
  w_->ingest(ch, "u-1", "three");
  EXPECT_EQ(unread_in_list(id, a.token), 1);
  EXPECT_EQ(unread_in_list(id, b.token), 3);
  ASSERT_EQ(w_->send(id, b.token, "hello from Bert").status, 201);
  EXPECT_EQ(unread_in_list(id, b.token, "mine"), 0);

  // Bad input: a message of another dialog, or none at all.
  auto other = w_->ingest(ch, "u-2", "elsewhere");
  auto bad = w_->act(id, "read", a.token, R"({"message_id":)" + S(other.message_id) + "}");
  EXPECT_EQ(bad.status, 404) << bad.body;
  EXPECT_EQ(w_->act(id, "read", a.token, R"({"message_id":99999999})").status, 404);
  EXPECT_EQ(w_->act(id, "read", a.token, R"({"message_id":"x"})").status, 400);
  EXPECT_EQ(w_->dialog(id, a.token).at("unread").as_int64(), 1);  // nothing changed
}

TEST_F(Workspace, SessionsOfADialogNewestFirstWithPaging) {
  auto a = w_->employee("operator", "Sam");
  auto outsider = w_->employee("operator", "Otto");
  auto line = w_->line({a.id}, kAll);
  auto ch = w_->channel(line);
  auto in = w_->ingest(ch, "s-1", "first visit");
  const auto id = in.dialog_id;
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(w_->act(id, "answer", a.token).status, 200);
    ASSERT_EQ(w_->act(id, "close", a.token).status, 200);
    w_->ingest(ch, "s-1", "again " + S(i));
  }
  auto all = get("/api/v1/dialogs/" + S(id) + "/sessions", a.token);
  ASSERT_EQ(all.status, 200) << all.body;
  auto body = all.json();
  const auto& items = body.at("items").as_array();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_GT(items[0].at("id").as_int64(), items[1].at("id").as_int64());
  EXPECT_EQ(items[0].at("status").as_string(), "new");
  EXPECT_EQ(items[1].at("status").as_string(), "closed");
  EXPECT_TRUE(body.at("next_cursor").is_null());

  auto p1 = get("/api/v1/dialogs/" + S(id) + "/sessions?limit=2", a.token);
  ASSERT_EQ(p1.status, 200);
  auto b1 = p1.json();
  ASSERT_EQ(b1.at("items").as_array().size(), 2u);
  ASSERT_TRUE(b1.at("next_cursor").is_string());
  auto p2 = get("/api/v1/dialogs/" + S(id) + "/sessions?limit=2&cursor=" +
                    std::string(b1.at("next_cursor").as_string()),
                a.token);
  ASSERT_EQ(p2.status, 200) << p2.body;
  auto b2 = p2.json();
  ASSERT_EQ(b2.at("items").as_array().size(), 1u);
  EXPECT_EQ(b2.at("items").as_array()[0].at("id").as_int64(), items[2].at("id").as_int64());

  EXPECT_EQ(get("/api/v1/dialogs/" + S(id) + "/sessions", outsider.token).status, 404);
  EXPECT_EQ(get("/api/v1/dialogs/99999999/sessions", a.token).status, 404);
  EXPECT_EQ(get("/api/v1/dialogs/" + S(id) + "/sessions?limit=0", a.token).status, 400);
  EXPECT_EQ(get("/api/v1/dialogs/" + S(id) + "/sessions?cursor=%%%", a.token).status, 400);
  EXPECT_EQ(w_->call_anon(bhttp::verb::get, "/api/v1/dialogs/" + S(id) + "/sessions").status, 401);
}

TEST_F(Workspace, MentionsNotifyColleaguesAndReachCustomersAsText) {
  auto a = w_->employee("operator", "Mira Mention");
  auto b = w_->employee("operator", "Boris Mentioned");
  auto gone = w_->employee("operator", "Gone Mentioned");
  ASSERT_EQ(w_->call(bhttp::verb::delete_, "/api/v1/employees/" + S(gone.id)).status, 200);
  WebhookReceiver hook;
  auto line = w_->line({a.id}, kAll);
  auto ch = w_->channel(line);
  ASSERT_EQ(w_->call(bhttp::verb::patch, "/api/v1/channels/" + S(ch.id),
                     R"({"webhook_url":")" + hook.url("/in") + R"("})").status,
            200);
  auto in = w_->ingest(ch, "men-1", "hello");
  const auto id = in.dialog_id;
  scn::Online boris;
  ASSERT_TRUE(boris.connect(w_->port(), b.token));

  // Unknown or inactive employees, non-numeric ids and chats one cannot open are refused.
  for (const std::string& bad :
       {std::string("[user=99999999]Nobody[/user]"), "[user=" + S(gone.id) + "]Gone[/user]",
        std::string("[chat=99999999]x[/chat]")}) {
    auto r = w_->send(id, a.token, bad);
    EXPECT_EQ(r.status, 400) << bad << " -> " << r.body;
  }
  auto other_line = w_->line({b.id}, kAll);
  auto other = w_->ingest(w_->channel(other_line), "men-2", "elsewhere");
  EXPECT_EQ(w_->send(id, a.token, "[chat=" + S(other.dialog_id) + "]x[/chat]").status, 400);
  const auto before = w_->history(id).size();

  const std::string text = "[b]Note:[/b] [user=" + S(b.id) + "]Boris[/user], please check";
  auto sent = w_->send(id, a.token, text);
  ASSERT_EQ(sent.status, 201) << sent.body;
  EXPECT_EQ(w_->history(id).size(), before + 1);  // the refused ones stored nothing
  // Boris hears of it although he is not in the line.
  EXPECT_TRUE(World::eventually([&] {
    for (const auto& e : boris.events())
      if (e.at("type").as_string() == "mention" &&
          e.at("data").at("message_id").as_int64() == sent.json().at("id").as_int64() &&
          e.at("data").at("employee_id").as_int64() == b.id)
        return true;
    return false;
  }));
  // The mention shared the dialog with Boris.
  EXPECT_FALSE(w_->dialog(id, b.token).is_null());
  // Staff keep the markup; the connector gets the name as text, plus a plain-text version.
  EXPECT_EQ(w_->history(id).back().at("text").as_string(), text);
  ASSERT_TRUE(hook.wait_for(1, std::chrono::seconds(5)));
  auto payload = json::parse(hook.last()->body);
  EXPECT_EQ(payload.at("message").at("text").as_string(), "[b]Note:[/b] Boris, please check");
  EXPECT_EQ(payload.at("message").at("text_plain").as_string(), "Note: Boris, please check");
}

TEST_F(Workspace, EditsKeepHistoryAndReachTheConnectorInOrder) {
  auto a = w_->employee("operator", "Edna Editor");
  auto b = w_->employee("operator", "Colin Colleague");
  WebhookReceiver hook;
  auto line = w_->line({a.id, b.id}, kAll);
  auto ch = w_->channel(line);
  ASSERT_EQ(w_->call(bhttp::verb::patch, "/api/v1/channels/" + S(ch.id),
                     R"({"webhook_url":")" + hook.url("/in") + R"("})").status,
            200);
  auto in = w_->ingest(ch, "ed-1", "hello");
  auto sent = w_->send(in.dialog_id, a.token, "Teh parcel ships today");
  ASSERT_EQ(sent.status, 201) << sent.body;
  const std::string mpath = "/api/v1/messages/" + S(sent.json().at("id").as_int64());

  ASSERT_EQ(w_->call(bhttp::verb::patch, mpath, R"({"text":"The parcel ships today"})", a.token).status, 200);
  // The same text again changes nothing.
  ASSERT_EQ(w_->call(bhttp::verb::patch, mpath, R"({"text":"The parcel ships today"})", a.token).status, 200);
  // A colleague may not edit; an admin may.
  EXPECT_EQ(w_->call(bhttp::verb::patch, mpath, R"({"text":"hijack"})", b.token).status, 403);
  auto by_admin = w_->call(bhttp::verb::patch, mpath, R"({"text":"The parcel ships tomorrow"})");
  ASSERT_EQ(by_admin.status, 200) << by_admin.body;

  auto edits = w_->call(bhttp::verb::get, mpath + "/edits", "", b.token);
  ASSERT_EQ(edits.status, 200) << edits.body;
  auto ej = edits.json();
  const auto& items = ej.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("previous_text").as_string(), "Teh parcel ships today");
  EXPECT_EQ(items[0].at("editor_id").as_int64(), a.id);
  EXPECT_EQ(items[1].at("previous_text").as_string(), "The parcel ships today");
  EXPECT_EQ(items[1].at("editor_id").as_int64(), w_->admin_id());
  auto outsider = w_->employee("operator", "Otto Outsider");
  EXPECT_EQ(w_->call(bhttp::verb::get, mpath + "/edits", "", outsider.token).status, 404);
  EXPECT_EQ(w_->call(bhttp::verb::get, "/api/v1/messages/99999999/edits").status, 404);

  ASSERT_EQ(w_->call(bhttp::verb::delete_, mpath, "", a.token).status, 204);
  // The connector hears of the message, both edits and the deletion, in that order.
  ASSERT_TRUE(hook.wait_for(4, std::chrono::seconds(10))) << hook.count();
  auto reqs = hook.requests();
  std::vector<std::string> kinds;
  for (const auto& r : reqs) kinds.push_back(std::string(json::parse(r.body).at("event").as_string()));
  EXPECT_EQ(kinds, (std::vector<std::string>{"message", "message.updated", "message.updated",
                                             "message.deleted"}));
  auto last = json::parse(reqs.back().body);
  EXPECT_TRUE(last.at("message").at("deleted").as_bool());
  EXPECT_EQ(last.at("message").at("text").as_string(), "");
  EXPECT_EQ(json::parse(reqs[2].body).at("message").at("text").as_string(), "The parcel ships tomorrow");
  // The message's own delivery status comes from its first webhook only.
  auto hist = w_->history(in.dialog_id);
  for (const auto& m : hist) {
    if (m.at("id").as_int64() == sent.json().at("id").as_int64()) {
      EXPECT_EQ(m.at("delivery").as_string(), "sent");
    }
  }
}

TEST_F(Workspace, DirectoryListsActiveColleaguesForAnyone) {
  auto op = w_->employee("operator", "Dora Directory");
  auto gone = w_->employee("operator", "Gone Directory");
  ASSERT_EQ(w_->call(bhttp::verb::delete_, "/api/v1/employees/" + S(gone.id)).status, 200);
  // An operator may not list employees, but may search the directory.
  EXPECT_EQ(get("/api/v1/employees", op.token).status, 403);
  auto r = get("/api/v1/directory/employees?q=DIRECTORY", op.token);
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json();
  const auto& items = body.at("items").as_array();
  ASSERT_EQ(items.size(), 1u) << r.body;
  const auto& e = items[0].as_object();
  EXPECT_EQ(e.at("id").as_int64(), op.id);
  EXPECT_EQ(e.at("name").as_string(), "Dora Directory");
  EXPECT_EQ(e.at("online").as_bool(), false);
  EXPECT_EQ(e.at("away").as_bool(), false);
  EXPECT_FALSE(e.contains("email"));  // colleagues see names, not addresses

  // Online with a realtime connection, away after PUT /me/away.
  scn::Online online;
  ASSERT_TRUE(online.connect(w_->port(), op.token));
  ASSERT_EQ(w_->call(bhttp::verb::put, "/api/v1/me/away", R"({"away":true})", op.token).status,
            200);
  EXPECT_TRUE(World::eventually([&] {
    auto again = get("/api/v1/directory/employees?q=dora", op.token);
    auto j = again.json();
    const auto& it = j.at("items").as_array();
    return it.size() == 1 && it[0].at("online").as_bool() && it[0].at("away").as_bool();
  }));
  auto me = get("/api/v1/me", op.token);
  EXPECT_TRUE(me.json().at("away").as_bool());

  // Paging and bad input.
  auto p = get("/api/v1/directory/employees?limit=1", op.token);
  ASSERT_EQ(p.status, 200);
  EXPECT_TRUE(p.json().at("next_cursor").is_string());
  EXPECT_EQ(get("/api/v1/directory/employees?q=" + std::string(201, 'x'), op.token).status, 400);
  EXPECT_EQ(get("/api/v1/directory/employees?limit=500", op.token).status, 400);
  EXPECT_EQ(w_->call_anon(bhttp::verb::get, "/api/v1/directory/employees").status, 401);
}

}  // namespace
}  // namespace omniline::testing

namespace omniline::testing {
namespace {

// `omniline demo` fills a data dir that a server then serves: the counts add up.
TEST(DemoData, FillsADataDirThatServes) {
  TempDir dir("omniline-demo");
  const char* bin = getenv("OMNILINE_TEST_BINARY");
  const std::string cmd = std::string("OMNILINE_ADMIN_EMAIL=") + kAdminEmail +
                          " OMNILINE_ADMIN_PASSWORD='" + kAdminPassword + "' " +
                          std::string(bin && *bin ? bin : OMNILINE_BINARY) +
                          " demo --data-dir " + dir.path() +
                          " --dialogs 120 --messages-per-dialog 6 > " + dir.path() + "/demo.out 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_NE(std::system((cmd.substr(0, cmd.find(" > ")) + " --dialogs 0 > /dev/null 2>&1").c_str()), 0);
  ServerProcess server({}, {}, dir.path());
  ASSERT_TRUE(server.start()) << server.log();
  World w(server.port());
  auto counts = w.call(bhttp::verb::get, "/api/v1/dialogs/counts");
  ASSERT_EQ(counts.status, 200) << counts.body;
  auto cj = counts.json();
  // The second run failed before writing anything: exactly one demo line's 120 dialogs.
  EXPECT_EQ(cj.at("all").as_int64(), 120);
  EXPECT_GT(cj.at("unanswered").as_int64(), 0);
  auto page = w.call(bhttp::verb::get, "/api/v1/dialogs?view=all&limit=200");
  auto pj = page.json();
  ASSERT_EQ(pj.at("items").as_array().size(), 120u);
  const auto& first = pj.at("items").as_array()[0];
  auto history = w.history(first.at("id").as_int64());
  EXPECT_FALSE(history.empty());
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace omniline::testing
