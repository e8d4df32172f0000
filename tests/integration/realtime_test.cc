// Realtime events, resume after reconnect, the widget's customer side, the connector outbox,
// and durability of acknowledged inbound messages under kill -9.
#include <gtest/gtest.h>
#include <sodium.h>

#include <atomic>
#include <set>
#include <thread>

#include "harness.h"
#include "webhook_receiver.h"
#include "ws_client.h"

namespace omniline::testing {
namespace {

std::string text(const json::value& v) { return json::serialize(v); }

class Realtime : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess({"--test-clock"});
    ASSERT_TRUE(server_->start());
    admin_ = new Session(login(port(), kAdminEmail, kAdminPassword));
  }
  static void TearDownTestSuite() {
    delete admin_;
    delete server_;
  }
  static unsigned short port() { return server_->port(); }
  static std::map<std::string, std::string> admin() { return bearer(admin_->token); }

  static std::int64_t employee(const std::string& name) {
    static int n = 0;
    std::string local;
    for (char c : name) local += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '.';
    const std::string email = local + std::to_string(++n) + "@rt.example";
    auto r = http_once(port(), bhttp::verb::post, "/api/v1/employees",
                       text(json::object{{"name", name}, {"email", email}, {"role", "operator"},
                                         {"password", "operator-pass-1"}}),
                       admin());
    EXPECT_EQ(r.status, 201) << r.body;
    emails_[r.json().at("id").as_int64()] = email;
    return r.json().at("id").as_int64();
  }
  static std::string token_of(std::int64_t id) {
    return login(port(), emails_[id], "operator-pass-1").token;
  }
  static std::int64_t line(const std::vector<std::int64_t>& queue, const std::string& mode = "strictly") {
    json::array q;
    for (auto id : queue) q.push_back(id);
    auto r = http_once(port(), bhttp::verb::post, "/api/v1/lines",
                       text(json::object{{"name", "RT line"}, {"queue", q},
                                         {"routing", json::object{{"mode", mode}, {"only_available", false},
                                                                  {"queue_time_s", 0}}}}),
                       admin());
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json().at("id").as_int64();
  }
  struct Channel {
    std::int64_t id = 0;
    std::string secret;
  };
  static Channel channel(std::int64_t line_id, json::object extra = {}) {
    json::object body{{"kind", "api"}};
    for (auto& [k, v] : extra) body[k] = v;
    auto r = http_once(port(), bhttp::verb::post, "/api/v1/lines/" + std::to_string(line_id) + "/channels",
                       text(body), admin());
    EXPECT_EQ(r.status, 201) << r.body;
    return {r.json().at("id").as_int64(), std::string(r.json().at("secret").as_string())};
  }
  static json::object ingest(const Channel& c, const std::string& user, const std::string& msg_id,
                             const std::string& body_text) {
    auto r = http_once(port(), bhttp::verb::post, "/hooks/api/" + std::to_string(c.id) + "/messages",
                       text(json::object{{"user", json::object{{"id", user}, {"name", "Customer " + user}}},
                                         {"message", json::object{{"id", msg_id}, {"text", body_text}}}}),
                       bearer(c.secret));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().as_object();
  }

  static inline ServerProcess* server_ = nullptr;
  static inline Session* admin_ = nullptr;
  static inline std::map<std::int64_t, std::string> emails_;
};

bool is_message_event(const json::value& v, const std::string& body_text) {
  return v.at("type").as_string() == "message.created" &&
         v.at("data").at("message").at("text").as_string() == body_text;
}

TEST_F(Realtime, EventsReachTheLinesOperatorsAndNotOthers) {
  auto a = employee("Alice");
  auto b = employee("Bob");
  auto l1 = line({a});
  auto l2 = line({b});
  auto c1 = channel(l1);
  auto c2 = channel(l2);
  WsClient wa(port(), "/api/v1/realtime", bearer(token_of(a)));
  WsClient wb(port(), "/api/v1/realtime", bearer(token_of(b)));
  WsClient wadmin(port(), "/api/v1/realtime", admin());
  ASSERT_TRUE(wa.ok() && wb.ok() && wadmin.ok());
  EXPECT_EQ(wa.next().at("type").as_string(), "hello");
  EXPECT_EQ(wb.next().at("type").as_string(), "hello");
  ingest(c1, "rt-u1", "rt-m1", "for line one");
  ingest(c2, "rt-u2", "rt-m2", "for line two");
  auto got = wa.until("message.created", [](auto& v) { return is_message_event(v, "for line one"); });
  EXPECT_GT(got.at("seq").as_int64(), 0);
  wadmin.until("message.created", [](auto& v) { return is_message_event(v, "for line two"); });
  // Bob sees line two's message; nothing of line one came before it.
  wb.until("message.created", [](auto& v) { return is_message_event(v, "for line two"); });
  for (const auto& v : wb.received()) {
    if (v.at("type").as_string() == "message.created") {
      EXPECT_NE(v.at("data").at("message").at("text").as_string(), "for line one");
    }
  }
}

