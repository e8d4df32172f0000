// The Telegram channel against telegram-test-api, a real Bot API emulator on loopback (started
// from tests/telegram, with a front that can make the next Bot API calls fail): connecting a
// bot, a Telegram user's messages arriving (polling), operators' replies, edits and deletions
// reaching the user, 429/5xx retried without loss or duplicates, a refusal failing the message,
// hidden messages never leaving, the webhook's secret, and a restart losing nothing.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "scenario.h"

namespace omniline::testing {
namespace {

using scn::World;

std::string S(std::int64_t v) { return std::to_string(v); }

const std::string kToken = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11";

// `node tests/telegram/emulator.mjs`: the emulator's front port once it prints "ready <port>".
class Emulator {
 public:
  bool start() {
    int fds[2];
    if (pipe(fds) != 0) return false;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      const std::string script = std::string(OMNILINE_SOURCE_DIR) + "/tests/telegram/emulator.mjs";
      execlp("node", "node", script.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    std::string out;
    char buf[256];
    for (int i = 0; i < 200 && out.find('\n') == std::string::npos; ++i) {
      fd_set set;
      FD_ZERO(&set);
      FD_SET(fds[0], &set);
      timeval tv{0, 100000};
      if (select(fds[0] + 1, &set, nullptr, nullptr, &tv) > 0) {
        ssize_t n = read(fds[0], buf, sizeof buf);
        if (n <= 0) break;
        out.append(buf, static_cast<std::size_t>(n));
      }
    }
    close(fds[0]);
    if (out.rfind("ready ", 0) != 0) return false;
    port_ = static_cast<unsigned short>(std::stoi(out.substr(6)));
    return true;
  }
  ~Emulator() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  unsigned short port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + S(port_); }

  HttpResponse post(const std::string& path, const json::object& body) const {
    return http_once(port_, bhttp::verb::post, path, json::serialize(body));
  }
  // A Telegram user writes to the bot.
  void user_says(std::int64_t user, const std::string& first_name, const std::string& text) const {
    auto r = post("/sendMessage", json::object{
        {"botToken", kToken},
        {"from", {{"id", user}, {"first_name", first_name}, {"last_name", "Telegramova"},
                  {"username", "user" + S(user)}, {"is_bot", false}}},
        {"chat", {{"id", user}, {"first_name", first_name}, {"type", "private"}}},
        {"date", static_cast<std::int64_t>(time(nullptr))},
        {"text", text}});
    EXPECT_EQ(r.status, 200) << r.body;
  }
  // What the bot sent to the user's chat, as the emulator keeps it (edits applied).
  std::vector<json::object> bot_messages(std::int64_t chat) const {
    auto r = post("/getUpdatesHistory", json::object{{"token", kToken}});
    std::vector<json::object> out;
    if (r.status != 200) return out;
    auto v = r.json();
    for (const auto& u : v.at("result").as_array()) {
      const auto& m = u.at("message").as_object();
      if (m.contains("chat_id") && scn::id_or_zero(m.at("chat_id")) == chat) out.push_back(u.as_object());
      else if (m.contains("chat_id") && m.at("chat_id").is_string() && m.at("chat_id").as_string() == S(chat))
        out.push_back(u.as_object());
    }
    return out;
  }
  int count_text(std::int64_t chat, const std::string& text) const {
    int n = 0;
    for (const auto& u : bot_messages(chat))
      if (u.at("message").at("text").as_string() == text) ++n;
    return n;
  }
  void fail_next(int count, int status, const std::string& method, int retry_after = 1) const {
    auto r = post("/__fail", json::object{{"count", count}, {"status", status}, {"method", method},
                                          {"retry_after", retry_after}});
    EXPECT_EQ(r.status, 200);
  }

 private:
  int pid_ = -1;
  unsigned short port_ = 0;
};

class Telegram : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(emu_.start()) << "cannot start the Telegram emulator (node, tests/telegram/node_modules)";
  }
  Emulator emu_;
};

std::int64_t dialog_of_customer(const World& w, const std::string& token, const std::string& name) {
  for (const auto& d : scn::items(w.call(bhttp::verb::get, "/api/v1/dialogs?view=all&limit=200", "", token)))
    if (d.at("customer").at("name").as_string() == name) return d.at("id").as_int64();
  return 0;
}

