#include <gtest/gtest.h>

#include <set>

#include "common/metrics.h"
#include "services/auth_service.h"
#include "services/crypto.h"
#include "services/rate_limiter.h"

namespace omniline::services {
namespace {

class Crypto : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(crypto::init_crypto()); }
};

TEST_F(Crypto, PasswordHashIsArgon2idAndVerifies) {
  auto h = crypto::hash_password("correct horse");
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->starts_with("$argon2id$"));
  EXPECT_TRUE(crypto::verify_password("correct horse", *h));
  EXPECT_FALSE(crypto::verify_password("correct horsf", *h));
  EXPECT_FALSE(crypto::verify_password("correct horse", ""));
  EXPECT_FALSE(crypto::verify_password("correct horse", "$argon2id$garbage"));
  auto h2 = crypto::hash_password("correct horse");
  EXPECT_NE(*h, *h2);  // salted
}

TEST_F(Crypto, TokensAreRandomAndWellFormed) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto t = crypto::random_token(32);
    EXPECT_EQ(t.size(), 43u);  // 32 bytes in unpadded base64url
    EXPECT_EQ(
        t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos);
    EXPECT_TRUE(seen.insert(t).second);
  }
  EXPECT_EQ(crypto::random_hex(8).size(), 16u);
}

TEST_F(Crypto, DigestsAndComparison) {
  EXPECT_EQ(crypto::digest("a").size(), 32u);
  EXPECT_EQ(crypto::digest("a"), crypto::digest("a"));
  EXPECT_NE(crypto::digest("a"), crypto::digest("b"));
  EXPECT_NE(crypto::keyed_digest("k1", "a"), crypto::keyed_digest("k2", "a"));
  EXPECT_EQ(crypto::to_hex("\x01\xff"), "01ff");
  EXPECT_EQ(crypto::from_base64url(crypto::to_base64url("any \x01\xff bytes")).value(),
            "any \x01\xff bytes");
  EXPECT_FALSE(crypto::from_base64url("a+b/").has_value());  // standard alphabet, not url-safe
  EXPECT_FALSE(crypto::from_base64url("aGk=").has_value());  // padding
  EXPECT_TRUE(crypto::equal_ct("abc", "abc"));
  EXPECT_FALSE(crypto::equal_ct("abc", "abd"));
  EXPECT_FALSE(crypto::equal_ct("abc", "abcd"));
}

TEST_F(Crypto, CsrfIsBoundToTheSession) {
  auto a = AuthService::csrf_for("ols_one");
  EXPECT_EQ(a.size(), 64u);
  EXPECT_TRUE(AuthService::csrf_matches("ols_one", a));
  EXPECT_FALSE(AuthService::csrf_matches("ols_two", a));
  EXPECT_FALSE(AuthService::csrf_matches("ols_one", ""));
  EXPECT_FALSE(AuthService::csrf_matches("ols_one", a.substr(1)));
}

TEST(FailureLimiter, BlocksAfterMaxFailuresUntilWindowEnds) {
  FailureLimiter l(3, 1000);
  EXPECT_EQ(l.blocked_for("k", 0), 0);
  l.record_failure("k", 0);
  l.record_failure("k", 100);
  EXPECT_EQ(l.blocked_for("k", 200), 0);
  l.record_failure("k", 200);
  EXPECT_EQ(l.blocked_for("k", 300), 700);
  EXPECT_EQ(l.blocked_for("other", 300), 0);
  EXPECT_EQ(l.blocked_for("k", 1000), 0);  // window over
  l.record_failure("k", 1000);             // starts a new window
  EXPECT_EQ(l.blocked_for("k", 1001), 0);
  l.reset("k");
  EXPECT_EQ(l.size(), 0u);
}

TEST(FailureLimiter, MemoryIsBounded) {
  FailureLimiter l(3, 1000, 100);
  for (int i = 0; i < 1000; ++i) l.record_failure("ip" + std::to_string(i), i);
  EXPECT_LE(l.size(), 100u);
}

TEST(Metrics, RendersPrometheusText) {
  metrics::Registry reg;
  reg.record_request("/api/v1/employees/{id}", "GET", 200, 0.002);
  reg.record_request("/api/v1/employees/{id}", "GET", 200, 0.004);
  reg.record_request("/api/v1/employees/{id}", "GET", 404, 0.001);
  reg.record_commit(8, 0.003);
  reg.open_connections = 3;
  auto text = reg.render();
  EXPECT_NE(
      text.find("omniline_http_requests_total{route=\"/api/v1/employees/{id}\",method=\"GET\","
                "status=\"200\"} 2\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("status=\"404\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("omniline_http_request_duration_seconds_count 3\n"), std::string::npos);
  EXPECT_NE(text.find("omniline_http_request_duration_seconds_bucket{le=\"+Inf\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("omniline_http_request_duration_seconds_bucket{le=\"0.001\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("omniline_store_commit_batch_size_bucket{le=\"8\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("omniline_store_commit_batch_size_bucket{le=\"4\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("omniline_open_connections 3\n"), std::string::npos);
}

}  // namespace
}  // namespace omniline::services
