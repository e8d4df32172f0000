#include "domain/dialog.h"

#include <string>

#include "domain/text.h"

namespace omniline::domain {

bool is_open(SessionStatus s) {
  switch (s) {
    case SessionStatus::kClosed:
    case SessionStatus::kSpam:
    case SessionStatus::kSilentlyClosed:
      return false;
    default:
      return true;
  }
}

bool is_unanswered(SessionStatus s) {
  return s == SessionStatus::kNew || s == SessionStatus::kSkipped;
}

// Control characters are allowed in messages: newlines and tabs are part of the text.
Status validate_message_text(std::string_view text) {
  if (text::trim(text).empty()) return Error::invalid("text is required");
  if (text.size() > kMaxMessageLength)
    return Error::invalid("text is too long (" + std::to_string(kMaxMessageLength) +
                          " bytes at most)");
  if (!text::valid_utf8(text)) return Error::invalid("text is not valid UTF-8");
  return {};
}

Status validate_message_body(std::string_view text, std::size_t files) {
  if (files == 0 || !text.empty()) return validate_message_text(text);
  return {};
}

// Empty resets the title to the default one.
Status validate_title(std::string_view title) {
  if (title.size() > kMaxTitleLength)
    return Error::invalid("title is too long (" + std::to_string(kMaxTitleLength) +
                          " bytes at most)");
  if (!text::valid_utf8(title)) return Error::invalid("title is not valid UTF-8");
  if (text::has_control_chars(title)) return Error::invalid("title contains control characters");
  return {};
}

// Messages read well after the caller's field prefix ("user.id: is required").
Status validate_external_id(std::string_view id) {
  if (id.empty()) return Error::invalid("is required");
  if (id.size() > kMaxExternalIdLength)
    return Error::invalid("is too long (" + std::to_string(kMaxExternalIdLength) +
                          " bytes at most)");
  if (text::has_control_chars(id)) return Error::invalid("contains control characters");
  return {};
}

}  // namespace omniline::domain