TEST_F(Telegram, ConnectingABotChecksTheToken) {
  ServerProcess server({"--telegram-api-url", emu_.url()});
  ASSERT_TRUE(server.start()) << server.log();
  World w(server.port());
  const auto line = w.line({});
  const std::string path = "/api/v1/lines/" + S(line) + "/channels";
  EXPECT_EQ(w.call(bhttp::verb::post, path, R"({"kind":"telegram"})").status, 400);
  EXPECT_EQ(w.call(bhttp::verb::post, path, R"({"kind":"telegram","bot_token":"not a token"})").status, 400);
  EXPECT_EQ(w.call(bhttp::verb::post, path, R"({"kind":"api","bot_token":")" + kToken + "\"}").status, 400);
  auto ok = w.call(bhttp::verb::post, path, R"({"kind":"telegram","bot_token":")" + kToken + "\"}");
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ok.json().at("kind").as_string(), "telegram");
  EXPECT_EQ(ok.json().at("telegram").at("username").as_string(), "TestNameBot");
  EXPECT_EQ(ok.json().at("telegram").at("mode").as_string(), "polling");
  EXPECT_EQ(ok.body.find(kToken), std::string::npos) << "the token is never shown";
  auto read = w.call(bhttp::verb::get, "/api/v1/channels/" + S(ok.json().at("id").as_int64()));
  EXPECT_EQ(read.json().at("telegram").at("first_name").as_string(), "Test First name");
  EXPECT_EQ(read.body.find(kToken), std::string::npos);
  // A new secret is told to Telegram; deleting the channel stops its bot.
  const std::string channel_path = "/api/v1/channels/" + S(ok.json().at("id").as_int64());
  auto rotated = w.call(bhttp::verb::patch, channel_path, R"({"rotate_secret":true})");
  EXPECT_EQ(rotated.status, 200) << rotated.body;
  EXPECT_NE(rotated.json().at("secret").as_string(), ok.json().at("secret").as_string());
  EXPECT_EQ(w.call(bhttp::verb::delete_, channel_path).status, 204);
  EXPECT_EQ(w.call(bhttp::verb::get, channel_path).status, 404);
  EXPECT_EQ(server.stop(), 0) << server.log();

  // With a public URL the bot is set up for webhooks (and a restart without one switches back).
  ServerProcess hooked({"--telegram-api-url", emu_.url(), "--public-url", "http://127.0.0.1:1"});
  ASSERT_TRUE(hooked.start()) << hooked.log();
  World wh(hooked.port());
  auto web = wh.call(bhttp::verb::post, "/api/v1/lines/" + S(wh.line({})) + "/channels",
                     R"({"kind":"telegram","bot_token":")" + kToken + "\"}");
  ASSERT_EQ(web.status, 201) << web.body;
  EXPECT_EQ(web.json().at("telegram").at("mode").as_string(), "webhook");
  const std::string dir = hooked.data_dir();
  ASSERT_EQ(hooked.stop(), 0);
  ServerProcess polled({"--telegram-api-url", emu_.url()}, {}, dir);
  ASSERT_TRUE(polled.start()) << polled.log();
  World wp(polled.port());
  auto back = wp.call(bhttp::verb::get, "/api/v1/channels/" + S(web.json().at("id").as_int64()));
  EXPECT_EQ(back.json().at("telegram").at("mode").as_string(), "polling") << back.body;
  EXPECT_EQ(polled.stop(), 0);

  // Telegram unreachable: the channel is not made.
  ServerProcess offline({"--telegram-api-url", "http://127.0.0.1:9"});
  ASSERT_TRUE(offline.start()) << offline.log();
  World w2(offline.port());
  const auto line2 = w2.line({});
  auto down = w2.call(bhttp::verb::post, "/api/v1/lines/" + S(line2) + "/channels",
                      R"({"kind":"telegram","bot_token":")" + kToken + "\"}");
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_TRUE(scn::items(w2.call(bhttp::verb::get, "/api/v1/lines/" + S(line2) + "/channels")).empty());
}

