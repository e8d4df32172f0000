// Lines and channels over real HTTP: CRUD, validation, permissions, secrets.
#include <gtest/gtest.h>

#include <set>

#include "scenario.h"

namespace omniline::testing {
namespace {

using scn::World;

class Lines : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess();
    ASSERT_TRUE(server_->start()) << server_->log();
    world_ = new World(server_->port());
    op_ = new World::Staff(world_->employee("operator"));
    sup_ = new World::Staff(world_->employee("supervisor"));
  }
  static void TearDownTestSuite() {
    delete op_;
    delete sup_;
    delete world_;
    EXPECT_EQ(server_->stop(), 0) << server_->log();
    delete server_;
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "--- server log ---\n" << server_->log() << "\n";
  }
  static HttpResponse call(bhttp::verb m, const std::string& t, const std::string& body = "",
                           const std::string& token = "") {
    return world_->call(m, t, body, token);
  }
  static std::string lpath(std::int64_t id) { return "/api/v1/lines/" + std::to_string(id); }
  static std::string cpath(std::int64_t id) { return "/api/v1/channels/" + std::to_string(id); }

  static ServerProcess* server_;
  static World* world_;
  static World::Staff* op_;
  static World::Staff* sup_;
};
ServerProcess* Lines::server_ = nullptr;
World* Lines::world_ = nullptr;
World::Staff* Lines::op_ = nullptr;
World::Staff* Lines::sup_ = nullptr;

TEST_F(Lines, CreateGetListPatchDelete) {
  auto a = world_->employee();
  auto b = world_->employee();
  auto r = call(bhttp::verb::post, "/api/v1/lines",
                json::serialize(json::object{
                    {"name", "Sales"},
                    {"queue", json::array{b.id, a.id}},
                    {"routing", json::object{{"mode", "strictly"},
                                             {"queue_time_s", 30},
                                             {"max_chats", 3},
                                             {"max_chats_count", json::array{"new", "closing"}},
                                             {"only_available", false}}}}));
  ASSERT_EQ(r.status, 201) << r.body;
  auto line = r.json().as_object();
  auto id = line.at("id").as_int64();
  EXPECT_GT(id, 0);
  EXPECT_EQ(line.at("name").as_string(), "Sales");
  EXPECT_EQ(line.at("queue"), json::value(json::array{b.id, a.id}));  // order kept
  auto& routing = line.at("routing").as_object();
  EXPECT_EQ(routing.at("mode").as_string(), "strictly");
  EXPECT_EQ(routing.at("queue_time_s").as_int64(), 30);
  EXPECT_EQ(routing.at("max_chats").as_int64(), 3);
  EXPECT_EQ(routing.at("max_chats_count"), json::value(json::array{"new", "closing"}));
  EXPECT_FALSE(routing.at("only_available").as_bool());
  EXPECT_TRUE(line.at("created_at").is_string());
  EXPECT_TRUE(line.at("updated_at").is_string());

  // Defaults.
  auto d = call(bhttp::verb::post, "/api/v1/lines", R"({"name":"Defaults"})");
  ASSERT_EQ(d.status, 201) << d.body;
  auto dv = d.json();
  EXPECT_EQ(dv.at("queue").as_array().size(), 0u);
  EXPECT_EQ(dv.at("routing").at("mode").as_string(), "evenly");
  EXPECT_EQ(dv.at("routing").at("queue_time_s").as_int64(), 60);
  EXPECT_EQ(dv.at("routing").at("max_chats").as_int64(), 0);
  EXPECT_EQ(dv.at("routing").at("max_chats_count"),
            json::value(json::array{"new", "answered", "waiting_customer"}));
  EXPECT_TRUE(dv.at("routing").at("only_available").as_bool());

  auto got = call(bhttp::verb::get, lpath(id));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.json(), json::value(line));

  // PATCH: only the given fields; routing fields merge.
  auto p = call(bhttp::verb::patch, lpath(id),
                R"({"name":"Sales EU","routing":{"queue_time_s":90}})");
  ASSERT_EQ(p.status, 200) << p.body;
  auto pv = p.json();
  EXPECT_EQ(pv.at("name").as_string(), "Sales EU");
  EXPECT_EQ(pv.at("queue"), json::value(json::array{b.id, a.id}));
  EXPECT_EQ(pv.at("routing").at("queue_time_s").as_int64(), 90);
  EXPECT_EQ(pv.at("routing").at("mode").as_string(), "strictly");
  EXPECT_EQ(pv.at("routing").at("max_chats").as_int64(), 3);
  EXPECT_EQ(pv.at("routing").at("max_chats_count"), json::value(json::array{"new", "closing"}));
  EXPECT_FALSE(pv.at("routing").at("only_available").as_bool());
  EXPECT_EQ(pv.at("created_at"), line.at("created_at"));

  auto q = call(bhttp::verb::patch, lpath(id), json::serialize(json::object{
                                                   {"queue", json::array{a.id}}}));
  ASSERT_EQ(q.status, 200) << q.body;
  EXPECT_EQ(q.json().at("queue"), json::value(json::array{a.id}));
  EXPECT_EQ(q.json().at("name").as_string(), "Sales EU");
  // An empty queue is allowed.
  auto e = call(bhttp::verb::patch, lpath(id), R"({"queue":[]})");
  ASSERT_EQ(e.status, 200) << e.body;
  EXPECT_TRUE(e.json().at("queue").as_array().empty());
  // A GET sees the patch.
  EXPECT_EQ(call(bhttp::verb::get, lpath(id)).json().at("name").as_string(), "Sales EU");

  // The list has both lines.
  auto list = call(bhttp::verb::get, "/api/v1/lines?limit=200");
  ASSERT_EQ(list.status, 200) << list.body;
  std::set<std::int64_t> ids;
  for (auto& l : scn::items(list)) ids.insert(l.at("id").as_int64());
  EXPECT_TRUE(ids.count(id));
  EXPECT_TRUE(ids.count(dv.at("id").as_int64()));

  auto del = call(bhttp::verb::delete_, lpath(id));
  EXPECT_EQ(del.status, 204) << del.body;
  EXPECT_TRUE(del.body.empty());
  EXPECT_EQ(call(bhttp::verb::get, lpath(id)).status, 404);
  EXPECT_EQ(call(bhttp::verb::patch, lpath(id), R"({"name":"x"})").status, 404);
  EXPECT_EQ(call(bhttp::verb::delete_, lpath(id)).status, 404);
  auto list2 = call(bhttp::verb::get, "/api/v1/lines?limit=200");
  for (auto& l : scn::items(list2)) EXPECT_NE(l.at("id").as_int64(), id);
}

