#include "scenario.h"

#include <gtest/gtest.h>

#include <chrono>

namespace omniline::testing::scn {

namespace websocket = beast::websocket;

std::string jstr(const std::string& s) { return json::serialize(json::value(s)); }

std::int64_t id_or_zero(const json::value& v) { return v.is_int64() ? v.as_int64() : 0; }

json::array items(const HttpResponse& r) {
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  if (ec || !v.is_object() || !v.as_object().contains("items") || !v.at("items").is_array())
    return {};
  return v.at("items").as_array();
}

World::World(unsigned short port) : port_(port), admin_(login(port, kAdminEmail, kAdminPassword)) {}

HttpResponse World::call(bhttp::verb m, const std::string& target, const std::string& body,
                         const std::string& token) const {
  return http_once(port_, m, target, body, bearer(token.empty() ? admin_.token : token));
}

HttpResponse World::call_anon(bhttp::verb m, const std::string& target,
                              const std::string& body) const {
  return http_once(port_, m, target, body, {});
}

World::Staff World::employee(const std::string& role, const std::string& name) {
  static std::atomic<int> counter{0};
  const int n = ++counter;
  Staff s;
  s.email = "scn-" + role + "-" + std::to_string(n) + "-" + std::to_string(port_) + "@example.com";
  s.name = name.empty() ? role + " " + std::to_string(n) : name;
  auto r = call(bhttp::verb::post, "/api/v1/employees",
                json::serialize(json::object{{"name", s.name},
                                             {"email", s.email},
                                             {"role", role},
                                             {"password", "password-123"}}));
  EXPECT_EQ(r.status, 201) << r.body;
  if (r.status != 201) return s;
  s.id = r.json().at("id").as_int64();
  s.token = login(port_, s.email, "password-123").token;
  return s;
}

std::int64_t World::line(const std::vector<std::int64_t>& queue, const std::string& routing,
                         const std::string& name) {
  static std::atomic<int> counter{0};
  json::array q;
  for (auto id : queue) q.push_back(id);
  json::object b{{"name", name.empty() ? "Line " + std::to_string(++counter) : name},
                 {"queue", std::move(q)}};
  if (!routing.empty()) b["routing"] = json::parse(routing);
  auto r = call(bhttp::verb::post, "/api/v1/lines", json::serialize(b));
  EXPECT_EQ(r.status, 201) << r.body;
  return r.status == 201 ? r.json().at("id").as_int64() : 0;
}

World::Channel World::channel(std::int64_t line_id, const std::string& kind) {
  auto r = call(bhttp::verb::post, "/api/v1/lines/" + std::to_string(line_id) + "/channels",
                R"({"kind":")" + kind + R"("})");
  EXPECT_EQ(r.status, 201) << r.body;
  Channel c;
  if (r.status != 201) return c;
  auto v = r.json();
  c.id = v.at("id").as_int64();
  c.secret = std::string(v.at("secret").as_string());
  return c;
}

HttpResponse World::ingest_raw(const Channel& c, const std::string& body,
                               const std::string& secret_override) const {
  return http_once(port_, bhttp::verb::post,
                   "/hooks/api/" + std::to_string(c.id) + "/messages", body,
                   bearer(secret_override.empty() ? c.secret : secret_override));
}

World::Ingested World::ingest(const Channel& c, const std::string& user_id,
                              const std::string& text, const std::string& message_id,
                              const std::string& chat_id, const std::string& user_name) {
  static std::atomic<int> counter{0};
  json::object b{
      {"user", user_name.empty() ? json::object{{"id", user_id}}
                                 : json::object{{"id", user_id}, {"name", user_name}}},
      {"message",
       json::object{{"id", message_id.empty() ? "auto-" + std::to_string(++counter) : message_id},
                    {"text", text}}}};
  if (!chat_id.empty()) b["chat"] = json::object{{"id", chat_id}};
  auto r = ingest_raw(c, json::serialize(b));
  EXPECT_EQ(r.status, 200) << r.body;
  Ingested out;
  if (r.status != 200) return out;
  auto v = r.json();
  out.dialog_id = v.at("dialog_id").as_int64();
  out.message_id = v.at("message_id").as_int64();
  out.duplicate = v.at("duplicate").as_bool();
  return out;
}

json::value World::dialog(std::int64_t id, const std::string& token) const {
  auto r = call(bhttp::verb::get, "/api/v1/dialogs/" + std::to_string(id), "", token);
  if (r.status != 200) return nullptr;
  return r.json();
}

std::vector<json::object> World::history(std::int64_t dialog_id, const std::string& token) const {
  std::vector<json::object> out;  // collected newest page first
  std::vector<std::vector<json::object>> pages;
  std::string cursor;
  for (int i = 0; i < 100; ++i) {
    auto r = call(bhttp::verb::get,
                  "/api/v1/dialogs/" + std::to_string(dialog_id) + "/messages?limit=200" +
                      (cursor.empty() ? "" : "&cursor=" + cursor),
                  "", token);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) break;
    auto v = r.json();
    std::vector<json::object> page;
    for (auto& m : v.at("items").as_array()) page.push_back(m.as_object());
    pages.push_back(std::move(page));
    if (v.at("next_cursor").is_null()) break;
    cursor = std::string(v.at("next_cursor").as_string());
  }
  for (auto it = pages.rbegin(); it != pages.rend(); ++it)
    for (auto& m : *it) out.push_back(std::move(m));
  return out;
}

