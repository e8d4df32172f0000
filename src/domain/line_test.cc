#include "domain/line.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace omniline::domain {
namespace {

void expect_invalid(const Status& s, const std::string& what) {
  ASSERT_FALSE(s.ok()) << what;
  EXPECT_EQ(s.error().code, ErrorCode::kInvalid) << what;
  EXPECT_FALSE(s.error().message.empty()) << what;
}

using NameValidator = Status (*)(std::string_view);

void check_name_validator(NameValidator v) {
  EXPECT_TRUE(v("Support").ok());
  EXPECT_TRUE(v("  Поддержка 24/7  ").ok());
  EXPECT_TRUE(v(std::string(200, 'x')).ok());
  std::string cyrillic;  // 2 bytes per letter: exactly 200 bytes
  for (int i = 0; i < 100; ++i) cyrillic += "ж";
  EXPECT_TRUE(v(cyrillic).ok());
  expect_invalid(v(cyrillic + "x"), "201 bytes of UTF-8");
  expect_invalid(v(std::string(201, 'x')), "201 bytes");
  expect_invalid(v(""), "empty");
  expect_invalid(v(" \t "), "blank");
  expect_invalid(v("a\nb"), "newline");
  expect_invalid(v("a\x01"), "C0");
  expect_invalid(v("a\x7f"), "DEL");
  expect_invalid(v("a\xc2\x9f"), "C1");
  expect_invalid(v("caf\xe9"), "Latin-1, not UTF-8");
  expect_invalid(v("\xe2\x82"), "truncated");
  expect_invalid(v("\xe0\x80\xaf"), "overlong");
}

TEST(LineName, Validation) {
  check_name_validator(validate_line_name);
}
TEST(LineChannelName, Validation) {
  check_name_validator(validate_channel_name);
}

TEST(LineRouting, DefaultsAreValid) {
  EXPECT_TRUE(validate_routing(RoutingSettings{}).ok());
}

TEST(LineRouting, QueueTimeRange) {
  RoutingSettings r;
  for (int ok : {0, 1, kMaxQueueTimeS}) {
    r.queue_time_s = ok;
    EXPECT_TRUE(validate_routing(r).ok()) << ok;
  }
  for (int bad : {-1, kMaxQueueTimeS + 1}) {
    r.queue_time_s = bad;
    expect_invalid(validate_routing(r), std::to_string(bad));
  }
}

TEST(LineRouting, MaxChatsRange) {
  RoutingSettings r;
  for (int ok : {0, 1, kMaxMaxChats}) {
    r.max_chats = ok;
    EXPECT_TRUE(validate_routing(r).ok()) << ok;
  }
  for (int bad : {-1, kMaxMaxChats + 1}) {
    r.max_chats = bad;
    expect_invalid(validate_routing(r), std::to_string(bad));
  }
}

TEST(LineRouting, MaxChatsCount) {
  RoutingSettings r;
  r.max_chats = 5;
  for (unsigned mask = 1; mask <= 15; ++mask) {
    r.max_chats_count = mask;
    EXPECT_TRUE(validate_routing(r).ok()) << mask;
  }
  r.max_chats_count = 0;
  expect_invalid(validate_routing(r), "empty set with a limit");
  r.max_chats_count = 16;
  expect_invalid(validate_routing(r), "unknown bit with a limit");

  r.max_chats = 0;  // no limit: the set does not matter, but must still be known bits
  r.max_chats_count = 0;
  EXPECT_TRUE(validate_routing(r).ok());
  r.max_chats_count = kCountNew | 32u;
  expect_invalid(validate_routing(r), "unknown bit without a limit");
  r.max_chats_count = 0x80000000u;
  expect_invalid(validate_routing(r), "high bit");
}

TEST(LineQueue, Validation) {
  EXPECT_TRUE(validate_queue({}).ok());
  EXPECT_TRUE(validate_queue({EmployeeId(3), EmployeeId(1), EmployeeId(2)}).ok());
  expect_invalid(validate_queue({EmployeeId(1), EmployeeId(2), EmployeeId(1)}), "duplicate");
  expect_invalid(validate_queue({EmployeeId(1), EmployeeId(0)}), "zero id");
  expect_invalid(validate_queue({EmployeeId(-4)}), "negative id");

  std::vector<EmployeeId> full;
  for (std::size_t i = 1; i <= kMaxQueueLength; ++i)
    full.emplace_back(static_cast<std::int64_t>(i));
  EXPECT_TRUE(validate_queue(full).ok());
  full.emplace_back(static_cast<std::int64_t>(kMaxQueueLength + 1));
  expect_invalid(validate_queue(full), "one over the limit");
}

TEST(LineWebhookUrl, Accepts) {
  for (const char* ok :
       {"", "https://example.com", "http://example.com/hook",
        "https://hooks.example.com:8443/omniline/in?token=abc&x=1", "HTTPS://Example.COM/Path",
        "http://127.0.0.1:8080/", "http://[::1]:9000/h", "https://example.com/a%20b",
        "https://example.com:1/", "https://example.com:65535/"}) {
    EXPECT_TRUE(validate_webhook_url(ok).ok()) << ok;
  }
}

TEST(LineWebhookUrl, Rejects) {
  for (const char* bad : {
           "example.com/hook",              // no scheme
           "/hook",                         // relative
           "ftp://example.com/x",           // other scheme
           "javascript:alert(1)",           // other scheme
           "https:example.com",             // no authority
           "https:///path",                 // empty host
           "https://",                      // empty host
           "https://user:pw@example.com/",  // user info
           "https://user@example.com/",     // user info
           "https://@example.com/",         // empty user info
           "https://example.com/#frag",     // fragment
           "https://example.com/#",         // empty fragment
           "https://example.com/a b",       // space
           " https://example.com",          // leading space
           "https://example.com/\t",        // control
           "https://exa\nmple.com",         // control
           "https://example.com:/x",        // empty port
           "https://example.com:99999/",    // port out of range
           "https://example.com:65536/",    // port out of range
           "https://example.com:000080/",   // more than five digits
           "https://example.com:0/",        // port zero
           "https://example.com:port/",     // not a number
       }) {
    expect_invalid(validate_webhook_url(bad), bad);
  }
}

TEST(LineWebhookUrl, LengthLimit) {
  const std::string base = "https://example.com/";
  std::string at_limit = base + std::string(2048 - base.size(), 'p');
  ASSERT_EQ(at_limit.size(), 2048u);
  EXPECT_TRUE(validate_webhook_url(at_limit).ok());
  expect_invalid(validate_webhook_url(at_limit + "p"), "2049 bytes");
}

TEST(LineOrigins, Accepts) {
  EXPECT_TRUE(validate_origins({}).ok());
  EXPECT_TRUE(validate_origins({"*"}).ok());
  EXPECT_TRUE(
      validate_origins({"https://example.com", "http://localhost:3000",
                        "https://shop.example.co.uk:8443", "http://127.0.0.1", "http://[::1]:8080",
                        "https://xn--bcher-kva.example", "https://a-b.example.com:65535"})
          .ok());
}

TEST(LineOrigins, Rejects) {
  for (const char* bad : {
           "",                           // empty
           "null",                       // the opaque origin
           "example.com",                // no scheme
           "ftp://example.com",          // other scheme
           "https://",                   // no host
           "https://example.com/",       // path (even just "/")
           "https://example.com/app",    // path
           "https://example.com?x=1",    // query
           "https://example.com#x",      // fragment
           "https://u@example.com",      // user info
           "https://Example.com",        // not lower-case
           "HTTPS://example.com",        // not lower-case
           "https://example.com:",       // empty port
           "https://example.com:70000",  // port out of range
           "https://exa mple.com",       // space
           "https://example.com\n",      // control
           "*.example.com",              // no wildcards but the single "*"
           "https://*.example.com",      // likewise
           "https://exa_mple.com",       // not a host name character
           "https://%61.example.com",    // percent-encoded host
       }) {
    expect_invalid(validate_origins({bad}), bad);
  }
}

TEST(LineOrigins, StarMustBeAlone) {
  expect_invalid(validate_origins({"*", "https://example.com"}), "star first");
  expect_invalid(validate_origins({"https://example.com", "*"}), "star last");
  expect_invalid(validate_origins({"*", "*"}), "two stars");
}

TEST(LineOrigins, CountLimit) {
  std::vector<std::string> origins;
  for (std::size_t i = 0; i < kMaxOrigins; ++i)
    origins.push_back("https://site" + std::to_string(i) + ".example.com");
  EXPECT_TRUE(validate_origins(origins).ok());
  origins.push_back("https://one-more.example.com");
  expect_invalid(validate_origins(origins), "one over the limit");
}

TEST(LineOrigins, MessageNamesTheIndexNotTheValue) {
  auto s = validate_origins({"https://ok.example.com", "bad\xff"});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("allowed_origins[1]"), std::string::npos);
  EXPECT_EQ(s.error().message.find('\xff'), std::string::npos);
}

