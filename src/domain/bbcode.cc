#include "domain/bbcode.h"

#include <algorithm>
#include <cctype>

namespace omniline::domain::bbcode {
namespace {

struct TagInfo {
  Tag tag;
  std::string_view name;
  bool takes_arg;
};
constexpr TagInfo kTags[] = {
    {Tag::kB, "b", false},        {Tag::kI, "i", false},       {Tag::kU, "u", false},
    {Tag::kS, "s", false},        {Tag::kUrl, "url", true},    {Tag::kQuote, "quote", true},
    {Tag::kCode, "code", false},  {Tag::kUser, "user", true},  {Tag::kChat, "chat", true},
    {Tag::kBr, "br", false},
};

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

// One "[…]" at `at` that names a known tag: [name], [/name] or [name=arg].
struct Token {
  std::size_t length = 0;
  bool closing = false;
  const TagInfo* info = nullptr;
  std::optional<std::string> arg;
};

std::optional<Token> token_at(std::string_view s, std::size_t at) {
  std::size_t i = at + 1;
  Token t;
  if (i < s.size() && s[i] == '/') t.closing = true, ++i;
  const std::size_t name_start = i;
  while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i])) && i - name_start < 6) ++i;
  const std::string_view name = s.substr(name_start, i - name_start);
  for (const auto& info : kTags)
    if (iequals(info.name, name)) t.info = &info;
  if (t.info == nullptr || i >= s.size()) return std::nullopt;
  if (s[i] == '=') {
    const std::size_t arg_start = ++i;
    while (i < s.size() && s[i] != ']' && s[i] != '\n' && i - arg_start <= kMaxArg) ++i;
    if (i >= s.size() || s[i] != ']' || i - arg_start > kMaxArg) return std::nullopt;
    t.arg = std::string(s.substr(arg_start, i - arg_start));
  }
  if (s[i] != ']') return std::nullopt;
  t.length = i + 1 - at;
  return t;
}

void push_text(std::vector<Node>& into, std::string_view text) {
  if (text.empty()) return;
  if (!into.empty() && !into.back().element) {
    into.back().text += text;
    return;
  }
  Node n;
  n.text = std::string(text);
  into.push_back(std::move(n));
}

void push_node(std::vector<Node>& into, Node n) {
  if (!n.element) return push_text(into, n.text);
  into.push_back(std::move(n));
}

struct Frame {
  const TagInfo* info = nullptr;  // null: the root
  std::optional<std::string> arg;
  std::string open_raw;
  std::vector<Node> children;
};

// An unclosed frame goes back into its parent as the literal text it was written as.
void unwind(Frame& parent, Frame& f) {
  push_text(parent.children, f.open_raw);
  for (auto& c : f.children) push_node(parent.children, std::move(c));
}

