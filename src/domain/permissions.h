// Who may do what: one pure place, tested exhaustively.
#pragma once

#include "domain/employee.h"

namespace omniline::domain {

enum class Action {
  kManageEmployees,  // create, edit, deactivate employees
  kViewEmployees,    // list colleagues (pickers for forward/invite)
  kViewAllDialogs,   // the "All" list
  kManageLines,      // lines, channels, routing settings
};

bool may(Role role, Action action);

}  // namespace omniline::domain