TEST(LineOriginAllowed, EmptyListOrStarAllowsAny) {
  Channel c;
  EXPECT_TRUE(origin_allowed(c, "https://anything.example"));
  EXPECT_TRUE(origin_allowed(c, ""));
  c.allowed_origins = {"*"};
  EXPECT_TRUE(origin_allowed(c, "https://anything.example"));
  EXPECT_TRUE(origin_allowed(c, "null"));
}

TEST(LineOriginAllowed, ExactCaseInsensitiveMatch) {
  Channel c;
  c.allowed_origins = {"https://shop.example.com", "http://localhost:3000"};
  EXPECT_TRUE(origin_allowed(c, "https://shop.example.com"));
  EXPECT_TRUE(origin_allowed(c, "HTTPS://Shop.Example.COM"));
  EXPECT_TRUE(origin_allowed(c, "http://localhost:3000"));
  EXPECT_FALSE(origin_allowed(c, "http://shop.example.com"));       // other scheme
  EXPECT_FALSE(origin_allowed(c, "https://shop.example.com:443"));  // not normalised: exact
  EXPECT_FALSE(origin_allowed(c, "https://evil.shop.example.com"));
  EXPECT_FALSE(origin_allowed(c, "https://shop.example.com.evil.com"));
  EXPECT_FALSE(origin_allowed(c, "https://shop.example.co"));
  EXPECT_FALSE(origin_allowed(c, "https://shop.example.com/"));
  EXPECT_FALSE(origin_allowed(c, "http://localhost:3001"));
  EXPECT_FALSE(origin_allowed(c, "http://localhost"));
  EXPECT_FALSE(origin_allowed(c, "null"));
  EXPECT_FALSE(origin_allowed(c, ""));
}

}  // namespace
}  // namespace omniline::domain

