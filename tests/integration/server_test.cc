// The server core over real sockets: health, metrics, limits, timeouts, static files,
// WebSocket, graceful shutdown.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "harness.h"

namespace omniline::testing {
namespace {

namespace websocket = boost::beast::websocket;

class Core : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tmp_ = new TempDir("omniline-core");
    dir_ = tmp_->path();
    std::filesystem::create_directories(dir_ + "/web/assets");
    std::ofstream(dir_ + "/web/index.html") << "<!doctype html><title>Omniline</title>";
    std::ofstream(dir_ + "/web/assets/app-3f9a.js") << "console.log('app')";
    std::ofstream(dir_ + "/secret.txt") << "TOP-SECRET";
    server_ = new ServerProcess({"--read-timeout", "2", "--idle-timeout", "3", "--body-limit",
                                 "65536", "--header-limit", "8192"},
                                {}, dir_);
    ASSERT_TRUE(server_->start()) << server_->log();
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(server_->stop(), 0) << server_->log();
    delete server_;
    delete tmp_;
  }
  static unsigned short port() { return server_->port(); }
  static TempDir* tmp_;
  static std::string dir_;
  static ServerProcess* server_;
};
TempDir* Core::tmp_ = nullptr;
std::string Core::dir_;
ServerProcess* Core::server_ = nullptr;

