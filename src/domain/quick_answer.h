// Quick answers: reply templates, global (every line) or of one line, grouped by an optional
// section name. Pure data, validation and the permission rule; no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/ids.h"
#include "common/result.h"
#include "domain/employee.h"

namespace omniline {
using QuickAnswerId = Id<struct QuickAnswerIdTag>;
}  // namespace omniline

namespace omniline::domain {

struct QuickAnswer {
  QuickAnswerId id;
  std::optional<LineId> line_id;  // nullopt: global (every line)
  std::string section;            // "" = none
  std::string title;              // one line
  std::string text;               // the message format (BBCode subset)
  EmployeeId created_by;
  UnixMs created_at = 0;
  UnixMs updated_at = 0;
};

constexpr std::size_t kMaxQuickAnswerTitle = 200;
constexpr std::size_t kMaxQuickAnswerText = 10000;
constexpr std::size_t kMaxQuickAnswerSection = 100;

// 1..200 bytes after trimming, UTF-8, no control characters (so one line).
Status validate_quick_answer_title(std::string_view title);
// The message text rules (validate_message_text), and at most 10 000 bytes.
Status validate_quick_answer_text(std::string_view text);
// 0..100 bytes after trimming ("" = no section), UTF-8, no control characters.
Status validate_quick_answer_section(std::string_view section);
// Trims title and section, then validates every field. The caller stores the result.
Status normalize_quick_answer(QuickAnswer& qa);

// Who may read and who may manage (create, edit, delete) a quick answer of `line`
// (nullopt: global), given the employee's role and whether they are in that line's queue:
//  - admins and supervisors: read and manage every answer;
//  - operators: read global answers and those of their lines; manage only those of their lines.
bool may_read_quick_answer(Role role, std::optional<LineId> line, bool in_line_queue);
bool may_manage_quick_answer(Role role, std::optional<LineId> line, bool in_line_queue);

}  // namespace omniline::domain
