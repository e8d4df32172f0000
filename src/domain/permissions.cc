#include "domain/permissions.h"

namespace omniline::domain {

bool may(Role role, Action action) {
  switch (action) {
    case Action::kManageEmployees:
    case Action::kManageLines:
      return role == Role::kAdmin;
    case Action::kViewAllDialogs:
      return role == Role::kAdmin || role == Role::kSupervisor;
    case Action::kViewEmployees:
      return true;
  }
  return false;
}

}  // namespace omniline::domain
