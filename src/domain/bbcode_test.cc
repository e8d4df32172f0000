#include "domain/bbcode.h"

#include <gtest/gtest.h>

#include <random>

namespace omniline::domain::bbcode {
namespace {

// A compact picture of a tree: text as is, elements as <tag=arg>…</tag>.
std::string shape(const std::vector<Node>& nodes) {
  std::string out;
  for (const auto& n : nodes) {
    if (!n.element) {
      out += n.text;
      continue;
    }
    out += "<" + std::string(tag_name(n.tag)) + (n.arg ? "=" + *n.arg : "") + ">";
    out += shape(n.children);
    if (n.tag != Tag::kBr) out += "</" + std::string(tag_name(n.tag)) + ">";
  }
  return out;
}

std::string parsed(std::string_view s) { return shape(parse(s)); }

TEST(BBCode, ParsesTheSubset) {
  EXPECT_EQ(parsed("plain"), "plain");
  EXPECT_EQ(parsed("[b]bold[/b] and [i]it[/i]"), "<b>bold</b> and <i>it</i>");
  EXPECT_EQ(parsed("[B]upper[/b]"), "<b>upper</b>");
  EXPECT_EQ(parsed("[u][s]x[/s][/u]"), "<u><s>x</s></u>");
  EXPECT_EQ(parsed("a[br]b"), "a<br>b");
  EXPECT_EQ(parsed("[url=https://example.com/a?b=1]site[/url]"), "<url=https://example.com/a?b=1>site</url>");
  EXPECT_EQ(parsed("[url]https://example.com[/url]"), "<url>https://example.com</url>");
  EXPECT_EQ(parsed("[url=mailto:a@b.c]mail[/url]"), "<url=mailto:a@b.c>mail</url>");
  EXPECT_EQ(parsed("[quote=Ann]hi[/quote]"), "<quote=Ann>hi</quote>");
  EXPECT_EQ(parsed("[user=12]Olga[/user]"), "<user=12>Olga</user>");
  EXPECT_EQ(parsed("[chat=7]Support chat[/chat]"), "<chat=7>Support chat</chat>");
  // Code is verbatim.
  EXPECT_EQ(parsed("[code][b]not bold[/b][/code]"), "<code>[b]not bold[/b]</code>");
}

TEST(BBCode, WhatIsNotUnderstoodStaysLiteral) {
  EXPECT_EQ(parsed("[b]open"), "[b]open");
  EXPECT_EQ(parsed("close[/b]"), "close[/b]");
  EXPECT_EQ(parsed("[b][i]x[/b]"), "<b>[i]x</b>");  // the inner unclosed tag unwinds
  EXPECT_EQ(parsed("[bold]x[/bold]"), "[bold]x[/bold]");
  EXPECT_EQ(parsed("[b=1]x[/b]"), "[b=1]x[/b]");  // no argument on [b]; the close has no open
  EXPECT_EQ(parsed("[/br]"), "[/br]");
  EXPECT_EQ(parsed("[url=javascript:alert(1)]x[/url]"), "[url=javascript:alert(1)]x[/url]");
  EXPECT_EQ(parsed("[url]javascript:alert(1)[/url]"), "[url]javascript:alert(1)[/url]");
  EXPECT_EQ(parsed("[url=//evil.example]x[/url]"), "[url=//evil.example]x[/url]");
  EXPECT_EQ(parsed("[url=http:///path]x[/url]"), "[url=http:///path]x[/url]");
  EXPECT_EQ(parsed("[user=abc]x[/user]"), "[user=abc]x[/user]");
  EXPECT_EQ(parsed("[chat]x[/chat]"), "[chat]x[/chat]");
  EXPECT_EQ(parsed("[code]never closed"), "[code]never closed");
  EXPECT_EQ(parsed("<script>alert(1)</script>"), "<script>alert(1)</script>");
  EXPECT_EQ(parsed("[[b]x[/b]]"), "[<b>x</b>]");
}

TEST(BBCode, NestingIsBounded) {
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "[b]";
  deep += "x";
  for (int i = 0; i < 40; ++i) deep += "[/b]";
  auto nodes = parse(deep);
  int depth = 0;
  const std::vector<Node>* level = &nodes;
  while (!level->empty()) {
    const Node* el = nullptr;
    for (const auto& n : *level)
      if (n.element) el = &n;
    if (!el) break;
    ++depth;
    level = &el->children;
  }
  EXPECT_LE(depth, kMaxDepth);
  EXPECT_EQ(serialize(nodes), deep);
}

TEST(BBCode, RoundTripIsExact) {
  for (std::string_view s :
       {"", "[", "]", "[/", "[b", "[b]", "[B]x[/B]", "[url=https://a.b]x[/URL]", "[code]a[/CODE]b",
        "[quote=x]a[b]b[/quote]c[/b]", "[user=1][user=2]x[/user]", "text [br] [br]", "\xff\xfe[b]\x01[/b]"}) {
    EXPECT_EQ(serialize(parse(s)), s) << s;
  }
  // And on random text built from the subset's pieces.
  const char* pieces[] = {"[b]", "[/b]", "[i]", "[/i]", "[url=", "https://x.y", "]", "[/url]", "[code]",
                          "[/code]", "[br]", "[user=", "12", "[/user]", "[quote]", "[/quote]", "text ", "\n", "["};
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::string s;
    for (int k = 0; k < 20; ++k) s += pieces[rng() % std::size(pieces)];
    EXPECT_EQ(serialize(parse(s)), s) << s;
  }
}

TEST(BBCode, PlainTextForChannelsWithoutFormatting) {
  EXPECT_EQ(to_plain_text(parse("[b]Hi[/b] [i]there[/i][br]bye")), "Hi there\nbye");
  EXPECT_EQ(to_plain_text(parse("see [url=https://a.example/x]our site[/url]")), "see our site (https://a.example/x)");
  EXPECT_EQ(to_plain_text(parse("[url]https://a.example[/url]")), "https://a.example");
  EXPECT_EQ(to_plain_text(parse("[quote]line one\nline two[/quote]my answer")), "> line one\n> line two\nmy answer");
  EXPECT_EQ(to_plain_text(parse("ask [user=3]Olga[/user]")), "ask Olga");
  EXPECT_EQ(to_plain_text(parse("[code][b]x[/b][/code]")), "[b]x[/b]");
  EXPECT_EQ(to_plain_text(parse("[b]unclosed")), "[b]unclosed");
}

TEST(BBCode, Mentions) {
  auto nodes = parse("[user=3]Olga[/user], [user=12]Ivan[/user] see [chat=7]chat[/chat] [user=x]no[/user] [quote][user=3]O[/user][/quote]");
  EXPECT_EQ(mentioned_users(nodes), (std::vector<std::int64_t>{3, 12, 3}));
  EXPECT_EQ(mentioned_chats(nodes), (std::vector<std::int64_t>{7}));
  EXPECT_TRUE(mentioned_users(parse("[code][user=1]x[/user][/code]")).empty());
  EXPECT_EQ(without_mentions(parse("[b]Hi[/b] [user=3]Olga[/user], see [chat=7]chat[/chat] [user=x]y[/user]")),
            "[b]Hi[/b] Olga, see chat [user=x]y[/user]");
}

TEST(BBCode, SafeHref) {
  EXPECT_TRUE(safe_href("https://example.com"));
  EXPECT_TRUE(safe_href("HTTP://example.com/a b") == false);
  EXPECT_TRUE(safe_href("mailto:a@b.c"));
  EXPECT_FALSE(safe_href("javascript:alert(1)"));
  EXPECT_FALSE(safe_href("data:text/html,x"));
  EXPECT_FALSE(safe_href("/relative"));
  EXPECT_FALSE(safe_href("https://"));
  EXPECT_FALSE(safe_href("https:///x"));
  EXPECT_FALSE(safe_href(std::string("https://a\x01")));
}

}  // namespace
}  // namespace omniline::domain::bbcode