std::vector<std::string> World::system_kinds(std::int64_t dialog_id) const {
  std::vector<std::string> out;
  for (auto& m : history(dialog_id)) {
    const auto& s = m.at("system");
    if (s.is_object()) out.emplace_back(s.at("kind").as_string());
  }
  return out;
}

HttpResponse World::act(std::int64_t dialog_id, const std::string& action,
                        const std::string& token, const std::string& body) const {
  return call(bhttp::verb::post, "/api/v1/dialogs/" + std::to_string(dialog_id) + "/" + action,
              body, token);
}

HttpResponse World::send(std::int64_t dialog_id, const std::string& token,
                         const std::string& text, bool hidden) const {
  return call(bhttp::verb::post, "/api/v1/dialogs/" + std::to_string(dialog_id) + "/messages",
              json::serialize(json::object{{"text", text}, {"hidden", hidden}}), token);
}

HttpResponse World::advance(int seconds) const {
  auto r = call(bhttp::verb::post, "/api/v1/testing/clock",
                R"({"advance_s":)" + std::to_string(seconds) + "}");
  EXPECT_EQ(r.status, 200) << r.body;
  return r;
}

bool World::eventually(const std::function<bool()>& pred, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string World::status_of(std::int64_t dialog_id) const {
  auto d = dialog(dialog_id);
  if (d.is_null()) return "<no dialog>";
  return std::string(d.at("session").at("status").as_string());
}

std::int64_t World::operator_of(std::int64_t dialog_id) const {
  auto d = dialog(dialog_id);
  if (d.is_null()) return -1;
  return id_or_zero(d.at("session").at("operator_id"));
}

// --- Online ---

Online::~Online() { close(); }

bool Online::connect(unsigned short port, const std::string& token) {
  ws_ = std::make_unique<websocket::stream<tcp::socket>>(ioc_);
  boost::system::error_code ec;
  ws_->next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return false;
  ws_->set_option(websocket::stream_base::decorator([token](websocket::request_type& req) {
    req.set(bhttp::field::authorization, "Bearer " + token);
  }));
  ws_->handshake("127.0.0.1:" + std::to_string(port), "/api/v1/realtime", ec);
  if (ec) return false;
  beast::flat_buffer b;
  ws_->read(b, ec);  // hello: the server has registered the connection by now
  if (ec) return false;
  thread_ = std::thread([this] {
    read_loop();
    ioc_.run();
  });
  return true;
}

void Online::read_loop() {
  ws_->async_read(buf_, [this](boost::system::error_code ec, std::size_t) {
    if (ec) return;
    {
      std::lock_guard lock(mu_);
      boost::system::error_code pec;
      auto v = json::parse(beast::buffers_to_string(buf_.data()), pec);
      if (!pec) events_.push_back(std::move(v));
    }
    buf_.consume(buf_.size());
    read_loop();
  });
}

void Online::close() {
  if (!ws_) return;
  if (thread_.joinable()) {
    asio::post(ioc_, [this] {
      boost::system::error_code ec;
      ws_->next_layer().shutdown(tcp::socket::shutdown_both, ec);
      ws_->next_layer().close(ec);
    });
    thread_.join();
  } else {
    boost::system::error_code ec;
    ws_->next_layer().close(ec);
  }
  ws_.reset();
}

std::vector<json::value> Online::events() {
  std::lock_guard lock(mu_);
  return events_;
}

}  // namespace omniline::testing::scn
