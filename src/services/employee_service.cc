#include "services/employee_service.h"

#include "domain/permissions.h"

namespace omniline::services {

using domain::Employee;
using domain::Role;

namespace {
Status require_manage(const Principal& actor) {
  if (!domain::may(actor.employee.role, domain::Action::kManageEmployees))
    return Error::forbidden("only admins manage employees");
  return {};
}
}  // namespace

Result<Employee> EmployeeService::create(const Principal& actor, const NewEmployee& in) {
  if (auto st = require_manage(actor); !st.ok()) return std::move(st).take_error();
  return create_unchecked(in);
}

Result<Employee> EmployeeService::create_unchecked(const NewEmployee& in) {
  if (auto st = domain::validate_name(in.name); !st.ok()) return std::move(st).take_error();
  auto email = domain::normalize_email(in.email);
  if (!email.ok()) return std::move(email).take_error();
  if (auto st = domain::validate_password(in.password); !st.ok()) return std::move(st).take_error();
  if (auto st = domain::validate_avatar_url(in.avatar_url); !st.ok())
    return std::move(st).take_error();

  Employee e;
  e.name = in.name;
  e.email = *email;
  e.role = in.role;
  e.avatar_url = in.avatar_url;
  e.created_at = e.updated_at = now_ms();
  auto hash = auth_.hash_password(in.password);
  if (!hash.ok()) return std::move(hash).take_error();
  e.password_hash = *hash;

  auto id = store_.write_value<EmployeeId>([&](store::WriteTx& tx) -> Result<EmployeeId> {
    auto r = tx.insert_employee(e);
    if (!r.ok() && r.error().code == ErrorCode::kConflict)
      return Error::conflict("an employee with this email exists");
    return r;
  });
  if (!id.ok()) return std::move(id).take_error();
  e.id = *id;
  return e;
}

Result<Employee> EmployeeService::get(const Principal& actor, EmployeeId id) {
  if (actor.employee.id != id) {
    if (auto st = require_manage(actor); !st.ok()) return std::move(st).take_error();
  }
  return store_.read_value<Employee>([&](store::ReadTx& tx) -> Result<Employee> {
    auto r = tx.employee_by_id(id);
    if (!r.ok() && r.error().code == ErrorCode::kNotFound)
      return Error::not_found("no such employee");
    return r;
  });
}

Result<store::Page<Employee>> EmployeeService::list(const Principal& actor,
                                                    const store::EmployeeFilter& filter,
                                                    store::PageRequest page) {
  if (auto st = require_manage(actor); !st.ok()) return std::move(st).take_error();
  return store_.read_value<store::Page<Employee>>(
      [&](store::ReadTx& tx) { return tx.list_employees(filter, page); });
}

Result<store::Page<Employee>> EmployeeService::directory(const Principal& actor,
                                                         std::string search,
                                                         store::PageRequest page) {
  if (!actor.employee.active) return Error::forbidden("account deactivated");
  store::EmployeeFilter filter;
  filter.active = true;
  filter.search = std::move(search);
  return store_.read_value<store::Page<Employee>>(
      [&](store::ReadTx& tx) { return tx.list_employees(filter, page); });
}

Result<Employee> EmployeeService::update(const Principal& actor, EmployeeId id,
                                         const EmployeePatch& patch) {
  if (auto st = require_manage(actor); !st.ok()) return std::move(st).take_error();
  return apply(&actor, id, patch);
}

Result<Employee> EmployeeService::deactivate(const Principal& actor, EmployeeId id) {
  EmployeePatch p;
  p.active = false;
  return update(actor, id, p);
}

Result<Employee> EmployeeService::update_profile(const Principal& actor, const ProfilePatch& in) {
  EmployeePatch p;
  p.name = in.name;
  p.avatar_url = in.avatar_url;
  if (in.password) {
    if (!in.current_password)
      return Error::invalid("current_password is required to change the password");
    if (!auth_.verify_password(*in.current_password, actor.employee.password_hash))
      return Error::forbidden("current_password is wrong");
    p.password = in.password;
  }
  return apply(&actor, actor.employee.id, p);
}

Result<Employee> EmployeeService::apply(const Principal* actor, EmployeeId id,
                                        const EmployeePatch& patch) {
  // Validate and hash outside the writer thread: it must never wait for argon2id.
  if (patch.name) {
    if (auto st = domain::validate_name(*patch.name); !st.ok()) return std::move(st).take_error();
  }
  std::optional<std::string> email;
  if (patch.email) {
    auto e = domain::normalize_email(*patch.email);
    if (!e.ok()) return std::move(e).take_error();
    email = *e;
  }
  if (patch.avatar_url) {
    if (auto st = domain::validate_avatar_url(*patch.avatar_url); !st.ok())
      return std::move(st).take_error();
  }
  std::optional<std::string> hash;
  if (patch.password) {
    if (auto st = domain::validate_password(*patch.password); !st.ok())
      return std::move(st).take_error();
    auto h = auth_.hash_password(*patch.password);
    if (!h.ok()) return std::move(h).take_error();
    hash = *h;
  }
  const bool self = actor && actor->employee.id == id;
  if (self && patch.active && !*patch.active)
    return Error::conflict("you cannot deactivate yourself");

  const UnixMs now = now_ms();
  return store_.write_value<Employee>([&](store::WriteTx& tx) -> Result<Employee> {
    auto cur = tx.employee_by_id(id);
    if (!cur.ok()) {
      if (cur.error().code == ErrorCode::kNotFound) return Error::not_found("no such employee");
      return std::move(cur).take_error();
    }
    Employee e = std::move(cur).value();
    const bool was_active_admin = e.active && e.role == Role::kAdmin;
    if (patch.name) e.name = *patch.name;
    if (email) e.email = *email;
    if (patch.role) e.role = *patch.role;
    if (patch.avatar_url) e.avatar_url = *patch.avatar_url;
    if (patch.active) e.active = *patch.active;
    if (hash) e.password_hash = *hash;
    e.updated_at = now;

    if (was_active_admin && !(e.active && e.role == Role::kAdmin)) {
      auto admins = tx.count_active_admins();
      if (!admins.ok()) return std::move(admins).take_error();
      if (*admins <= 1)
        return Error::conflict("the last active admin cannot be removed or demoted");
    }
    if (auto st = tx.update_employee(e); !st.ok()) {
      if (st.error().code == ErrorCode::kConflict)
        return Error::conflict("an employee with this email exists");
      return std::move(st).take_error();
    }
    // Sign the employee out everywhere when the account is closed or the password changes.
    if (!e.active || hash) {
      auto n = tx.revoke_all_tokens(id, now);
      if (!n.ok()) return std::move(n).take_error();
    }
    return e;
  });
}

}  // namespace omniline::services
