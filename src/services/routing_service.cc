#include "services/routing_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json/serialize.hpp>

#include "domain/routing.h"
#include "domain/session_state.h"
#include "services/dialog_events.h"

namespace omniline::services {
namespace json = boost::json;
namespace {

constexpr int kBatch = 100;       // sessions handled per transaction
constexpr int kMaxRounds = 20;    // transactions per trigger, so one trigger cannot run forever

std::string employee_name(store::ReadTx& tx, EmployeeId id) {
  auto e = tx.employee_by_id(id);
  return e.ok() ? e->name : "#" + std::to_string(id.get());
}

}  // namespace

Result<std::vector<domain::Candidate>> RoutingService::candidates(store::ReadTx& tx,
                                                                  const domain::Line& line) {
  std::vector<domain::Candidate> out;
  out.reserve(line.queue.size());
  for (EmployeeId id : line.queue) {
    auto e = tx.employee_by_id(id);
    if (!e.ok()) return std::move(e).take_error();
    domain::Candidate c;
    c.id = id;
    c.active = e->active;
    c.away = e->away;
    c.online = presence_.online(id);
    auto open = tx.count_open_sessions(id, line.routing.max_chats_count);
    if (!open.ok()) return std::move(open).take_error();
    c.open_count = *open;
    auto last = tx.last_assigned_at(line.id, id);
    if (!last.ok()) return std::move(last).take_error();
    c.last_assigned_at = *last;
    out.push_back(c);
  }
  return out;
}

Status RoutingService::set_operator(store::WriteTx& tx, domain::Session& s, EmployeeId employee) {
  const UnixMs now = clock_.now();
  s.operator_id = employee;
  s.assigned_at = now;
  if (Status st = tx.add_member(s.dialog_id, employee, now); !st.ok()) return st;
  return tx.set_last_assigned(s.line_id, employee, now);
}

Status RoutingService::assign(store::WriteTx& tx, TxEvents& ev, domain::Session& s,
                              domain::Dialog& d) {
  auto line = tx.line_by_id(s.line_id);
  if (!line.ok()) {
    if (line.error().code == ErrorCode::kNotFound) return {};  // deleted line: stays waiting
    return std::move(line).take_error();
  }
  auto cands = candidates(tx, *line);
  if (!cands.ok()) return std::move(cands).take_error();
  auto pick = domain::pick_operator(line->routing, *cands, s.tried);
  if (!pick) return {};
  auto status = domain::next_status(s.status, domain::SessionEvent::kOffer);
  if (!status.ok()) return std::move(status).take_error();
  s.status = *status;
  if (Status st = set_operator(tx, s, *pick); !st.ok()) return st;
  const UnixMs now = clock_.now();
  s.offer_deadline.reset();
  if (line->routing.queue_time_s > 0 && !s.pinned)
    s.offer_deadline = now + line->routing.queue_time_s * 1000LL;
  if (Status st = tx.update_session(s); !st.ok()) return st;
  const std::string name = employee_name(tx, *pick);
  if (Status st = add_system_message(
          tx, ev, d, s, json::object{{"kind", "assigned"}, {"employee_id", pick->get()}, {"by", "queue"}},
          "Assigned to " + name + " by queue rules", now);
      !st.ok())
    return st;
  return emit_dialog(tx, ev, d, s);
}

Status RoutingService::assign_in_order(store::WriteTx& tx, TxEvents& ev, domain::Session& s,
                                       domain::Dialog& d) {
  auto line = tx.line_by_id(s.line_id);
  if (!line.ok()) return line.error().code == ErrorCode::kNotFound ? Status{} : line.error();
  if (line->routing.mode == domain::RoutingMode::kAll) return {};
  auto waiting = tx.waiting_sessions(s.line_id, kBatch);
  if (!waiting.ok()) return std::move(waiting).take_error();
  for (auto& w : *waiting) {
    if (w.id == s.id) return assign(tx, ev, s, d);
    auto wd = tx.dialog_by_id(w.dialog_id);
    if (!wd.ok()) return std::move(wd).take_error();
    if (Status a = assign(tx, ev, w, *wd); !a.ok()) return a;
    // Nobody took an older session that no one has declined: nobody is free for this one.
    if (!w.operator_id.is_valid() && w.tried.empty()) return {};
  }
  return {};  // more than a batch is waiting ahead of it: it waits its turn
}

Status RoutingService::pass_on(store::WriteTx& tx, TxEvents& ev, domain::Session& s,
                               domain::Dialog& d) {
  const UnixMs now = clock_.now();
  const EmployeeId from = s.operator_id;
  auto line = tx.line_by_id(s.line_id);
  std::optional<EmployeeId> next;
  if (line.ok()) {
    auto cands = candidates(tx, *line);
    if (!cands.ok()) return std::move(cands).take_error();
    auto decision = domain::pass_to_next(line->routing, *cands, s.tried, from);
    s.tried = std::move(decision.tried);
    next = decision.next;
  } else if (line.error().code != ErrorCode::kNotFound) {
    return std::move(line).take_error();
  }
  s.offer_deadline.reset();
  if (next) {
    auto status = domain::next_status(s.status, domain::SessionEvent::kOffer);
    if (!status.ok()) return std::move(status).take_error();
    s.status = *status;
    if (Status st = set_operator(tx, s, *next); !st.ok()) return st;
    if (line->routing.queue_time_s > 0)
      s.offer_deadline = now + line->routing.queue_time_s * 1000LL;
  } else {
    s.operator_id = EmployeeId();
  }
  if (Status st = tx.update_session(s); !st.ok()) return st;
  json::object fields{{"kind", next ? "passed" : "returned_to_queue"},
                      {"from_employee_id", from.is_valid() ? json::value(from.get()) : json::value()}};
  std::string text;
  if (next) {
    fields["employee_id"] = next->get();
    text = "Passed to " + employee_name(tx, *next) + " by queue rules";
  } else {
    text = "Returned to the queue: no operator available";
  }
  if (Status st = add_system_message(tx, ev, d, s, std::move(fields), std::move(text), now);
      !st.ok())
    return st;
  return emit_dialog(tx, ev, d, s);
}

Status RoutingService::route_line(LineId line_id) {
  for (int round = 0; round < kMaxRounds; ++round) {
    bool more = false;
    Status st = write_with_events(store_, hub_, [&](store::WriteTx& tx, TxEvents& ev) -> Status {
      auto line = tx.line_by_id(line_id);
      if (!line.ok()) return line.error().code == ErrorCode::kNotFound ? Status{} : line.error();
      if (line->routing.mode == domain::RoutingMode::kAll) return {};
      auto waiting = tx.waiting_sessions(line_id, kBatch);
      if (!waiting.ok()) return std::move(waiting).take_error();
      int assigned = 0;
      for (auto& s : *waiting) {
        auto d = tx.dialog_by_id(s.dialog_id);
        if (!d.ok()) return std::move(d).take_error();
        const EmployeeId before = s.operator_id;
        if (Status a = assign(tx, ev, s, *d); !a.ok()) return a;
        if (s.operator_id != before) ++assigned;
      }
      // Another batch only when this one was full and made progress.
      more = static_cast<int>(waiting->size()) == kBatch && assigned > 0;
      return {};
    });
    if (!st.ok()) return st;
    if (!more) break;
  }
  return {};
}

Status RoutingService::run_due_offers() {
  for (int round = 0; round < kMaxRounds; ++round) {
    bool more = false;
    std::vector<EmployeeId> passed_from;  // their slot is free again
    Status st = write_with_events(store_, hub_, [&](store::WriteTx& tx, TxEvents& ev) -> Status {
      auto due = tx.due_offers(clock_.now(), kBatch);
      if (!due.ok()) return std::move(due).take_error();
      for (auto& s : *due) {
        auto d = tx.dialog_by_id(s.dialog_id);
        if (!d.ok()) return std::move(d).take_error();
        if (s.pinned || !domain::is_unanswered(s.status)) {
          s.offer_deadline.reset();  // answered or pinned meanwhile: nothing to pass on
          if (Status u = tx.update_session(s); !u.ok()) return u;
          continue;
        }
        if (s.operator_id.is_valid()) passed_from.push_back(s.operator_id);
        if (Status p = pass_on(tx, ev, s, *d); !p.ok()) return p;
      }
      more = static_cast<int>(due->size()) == kBatch;
      return {};
    });
    if (!st.ok()) return st;
    for (EmployeeId e : passed_from) employee_changed(e);
    if (!more) break;
  }
  return {};
}

Status RoutingService::set_away(EmployeeId id, bool away) {
  Status st = store_.write([&](store::WriteTx& tx) -> Status {
    auto e = tx.employee_by_id(id);
    if (!e.ok()) return std::move(e).take_error();
    if (e->away == away) return {};
    e->away = away;
    e->updated_at = clock_.now();
    return tx.update_employee(*e);
  });
  if (!st.ok()) return st;
  publish_presence(id, std::nullopt, away);
  employee_changed(id);
  return {};
}

void RoutingService::publish_presence(EmployeeId id, std::optional<bool> online,
                                      std::optional<bool> away) {
  domain::EventRecord e;
  e.type = "presence";
  e.at = clock_.now();
  e.staff_all = true;
  json::object data{{"employee_id", id.get()}};
  if (online) data["online"] = *online;
  if (away) data["away"] = *away;
  e.data = json::serialize(data);
  hub_.publish_ephemeral(std::move(e));
}

void RoutingService::line_changed(LineId line) { push({Task::kLine, line.get()}); }
void RoutingService::employee_changed(EmployeeId e) { push({Task::kEmployee, e.get()}); }
void RoutingService::tick() { push({Task::kTick, 0}); }

void RoutingService::push(Task t) {
  {
    std::lock_guard lock(mu_);
    const bool queued = std::any_of(tasks_.begin(), tasks_.end(), [&](const Task& q) {
      return q.kind == t.kind && q.id == t.id;
    });
    if (!queued) tasks_.push_back(t);
  }
  cv_.notify_one();
}

void RoutingService::handle(const Task& t) {
  Status st;
  switch (t.kind) {
    case Task::kLine:
      st = route_line(LineId(t.id));
      break;
    case Task::kEmployee: {
      auto lines = store_.read_value<std::vector<LineId>>(
          [&](store::ReadTx& tx) { return tx.lines_of_employee(EmployeeId(t.id)); });
      if (!lines.ok()) {
        st = lines.error();
        break;
      }
      for (LineId l : *lines) {
        st = route_line(l);
        if (!st.ok()) break;
      }
      break;
    }
    case Task::kTick:
      st = run_due_offers();
      break;
  }
  if (!st.ok() && st.error().code != ErrorCode::kUnavailable)
    spdlog::error("routing: {}", st.error().message);
}

void RoutingService::start(int tick_ms) {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this, tick_ms] { run(tick_ms); });
}

void RoutingService::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RoutingService::drain() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [&] { return (tasks_.empty() && !busy_) || stopping_; });
}

void RoutingService::run(int tick_ms) {
  auto next_tick = std::chrono::steady_clock::now() + std::chrono::milliseconds(tick_ms);
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (tasks_.empty()) {
      idle_cv_.notify_all();
      if (cv_.wait_until(lock, next_tick) == std::cv_status::timeout && tasks_.empty()) {
        tasks_.push_back({Task::kTick, 0});
      }
      continue;
    }
    if (std::chrono::steady_clock::now() >= next_tick)
      next_tick = std::chrono::steady_clock::now() + std::chrono::milliseconds(tick_ms);
    Task t = tasks_.front();
    tasks_.pop_front();
    busy_ = true;
    lock.unlock();
    handle(t);
    lock.lock();
    busy_ = false;
  }
  idle_cv_.notify_all();
}

}  // namespace omniline::services
