// The Telegram channel against telegram-test-api, a real Bot API emulator on loopback (started
// from tests/telegram, with a front that can make the next Bot API calls fail): connecting a
// bot, a Telegram user's messages arriving (polling), operators' replies, edits and deletions
// reaching the user, 429/5xx retried without loss or duplicates, a refusal failing the message,
// hidden messages never leaving, the webhook's secret, and a restart losing nothing; files both
// ways (customers' documents and photos stored, operators' files sent as photos/documents,
// parts never doubled by retries, files that cannot be had named in the text); webhook mode end
// to end through the emulator's relay, which sends the secret header as Telegram does.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>

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
  // A Telegram user sends a message with these fields (caption, document, photo, …).
  void user_sends(std::int64_t user, const std::string& first_name, const json::object& fields) const {
    json::object m{
        {"botToken", kToken},
        {"from", {{"id", user}, {"first_name", first_name}, {"last_name", "Telegramova"},
                  {"username", "user" + S(user)}, {"is_bot", false}}},
        {"chat", {{"id", user}, {"first_name", first_name}, {"type", "private"}}},
        {"date", static_cast<std::int64_t>(time(nullptr))}};
    for (const auto& kv : fields) m[kv.key()] = kv.value();
    auto r = post("/sendMessage", m);
    EXPECT_EQ(r.status, 200) << r.body;
  }
  // A file the simulated user is about to send: {file_id, file_unique_id, file_size}.
  json::object upload(const std::string& bytes, const std::string& name, const std::string& mime) const {
    auto r = http_once(port_, bhttp::verb::post, "/__upload?name=" + name + "&mime=" + mime, bytes,
                       {{"Content-Type", "application/octet-stream"}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().as_object() : json::object{};
  }
  // A document as the user's message carries it.
  json::object document(const std::string& bytes, const std::string& name, const std::string& mime) const {
    auto f = upload(bytes, name, mime);
    return json::object{{"file_id", f["file_id"]}, {"file_unique_id", f["file_unique_id"]},
                        {"file_name", name}, {"mime_type", mime}, {"file_size", f["file_size"]}};
  }
  // What a bot gets for a file id: getFile, then the download, as a bot does.
  std::string download(const std::string& file_id) const {
    auto r = post("/bot" + kToken + "/getFile", json::object{{"file_id", file_id}});
    if (r.status != 200) return "getFile " + S(r.status) + ": " + r.body;
    const std::string path(r.json().at("result").at("file_path").as_string());
    return http_once(port_, bhttp::verb::get, "/file/bot" + kToken + "/" + path).body;
  }
  // The bot's messages to the chat that carry a file of this kind ("photo", "document").
  std::vector<json::object> bot_files(std::int64_t chat, const std::string& kind) const {
    std::vector<json::object> out;
    for (const auto& u : bot_messages(chat))
      if (u.at("message").as_object().contains(kind)) out.push_back(u.at("message").as_object());
    return out;
  }
  std::string file_id_of(const json::object& bot_message, const std::string& kind) const {
    const auto& v = bot_message.at(kind);
    return std::string((v.is_array() ? v.as_array().back() : v).at("file_id").as_string());
  }
  json::value get(const std::string& path) const {
    auto r = http_once(port_, bhttp::verb::get, path);
    return r.status == 200 ? r.json() : json::value();
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

// A 1×1 PNG.
const std::string kPng(
    "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\r"
    "IDATx\x9c\x63\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\0\0\0\0IEND\xae\x42\x60\x82",
    67);
const std::string kPdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

// An employee uploads a file through the REST API; its id.
std::int64_t upload_file(unsigned short port, const std::string& token, const std::string& name,
                         const std::string& data) {
  const std::string boundary = "----omniline-telegram-test";
  const std::string body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
                           name + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + data + "\r\n--" +
                           boundary + "--\r\n";
  auto h = bearer(token);
  h["Content-Type"] = "multipart/form-data; boundary=" + boundary;
  auto r = http_once(port, bhttp::verb::post, "/api/v1/files", body, h);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.status == 201 ? r.json().at("id").as_int64() : 0;
}

// The messages of a dialog whose text contains `part`.
std::vector<json::object> with_text(const std::vector<json::object>& history, const std::string& part) {
  std::vector<json::object> out;
  for (const auto& m : history)
    if (std::string(m.at("text").as_string()).find(part) != std::string::npos) out.push_back(m);
  return out;
}

// The bytes behind a message's file, by its signed URL.
std::string file_bytes(unsigned short port, const json::value& file) {
  auto r = http_once(port, bhttp::verb::get, std::string(file.at("url").as_string()));
  return r.status == 200 ? r.body : "HTTP " + S(r.status);
}

unsigned short free_port() {
  asio::io_context ioc;
  tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
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

TEST_F(Telegram, FilesBothWaysWhilePolling) {
  // Uploads up to 256 KiB: a customer's file above that cannot be received.
  ServerProcess server({"--telegram-api-url", emu_.url(), "--telegram-poll-ms", "50", "--test-clock",
                        "--upload-limit", "262144"});
  ASSERT_TRUE(server.start()) << server.log();
  World w(server.port());
  auto op = w.employee("operator", "Fay Files");
  const auto line = w.line({op.id}, R"({"mode":"all","only_available":false})");
  auto ch = w.call(bhttp::verb::post, "/api/v1/lines/" + S(line) + "/channels",
                   R"({"kind":"telegram","bot_token":")" + kToken + "\"}");
  ASSERT_EQ(ch.status, 201) << ch.body;
  const std::int64_t user = 5101;

  // The user sends a document without a caption, then a photo (two sizes) with one.
  emu_.user_sends(user, "Dora", json::object{{"document", emu_.document(kPdf, "report.pdf", "application/pdf")}});
  std::int64_t dialog = 0;
  ASSERT_TRUE(World::eventually([&] { return (dialog = dialog_of_customer(w, "", "Dora Telegramova")) > 0; }))
      << server.log();
  auto thumb = emu_.upload("small", "thumb.jpg", "image/jpeg");
  auto big = emu_.upload(kPng, "photo.png", "image/png");
  json::array sizes;
  for (auto* f : {&thumb, &big}) {
    json::object size;
    size["file_id"] = (*f)["file_id"];
    size["file_unique_id"] = (*f)["file_unique_id"];
    size["file_size"] = (*f)["file_size"];
    size["width"] = f == &thumb ? 90 : 1;
    size["height"] = f == &thumb ? 90 : 1;
    sizes.push_back(std::move(size));
  }
  json::object photo_message;
  photo_message["caption"] = "Look at <this>";
  photo_message["photo"] = std::move(sizes);
  emu_.user_sends(user, "Dora", photo_message);
  std::vector<json::object> history;
  ASSERT_TRUE(World::eventually([&] { return (history = w.history(dialog, op.token)).size() == 2; }))
      << server.log();
  ASSERT_EQ(history[0].at("files").as_array().size(), 1u);
  EXPECT_EQ(history[0].at("text").as_string(), "");
  EXPECT_EQ(history[0].at("files").at(0).at("name").as_string(), "report.pdf");
  EXPECT_EQ(history[0].at("files").at(0).at("mime").as_string(), "application/pdf");
  EXPECT_EQ(file_bytes(server.port(), history[0].at("files").at(0)), kPdf);
  EXPECT_EQ(history[1].at("text").as_string(), "Look at <this>");
  ASSERT_EQ(history[1].at("files").as_array().size(), 1u);
  EXPECT_EQ(history[1].at("files").at(0).at("name").as_string(), "photo.jpg");
  EXPECT_EQ(history[1].at("files").at(0).at("mime").as_string(), "image/png");
  EXPECT_EQ(file_bytes(server.port(), history[1].at("files").at(0)), kPng) << "the largest size is taken";

  // Files that cannot be had still give a message, which says so, and the stream goes on.
  emu_.user_sends(user, "Dora", json::object{
      {"caption", "the big one"},
      {"document", emu_.document(std::string(300000, 'x'), "huge.bin", "application/octet-stream")}});
  emu_.user_sends(user, "Dora", json::object{
      {"document", json::object{{"file_id", "no-such-file"}, {"file_unique_id", "x"},
                                {"file_name", "ghost.pdf"}, {"file_size", 10}}}});
  ASSERT_TRUE(World::eventually([&] { return w.history(dialog, op.token).size() == 4; })) << server.log();
  // A download that keeps failing is given up after a few tries.
  emu_.fail_next(3, 500, "getFile");
  emu_.user_sends(user, "Dora", json::object{{"document", emu_.document("flaky", "flaky.txt", "text/plain")}});
  // One that fails once is tried again and arrives.
  emu_.user_says(user, "Dora", "after the failures");
  ASSERT_TRUE(World::eventually([&] { return !with_text(w.history(dialog, op.token), "after the failures").empty(); }))
      << server.log();
  emu_.fail_next(1, 500, "file");
  emu_.user_sends(user, "Dora", json::object{{"caption", "second try"},
                                              {"document", emu_.document("retried bytes", "retry.txt", "text/plain")}});
  ASSERT_TRUE(World::eventually([&] { return !with_text(w.history(dialog, op.token), "second try").empty(); }))
      << server.log();
  history = w.history(dialog, op.token);
  auto huge = with_text(history, "the big one");
  ASSERT_EQ(huge.size(), 1u);
  EXPECT_EQ(huge[0].at("text").as_string(),
            "the big one\n[file \"huge.bin\" could not be received: it is larger than 256 KB]");
  EXPECT_TRUE(huge[0].at("files").as_array().empty());
  auto ghost = with_text(history, "ghost.pdf");
  ASSERT_EQ(ghost.size(), 1u);
  EXPECT_EQ(ghost[0].at("text").as_string(),
            "[file \"ghost.pdf\" could not be received: Telegram refused it (Bad Request: invalid file_id)]");
  auto flaky = with_text(history, "flaky.txt");
  ASSERT_EQ(flaky.size(), 1u);
  EXPECT_NE(flaky[0].at("text").as_string().find("could not be received: the download failed 3 times"),
            std::string::npos) << flaky[0].at("text").as_string();
  auto retried = with_text(history, "second try");
  ASSERT_EQ(retried.size(), 1u);
  ASSERT_EQ(retried[0].at("files").as_array().size(), 1u);
  EXPECT_EQ(file_bytes(server.port(), retried[0].at("files").at(0)), "retried bytes");
  EXPECT_EQ(with_text(history, "after the failures").size(), 1u);
  EXPECT_EQ(history.size(), 7u);
  EXPECT_EQ(server.log().find(kToken), std::string::npos) << "the token is never logged";

  // The operator answers with text and a file: a document captioned with the text.
  ASSERT_EQ(w.act(dialog, "answer", op.token).status, 200);
  const auto terms = upload_file(server.port(), op.token, "terms.txt", "terms and conditions\n");
  auto reply = w.call(bhttp::verb::post, "/api/v1/dialogs/" + S(dialog) + "/messages",
                      R"({"text":"[b]Our[/b] terms & more","files":[)" + S(terms) + "]}", op.token);
  ASSERT_EQ(reply.status, 201) << reply.body;
  const auto reply_id = reply.json().at("id").as_int64();
  ASSERT_TRUE(World::eventually([&] { return emu_.bot_files(user, "document").size() == 1; })) << server.log();
  auto doc = emu_.bot_files(user, "document")[0];
  EXPECT_EQ(doc.at("caption").as_string(), "<b>Our</b> terms &amp; more");
  EXPECT_EQ(doc.at("parse_mode").as_string(), "HTML");
  EXPECT_EQ(doc.at("document").at("file_name").as_string(), "terms.txt");
  EXPECT_EQ(emu_.download(emu_.file_id_of(doc, "document")), "terms and conditions\n");
  ASSERT_TRUE(World::eventually([&] {
    for (const auto& m : w.history(dialog, op.token))
      if (m.at("id").as_int64() == reply_id) return m.at("delivery").as_string() == "sent";
    return false;
  }));
  // Its edit changes the caption (the message has no text of its own).
  ASSERT_EQ(w.call(bhttp::verb::patch, "/api/v1/messages/" + S(reply_id), R"({"text":"Our [i]new[/i] terms"})",
                   op.token).status, 200);
  ASSERT_TRUE(World::eventually([&] {
    auto docs = emu_.bot_files(user, "document");
    return docs.size() == 1 && docs[0].at("caption").as_string() == "Our <i>new</i> terms";
  })) << server.log();

  // Two files and a text, while Telegram answers sendDocument with 429, then 500: the photo
  // (with the caption) and the document each arrive once.
  const auto png = upload_file(server.port(), op.token, "chart.png", kPng);
  const auto pdf = upload_file(server.port(), op.token, "invoice.pdf", kPdf);
  emu_.fail_next(1, 429, "sendDocument", 1);
  emu_.fail_next(1, 500, "sendDocument");
  auto two = w.call(bhttp::verb::post, "/api/v1/dialogs/" + S(dialog) + "/messages",
                    R"({"text":"Your invoice","files":[)" + S(png) + "," + S(pdf) + "]}", op.token);
  ASSERT_EQ(two.status, 201) << two.body;
  const auto two_id = two.json().at("id").as_int64();
  ASSERT_TRUE(World::eventually([&] {
    w.advance(60);
    return emu_.bot_files(user, "document").size() == 2;
  }, 15000)) << server.log();
  for (int i = 0; i < 3; ++i) w.advance(600);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // Both failures were met, and the photo was not sent again by the retries.
  const json::value calls = emu_.get("/__calls");
  EXPECT_EQ(scn::id_or_zero(calls.at("sendPhoto")), 1) << calls;
  EXPECT_EQ(scn::id_or_zero(calls.at("sendDocument")), 4) << calls;
  auto photos = emu_.bot_files(user, "photo");
  auto docs = emu_.bot_files(user, "document");
  ASSERT_EQ(photos.size(), 1u);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(photos[0].at("caption").as_string(), "Your invoice");
  EXPECT_EQ(emu_.download(emu_.file_id_of(photos[0], "photo")), kPng);
  EXPECT_FALSE(docs[1].contains("caption"));
  EXPECT_EQ(docs[1].at("document").at("file_name").as_string(), "invoice.pdf");
  EXPECT_EQ(emu_.download(emu_.file_id_of(docs[1], "document")), kPdf);
  json::object two_now;
  ASSERT_TRUE(World::eventually([&] {
    for (const auto& m : w.history(dialog, op.token))
      if (m.at("id").as_int64() == two_id) two_now = m;
    return two_now.at("delivery").as_string() == "sent";
  }));
  const std::string external(two_now.at("external_id").as_string());
  EXPECT_EQ(std::count(external.begin(), external.end(), ','), 1) << external;

  // A text too long for a caption goes first, on its own; deleting the message deletes every part.
  const std::string long_text(1100, 'a');
  auto long_one = w.call(bhttp::verb::post, "/api/v1/dialogs/" + S(dialog) + "/messages",
                         R"({"text":")" + long_text + R"(","files":[)" + S(pdf) + "]}", op.token);
  ASSERT_EQ(long_one.status, 201) << long_one.body;
  ASSERT_TRUE(World::eventually([&] { return emu_.count_text(user, long_text) == 1 && emu_.bot_files(user, "document").size() == 3; }))
      << server.log();
  EXPECT_FALSE(emu_.bot_files(user, "document")[2].contains("caption"));
  ASSERT_EQ(w.call(bhttp::verb::delete_, "/api/v1/messages/" + S(two_id), "", op.token).status, 204);
  ASSERT_TRUE(World::eventually([&] {
    return emu_.bot_files(user, "photo").empty() && emu_.bot_files(user, "document").size() == 2;
  })) << server.log();
  EXPECT_EQ(server.stop(), 0) << server.log();
}

TEST_F(Telegram, WebhookModeEndToEnd) {
  // The server must know its own URL before it starts: a port chosen here.
  const unsigned short port = free_port();
  const std::string public_url = "http://127.0.0.1:" + S(port);
  ServerProcess server({"--telegram-api-url", emu_.url(), "--listen", "127.0.0.1:" + S(port),
                        "--public-url", public_url});
  ASSERT_TRUE(server.start()) << server.log();
  ASSERT_EQ(server.port(), port);
  World w(server.port());
  auto op = w.employee("operator", "Hugo Hook");
  const auto line = w.line({op.id}, R"({"mode":"all","only_available":false})");
  auto ch = w.call(bhttp::verb::post, "/api/v1/lines/" + S(line) + "/channels",
                   R"({"kind":"telegram","bot_token":")" + kToken + "\"}");
  ASSERT_EQ(ch.status, 201) << ch.body;
  EXPECT_EQ(ch.json().at("telegram").at("mode").as_string(), "webhook");
  const auto channel = ch.json().at("id").as_int64();
  const std::string hook = "/hooks/telegram/" + S(channel);
  auto info = emu_.post("/bot" + kToken + "/getWebhookInfo", json::object{});
  EXPECT_EQ(info.json().at("result").at("url").as_string(), public_url + hook) << info.body;

  // Telegram POSTs the user's messages (through the emulator's relay, with the secret header).
  const std::int64_t user = 5201;
  emu_.user_says(user, "Wanda", "hello through the webhook");
  std::int64_t dialog = 0;
  ASSERT_TRUE(World::eventually([&] { return (dialog = dialog_of_customer(w, "", "Wanda Telegramova")) > 0; }))
      << server.log();
  emu_.user_sends(user, "Wanda", json::object{{"caption", "my file"},
                                               {"document", emu_.document(kPdf, "hooked.pdf", "application/pdf")}});
  std::vector<json::object> history;
  ASSERT_TRUE(World::eventually([&] { return (history = w.history(dialog, op.token)).size() == 2; }))
      << server.log();
  EXPECT_EQ(history[0].at("text").as_string(), "hello through the webhook");
  EXPECT_EQ(history[1].at("text").as_string(), "my file");
  ASSERT_EQ(history[1].at("files").as_array().size(), 1u);
  EXPECT_EQ(file_bytes(server.port(), history[1].at("files").at(0)), kPdf);
  const json::value relayed = emu_.get("/__relayed");
  ASSERT_TRUE(relayed.is_array());
  EXPECT_EQ(relayed.as_array().size(), 2u);
  for (const auto& r : relayed.as_array()) EXPECT_EQ(r.at("status").as_int64(), 200);

  // Without the secret header, or with another, nothing is taken.
  const std::string update = R"({"update_id":990001,"message":{"message_id":9901,"date":1,)"
                             R"("from":{"id":5201,"first_name":"Wanda"},"chat":{"id":5201,"type":"private"},"text":"forged"}})";
  EXPECT_EQ(http_once(server.port(), bhttp::verb::post, hook, update).status, 401);
  EXPECT_EQ(http_once(server.port(), bhttp::verb::post, hook, update,
                      {{"X-Telegram-Bot-Api-Secret-Token", "wrong"}}).status, 401);
  EXPECT_EQ(w.history(dialog, op.token).size(), 2u);

  // The operator's reply reaches the user.
  ASSERT_EQ(w.act(dialog, "answer", op.token).status, 200);
  ASSERT_EQ(w.send(dialog, op.token, "Got it, [b]thanks[/b]").status, 201);
  ASSERT_TRUE(World::eventually([&] { return emu_.count_text(user, "Got it, <b>thanks</b>") == 1; })) << server.log();

  // A new secret is told to Telegram: its updates keep arriving, the old secret no longer works.
  const std::string old_secret(ch.json().at("secret").as_string());
  auto rotated = w.call(bhttp::verb::patch, "/api/v1/channels/" + S(channel), R"({"rotate_secret":true})");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  emu_.user_says(user, "Wanda", "after the rotation");
  ASSERT_TRUE(World::eventually([&] { return with_text(w.history(dialog, op.token), "after the rotation").size() == 1; }))
      << server.log();
  EXPECT_EQ(http_once(server.port(), bhttp::verb::post, hook, update,
                      {{"X-Telegram-Bot-Api-Secret-Token", old_secret}}).status, 401);
  EXPECT_TRUE(with_text(w.history(dialog, op.token), "forged").empty());
  EXPECT_EQ(server.log().find(kToken), std::string::npos) << "the token is never logged";
  EXPECT_EQ(server.stop(), 0) << server.log();
}

}  // namespace
}  // namespace omniline::testing
