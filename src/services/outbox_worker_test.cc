#include "services/outbox_worker.h"

#include <gtest/gtest.h>

#include <limits>

#include "services/crypto.h"

namespace omniline::services {
namespace {

class OutboxSignature : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(crypto::init_crypto()); }
};

TEST_F(OutboxSignature, MatchesRfc4231TestVectors) {
  // RFC 4231 test case 2: a key shorter than the block size.
  EXPECT_EQ(webhook_signature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 1: 20 bytes of 0x0b, "Hi There".
  EXPECT_EQ(webhook_signature(std::string(20, '\x0b'), "Hi There"),
            "sha256=b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 6: a 131-byte key (longer than the block size, so it is hashed first).
  EXPECT_EQ(webhook_signature(std::string(131, '\xaa'),
                              "Test Using Larger Than Block-Size Key - Hash Key First"),
            "sha256=60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_F(OutboxSignature, CoversTheExactBytes) {
  const std::string body = R"({"text":"hi"})";
  const auto sig = webhook_signature("secret", body);
  EXPECT_EQ(sig.size(), 7u + 64u);
  EXPECT_TRUE(sig.starts_with("sha256="));
  EXPECT_EQ(sig.find_first_not_of("0123456789abcdef", 7), std::string::npos);
  EXPECT_EQ(sig, webhook_signature("secret", body));
  EXPECT_NE(sig, webhook_signature("secret", body + " "));
  EXPECT_NE(sig, webhook_signature("secret2", body));
  // Embedded NUL bytes count.
  EXPECT_NE(webhook_signature("k", std::string("a\0b", 3)), webhook_signature("k", "a"));
  // Empty key and body are valid inputs (HMAC-SHA256("", "")).
  EXPECT_EQ(webhook_signature("", ""),
            "sha256=b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(OutboxRetryDelay, DoublesFromTheBaseWithoutJitter) {
  OutboxConfig c;  // 1 s base, 10 min cap
  EXPECT_EQ(retry_delay_ms(c, 1, 0.5), 1000);
  EXPECT_EQ(retry_delay_ms(c, 2, 0.5), 2000);
  EXPECT_EQ(retry_delay_ms(c, 3, 0.5), 4000);
  EXPECT_EQ(retry_delay_ms(c, 10, 0.5), 512000);
  EXPECT_EQ(retry_delay_ms(c, 0, 0.5), 1000);  // below 1 counts as the first retry
  EXPECT_EQ(retry_delay_ms(c, -5, 0.5), 1000);
}

TEST(OutboxRetryDelay, IsCapped) {
  OutboxConfig c;
  EXPECT_EQ(retry_delay_ms(c, 11, 0.5), 600000);  // 1024 s > 600 s
  EXPECT_EQ(retry_delay_ms(c, 12, 0.5), 600000);
  EXPECT_EQ(retry_delay_ms(c, 64, 0.5), 600000);  // no overflow
  EXPECT_EQ(retry_delay_ms(c, std::numeric_limits<int>::max(), 0.5), 600000);
  // Jitter never pushes it past the cap.
  EXPECT_EQ(retry_delay_ms(c, 30, 0.999), 600000);
  EXPECT_EQ(retry_delay_ms(c, 30, 0.0), 480000);

  OutboxConfig small;
  small.base_backoff_ms = 100;
  small.max_backoff_ms = 250;
  EXPECT_EQ(retry_delay_ms(small, 1, 0.5), 100);
  EXPECT_EQ(retry_delay_ms(small, 2, 0.5), 200);
  EXPECT_EQ(retry_delay_ms(small, 3, 0.5), 250);
  // A base above the cap is cut to the cap.
  small.base_backoff_ms = 1000;
  EXPECT_EQ(retry_delay_ms(small, 1, 0.5), 250);
}

TEST(OutboxRetryDelay, JitterStaysWithinTwentyPercent) {
  OutboxConfig c;
  for (int attempts = 1; attempts <= 12; ++attempts) {
    const UnixMs nominal = retry_delay_ms(c, attempts, 0.5);
    const UnixMs lo = retry_delay_ms(c, attempts, 0.0);
    const UnixMs hi = retry_delay_ms(c, attempts, 0.999999);
    EXPECT_LE(lo, nominal);
    EXPECT_LE(nominal, hi);
    EXPECT_EQ(lo, nominal * 8 / 10) << attempts;  // the cap is 600 s, so lo never reaches it
    if (nominal * 12 / 10 < c.max_backoff_ms)
      EXPECT_NEAR(static_cast<double>(hi), nominal * 1.2, 1.0) << attempts;
    else
      EXPECT_EQ(hi, c.max_backoff_ms) << attempts;
    for (double j = 0.0; j < 1.0; j += 0.01) {
      const UnixMs d = retry_delay_ms(c, attempts, j);
      EXPECT_GE(d, lo);
      EXPECT_LE(d, hi);
      EXPECT_LE(d, c.max_backoff_ms);
    }
  }
  // Monotonic in the jitter value.
  EXPECT_LT(retry_delay_ms(c, 3, 0.1), retry_delay_ms(c, 3, 0.9));
  // Out-of-range jitter is clamped, not trusted.
  EXPECT_EQ(retry_delay_ms(c, 1, -3.0), 800);
  EXPECT_EQ(retry_delay_ms(c, 1, 7.0), 1200);
  EXPECT_EQ(retry_delay_ms(c, 1, std::numeric_limits<double>::quiet_NaN()), 800);
}

TEST(OutboxRetryDelay, ZeroBaseMeansImmediate) {
  OutboxConfig c;
  c.base_backoff_ms = 0;
  EXPECT_EQ(retry_delay_ms(c, 1, 0.7), 0);
  EXPECT_EQ(retry_delay_ms(c, 1000, 0.7), 0);
}

}  // namespace
}  // namespace omniline::services
