// Managing employees: admins create, edit and deactivate; everyone edits their own profile.
// Blocking (storage, password hashing): call from worker threads only.
#pragma once

#include <optional>
#include <string>

#include "common/result.h"
#include "domain/employee.h"
#include "services/auth_service.h"
#include "store/store.h"

namespace omniline::services {

struct NewEmployee {
  std::string name;
  std::string email;
  domain::Role role = domain::Role::kOperator;
  std::string password;
  std::string avatar_url;
};

// Fields to change; nullopt leaves a field as it is.
struct EmployeePatch {
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<domain::Role> role;
  std::optional<std::string> password;
  std::optional<std::string> avatar_url;
  std::optional<bool> active;
};

// A signed-in employee's own changes; a new password needs the current one.
struct ProfilePatch {
  std::optional<std::string> name;
  std::optional<std::string> avatar_url;
  std::optional<std::string> password;
  std::optional<std::string> current_password;
};

class EmployeeService {
 public:
  EmployeeService(store::Store& store, AuthService& auth) : store_(store), auth_(auth) {}

  // forbidden unless the actor may manage employees; invalid for bad fields; conflict when the
  // e-mail is taken.
  Result<domain::Employee> create(const Principal& actor, const NewEmployee& in);
  Result<domain::Employee> get(const Principal& actor, EmployeeId id);
  // Active colleagues for pickers (forward, invite, mentions): any employee may list them.
  Result<store::Page<domain::Employee>> directory(const Principal& actor, std::string search,
                                                  store::PageRequest page);
  Result<store::Page<domain::Employee>> list(const Principal& actor,
                                             const store::EmployeeFilter& filter,
                                             store::PageRequest page);
  // Deactivating, or demoting, the last active admin is a conflict; so is deactivating oneself.
  // A password change or deactivation signs the employee out everywhere (the actor too, when
  // they change their own password: they sign in again with the new one).
  Result<domain::Employee> update(const Principal& actor, EmployeeId id,
                                  const EmployeePatch& patch);
  Result<domain::Employee> deactivate(const Principal& actor, EmployeeId id);

  Result<domain::Employee> update_profile(const Principal& actor, const ProfilePatch& patch);

  // For the command line (`omniline user add`): no actor, no permission check.
  Result<domain::Employee> create_unchecked(const NewEmployee& in);

 private:
  Result<domain::Employee> apply(const Principal* actor, EmployeeId id, const EmployeePatch& patch);

  store::Store& store_;
  AuthService& auth_;
};

}  // namespace omniline::services
