#include "domain/telegram.h"

#include "domain/bbcode.h"

namespace omniline::domain {

namespace {

void escape_into(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
}

void render(std::string& out, const std::vector<bbcode::Node>& nodes);

void wrap(std::string& out, const char* tag, const std::vector<bbcode::Node>& children) {
  out += '<';
  out += tag;
  out += '>';
  render(out, children);
  out += "</";
  out += tag;
  out += '>';
}

void render(std::string& out, const std::vector<bbcode::Node>& nodes) {
  for (const auto& n : nodes) {
    if (!n.element) {
      escape_into(out, n.text);
      continue;
    }
    switch (n.tag) {
      case bbcode::Tag::kB: wrap(out, "b", n.children); break;
      case bbcode::Tag::kI: wrap(out, "i", n.children); break;
      case bbcode::Tag::kU: wrap(out, "u", n.children); break;
      case bbcode::Tag::kS: wrap(out, "s", n.children); break;
      case bbcode::Tag::kCode: wrap(out, "code", n.children); break;
      case bbcode::Tag::kQuote: wrap(out, "blockquote", n.children); break;
      case bbcode::Tag::kBr: out += '\n'; break;
      case bbcode::Tag::kUser:
      case bbcode::Tag::kChat: render(out, n.children); break;
      case bbcode::Tag::kUrl: {
        // [url]x[/url] links x; [url=x]text[/url] links x with the text (the parser only
        // keeps safe targets as links).
        std::string href = n.arg ? *n.arg : bbcode::to_plain_text(n.children);
        if (!bbcode::safe_href(href)) {
          render(out, n.children);
          break;
        }
        out += "<a href=\"";
        escape_into(out, href);
        out += "\">";
        render(out, n.children);
        out += "</a>";
        break;
      }
    }
  }
}

}  // namespace

Status validate_bot_token(std::string_view token) {
  const std::size_t colon = token.find(':');
  const Error bad = Error::invalid("bot_token does not look like a Telegram bot token (123456:ABC…)");
  if (colon == std::string_view::npos || colon == 0 || token.size() > 100) return bad;
  for (std::size_t i = 0; i < colon; ++i)
    if (token[i] < '0' || token[i] > '9') return bad;
  const std::string_view secret = token.substr(colon + 1);
  if (secret.size() < 20) return bad;
  for (char c : secret)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return bad;
  return {};
}

std::string to_telegram_html(std::string_view text) {
  std::string out;
  render(out, bbcode::parse(text));
  return out;
}

}  // namespace omniline::domain
