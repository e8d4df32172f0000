#include "domain/quick_answer.h"

#include <string>

#include "domain/dialog.h"
#include "domain/permissions.h"
#include "domain/text.h"

namespace omniline::domain {
namespace {

bool sees_everything(Role role) {
  return may(role, Action::kViewAllDialogs);  // admins and supervisors
}

Status one_line(std::string_view s, const char* field, std::size_t max) {
  if (s.size() > max)
    return Error::invalid(std::string(field) + " is too long (" + std::to_string(max) +
                          " bytes at most)");
  if (!text::valid_utf8(s)) return Error::invalid(std::string(field) + " is not valid UTF-8");
  if (text::has_control_chars(s))
    return Error::invalid(std::string(field) + " must be one line without control characters");
  return {};
}

}  // namespace

Status validate_quick_answer_title(std::string_view title) {
  if (text::trim(title).empty()) return Error::invalid("title is required");
  return one_line(text::trim(title), "title", kMaxQuickAnswerTitle);
}

Status validate_quick_answer_text(std::string_view t) {
  if (Status st = validate_message_text(t); !st.ok()) return st;
  if (t.size() > kMaxQuickAnswerText)
    return Error::invalid("text is too long (" + std::to_string(kMaxQuickAnswerText) +
                          " bytes at most)");
  return {};
}

Status validate_quick_answer_section(std::string_view section) {
  return one_line(text::trim(section), "section", kMaxQuickAnswerSection);
}

Status normalize_quick_answer(QuickAnswer& qa) {
  if (Status st = validate_quick_answer_title(qa.title); !st.ok()) return st;
  if (Status st = validate_quick_answer_section(qa.section); !st.ok()) return st;
  if (Status st = validate_quick_answer_text(qa.text); !st.ok()) return st;
  qa.title = std::string(text::trim(qa.title));
  qa.section = std::string(text::trim(qa.section));
  return {};
}

bool may_read_quick_answer(Role role, std::optional<LineId> line, bool in_line_queue) {
  if (sees_everything(role) || !line) return true;
  return in_line_queue;
}

bool may_manage_quick_answer(Role role, std::optional<LineId> line, bool in_line_queue) {
  if (sees_everything(role)) return true;
  return line.has_value() && in_line_queue;
}

}  // namespace omniline::domain
