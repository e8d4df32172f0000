// Helpers shared by the lines/dialogs/routing integration tests: build a small contact center
// (employees, lines, channels), feed customer messages through the connector, read dialogs and
// their history, keep an operator online with a realtime WebSocket, poll for routing results.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace omniline::testing::scn {

// A server plus a signed-in admin; everything below goes through it.
class World {
 public:
  explicit World(unsigned short port);

  unsigned short port() const { return port_; }
  const std::string& admin_token() const { return admin_.token; }
  std::int64_t admin_id() const { return admin_.employee.at("id").as_int64(); }

  // `token` empty: the admin's. Pass `no_auth` to send no Authorization header at all.
  HttpResponse call(bhttp::verb m, const std::string& target, const std::string& body = "",
                    const std::string& token = "") const;
  HttpResponse call_anon(bhttp::verb m, const std::string& target,
                         const std::string& body = "") const;

  struct Staff {
    std::int64_t id = 0;
    std::string email;
    std::string name;
    std::string token;
  };
  // Creates an employee with a unique e-mail and signs them in.
  Staff employee(const std::string& role = "operator", const std::string& name = "");

  // POST /api/v1/lines; `routing` is a JSON object text ("" = defaults). Returns the line id.
  std::int64_t line(const std::vector<std::int64_t>& queue, const std::string& routing = "",
                    const std::string& name = "");
  struct Channel {
    std::int64_t id = 0;
    std::string secret;
  };
  Channel channel(std::int64_t line_id, const std::string& kind = "api");

  // One customer message through the connector. Returns the raw response.
  HttpResponse ingest_raw(const Channel& c, const std::string& body,
                          const std::string& secret_override = "") const;
  struct Ingested {
    std::int64_t dialog_id = 0;
    std::int64_t message_id = 0;
    bool duplicate = false;
  };
  // Asserts (via gtest) that the ingest succeeded; unique message ids when `message_id` empty.
  Ingested ingest(const Channel& c, const std::string& user_id, const std::string& text = "hello",
                  const std::string& message_id = "", const std::string& chat_id = "",
                  const std::string& user_name = "");

  // GET /api/v1/dialogs/{id} as `token` (empty: admin). Null value when not 200.
  json::value dialog(std::int64_t id, const std::string& token = "") const;
  // The whole history, oldest first (follows cursors).
  std::vector<json::object> history(std::int64_t dialog_id, const std::string& token = "") const;
  // The "kind"s of the system messages of the history, oldest first.
  std::vector<std::string> system_kinds(std::int64_t dialog_id) const;

  // POST /api/v1/dialogs/{id}/{action}.
  HttpResponse act(std::int64_t dialog_id, const std::string& action, const std::string& token,
                   const std::string& body = "") const;
  HttpResponse send(std::int64_t dialog_id, const std::string& token, const std::string& text,
                    bool hidden = false) const;

  // With --test-clock: advances time (0: just runs the routing work queued so far).
  HttpResponse advance(int seconds) const;

  // Polls `pred` every 50 ms for up to `timeout_ms`; true when it held.
  static bool eventually(const std::function<bool()>& pred, int timeout_ms = 5000);

  // The current session's status / operator (0 when unassigned) as the admin sees them.
  std::string status_of(std::int64_t dialog_id) const;
  std::int64_t operator_of(std::int64_t dialog_id) const;

 private:
  unsigned short port_;
  Session admin_;
};

// An employee's realtime connection (which makes them "online" for routing). Reads and keeps
// every event on a background thread until closed.
class Online {
 public:
  Online() = default;
  ~Online();
  Online(const Online&) = delete;
  Online& operator=(const Online&) = delete;

  // Connects and waits for the hello; false on failure.
  bool connect(unsigned short port, const std::string& token);
  // Drops the connection (the employee goes offline once the server notices).
  void close();
  std::vector<json::value> events();

 private:
  void read_loop();
  asio::io_context ioc_;
  std::unique_ptr<beast::websocket::stream<tcp::socket>> ws_;
  beast::flat_buffer buf_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<json::value> events_;
};

// Small JSON helpers.
std::string jstr(const std::string& s);  // a JSON string literal
std::int64_t id_or_zero(const json::value& v);  // int → itself, null → 0
// body.items of a list response, by value (safe in a range-for).
json::array items(const HttpResponse& r);

}  // namespace omniline::testing::scn
