#include "services/url_fetch.h"

#include <gtest/gtest.h>

namespace omniline::services {
namespace {

TEST(UrlFetch, PrivateAddresses) {
  for (const char* ip : {"127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                         "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1",
                         "255.255.255.255", "192.0.0.8", "198.18.0.1", "::", "::1", "fc00::1",
                         "fd12:3456::1", "fe80::1", "ff02::1", "::ffff:127.0.0.1",
                         "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "", "not an ip", "1.2.3"})
    EXPECT_TRUE(is_private_address(ip)) << ip;
  for (const char* ip : {"1.1.1.1", "8.8.8.8", "172.32.0.1", "172.15.255.255", "100.128.0.1",
                         "192.169.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"})
    EXPECT_FALSE(is_private_address(ip)) << ip;
}

TEST(UrlFetch, RefusesOtherSchemesAndPrivateHostsWithoutConnecting) {
  FetchLimits limits;
  limits.timeout = std::chrono::milliseconds(3000);
  for (const char* url : {"file:///etc/passwd", "ftp://example.com/x", "gopher://x", "javascript:alert(1)", ""})
    EXPECT_EQ(fetch_url(url, limits).error().code, ErrorCode::kInvalid) << url;
  // A private address is refused before any connection (10.255.255.1 would never answer).
  auto r = fetch_url("http://10.255.255.1/file.bin", limits);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("private"), std::string::npos) << r.error().message;
  auto local = fetch_url("http://127.0.0.1:9/x", limits);
  ASSERT_FALSE(local.ok());
  EXPECT_NE(local.error().message.find("private"), std::string::npos) << local.error().message;
}

}  // namespace
}  // namespace omniline::services