TEST_F(Telegram, ARoundTripWithEditsDeletionsRetriesAndARestart) {
  ServerProcess server({"--telegram-api-url", emu_.url(), "--telegram-poll-ms", "50", "--test-clock"});
  ASSERT_TRUE(server.start()) << server.log();
  World w(server.port());
  auto op = w.employee("operator", "Oleg Operator");
  const auto line = w.line({op.id}, R"({"mode":"all","only_available":false})");
  auto ch = w.call(bhttp::verb::post, "/api/v1/lines/" + S(line) + "/channels",
                   R"({"kind":"telegram","bot_token":")" + kToken + "\"}");
  ASSERT_EQ(ch.status, 201) << ch.body;
  const auto channel = ch.json().at("id").as_int64();

  // A Telegram user writes: the dialog appears for the operator, with the user's name.
  emu_.user_says(5001, "Tanya", "Hello from Telegram <b>");
  std::int64_t dialog = 0;
  ASSERT_TRUE(World::eventually([&] { return (dialog = dialog_of_customer(w, "", "Tanya Telegramova")) > 0; }))
      << server.log();
  auto d = w.dialog(dialog, op.token);
  EXPECT_EQ(d.at("channel").at("kind").as_string(), "telegram");
  auto history = w.history(dialog, op.token);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].at("text").as_string(), "Hello from Telegram <b>");

  // The operator answers; the user gets it as Telegram HTML, once; delivery becomes "sent".
  ASSERT_EQ(w.act(dialog, "answer", op.token).status, 200);
  auto sent = w.send(dialog, op.token, "[b]Hi[/b] Tanya & co <3");
  ASSERT_EQ(sent.status, 201) << sent.body;
  const auto reply = sent.json().at("id").as_int64();
  ASSERT_TRUE(World::eventually([&] { return emu_.count_text(5001, "<b>Hi</b> Tanya &amp; co &lt;3") == 1; }))
      << server.log();
  ASSERT_TRUE(World::eventually([&] {
    return w.history(dialog, op.token).back().at("delivery").as_string() == "sent";
  }));
  // A hidden note never leaves.
  ASSERT_EQ(w.send(dialog, op.token, "internal note", true).status, 201);

  // Edit and delete reach the user.
  auto edit = w.call(bhttp::verb::patch, "/api/v1/messages/" + S(reply), R"({"text":"Hi [i]again[/i]"})", op.token);
  ASSERT_EQ(edit.status, 200) << edit.body;
  ASSERT_TRUE(World::eventually([&] { return emu_.count_text(5001, "Hi <i>again</i>") == 1; })) << server.log();
  EXPECT_EQ(emu_.count_text(5001, "<b>Hi</b> Tanya &amp; co &lt;3"), 0);
  auto bye = w.send(dialog, op.token, "to be deleted");
  ASSERT_EQ(bye.status, 201);
  ASSERT_TRUE(World::eventually([&] { return emu_.count_text(5001, "to be deleted") == 1; }));
  ASSERT_EQ(w.call(bhttp::verb::delete_, "/api/v1/messages/" + S(bye.json().at("id").as_int64()), "", op.token).status, 204);
  ASSERT_TRUE(World::eventually([&] { return emu_.count_text(5001, "to be deleted") == 0; })) << server.log();
  for (const auto& m : emu_.bot_messages(5001)) EXPECT_NE(m.at("message").at("text").as_string(), "internal note");

  // Telegram answering 429 and 500 for a while delays the message but never loses or doubles it.
  emu_.fail_next(2, 429, "sendMessage", 1);
  emu_.fail_next(2, 500, "sendMessage");
  ASSERT_EQ(w.send(dialog, op.token, "after the storm").status, 201);
  ASSERT_TRUE(World::eventually([&] {
    w.advance(60);
    return emu_.count_text(5001, "after the storm") == 1;
  }, 15000)) << server.log();
  for (int i = 0; i < 3; ++i) w.advance(600);
  EXPECT_EQ(emu_.count_text(5001, "after the storm"), 1);

  // A refusal (the user blocked the bot) fails the message at once, visibly.
  emu_.fail_next(1, 403, "sendMessage");
  auto blocked = w.send(dialog, op.token, "nobody reads this");
  ASSERT_EQ(blocked.status, 201);
  ASSERT_TRUE(World::eventually([&] {
    return w.history(dialog, op.token).back().at("delivery").as_string() == "failed";
  })) << server.log();
  EXPECT_EQ(emu_.count_text(5001, "nobody reads this"), 0);
  // The operator sends it again once the user is back; a message that did not fail cannot be.
  const auto blocked_id = blocked.json().at("id").as_int64();
  auto retry = w.call(bhttp::verb::post, "/api/v1/messages/" + S(blocked_id) + "/retry", "", op.token);
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(retry.json().at("delivery").as_string(), "pending");
  ASSERT_TRUE(World::eventually([&] { return emu_.count_text(5001, "nobody reads this") == 1; })) << server.log();
  ASSERT_TRUE(World::eventually([&] {
    return w.history(dialog, op.token).back().at("delivery").as_string() == "sent";
  }));
  EXPECT_EQ(w.call(bhttp::verb::post, "/api/v1/messages/" + S(blocked_id) + "/retry", "", op.token).status, 409);
  EXPECT_EQ(w.call(bhttp::verb::post, "/api/v1/messages/99999999/retry", "", op.token).status, 404);

  // The webhook's secret: without it or with another, nothing is taken.
  const std::string hook = "/hooks/telegram/" + S(channel);
  const std::string update = R"({"update_id":900001,"message":{"message_id":77,"date":1,)"
                             R"("from":{"id":5001,"first_name":"Tanya"},"chat":{"id":5001,"type":"private"},"text":"via hook"}})";
  EXPECT_EQ(http_once(server.port(), bhttp::verb::post, hook, update).status, 401);
  EXPECT_EQ(http_once(server.port(), bhttp::verb::post, hook, update,
                      {{"X-Telegram-Bot-Api-Secret-Token", "wrong"}}).status, 401);
  // With the channel's secret an update is taken, once however often it comes; an edited
  // message changes the text (the earlier one kept in the edit history).
  const std::map<std::string, std::string> secret{
      {"X-Telegram-Bot-Api-Secret-Token", std::string(ch.json().at("secret").as_string())}};
  for (int i = 0; i < 2; ++i) {
    auto r = http_once(server.port(), bhttp::verb::post, hook, update, secret);
    EXPECT_EQ(r.status, 200) << r.body;
  }
  EXPECT_EQ(http_once(server.port(), bhttp::verb::post, hook, "{not json", secret).status, 400);
  int via_hook = 0;
  std::int64_t hook_message = 0;
  for (const auto& m : w.history(dialog, op.token))
    if (m.at("text").as_string() == "via hook") ++via_hook, hook_message = m.at("id").as_int64();
  EXPECT_EQ(via_hook, 1);
  const std::string edited = R"({"update_id":900002,"edited_message":{"message_id":77,"date":1,"edit_date":2,)"
                             R"("from":{"id":5001,"first_name":"Tanya"},"chat":{"id":5001,"type":"private"},"text":"via hook, fixed"}})";
  ASSERT_EQ(http_once(server.port(), bhttp::verb::post, hook, edited, secret).status, 200);
  bool fixed = false;
  for (const auto& m : w.history(dialog, op.token))
    if (m.at("id").as_int64() == hook_message) fixed = m.at("text").as_string() == "via hook, fixed" && !m.at("edited_at").is_null();
  EXPECT_TRUE(fixed);
  auto edits = w.call(bhttp::verb::get, "/api/v1/messages/" + S(hook_message) + "/edits", "", op.token);
  EXPECT_NE(edits.body.find("via hook"), std::string::npos) << edits.body;

  // A restart: what the user writes while the server is down arrives once afterwards.
  const std::string data_dir = server.data_dir();
  ASSERT_EQ(server.stop(), 0) << server.log();
  emu_.user_says(5001, "Tanya", "written while you were away");
  ServerProcess again({"--telegram-api-url", emu_.url(), "--telegram-poll-ms", "50"}, {}, data_dir);
  ASSERT_TRUE(again.start()) << again.log();
  World w2(again.port());
  auto op2 = login(again.port(), op.email, "password-123");
  ASSERT_TRUE(World::eventually([&] {
    auto h = w2.history(dialog, op2.token);
    return !h.empty() && h.back().at("text").as_string() == "written while you were away";
  })) << again.log();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int seen = 0;
  for (const auto& m : w2.history(dialog, op2.token)) seen += m.at("text").as_string() == "written while you were away";
  EXPECT_EQ(seen, 1);
  EXPECT_EQ(again.stop(), 0) << again.log();
}

}  // namespace
}  // namespace omniline::testing