namespace omniline::domain {
namespace {

TEST(LineWidget, DefaultsAreValid) { EXPECT_TRUE(validate_widget(WidgetSettings{}).ok()); }

TEST(LineWidget, Rejects) {
  auto bad = [](auto change) {
    WidgetSettings w;
    change(w);
    return !validate_widget(w).ok();
  };
  EXPECT_TRUE(bad([](WidgetSettings& w) { w.title = ""; }));
  EXPECT_TRUE(bad([](WidgetSettings& w) { w.title = "  "; }));
  EXPECT_TRUE(bad([](WidgetSettings& w) { w.title = "two\nlines"; }));
  EXPECT_TRUE(bad([](WidgetSettings& w) { w.title = std::string(kMaxWidgetTitle + 1, 'x'); }));
  EXPECT_TRUE(bad([](WidgetSettings& w) { w.greeting = "bell\a"; }));
  EXPECT_TRUE(bad([](WidgetSettings& w) { w.greeting = "\xff\xfe"; }));
  EXPECT_TRUE(bad([](WidgetSettings& w) { w.color = "#ABCDEF"; }));  // lower case only
  EXPECT_TRUE(bad([](WidgetSettings& w) { w.color = "#abc"; }));
  EXPECT_TRUE(bad([](WidgetSettings& w) { w.color = "red"; }));
  EXPECT_TRUE(bad([](WidgetSettings& w) { w.prechat_fields = 8; }));
  EXPECT_TRUE(bad([](WidgetSettings& w) { w.prechat_required = true; }));  // with no fields
  EXPECT_TRUE(bad([](WidgetSettings& w) { w.consent_required = true; }));  // with no text
}

TEST(LineWidget, Accepts) {
  WidgetSettings w;
  w.greeting = "Hello!\nWe answer within a minute.";
  w.color = "#0a0b0c";
  w.prechat_fields = kPrechatName | kPrechatPhone;
  w.prechat_required = true;
  w.consent_required = true;
  w.consent_text = "Ваши данные хранятся 30 дней.";
  EXPECT_TRUE(validate_widget(w).ok());
  EXPECT_EQ(prechat_field_names(w.prechat_fields), (std::vector<std::string>{"name", "phone"}));
  EXPECT_EQ(parse_prechat_field("email"), kPrechatEmail);
  EXPECT_FALSE(parse_prechat_field("age").has_value());
}

}  // namespace
}  // namespace omniline::domain
