// The message format: a BBCode subset (b, i, u, s, url, quote, code, user, chat, br), the same
// grammar the web apps parse (web/shared/bbcode-parse.ts). Pure and total: any text parses;
// whatever is not understood (an unknown or unbalanced tag, an argument where none belongs, a
// [user]/[chat] without a numeric id, a link with a scheme other than http, https or mailto)
// stays in the tree as the literal text it was written as. The tree keeps every tag as written,
// so serialize(parse(t)) == t for every text t (checked by a libFuzzer target).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace omniline::domain::bbcode {

enum class Tag { kB, kI, kU, kS, kUrl, kQuote, kCode, kUser, kChat, kBr };
const char* tag_name(Tag t);  // "b", "url", …

struct Node {
  // Text when `element` is false: `text` holds it. Otherwise an element: `tag`, its argument
  // (empty when none), its children, and the opening/closing tags exactly as written.
  bool element = false;
  std::string text;
  Tag tag = Tag::kB;
  std::optional<std::string> arg;
  std::vector<Node> children;
  std::string open_raw, close_raw;
};

// Deeper nesting is kept as literal text (it is never legitimate and would cost stack depth).
inline constexpr int kMaxDepth = 16;
inline constexpr std::size_t kMaxArg = 2048;

std::vector<Node> parse(std::string_view text);
// The text the nodes were parsed from.
std::string serialize(const std::vector<Node>& nodes);

// For channels without formatting: the text a reader sees. [br] is a line break, links read
// "content (address)" when the two differ, quotes are "> "-prefixed lines, mentions their text.
std::string to_plain_text(const std::vector<Node>& nodes);

// The text with [user]/[chat] mentions replaced by their content, other markup kept: what a
// customer and a channel see of a colleague's mention.
std::string without_mentions(const std::vector<Node>& nodes);

// The employee ids of [user=ID] and the chat ids of [chat=ID] elements, in order, repeated.
std::vector<std::int64_t> mentioned_users(const std::vector<Node>& nodes);
std::vector<std::int64_t> mentioned_chats(const std::vector<Node>& nodes);

// A link target the format accepts: http(s)://host… or mailto:…, no spaces or control chars.
bool safe_href(std::string_view href);

}  // namespace omniline::domain::bbcode
