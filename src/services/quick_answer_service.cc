#include "services/quick_answer_service.h"

#include <algorithm>

#include "domain/permissions.h"

namespace omniline::services {
namespace {

bool sees_all(const Principal& actor) {
  return domain::may(actor.employee.role, domain::Action::kViewAllDialogs);
}

// Whether the actor is in the queue of `line` (false for global answers).
Result<bool> in_queue(store::ReadTx& tx, const Principal& actor, std::optional<LineId> line) {
  if (!line) return false;
  auto lines = tx.lines_of_employee(actor.employee.id);
  if (!lines.ok()) return std::move(lines).take_error();
  return std::find(lines->begin(), lines->end(), *line) != lines->end();
}

// A line filter: the line must exist and be readable by the actor (not_found otherwise).
Status check_line_filter(store::ReadTx& tx, const Principal& actor, std::optional<LineId> line) {
  if (!line) return {};
  auto l = tx.line_by_id(*line);
  if (!l.ok()) return std::move(l).take_error();
  auto in = in_queue(tx, actor, line);
  if (!in.ok()) return std::move(in).take_error();
  if (!domain::may_read_quick_answer(actor.employee.role, line, *in))
    return Error::not_found("line not found");
  return {};
}

// The answer, if the actor may read it (not_found otherwise), and whether they may manage it.
struct Readable {
  domain::QuickAnswer qa;
  bool manage = false;
};
Result<Readable> readable(store::ReadTx& tx, const Principal& actor, QuickAnswerId id) {
  auto qa = tx.quick_answer_by_id(id);
  if (!qa.ok()) return std::move(qa).take_error();
  auto in = in_queue(tx, actor, qa->line_id);
  if (!in.ok()) return std::move(in).take_error();
  if (!domain::may_read_quick_answer(actor.employee.role, qa->line_id, *in))
    return Error::not_found("quick answer not found");
  const bool manage = domain::may_manage_quick_answer(actor.employee.role, qa->line_id, *in);
  return Readable{std::move(*qa), manage};
}

// May the actor put an answer into `line` (nullopt: global)? An unknown line is not_found.
Status check_target(store::ReadTx& tx, const Principal& actor, std::optional<LineId> line) {
  if (line) {
    auto l = tx.line_by_id(*line);
    if (!l.ok()) return std::move(l).take_error();
  }
  auto in = in_queue(tx, actor, line);
  if (!in.ok()) return std::move(in).take_error();
  if (!domain::may_manage_quick_answer(actor.employee.role, line, *in))
    return Error::forbidden(line ? "only the line's operators, supervisors and admins manage its "
                                   "quick answers"
                                 : "only supervisors and admins manage global quick answers");
  return {};
}

}  // namespace

Result<store::Page<domain::QuickAnswer>> QuickAnswerService::list(const Principal& actor,
                                                                  store::QuickAnswerQuery q) {
  q.viewer = actor.employee.id;
  q.viewer_sees_all = sees_all(actor);
  return store_.read_value<store::Page<domain::QuickAnswer>>(
      [&](store::ReadTx& tx) -> Result<store::Page<domain::QuickAnswer>> {
        if (Status st = check_line_filter(tx, actor, q.line_id); !st.ok()) return st.error();
        return tx.list_quick_answers(q);
      });
}

Result<std::vector<std::string>> QuickAnswerService::sections(const Principal& actor,
                                                              std::optional<LineId> line) {
  store::QuickAnswerQuery q;
  q.viewer = actor.employee.id;
  q.viewer_sees_all = sees_all(actor);
  q.line_id = line;
  return store_.read_value<std::vector<std::string>>(
      [&](store::ReadTx& tx) -> Result<std::vector<std::string>> {
        if (Status st = check_line_filter(tx, actor, q.line_id); !st.ok()) return st.error();
        return tx.quick_answer_sections(q);
      });
}

Result<domain::QuickAnswer> QuickAnswerService::get(const Principal& actor, QuickAnswerId id) {
  return store_.read_value<domain::QuickAnswer>(
      [&](store::ReadTx& tx) -> Result<domain::QuickAnswer> {
        auto r = readable(tx, actor, id);
        if (!r.ok()) return std::move(r).take_error();
        return std::move(r->qa);
      });
}

Result<domain::QuickAnswer> QuickAnswerService::create(const Principal& actor,
                                                       domain::QuickAnswer qa) {
  if (Status st = domain::normalize_quick_answer(qa); !st.ok()) return st.error();
  qa.created_by = actor.employee.id;
  qa.created_at = qa.updated_at = clock_.now();
  return store_.write_value<domain::QuickAnswer>(
      [&](store::WriteTx& tx) -> Result<domain::QuickAnswer> {
        if (Status st = check_target(tx, actor, qa.line_id); !st.ok()) return st.error();
        auto id = tx.insert_quick_answer(qa);
        if (!id.ok()) return std::move(id).take_error();
        domain::QuickAnswer out = qa;
        out.id = *id;
        return out;
      });
}

Result<domain::QuickAnswer> QuickAnswerService::update(const Principal& actor, QuickAnswerId id,
                                                       const QuickAnswerPatch& patch) {
  return store_.write_value<domain::QuickAnswer>(
      [&](store::WriteTx& tx) -> Result<domain::QuickAnswer> {
        auto r = readable(tx, actor, id);
        if (!r.ok()) return std::move(r).take_error();
        if (!r->manage)
          return Error::forbidden("only supervisors and admins manage global quick answers");
        domain::QuickAnswer qa = std::move(r->qa);
        if (patch.title) qa.title = *patch.title;
        if (patch.text) qa.text = *patch.text;
        if (patch.section) qa.section = *patch.section;
        if (Status st = domain::normalize_quick_answer(qa); !st.ok()) return st.error();
        if (patch.line_id && *patch.line_id != qa.line_id) {
          if (Status st = check_target(tx, actor, *patch.line_id); !st.ok()) return st.error();
          qa.line_id = *patch.line_id;
        }
        qa.updated_at = clock_.now();
        if (Status st = tx.update_quick_answer(qa); !st.ok()) return st.error();
        return qa;
      });
}

Status QuickAnswerService::remove(const Principal& actor, QuickAnswerId id) {
  return store_.write([&](store::WriteTx& tx) -> Status {
    auto r = readable(tx, actor, id);
    if (!r.ok()) return std::move(r).take_error();
    if (!r->manage)
      return Error::forbidden("only supervisors and admins manage global quick answers");
    return tx.delete_quick_answer(id, clock_.now());
  });
}

}  // namespace omniline::services