TEST_F(Lines, ListIsPaged) {
  for (int i = 0; i < 5; ++i) world_->line({});
  std::set<std::int64_t> seen;
  std::string cursor;
  int pages = 0;
  for (;;) {
    auto r = call(bhttp::verb::get,
                  "/api/v1/lines?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    auto v = r.json();
    EXPECT_LE(v.at("items").as_array().size(), 2u);
    for (auto& l : v.at("items").as_array()) EXPECT_TRUE(seen.insert(l.at("id").as_int64()).second);
    ++pages;
    if (v.at("next_cursor").is_null()) break;
    cursor = std::string(v.at("next_cursor").as_string());
    ASSERT_LT(pages, 100);
  }
  EXPECT_GE(seen.size(), 5u);
  EXPECT_GE(pages, 3);
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/lines?limit=0").status, 400);
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/lines?cursor=forged").status, 400);
}

TEST_F(Lines, Validation) {
  auto a = world_->employee();
  auto inactive = world_->employee();
  ASSERT_EQ(call(bhttp::verb::delete_, "/api/v1/employees/" + std::to_string(inactive.id)).status,
            200);
  const std::string aid = std::to_string(a.id);
  struct Case {
    std::string body;
    const char* why;
  };
  std::vector<Case> cases = {
      {"{", "malformed JSON"},
      {"[]", "not an object"},
      {"", "empty body"},
      {R"({})", "no name"},
      {R"({"name":""})", "empty name"},
      {R"({"name":"   "})", "blank name"},
      {R"({"name":7})", "name type"},
      {R"({"name":")" + std::string(300, 'n') + R"("})", "name too long"},
      {R"({"name":"L","queue":"1"})", "queue type"},
      {R"({"name":"L","queue":[1.5]})", "queue item type"},
      {R"({"name":"L","queue":["1"]})", "queue item string"},
      {R"({"name":"L","queue":[999999]})", "unknown employee"},
      {R"({"name":"L","queue":[)" + std::to_string(inactive.id) + "]}", "inactive employee"},
      {R"({"name":"L","queue":[)" + aid + "," + aid + "]}", "duplicate in queue"},
      {R"({"name":"L","queue":[0]})", "zero id"},
      {R"({"name":"L","queue":[-3]})", "negative id"},
      {R"({"name":"L","routing":[]})", "routing type"},
      {R"({"name":"L","routing":{"mode":"random"}})", "bad mode"},
      {R"({"name":"L","routing":{"mode":1}})", "mode type"},
      {R"({"name":"L","routing":{"queue_time_s":-1}})", "negative queue_time"},
      {R"({"name":"L","routing":{"queue_time_s":"60"}})", "queue_time type"},
      {R"({"name":"L","routing":{"queue_time_s":99999999999}})", "queue_time too big"},
      {R"({"name":"L","routing":{"max_chats":-2}})", "negative max_chats"},
      {R"({"name":"L","routing":{"max_chats_count":["bogus"]}})", "bad count status"},
      {R"({"name":"L","routing":{"max_chats_count":"new"}})", "count type"},
      {R"({"name":"L","routing":{"max_chats":2,"max_chats_count":[]}})", "empty count with max"},
      {R"({"name":"L","routing":{"only_available":"yes"}})", "only_available type"},
      {R"({"name":"L","routing":{"mdoe":"all"}})", "unknown routing field"},
  };
  for (const auto& c : cases) {
    auto r = call(bhttp::verb::post, "/api/v1/lines", c.body);
    EXPECT_EQ(r.status, 400) << c.why << ": " << r.body;
    EXPECT_EQ(r.error_code(), "invalid_request") << c.why << ": " << r.body;
  }
  // Nothing was created by the failures.
  auto list = call(bhttp::verb::get, "/api/v1/lines?limit=200");
  for (auto& l : scn::items(list)) EXPECT_NE(l.at("name").as_string(), "L");

  // PATCH validates too, and applies nothing when it fails.
  auto id = world_->line({a.id}, R"({"mode":"strictly","queue_time_s":10})", "Patch target");
  for (const char* body :
       {R"({"name":""})", R"({"queue":[999999]})", R"({"routing":{"mode":"x"}})",
        R"({"routing":{"queue_time_s":-5}})", R"({"routing":{"extra":1}})", "{",
        R"({"name":"ok","queue":[1,1]})", R"({"name":"ok","routing":{"queue_time_s":-1}})"}) {
    auto r = call(bhttp::verb::patch, lpath(id), body);
    EXPECT_EQ(r.status, 400) << body << ": " << r.body;
  }
  auto cur = call(bhttp::verb::get, lpath(id)).json();
  EXPECT_EQ(cur.at("name").as_string(), "Patch target");
  EXPECT_EQ(cur.at("queue"), json::value(json::array{a.id}));
  EXPECT_EQ(cur.at("routing").at("queue_time_s").as_int64(), 10);
  EXPECT_EQ(cur.at("routing").at("mode").as_string(), "strictly");

  // Unknown ids.
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/lines/999999").status, 404);
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/lines/abc").status, 404);
  EXPECT_EQ(call(bhttp::verb::patch, "/api/v1/lines/999999", R"({"name":"x"})").status, 404);
  EXPECT_EQ(call(bhttp::verb::delete_, "/api/v1/lines/999999").status, 404);
  EXPECT_EQ(
      call(bhttp::verb::post, "/api/v1/lines/999999/channels", R"({"kind":"api"})").status, 404);
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/lines/999999/channels").status, 404);
}

TEST_F(Lines, OperatorsMayListButNotManage) {
  auto id = world_->line({op_->id}, "", "Visible");
  auto ch = world_->channel(id);
  for (const auto* who : {op_, sup_}) {
    const std::string& t = who->token;
    auto list = call(bhttp::verb::get, "/api/v1/lines", "", t);
    EXPECT_EQ(list.status, 200) << list.body;
    auto one = call(bhttp::verb::get, lpath(id), "", t);
    EXPECT_EQ(one.status, 200) << one.body;
    auto c = call(bhttp::verb::post, "/api/v1/lines", R"({"name":"Mine"})", t);
    EXPECT_EQ(c.status, 403) << c.body;
    EXPECT_EQ(c.error_code(), "forbidden");
    EXPECT_EQ(call(bhttp::verb::patch, lpath(id), R"({"name":"Hijacked"})", t).status, 403);
    EXPECT_EQ(call(bhttp::verb::patch, lpath(id), R"({"routing":{"mode":"all"}})", t).status,
              403);
    EXPECT_EQ(call(bhttp::verb::delete_, lpath(id), "", t).status, 403);
    EXPECT_EQ(call(bhttp::verb::post, lpath(id) + "/channels", R"({"kind":"api"})", t).status,
              403);
    EXPECT_EQ(call(bhttp::verb::get, lpath(id) + "/channels", "", t).status, 403);
    EXPECT_EQ(call(bhttp::verb::get, cpath(ch.id), "", t).status, 403);
    EXPECT_EQ(call(bhttp::verb::patch, cpath(ch.id), R"({"rotate_secret":true})", t).status,
              403);
    EXPECT_EQ(call(bhttp::verb::delete_, cpath(ch.id), "", t).status, 403);
  }
  // Nothing changed.
  auto l = call(bhttp::verb::get, lpath(id)).json();
  EXPECT_EQ(l.at("name").as_string(), "Visible");
  EXPECT_EQ(l.at("routing").at("mode").as_string(), "evenly");
  EXPECT_EQ(call(bhttp::verb::get, cpath(ch.id)).status, 200);
  // The secret still works (was not rotated).
  auto in = world_->ingest_raw(ch, R"({"user":{"id":"u"},"message":{"id":"m","text":"hi"}})");
  EXPECT_EQ(in.status, 200) << in.body;

  // Anonymous callers get 401 on everything.
  for (auto [m, t] : std::vector<std::pair<bhttp::verb, std::string>>{
           {bhttp::verb::get, "/api/v1/lines"},
           {bhttp::verb::post, "/api/v1/lines"},
           {bhttp::verb::get, lpath(id)},
           {bhttp::verb::patch, lpath(id)},
           {bhttp::verb::delete_, lpath(id)},
           {bhttp::verb::get, lpath(id) + "/channels"},
           {bhttp::verb::post, lpath(id) + "/channels"},
           {bhttp::verb::get, cpath(ch.id)},
           {bhttp::verb::patch, cpath(ch.id)},
           {bhttp::verb::delete_, cpath(ch.id)}}) {
    auto r = world_->call_anon(m, t, m == bhttp::verb::get ? "" : R"({"name":"x","kind":"api"})");
    EXPECT_EQ(r.status, 401) << t << ": " << r.body;
  }
}

TEST_F(Lines, ChannelSecretShownOnceAndRotates) {
  auto id = world_->line({});
  auto r = call(bhttp::verb::post, lpath(id) + "/channels",
                R"({"kind":"api","name":"CRM","webhook_url":"https://crm.example.com/hook"})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto c = r.json().as_object();
  auto cid = c.at("id").as_int64();
  EXPECT_EQ(c.at("kind").as_string(), "api");
  EXPECT_EQ(c.at("name").as_string(), "CRM");
  EXPECT_EQ(c.at("line_id").as_int64(), id);
  EXPECT_EQ(c.at("webhook_url").as_string(), "https://crm.example.com/hook");
  ASSERT_TRUE(c.at("secret").is_string());
  const std::string secret(c.at("secret").as_string());
  EXPECT_GE(secret.size(), 20u);

  auto got = call(bhttp::verb::get, cpath(cid));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.json().as_object().if_contains("secret"), nullptr);
  EXPECT_EQ(got.body.find(secret), std::string::npos);
  auto list = call(bhttp::verb::get, lpath(id) + "/channels");
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(list.body.find(secret), std::string::npos);
  EXPECT_EQ(list.json().at("items").at(0).at("id").as_int64(), cid);

  // A plain PATCH does not show the secret either.
  auto rn = call(bhttp::verb::patch, cpath(cid), R"({"name":"CRM 2"})");
  ASSERT_EQ(rn.status, 200) << rn.body;
  EXPECT_EQ(rn.json().at("name").as_string(), "CRM 2");
  EXPECT_EQ(rn.json().as_object().if_contains("secret"), nullptr);

  World::Channel ch{cid, secret};
  const std::string msg = R"({"user":{"id":"u1"},"message":{"id":"r1","text":"hi"}})";
  EXPECT_EQ(world_->ingest_raw(ch, msg).status, 200);

  auto rot = call(bhttp::verb::patch, cpath(cid), R"({"rotate_secret":true})");
  ASSERT_EQ(rot.status, 200) << rot.body;
  ASSERT_TRUE(rot.json().at("secret").is_string()) << rot.body;
  const std::string fresh(rot.json().at("secret").as_string());
  EXPECT_NE(fresh, secret);
  // The old secret stops working, the new one works.
  auto old = world_->ingest_raw(ch, R"({"user":{"id":"u1"},"message":{"id":"r2","text":"hi"}})");
  EXPECT_EQ(old.status, 401) << old.body;
  auto ok = world_->ingest_raw(ch, R"({"user":{"id":"u1"},"message":{"id":"r3","text":"hi"}})",
                               fresh);
  EXPECT_EQ(ok.status, 200) << ok.body;

  // Channel validation.
  for (const char* body :
       {R"({})", R"({"kind":"sms"})", R"({"kind":"api","name":""})",
        R"({"kind":"api","webhook_url":"ftp://x.example.com"})",
        R"({"kind":"webchat","allowed_origins":"https://a.example.com"})",
        R"({"kind":"webchat","allowed_origins":["https://a.example.com/path"]})", "{"}) {
    auto bad = call(bhttp::verb::post, lpath(id) + "/channels", body);
    EXPECT_EQ(bad.status, 400) << body << ": " << bad.body;
  }
  EXPECT_EQ(call(bhttp::verb::patch, cpath(cid), R"({"rotate_secret":"yes"})").status, 400);
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/channels/999999").status, 404);
  EXPECT_EQ(call(bhttp::verb::patch, "/api/v1/channels/999999", R"({"name":"x"})").status, 404);
  EXPECT_EQ(call(bhttp::verb::delete_, "/api/v1/channels/999999").status, 404);
}

TEST_F(Lines, DeleteLineWithChannelConflicts) {
  auto id = world_->line({});
  auto ch = world_->channel(id, "webchat");
  auto ch2 = world_->channel(id, "api");
  auto del = call(bhttp::verb::delete_, lpath(id));
  EXPECT_EQ(del.status, 409) << del.body;
  EXPECT_EQ(del.error_code(), "conflict");
  EXPECT_EQ(call(bhttp::verb::get, lpath(id)).status, 200);

  EXPECT_EQ(call(bhttp::verb::delete_, cpath(ch.id)).status, 204);
  EXPECT_EQ(call(bhttp::verb::get, cpath(ch.id)).status, 404);
  EXPECT_EQ(call(bhttp::verb::delete_, cpath(ch.id)).status, 404);
  EXPECT_EQ(call(bhttp::verb::delete_, lpath(id)).status, 409);  // still one channel
  EXPECT_EQ(call(bhttp::verb::delete_, cpath(ch2.id)).status, 204);
  // A deleted api channel no longer accepts messages.
  auto in = world_->ingest_raw(ch2, R"({"user":{"id":"u"},"message":{"id":"m","text":"hi"}})");
  EXPECT_EQ(in.status, 401) << in.body;
  auto list = call(bhttp::verb::get, lpath(id) + "/channels");
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(list.json().at("items").as_array().empty());

  EXPECT_EQ(call(bhttp::verb::delete_, lpath(id)).status, 204);
  EXPECT_EQ(call(bhttp::verb::get, lpath(id)).status, 404);
  EXPECT_EQ(call(bhttp::verb::delete_, lpath(id)).status, 404);
}

TEST_F(Lines, ChannelCanBeDisabled) {
  auto id = world_->line({});
  auto ch = world_->channel(id);
  auto off = call(bhttp::verb::patch, cpath(ch.id), R"({"active":false})");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_FALSE(off.json().at("active").as_bool());
  auto in = world_->ingest_raw(ch, R"({"user":{"id":"u"},"message":{"id":"m","text":"hi"}})");
  EXPECT_EQ(in.status, 403) << in.body;
  ASSERT_EQ(call(bhttp::verb::patch, cpath(ch.id), R"({"active":true})").status, 200);
  EXPECT_EQ(
      world_->ingest_raw(ch, R"({"user":{"id":"u"},"message":{"id":"m","text":"hi"}})").status,
      200);
}

}  // namespace
}  // namespace omniline::testing