bool digits(std::string_view s) {
  return !s.empty() && s.size() <= 18 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string text_of(const std::vector<Node>& nodes) {
  std::string out;
  for (const auto& n : nodes) {
    if (n.element) return {};
    out += n.text;
  }
  return out;
}

bool valid(const Node& el) {
  switch (el.tag) {
    case Tag::kUrl:
      return safe_href(el.arg ? *el.arg : text_of(el.children));
    case Tag::kChat:
      return el.arg && digits(*el.arg);
    case Tag::kUser:
      return !el.arg || digits(*el.arg);
    default:
      return true;
  }
}

std::int64_t to_id(const std::string& s) {
  std::int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

void collect(const std::vector<Node>& nodes, Tag tag, std::vector<std::int64_t>& out) {
  for (const auto& n : nodes) {
    if (!n.element) continue;
    if (n.tag == tag && n.arg) out.push_back(to_id(*n.arg));
    collect(n.children, tag, out);
  }
}

void plain(const std::vector<Node>& nodes, std::string& out);

std::string plain_of(const std::vector<Node>& nodes) {
  std::string s;
  plain(nodes, s);
  return s;
}

void plain(const std::vector<Node>& nodes, std::string& out) {
  for (const auto& n : nodes) {
    if (!n.element) {
      out += n.text;
      continue;
    }
    switch (n.tag) {
      case Tag::kBr:
        out += '\n';
        break;
      case Tag::kUrl: {
        const std::string content = plain_of(n.children);
        out += content;
        if (n.arg && *n.arg != content) out += " (" + *n.arg + ")";
        break;
      }
      case Tag::kQuote: {
        const std::string content = plain_of(n.children);
        if (!out.empty() && out.back() != '\n') out += '\n';
        std::size_t start = 0;
        for (;;) {
          const std::size_t nl = content.find('\n', start);
          out += "> " + content.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
          out += '\n';
          if (nl == std::string::npos) break;
          start = nl + 1;
        }
        break;
      }
      default:
        plain(n.children, out);
    }
  }
}

}  // namespace

const char* tag_name(Tag t) {
  for (const auto& info : kTags)
    if (info.tag == t) return info.name.data();
  return "";
}

bool safe_href(std::string_view h) {
  if (h.empty() || h.size() > kMaxArg) return false;
  for (unsigned char c : h)
    if (c <= 0x20 || c == 0x7f) return false;
  // The scheme and at least one character after it; for http(s) a host, not a path.
  for (std::string_view p : {std::string_view("http://"), std::string_view("https://")})
    if (h.size() > p.size() && iequals(h.substr(0, p.size()), p)) return h[p.size()] != '/';
  return h.size() > 7 && iequals(h.substr(0, 7), "mailto:");
}

std::vector<Node> parse(std::string_view s) {
  std::vector<Frame> stack(1);
  std::size_t pos = 0, text_from = 0;
  while ((pos = s.find('[', pos)) != std::string_view::npos) {
    auto t = token_at(s, pos);
    if (!t) {
      ++pos;
      continue;
    }
    Frame& top = stack.back();
    push_text(top.children, s.substr(text_from, pos - text_from));
    const std::string_view raw = s.substr(pos, t->length);
    pos += t->length;
    text_from = pos;
    const Tag tag = t->info->tag;
    if (t->arg && (t->closing || !t->info->takes_arg)) {
      push_text(top.children, raw);
      continue;
    }
    if (tag == Tag::kBr) {  // [br] stands alone; [/br] is literal
      if (t->closing) {
        push_text(top.children, raw);
      } else {
        Node br;
        br.element = true;
        br.tag = Tag::kBr;
        br.open_raw = std::string(raw);
        top.children.push_back(std::move(br));
      }
      continue;
    }
    if (!t->closing && tag == Tag::kCode) {  // verbatim up to the first [/code]
      std::size_t end = std::string_view::npos;
      for (std::size_t k = s.find('[', pos); k != std::string_view::npos; k = s.find('[', k + 1)) {
        if (k + 7 <= s.size() && iequals(s.substr(k, 7), "[/code]")) {
          end = k;
          break;
        }
      }
      if (end == std::string_view::npos) {
        push_text(top.children, raw);
        continue;
      }
      Node code;
      code.element = true;
      code.tag = Tag::kCode;
      code.open_raw = std::string(raw);
      code.close_raw = std::string(s.substr(end, 7));
      push_text(code.children, s.substr(pos, end - pos));
      top.children.push_back(std::move(code));
      pos = end + 7;
      text_from = pos;
      continue;
    }
    if (!t->closing) {
      if (static_cast<int>(stack.size()) > kMaxDepth) {
        push_text(top.children, raw);
      } else {
        Frame f;
        f.info = t->info;
        f.arg = t->arg;
        f.open_raw = std::string(raw);
        stack.push_back(std::move(f));
      }
      continue;
    }
    std::size_t i = stack.size() - 1;
    while (i > 0 && stack[i].info->tag != tag) --i;
    if (i == 0) {
      push_text(top.children, raw);
      continue;
    }
    while (stack.size() - 1 > i) {
      Frame f = std::move(stack.back());
      stack.pop_back();
      unwind(stack.back(), f);
    }
    Frame f = std::move(stack.back());
    stack.pop_back();
    Node el;
    el.element = true;
    el.tag = tag;
    el.arg = std::move(f.arg);
    el.open_raw = std::move(f.open_raw);
    el.close_raw = std::string(raw);
    el.children = std::move(f.children);
    std::vector<Node>& parent = stack.back().children;
    if (valid(el)) {
      parent.push_back(std::move(el));
    } else {  // e.g. [url=javascript:…]: all of it stays literal text
      push_text(parent, el.open_raw);
      for (auto& c : el.children) push_node(parent, std::move(c));
      push_text(parent, raw);
    }
  }
  push_text(stack.back().children, s.substr(text_from));
  while (stack.size() > 1) {
    Frame f = std::move(stack.back());
    stack.pop_back();
    unwind(stack.back(), f);
  }
  return std::move(stack.front().children);
}

std::string serialize(const std::vector<Node>& nodes) {
  std::string out;
  for (const auto& n : nodes) {
    if (!n.element) {
      out += n.text;
      continue;
    }
    out += n.open_raw;
    out += serialize(n.children);
    out += n.close_raw;
  }
  return out;
}

std::string to_plain_text(const std::vector<Node>& nodes) { return plain_of(nodes); }

std::string without_mentions(const std::vector<Node>& nodes) {
  std::string out;
  for (const auto& n : nodes) {
    if (!n.element) {
      out += n.text;
    } else if (n.tag == Tag::kUser || n.tag == Tag::kChat) {
      out += without_mentions(n.children);
    } else {
      out += n.open_raw + without_mentions(n.children) + n.close_raw;
    }
  }
  return out;
}

std::vector<std::int64_t> mentioned_users(const std::vector<Node>& nodes) {
  std::vector<std::int64_t> out;
  collect(nodes, Tag::kUser, out);
  return out;
}

std::vector<std::int64_t> mentioned_chats(const std::vector<Node>& nodes) {
  std::vector<std::int64_t> out;
  collect(nodes, Tag::kChat, out);
  return out;
}

}  // namespace omniline::domain::bbcode
