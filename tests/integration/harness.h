// Integration-test harness: starts the real `omniline` binary on a free loopback port with a
// temporary data dir, and talks to it over real HTTP and WebSocket (Beast clients).
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace omniline::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

inline constexpr const char* kAdminEmail = "admin@example.com";
inline constexpr const char* kAdminPassword = "admin-password-1";

struct HttpResponse {
  int status = 0;
  std::string body;
  std::multimap<std::string, std::string> headers;  // lower-cased names
  json::value json() const;
  std::string header(const std::string& lower) const;
  std::vector<std::string> headers_all(const std::string& lower) const;
  std::string error_code() const;  // body.error.code or ""
};

class ServerProcess {
 public:
  // Extra flags for `omniline serve`, extra environment "K=V" entries.
  explicit ServerProcess(std::vector<std::string> flags = {}, std::vector<std::string> env = {},
                         std::string data_dir = "");
  ~ServerProcess();

  bool start();  // spawns and waits until it listens; false on failure
  int stop(int signal = 15, int timeout_ms = 20000);  // sends signal, returns exit status
  void kill9();
  bool running();
  const std::string& data_dir() const { return data_dir_; }
  unsigned short port() const { return port_; }
  std::string log() const;  // what the server printed so far

 private:
  std::vector<std::string> flags_, env_;
  std::optional<TempDir> own_dir_;  // when no data dir was given
  std::string data_dir_, log_path_;
  int pid_ = -1;
  unsigned short port_ = 0;
};

// A keep-alive HTTP client connection.
class HttpClient {
 public:
  explicit HttpClient(unsigned short port);
  HttpResponse request(bhttp::verb method, const std::string& target, const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {});
  HttpResponse get(const std::string& target, const std::map<std::string, std::string>& h = {}) {
    return request(bhttp::verb::get, target, "", h);
  }
  HttpResponse post(const std::string& target, const std::string& body,
                    const std::map<std::string, std::string>& h = {}) {
    return request(bhttp::verb::post, target, body, h);
  }
  bool is_open() const { return stream_ && stream_->socket().is_open(); }

 private:
  void connect();
  unsigned short port_;
  asio::io_context ioc_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

// One request on a fresh connection.
HttpResponse http_once(unsigned short port, bhttp::verb method, const std::string& target,
                       const std::string& body = "",
                       const std::map<std::string, std::string>& h = {});

// Signs in and returns {token, csrf}; asserts on failure.
struct Session {
  std::string token;
  std::string csrf;
  std::string cookie;  // "omniline_session=...; omniline_csrf=..."
  json::object employee;
};
Session login(unsigned short port, const std::string& email, const std::string& password);
std::map<std::string, std::string> bearer(const std::string& token);

// Raw TCP for misbehaving clients: send bytes, read until close or timeout.
class RawClient {
 public:
  explicit RawClient(unsigned short port);
  bool send(const std::string& bytes);  // false when the server has closed
  // Reads until the server closes or `timeout` passes; returns what arrived.
  std::string read_all(std::chrono::milliseconds timeout);
  bool closed_by_peer(std::chrono::milliseconds timeout);

 private:
  asio::io_context ioc_;
  tcp::socket sock_;
};

}  // namespace omniline::testing
