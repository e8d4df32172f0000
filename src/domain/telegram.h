// Telegram channels: the bot a channel talks through, and the pure rules of the adapter: which
// tokens look like bot tokens, and our message format in Telegram's HTML parse mode.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/ids.h"
#include "common/result.h"

namespace omniline::domain {

// One per telegram channel. The token is a credential: never shown again after it is set.
struct TelegramBot {
  ChannelId channel;
  std::string token;
  std::int64_t bot_id = 0;
  std::string username;    // from getMe, without "@"
  std::string first_name;  // from getMe
  bool webhook = false;    // updates arrive at /hooks/telegram/{channel} (else long polling)
  std::int64_t update_offset = 0;  // the next update_id to ask for (polling); only grows
};

// "<digits>:<20+ of A-Z a-z 0-9 _ ->", at most 100 bytes.
Status validate_bot_token(std::string_view token);

// The message format (BBCode subset) as Telegram HTML: b/i/u/s/code, quote → blockquote,
// url → <a href>, mentions as their text, br → newline; every other character escaped.
std::string to_telegram_html(std::string_view text);

}  // namespace omniline::domain
