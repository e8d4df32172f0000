#include "domain/routing.h"

#include <algorithm>

namespace omniline::domain {

namespace {

bool contains(std::span<const EmployeeId> ids, EmployeeId id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

bool eligible(const RoutingSettings& settings, const Candidate& c) {
  if (!c.active) return false;
  if (settings.only_available && (!c.online || c.away)) return false;
  return settings.max_chats == 0 || c.open_count < settings.max_chats;
}

std::optional<EmployeeId> pick_operator(const RoutingSettings& settings,
                                        std::span<const Candidate> queue,
                                        std::span<const EmployeeId> tried) {
  if (settings.mode == RoutingMode::kAll) return std::nullopt;
  const Candidate* best = nullptr;
  for (const Candidate& c : queue) {
    if (!eligible(settings, c) || contains(tried, c.id)) continue;
    if (settings.mode == RoutingMode::kStrictly) return c.id;
    // Strictly smaller: on a tie the earlier one in the queue stays.
    if (!best || c.last_assigned_at < best->last_assigned_at) best = &c;
  }
  if (!best) return std::nullopt;
  return best->id;
}

PassDecision pass_to_next(const RoutingSettings& settings, std::span<const Candidate> queue,
                          std::span<const EmployeeId> tried, EmployeeId current) {
  if (settings.mode == RoutingMode::kAll) return {};
  std::vector<EmployeeId> round(tried.begin(), tried.end());
  if (current.is_valid() && !contains(round, current)) round.push_back(current);
  if (auto next = pick_operator(settings, queue, round)) return {next, std::move(round)};

  // Everyone was tried: a new round, still skipping the operator it is being taken from.
  std::vector<EmployeeId> fresh;
  if (current.is_valid()) fresh.push_back(current);
  auto next = pick_operator(settings, queue, fresh);
  return {next, std::move(fresh)};
}

}  // namespace omniline::domain
