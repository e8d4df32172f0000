#include "domain/telegram.h"

#include <gtest/gtest.h>

namespace omniline::domain {
namespace {

TEST(Telegram, BotTokens) {
  EXPECT_TRUE(validate_bot_token("123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11").ok());
  for (const char* bad : {"", "123456", ":ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12a:ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                          "1:short", "1:ABCDEFGHIJKLMNOPQRSTUV/XYZ", "1:ABCDEFGHIJKLMNOPQRSTUV XYZ"})
    EXPECT_FALSE(validate_bot_token(bad).ok()) << bad;
}

TEST(Telegram, HtmlFromTheMessageFormat) {
  EXPECT_EQ(to_telegram_html("plain <b> & \"x\""), "plain &lt;b&gt; &amp; &quot;x&quot;");
  EXPECT_EQ(to_telegram_html("[b]bold[/b] [i]it[/i] [u]u[/u] [s]s[/s] [code]a<b[/code]"),
            "<b>bold</b> <i>it</i> <u>u</u> <s>s</s> <code>a&lt;b</code>");
  EXPECT_EQ(to_telegram_html("[quote]q[/quote]line[br]next"), "<blockquote>q</blockquote>line\nnext");
  EXPECT_EQ(to_telegram_html("[url=https://example.com/?a=1&b=2]site[/url]"),
            "<a href=\"https://example.com/?a=1&amp;b=2\">site</a>");
  EXPECT_EQ(to_telegram_html("[url]https://example.com[/url]"),
            "<a href=\"https://example.com\">https://example.com</a>");
  EXPECT_EQ(to_telegram_html("[url=javascript:alert(1)]x[/url]"), "[url=javascript:alert(1)]x[/url]");
  EXPECT_EQ(to_telegram_html("hi [user=5]Olga[/user]"), "hi Olga");
  EXPECT_EQ(to_telegram_html("[b]unclosed"), "[b]unclosed");
}

}  // namespace
}  // namespace omniline::domain
