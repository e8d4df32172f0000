// A small blocking WebSocket client for the realtime tests: every read has a deadline, and
// everything received is kept so tests can assert on order and absence.
#pragma once

#include <stdexcept>

#include "harness.h"

namespace omniline::testing {

class WsClient {
 public:
  // Connects to `target` ("/api/v1/realtime", "/api/v1/widget/realtime?token=…").
  WsClient(unsigned short port, const std::string& target,
           const std::map<std::string, std::string>& headers = {})
      : ws_(ioc_) {
    beast::get_lowest_layer(ws_).connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    ws_.set_option(boost::beast::websocket::stream_base::decorator(
        [headers](boost::beast::websocket::request_type& req) {
          for (const auto& [k, v] : headers) req.set(k, v);
        }));
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(5));
    ws_.handshake(response_, "127.0.0.1:" + std::to_string(port), target, ec_);
  }

  bool ok() const { return !ec_; }
  int status() const { return static_cast<int>(response_.result_int()); }

  // The next message, or throws after `timeout`.
  json::value next(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    beast::flat_buffer b;
    beast::get_lowest_layer(ws_).expires_after(timeout);
    ws_.read(b);
    json::value v = json::parse(beast::buffers_to_string(b.data()));
    received_.push_back(v);
    return v;
  }

  // Reads until a message of `type` (that `pred` accepts) arrives; throws on timeout.
  template <typename Pred>
  json::value until(const std::string& type, Pred pred,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) throw std::runtime_error("no '" + type + "' in time");
      json::value v = next(left);
      if (v.at("type").as_string() == type && pred(v)) return v;
    }
  }
  json::value until(const std::string& type,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    return until(type, [](const json::value&) { return true; }, timeout);
  }

  void send(const std::string& text) {
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(5));
    ws_.write(asio::buffer(text));
  }
  void close() {
    boost::system::error_code ec;
    ws_.close(boost::beast::websocket::close_code::normal, ec);
  }
  const std::vector<json::value>& received() const { return received_; }

 private:
  asio::io_context ioc_;
  boost::beast::websocket::stream<beast::tcp_stream> ws_;
  bhttp::response<bhttp::string_body> response_;
  boost::system::error_code ec_;
  std::vector<json::value> received_;
};

}  // namespace omniline::testing