TEST_F(Core, HealthReadinessMetrics) {
  auto h = http_once(port(), bhttp::verb::get, "/healthz");
  EXPECT_EQ(h.status, 200);
  auto r = http_once(port(), bhttp::verb::get, "/readyz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json().at("status").as_string(), "ready");
  EXPECT_GE(r.json().at("schema_version").as_int64(), 1);
  login(port(), kAdminEmail, kAdminPassword);  // makes a write, so a commit is measured
  auto m = http_once(port(), bhttp::verb::get, "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.header("content-type").find("text/plain"), std::string::npos);
  EXPECT_NE(
      m.body.find("omniline_http_requests_total{route=\"/readyz\",method=\"GET\",status=\"200\"}"),
      std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("omniline_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(m.body.find("omniline_open_connections "), std::string::npos);
  EXPECT_NE(m.body.find("omniline_store_commit_duration_seconds_count"), std::string::npos);
  EXPECT_NE(m.body.find("omniline_store_commit_batch_size_bucket"), std::string::npos);
  EXPECT_EQ(m.body.find("omniline_store_commit_duration_seconds_count 0\n"), std::string::npos);
}

TEST_F(Core, UnknownRoutesAndMethodsAreJsonErrors) {
  auto r = http_once(port(), bhttp::verb::get, "/api/v1/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error_code(), "not_found");
  EXPECT_EQ(r.header("content-type"), "application/json");
  auto m = http_once(port(), bhttp::verb::put, "/api/v1/employees", "{}");
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(m.header("allow"), "GET, POST");
  EXPECT_EQ(m.error_code(), "method_not_allowed");
}

TEST_F(Core, RequestIdsAndSecurityHeaders) {
  auto r = http_once(port(), bhttp::verb::get, "/healthz");
  EXPECT_EQ(r.header("x-request-id").size(), 16u);
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  auto given =
      http_once(port(), bhttp::verb::get, "/healthz", "", {{"X-Request-Id", "trace-abc-1"}});
  EXPECT_EQ(given.header("x-request-id"), "trace-abc-1");
  auto bad = http_once(port(), bhttp::verb::get, "/healthz", "", {{"X-Request-Id", "<script>"}});
  EXPECT_NE(bad.header("x-request-id"), "<script>");
  EXPECT_NE(server_->log().find("trace-abc-1"), std::string::npos);  // in the access log
}

TEST_F(Core, KeepAliveServesManyRequestsOnOneConnection) {
  HttpClient c(port());
  for (int i = 0; i < 50; ++i) ASSERT_EQ(c.get("/healthz").status, 200);
  EXPECT_TRUE(c.is_open());
}

TEST_F(Core, OversizedBodyIs413AndServerKeepsServing) {
  Session s = login(port(), kAdminEmail, kAdminPassword);
  std::string big = R"({"name":")" + std::string(70000, 'x') + "\"}";
  auto r = http_once(port(), bhttp::verb::post, "/api/v1/me/tokens", big, bearer(s.token));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.error_code(), "too_large");
  EXPECT_EQ(http_once(port(), bhttp::verb::get, "/api/v1/me", "", bearer(s.token)).status, 200);
}

TEST_F(Core, OversizedHeaderIs431) {
  RawClient c(port());
  c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(10000, 'a') + "\r\n\r\n");
  auto out = c.read_all(std::chrono::seconds(3));
  EXPECT_NE(out.find("HTTP/1.1 431"), std::string::npos) << out.substr(0, 200);
  EXPECT_NE(out.find("too_large"), std::string::npos);
}

TEST_F(Core, GarbageIs400) {
  RawClient c(port());
  c.send("THIS IS NOT HTTP\r\n\r\n");
  auto out = c.read_all(std::chrono::seconds(3));
  EXPECT_NE(out.find("HTTP/1.1 400"), std::string::npos) << out;
  EXPECT_EQ(http_once(port(), bhttp::verb::get, "/healthz").status, 200);
}

TEST_F(Core, TricklingHeadersAreCutOff) {
  // One byte every 300 ms never completes a header within the 2 s read timeout.
  RawClient c(port());
  const std::string req =
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaa\r\n\r\n";
  auto start = std::chrono::steady_clock::now();
  bool cut = false;
  for (char ch : req) {
    if (!c.send(std::string(1, ch))) {
      cut = true;
      break;
    }
    if (c.closed_by_peer(std::chrono::milliseconds(300))) {
      cut = true;
      break;
    }
  }
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(cut);
  EXPECT_LT(took, std::chrono::seconds(6));
  EXPECT_EQ(http_once(port(), bhttp::verb::get, "/healthz").status, 200);
}

TEST_F(Core, IdleKeepAliveConnectionsAreClosed) {
  RawClient c(port());
  EXPECT_TRUE(c.closed_by_peer(std::chrono::seconds(6)));
}

TEST_F(Core, StaticFilesCachingAndSpaFallback) {
  auto index = http_once(port(), bhttp::verb::get, "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.header("cache-control"), "no-cache");
  auto js = http_once(port(), bhttp::verb::get, "/assets/app-3f9a.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js.header("cache-control"), "public, max-age=31536000, immutable");
  auto route = http_once(port(), bhttp::verb::get, "/dialogs/15");
  EXPECT_EQ(route.status, 200);
  EXPECT_NE(route.body.find("<title>Omniline</title>"), std::string::npos);
  EXPECT_EQ(http_once(port(), bhttp::verb::get, "/assets/missing.js").status, 404);
  auto head = http_once(port(), bhttp::verb::head, "/assets/app-3f9a.js");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.header("content-length"), "18");  // the GET body's length, not 0
}

TEST_F(Core, PathTraversalIsRefused) {
  for (const char* t : {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt",
                        "/assets/%2E%2E/%2E%2E/secret.txt", "/..%2fsecret.txt", "/.%2e/secret.txt",
                        "/assets/..\\..\\secret.txt", "/%00/../secret.txt"}) {
    RawClient c(port());
    c.send(std::string("GET ") + t + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto out = c.read_all(std::chrono::seconds(3));
    EXPECT_EQ(out.find("TOP-SECRET"), std::string::npos) << t;
    EXPECT_TRUE(out.find("HTTP/1.1 404") != std::string::npos ||
                out.find("HTTP/1.1 400") != std::string::npos)
        << t << ": " << out.substr(0, 100);
  }
}

// A small synchronous WebSocket client.
struct Ws {
  asio::io_context ioc;
  websocket::stream<tcp::socket> ws{ioc};
  bhttp::response<bhttp::string_body> res;
  boost::system::error_code handshake(unsigned short port,
                                      const std::map<std::string, std::string>& h) {
    ws.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    ws.set_option(websocket::stream_base::decorator([h](websocket::request_type& req) {
      for (auto& [k, v] : h) req.set(k, v);
    }));
    boost::system::error_code ec;
    ws.handshake(res, "127.0.0.1:" + std::to_string(port), "/api/v1/realtime", ec);
    return ec;
  }
  // The next message, skipping presence events (the connection's own "online" among them).
  json::value read() {
    for (;;) {
      beast::flat_buffer b;
      ws.read(b);
      json::value v = json::parse(beast::buffers_to_string(b.data()));
      if (v.at("type").as_string() != "presence") return v;
    }
  }
  // Reads until the server closes (at most 20 messages); returns the error that ended it.
  boost::system::error_code read_until_closed() {
    boost::system::error_code ec;
    for (int i = 0; i < 20 && !ec; ++i) {
      beast::flat_buffer b;
      ws.read(b, ec);
    }
    return ec;
  }
};

TEST_F(Core, WebSocketAuthHelloAndPing) {
  Session s = login(port(), kAdminEmail, kAdminPassword);
  Ws ws;
  ASSERT_FALSE(ws.handshake(port(), bearer(s.token)));
  auto hello = ws.read();
  EXPECT_EQ(hello.at("type").as_string(), "hello");
  EXPECT_EQ(hello.at("data").at("employee_id").as_int64(), s.employee.at("id").as_int64());
  ws.ws.write(asio::buffer(std::string(R"({"type":"ping"})")));
  EXPECT_EQ(ws.read().at("type").as_string(), "pong");
  ws.ws.write(asio::buffer(std::string("not json")));
  auto err = ws.read();
  EXPECT_EQ(err.at("type").as_string(), "error");
  EXPECT_EQ(err.at("data").at("code").as_string(), "invalid_request");
  ws.ws.close(websocket::close_code::normal);
}

TEST_F(Core, WebSocketRefusesStrangersAndOtherOrigins) {
  Ws anon;
  EXPECT_TRUE(anon.handshake(port(), {}));
  EXPECT_EQ(anon.res.result_int(), 401u);
  Ws forged;
  EXPECT_TRUE(forged.handshake(port(), bearer("ols_forged")));
  EXPECT_EQ(forged.res.result_int(), 401u);
  Session s = login(port(), kAdminEmail, kAdminPassword);
  Ws cross;
  EXPECT_TRUE(cross.handshake(port(), {{"Cookie", s.cookie}, {"Origin", "https://evil.example"}}));
  EXPECT_EQ(cross.res.result_int(), 403u);
  Ws same;
  EXPECT_FALSE(same.handshake(
      port(), {{"Cookie", s.cookie}, {"Origin", "http://127.0.0.1:" + std::to_string(port())}}));
}

TEST_F(Core, WebSocketOversizedMessageClosesOnlyThatSocket) {
  Session s = login(port(), kAdminEmail, kAdminPassword);
  Ws ws;
  ASSERT_FALSE(ws.handshake(port(), bearer(s.token)));
  ws.read();  // hello
  boost::system::error_code ec;
  ws.ws.write(asio::buffer(std::string(100 * 1024, 'x')), ec);
  ec = ws.read_until_closed();
  EXPECT_TRUE(ec);  // closed by the server (message too big)
  EXPECT_EQ(http_once(port(), bhttp::verb::get, "/healthz").status, 200);
}

TEST(Shutdown, GracefulOnSigterm) {
  ServerProcess server;
  ASSERT_TRUE(server.start()) << server.log();
  Session s = login(server.port(), kAdminEmail, kAdminPassword);

  Ws ws;
  ASSERT_FALSE(ws.handshake(server.port(), bearer(s.token)));
  ws.read();  // hello
  HttpClient idle(server.port());
  ASSERT_EQ(idle.get("/healthz").status, 200);  // an idle keep-alive connection

  // Requests in flight when the signal arrives are answered (sign-in hashes for a while).
  std::vector<std::future<int>> inflight;
  for (int i = 0; i < 4; ++i)
    inflight.push_back(std::async(std::launch::async, [&] {
      try {
        return http_once(server.port(), bhttp::verb::post, "/api/v1/auth/login",
                         R"({"email":"admin@example.com","password":"admin-password-1"})")
            .status;
      } catch (...) {
        return -1;
      }
    }));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  auto t0 = std::chrono::steady_clock::now();
  int code = -1;
  std::thread stopper([&] { code = server.stop(SIGTERM); });

  // The WebSocket gets a close frame with 1001 (going away).
  boost::system::error_code ec = ws.read_until_closed();
  EXPECT_EQ(ec, websocket::error::closed) << ec.message();
  EXPECT_EQ(ws.ws.reason().code, websocket::close_code::going_away);

  for (auto& f : inflight) EXPECT_EQ(f.get(), 200);
  stopper.join();
  EXPECT_EQ(code, 0) << server.log();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(8));
  EXPECT_NE(server.log().find("stopped cleanly"), std::string::npos);
}

}  // namespace
}  // namespace omniline::testing