TEST_F(Realtime, ResumeReplaysWhatWasMissedWithoutGapsOrDuplicates) {
  auto a = employee("Resumer");
  auto l = line({a});
  auto c = channel(l);
  const std::string tok = token_of(a);
  std::int64_t last_seen = 0;
  {
    WsClient ws(port(), "/api/v1/realtime", bearer(tok));
    ASSERT_TRUE(ws.ok());
    last_seen = ws.next().at("data").at("last_seq").as_int64();
    ws.close();
  }
  for (int i = 0; i < 3; ++i) ingest(c, "res-u", "res-m" + std::to_string(i), "missed " + std::to_string(i));
  WsClient ws(port(), "/api/v1/realtime", bearer(tok));
  ASSERT_TRUE(ws.ok());
  EXPECT_EQ(ws.next().at("type").as_string(), "hello");
  ws.send(text(json::object{{"type", "resume"}, {"seq", last_seen}}));
  ws.until("resumed");
  std::vector<std::string> texts;
  std::int64_t prev = last_seen;
  for (const auto& v : ws.received()) {
    if (v.at("seq").as_int64() == 0) continue;
    EXPECT_GT(v.at("seq").as_int64(), prev) << "seq must increase: " << text(v);
    prev = v.at("seq").as_int64();
    if (v.at("type").as_string() == "message.created")
      texts.emplace_back(v.at("data").at("message").at("text").as_string());
  }
  std::vector<std::string> customer_texts;
  for (auto& t : texts)
    if (t.starts_with("missed")) customer_texts.push_back(t);
  EXPECT_EQ(customer_texts, (std::vector<std::string>{"missed 0", "missed 1", "missed 2"}));
  // Live events continue after the replay.
  ingest(c, "res-u", "res-m3", "live after resume");
  auto live = ws.until("message.created", [](auto& v) { return is_message_event(v, "live after resume"); });
  EXPECT_GT(live.at("seq").as_int64(), prev);
  // A seq from the future (another database) asks the client to reload.
  ws.send(R"({"type":"resume","seq":999999999})");
  ws.until("resync_required");
  ws.send(R"({"type":"resume","seq":"x"})");
  EXPECT_EQ(ws.until("error").at("data").at("code").as_string(), "invalid_request");
}

struct Widget {
  std::string token;
  std::int64_t customer = 0;
};

Widget widget_start(unsigned short port, std::int64_t channel_id, const std::string& origin = "") {
  std::map<std::string, std::string> h;
  if (!origin.empty()) h["Origin"] = origin;
  auto r = http_once(port, bhttp::verb::post,
                     "/api/v1/widget/channels/" + std::to_string(channel_id) + "/session",
                     R"({"name":"Web visitor"})", h);
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.status != 200) return {};
  return {std::string(r.json().at("token").as_string()), r.json().at("customer").at("id").as_int64()};
}

