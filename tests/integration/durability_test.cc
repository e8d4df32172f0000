// kill -9 the server while clients write; after a restart every acknowledged write is there.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "harness.h"

namespace omniline::testing {
namespace {

TEST(Durability, AcknowledgedWritesSurviveKill9) {
  TempDir tmp("omniline-dur");
  const std::string dir = tmp.path();
  std::set<std::string> acked;  // e-mails whose creation was answered 201
  std::mutex mu;
  {
    ServerProcess server({}, {}, dir);
    ASSERT_TRUE(server.start()) << server.log();
    auto admin = login(server.port(), kAdminEmail, kAdminPassword);
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < 8; ++w) {
      writers.emplace_back([&, w] {
        for (int i = 0; i < 100000 && !stop; ++i) {
          std::string email = "w" + std::to_string(w) + "-" + std::to_string(i) + "@example.com";
          try {
            HttpClient c(server.port());
            auto r =
                c.post("/api/v1/employees",
                       R"({"name":"Durable","email":")" + email + R"(","password":"password-123"})",
                       bearer(admin.token));
            if (r.status == 201) {
              std::lock_guard lock(mu);
              acked.insert(email);
            }
          } catch (...) {
            return;  // the server is gone
          }
        }
      });
    }
    // Let writes flow (up to 30 s: each one hashes a password, slow under sanitizers on a busy
    // machine), then kill the server without warning.
    for (int i = 0; i < 3000; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      std::lock_guard lock(mu);
      if (acked.size() >= 40) break;
    }
    server.kill9();
    stop = true;
    for (auto& t : writers) t.join();
  }
  ASSERT_GE(acked.size(), 10u) << "too few writes acknowledged before the kill";

  ServerProcess again({}, {}, dir);
  ASSERT_TRUE(again.start()) << again.log();
  auto admin = login(again.port(), kAdminEmail, kAdminPassword);
  std::set<std::string> stored;
  std::string cursor;
  for (int pages = 0; pages < 1000; ++pages) {
    auto r = http_once(again.port(), bhttp::verb::get,
                       "/api/v1/employees?limit=200" + (cursor.empty() ? "" : "&cursor=" + cursor),
                       "", bearer(admin.token));
    ASSERT_EQ(r.status, 200);
    auto v = r.json();
    for (auto& e : v.at("items").as_array()) stored.insert(std::string(e.at("email").as_string()));
    if (v.at("next_cursor").is_null()) break;
    cursor = std::string(v.at("next_cursor").as_string());
  }
  for (const auto& e : acked) EXPECT_TRUE(stored.count(e)) << "acknowledged but lost: " << e;
  EXPECT_EQ(again.stop(), 0);
}

}  // namespace
}  // namespace omniline::testing