TEST_F(Realtime, WidgetCustomerNeverSeesHiddenOrSystemMessages) {
  auto a = employee("Webop");
  auto l = line({a});
  auto r = http_once(port(), bhttp::verb::post, "/api/v1/lines/" + std::to_string(l) + "/channels",
                     R"({"kind":"webchat","allowed_origins":["https://shop.example"]})", admin());
  ASSERT_EQ(r.status, 201) << r.body;
  const std::int64_t ch = r.json().at("id").as_int64();
  Widget w = widget_start(port(), ch, "https://shop.example");
  ASSERT_FALSE(w.token.empty());
  WsClient cws(port(), "/api/v1/widget/realtime?token=" + w.token, {{"Origin", "https://shop.example"}});
  ASSERT_TRUE(cws.ok()) << cws.status();
  EXPECT_EQ(cws.next().at("type").as_string(), "hello");

  auto send = [&](const std::string& t, const std::string& client_id) {
    return http_once(port(), bhttp::verb::post, "/api/v1/widget/messages",
                     text(json::object{{"text", t}, {"client_id", client_id}}),
                     {{"Authorization", "Bearer " + w.token}, {"Origin", "https://shop.example"}});
  };
  auto first = send("Hello shop", "c-1");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.header("access-control-allow-origin"), "https://shop.example");
  // A resend after a network error is not a second message.
  auto again = send("Hello shop", "c-1");
  ASSERT_EQ(again.status, 201);
  EXPECT_EQ(again.json().at("id"), first.json().at("id"));
  const std::int64_t dialog = first.json().at("dialog_id").as_int64();

  const std::string op = token_of(a);
  auto post = [&](const std::string& t, bool hidden) {
    auto m = http_once(port(), bhttp::verb::post, "/api/v1/dialogs/" + std::to_string(dialog) + "/messages",
                       text(json::object{{"text", t}, {"hidden", hidden}}), bearer(op));
    EXPECT_EQ(m.status, 201) << m.body;
  };
  post("a whisper for colleagues", true);
  post("Hi, how can I help?", false);
  auto reply = cws.until("message.created", [](auto& v) {
    return v.at("data").at("message").at("author").at("kind").as_string() == "operator";
  });
  EXPECT_EQ(reply.at("data").at("message").at("text").as_string(), "Hi, how can I help?");
  EXPECT_FALSE(reply.at("data").at("message").as_object().contains("hidden"));
  for (const auto& v : cws.received()) {
    const std::string s = text(v);
    EXPECT_EQ(s.find("whisper"), std::string::npos) << s;
    EXPECT_EQ(s.find("\"system\""), std::string::npos) << s;
    EXPECT_EQ(s.find("email"), std::string::npos) << s;
  }
  // History: the customer's own dialog, without hidden or system messages.
  auto hist = http_once(port(), bhttp::verb::get, "/api/v1/widget/messages",
                        "", {{"Authorization", "Bearer " + w.token}});
  ASSERT_EQ(hist.status, 200) << hist.body;
  auto items = hist.json().at("items").as_array();
  ASSERT_EQ(items.size(), 2u) << hist.body;
  EXPECT_EQ(items[0].at("text").as_string(), "Hello shop");
  EXPECT_EQ(items[1].at("text").as_string(), "Hi, how can I help?");
  // Staff history has all of it.
  auto staff = http_once(port(), bhttp::verb::get, "/api/v1/dialogs/" + std::to_string(dialog) + "/messages",
                         "", bearer(op));
  EXPECT_NE(staff.body.find("whisper"), std::string::npos);

  // Another website may not use the chat; the preflight is answered.
  auto evil = http_once(port(), bhttp::verb::post, "/api/v1/widget/messages", R"({"text":"x"})",
                        {{"Authorization", "Bearer " + w.token}, {"Origin", "https://evil.example"}});
  EXPECT_EQ(evil.status, 403);
  auto pre = http_once(port(), bhttp::verb::options, "/api/v1/widget/messages", "",
                       {{"Origin", "https://shop.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(pre.status, 204);
  EXPECT_NE(pre.header("access-control-allow-headers").find("Authorization"), std::string::npos);
  // No token, a forged token, a token used as an employee token.
  EXPECT_EQ(http_once(port(), bhttp::verb::get, "/api/v1/widget/messages").status, 401);
  EXPECT_EQ(http_once(port(), bhttp::verb::get, "/api/v1/widget/messages", "",
                      {{"Authorization", "Bearer olw_forged"}}).status, 401);
  EXPECT_EQ(http_once(port(), bhttp::verb::get, "/api/v1/dialogs/" + std::to_string(dialog), "",
                      bearer(w.token)).status, 401);
  // Another customer sees only their own (empty) dialog.
  Widget other = widget_start(port(), ch);
  auto theirs = http_once(port(), bhttp::verb::get, "/api/v1/widget/messages", "",
                          {{"Authorization", "Bearer " + other.token}});
  ASSERT_EQ(theirs.status, 200);
  EXPECT_TRUE(theirs.json().at("items").as_array().empty()) << theirs.body;
  // Malformed starts are refused; an unknown channel is not found.
  for (const std::string& body : {std::string("{oops"), std::string(R"({"token":5})"),
                                 std::string(R"({"name":["x"]})")}) {
    auto bad = http_once(port(), bhttp::verb::post,
                         "/api/v1/widget/channels/" + std::to_string(ch) + "/session", body);
    EXPECT_EQ(bad.status, 400) << body << " -> " << bad.body;
  }
  EXPECT_EQ(http_once(port(), bhttp::verb::post, "/api/v1/widget/channels/999999/session", "{}").status,
            404);
  // A disallowed origin cannot start a chat either.
  auto start_evil = http_once(port(), bhttp::verb::post,
                              "/api/v1/widget/channels/" + std::to_string(ch) + "/session", "{}",
                              {{"Origin", "https://evil.example"}});
  EXPECT_EQ(start_evil.status, 403);
}

TEST_F(Realtime, WidgetRateLimitsMessagesPerCustomer) {
  auto l = line({});
  auto r = http_once(port(), bhttp::verb::post, "/api/v1/lines/" + std::to_string(l) + "/channels",
                     R"({"kind":"webchat"})", admin());
  ASSERT_EQ(r.status, 201);
  Widget w = widget_start(port(), r.json().at("id").as_int64());
  HttpClient c(port());
  int limited = 0, created = 0;
  for (int i = 0; i < 70; ++i) {
    auto m = c.post("/api/v1/widget/messages",
                    text(json::object{{"text", "flood " + std::to_string(i)}, {"client_id", "f" + std::to_string(i)}}),
                    {{"Authorization", "Bearer " + w.token}});
    if (m.status == 429) {
      ++limited;
      EXPECT_EQ(m.error_code(), "rate_limited");
      EXPECT_FALSE(m.header("retry-after").empty());
    } else if (m.status == 201) {
      ++created;
    }
  }
  EXPECT_EQ(created, 60);
  EXPECT_EQ(limited, 10);
}

std::string hmac_hex(const std::string& key, const std::string& body) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  crypto_auth_hmacsha256_final(&st, mac);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : mac) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

TEST_F(Realtime, OutboxRetriesUntilTheWebhookRecoversAndNeverSendsHiddenMessages) {
  WebhookReceiver hook;
  hook.fail_next(2, 503);
  auto a = employee("Connector op");
  auto l = line({a});
  auto c = channel(l, json::object{{"webhook_url", hook.url("/in")}});
  auto in = ingest(c, "conn-user", "conn-m1", "order status?");
  const std::int64_t dialog = in.at("dialog_id").as_int64();
  const std::string op = token_of(a);
  auto hidden = http_once(port(), bhttp::verb::post, "/api/v1/dialogs/" + std::to_string(dialog) + "/messages",
                          R"({"text":"internal: check the warehouse","hidden":true})", bearer(op));
  ASSERT_EQ(hidden.status, 201);
  auto sent = http_once(port(), bhttp::verb::post, "/api/v1/dialogs/" + std::to_string(dialog) + "/messages",
                        R"({"text":"It ships tomorrow"})", bearer(op));
  ASSERT_EQ(sent.status, 201) << sent.body;
  EXPECT_EQ(sent.json().at("delivery").as_string(), "pending");
  const std::int64_t msg = sent.json().at("id").as_int64();
  ASSERT_TRUE(hook.wait_for(1, std::chrono::seconds(5)));
  // The retries come when the (test) clock passes their backoff.
  for (int i = 0; i < 20 && hook.answered() < 3; ++i) {
    http_once(port(), bhttp::verb::post, "/api/v1/testing/clock", R"({"advance_s":60})", admin());
    hook.wait_for(hook.count() + 1, std::chrono::milliseconds(300));
  }
  ASSERT_TRUE(hook.wait_for(3, std::chrono::seconds(5)));
  auto reqs = hook.requests();
  for (const auto& r : reqs) {
    EXPECT_EQ(r.path, "/in");
    EXPECT_EQ(r.header("x-omniline-signature"), "sha256=" + hmac_hex(c.secret, r.body));
    EXPECT_EQ(r.body.find("warehouse"), std::string::npos) << "a hidden message reached the connector";
    auto body = json::parse(r.body);
    EXPECT_EQ(body.at("message").at("id").as_int64(), msg);
    EXPECT_EQ(body.at("user").at("id").as_string(), "conn-user");
  }
  EXPECT_EQ(reqs[0].header("x-omniline-delivery"), reqs[2].header("x-omniline-delivery"));
  // Delivered once acknowledged: no more requests, and the message says "sent".
  auto status_of = [&]() {
    auto h = http_once(port(), bhttp::verb::get, "/api/v1/dialogs/" + std::to_string(dialog) + "/messages",
                       "", bearer(op));
    const json::value page_json = h.json();
    for (const auto& m : page_json.at("items").as_array())
      if (m.at("id").as_int64() == msg) return std::string(m.at("delivery").as_string());
    return std::string("missing");
  };
  for (int i = 0; i < 50 && status_of() != "sent"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(status_of(), "sent");
  http_once(port(), bhttp::verb::post, "/api/v1/testing/clock", R"({"advance_s":3600})", admin());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(hook.count(), 3u);
  // The connector reports it read; a report for another channel's message is refused.
  auto rd = http_once(port(), bhttp::verb::post, "/hooks/api/" + std::to_string(c.id) + "/status",
                      text(json::object{{"message_id", msg}, {"status", "read"}}), bearer(c.secret));
  EXPECT_EQ(rd.status, 200) << rd.body;
  EXPECT_EQ(status_of(), "read");
  auto other = channel(l);
  auto wrong = http_once(port(), bhttp::verb::post, "/hooks/api/" + std::to_string(other.id) + "/status",
                         text(json::object{{"message_id", msg}, {"status", "delivered"}}), bearer(other.secret));
  EXPECT_EQ(wrong.status, 404);
  EXPECT_EQ(status_of(), "read");
  // Bad reports change nothing.
  const std::string status_path = "/hooks/api/" + std::to_string(c.id) + "/status";
  for (const std::string& body : {std::string(R"({"message_id":)") + std::to_string(msg) + R"(,"status":"sent"})",
                                 std::string(R"({"status":"read"})"),
                                 std::string(R"({"message_id":"x","status":"read"})"), std::string("{oops")}) {
    auto bad = http_once(port(), bhttp::verb::post, status_path, body, bearer(c.secret));
    EXPECT_EQ(bad.status, 400) << body << " -> " << bad.body;
  }
  EXPECT_EQ(http_once(port(), bhttp::verb::post, status_path,
                      text(json::object{{"message_id", msg}, {"status", "read"}}), bearer("olk_wrong"))
                .status,
            401);
  EXPECT_EQ(status_of(), "read");
}

TEST(Durability, EveryAcknowledgedInboundMessageSurvivesKill9) {
  TempDir dir("omniline-kill9");
  std::set<std::int64_t> acked;
  std::int64_t channel_id = 0;
  std::string secret;
  {
    ServerProcess srv({}, {}, dir.path());
    ASSERT_TRUE(srv.start());
    auto admin = bearer(login(srv.port(), kAdminEmail, kAdminPassword).token);
    auto l = http_once(srv.port(), bhttp::verb::post, "/api/v1/lines", R"({"name":"Load"})", admin);
    ASSERT_EQ(l.status, 201);
    auto c = http_once(srv.port(), bhttp::verb::post,
                       "/api/v1/lines/" + std::to_string(l.json().at("id").as_int64()) + "/channels",
                       R"({"kind":"api"})", admin);
    ASSERT_EQ(c.status, 201);
    channel_id = c.json().at("id").as_int64();
    secret = std::string(c.json().at("secret").as_string());
    std::mutex mu;
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        try {
          HttpClient client(srv.port());
          for (int i = 0; i < 5000 && !stop; ++i) {
            auto r = client.post("/hooks/api/" + std::to_string(channel_id) + "/messages",
                                 text(json::object{{"user", json::object{{"id", "load-" + std::to_string(t % 4)}}},
                                                   {"message", json::object{{"id", "k" + std::to_string(t) + "-" + std::to_string(i)},
                                                                            {"text", "load"}}}}),
                                 bearer(secret));
            if (r.status != 200) break;
            std::lock_guard lock(mu);
            acked.insert(r.json().at("message_id").as_int64());
          }
        } catch (...) {
          // the server was killed under us
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    srv.kill9();
    stop = true;
    for (auto& th : threads) th.join();
  }
  ASSERT_GT(acked.size(), 50u);
  ServerProcess again({}, {}, dir.path());
  ASSERT_TRUE(again.start());
  auto admin = bearer(login(again.port(), kAdminEmail, kAdminPassword).token);
  std::set<std::int64_t> stored;
  auto dialogs = http_once(again.port(), bhttp::verb::get, "/api/v1/dialogs?view=all&limit=200", "", admin);
  ASSERT_EQ(dialogs.status, 200) << dialogs.body;
  const json::value dialog_list = dialogs.json();
  for (const auto& d : dialog_list.at("items").as_array()) {
    std::string cursor;
    for (int page = 0; page < 1000; ++page) {
      auto h = http_once(again.port(), bhttp::verb::get,
                         "/api/v1/dialogs/" + std::to_string(d.at("id").as_int64()) +
                             "/messages?limit=200" + (cursor.empty() ? "" : "&cursor=" + cursor),
                         "", admin);
      ASSERT_EQ(h.status, 200) << h.body;
      const json::value page_json = h.json();
      for (const auto& m : page_json.at("items").as_array()) stored.insert(m.at("id").as_int64());
      if (page_json.at("next_cursor").is_null()) break;
      cursor = std::string(page_json.at("next_cursor").as_string());
    }
  }
  for (auto id : acked) ASSERT_TRUE(stored.contains(id)) << "acknowledged message " << id << " lost";
}

}  // namespace
}  // namespace omniline::testing
