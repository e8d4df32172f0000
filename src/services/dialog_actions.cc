// Employees' actions on a dialog and sending messages.
#include "domain/bbcode.h"
#include "domain/session_state.h"
#include "services/dialog_service.h"
#include "services/files.h"
#include "services/views.h"

namespace omniline::services {
namespace json = boost::json;
namespace {

struct ActionName {
  const char* name;
  DialogAction action;
};
constexpr ActionName kActions[] = {
    {"answer", DialogAction::kAnswer},         {"skip", DialogAction::kSkip},
    {"forward", DialogAction::kForward},       {"close", DialogAction::kClose},
    {"accept_and_close", DialogAction::kAcceptAndClose},
    {"spam", DialogAction::kSpam},             {"force_close", DialogAction::kForceClose},
    {"take_over", DialogAction::kTakeOver},    {"pin", DialogAction::kPin},
    {"unpin", DialogAction::kUnpin},           {"invite", DialogAction::kInvite},
    {"rename", DialogAction::kRename},         {"new_session", DialogAction::kNewSession},
    {"read", DialogAction::kRead},
};

Status transition(domain::Session& s, domain::SessionEvent e) {
  auto next = domain::next_status(s.status, e);
  if (!next.ok()) return std::move(next).take_error();
  s.status = *next;
  return {};
}

// Responsible for the session: its operator, an admin/supervisor, or — while nobody has it —
// an operator of its line.
bool responsible(const domain::Employee& me, const DialogAccess& a, const domain::Session& s) {
  if (a.sees_all || s.operator_id == me.id) return true;
  return !s.operator_id.is_valid() && a.in_line;
}

Status require_responsible(const domain::Employee& me, const DialogAccess& a,
                           const domain::Session& s) {
  if (responsible(me, a, s)) return {};
  return Error::forbidden("the dialog is another operator's; take it over first");
}

Result<domain::Employee> active_employee(store::ReadTx& tx, EmployeeId id) {
  auto e = tx.employee_by_id(id);
  if (!e.ok() || !e->active)
    return Error::invalid("employee " + std::to_string(id.get()) + " not found");
  return e;
}

}  // namespace

Result<domain::Session> DialogService::employee_session(store::WriteTx& tx,
                                                       const domain::Dialog& d,
                                                       EmployeeId employee) {
  const UnixMs now = clock_.now();
  domain::Session n;
  n.dialog_id = d.id;
  n.line_id = d.line_id;
  n.status = domain::SessionStatus::kInWork;
  n.created_at = now;
  n.answered_at = now;
  auto id = tx.insert_session(n);
  if (!id.ok()) return std::move(id).take_error();
  n.id = *id;
  if (Status o = routing_.set_operator(tx, n, employee); !o.ok()) return o.error();
  return n;
}

std::optional<DialogAction> parse_dialog_action(std::string_view name) {
  for (const auto& a : kActions)
    if (name == a.name) return a.action;
  return std::nullopt;
}

Result<DialogDetail> DialogService::act(const Principal& who, DialogId id, DialogAction action,
                                        const ActionParams& p) {
  DialogDetail out;
  std::vector<EmployeeId> freed;  // operators whose slot was freed: routing may give them more
  Status st = write_with_events(store_, hub_, [&](store::WriteTx& tx, TxEvents& ev) -> Status {
    freed.clear();
    auto d = tx.dialog_by_id(id);
    if (!d.ok()) return std::move(d).take_error();
    auto access = dialog_access(tx, who.employee, *d);
    if (!access.ok()) return std::move(access).take_error();
    auto s = tx.session_by_id(d->session_id);
    if (!s.ok()) return std::move(s).take_error();
    if (Status a = apply_action(tx, ev, who.employee, *access, *d, *s, action, p, freed); !a.ok())
      return a;
    auto det = detail(tx, id, who.employee.id);
    if (!det.ok()) return std::move(det).take_error();
    out = std::move(*det);
    return {};
  });
  if (!st.ok()) return st.error();
  for (EmployeeId e : freed) routing_.employee_changed(e);
  return out;
}

Status DialogService::apply_action(store::WriteTx& tx, TxEvents& ev, const domain::Employee& me,
                                   const DialogAccess& access, domain::Dialog& d,
                                   domain::Session& s, DialogAction action,
                                   const ActionParams& p, std::vector<EmployeeId>& freed) {
  using domain::SessionEvent;
  const UnixMs now = clock_.now();
  const EmployeeId previous = s.operator_id;
  auto system = [&](json::object fields, std::string text) {
    return add_system_message(tx, ev, d, s, std::move(fields), std::move(text), now);
  };
  auto save = [&]() -> Status {
    if (Status u = tx.update_session(s); !u.ok()) return u;
    return emit_dialog(tx, ev, d, s);
  };
  auto close_with = [&](SessionEvent e, const char* kind, std::string text) -> Status {
    if (Status r = require_responsible(me, access, s); !r.ok()) return r;
    if (Status t = transition(s, e); !t.ok()) return t;
    s.closed_at = now;
    s.offer_deadline.reset();
    if (s.operator_id.is_valid()) freed.push_back(s.operator_id);
    if (Status m = system(json::object{{"kind", kind}, {"employee_id", me.id.get()}},
                          std::move(text));
        !m.ok())
      return m;
    return save();
  };

  switch (action) {
    case DialogAction::kAnswer: {
      if (!domain::is_unanswered(s.status)) {
        if (s.operator_id == me.id) return Error::conflict("you already answered this dialog");
        return Error::conflict("the dialog was already answered; take it over instead");
      }
      if (s.operator_id.is_valid() && s.operator_id != me.id && !access.sees_all)
        return Error::conflict("the dialog is offered to another operator; take it over instead");
      if (!responsible(me, access, s) && !access.member)
        return Error::forbidden("you are not in this line's queue");
      if (Status t = transition(s, SessionEvent::kAnswer); !t.ok()) return t;
      if (Status o = routing_.set_operator(tx, s, me.id); !o.ok()) return o;
      s.answered_at = now;
      s.offer_deadline.reset();
      s.tried.clear();
      if (previous.is_valid() && previous != me.id) freed.push_back(previous);
      // new → answered may free one of my slots when the line counts only some statuses.
      freed.push_back(me.id);
      if (Status m = system(json::object{{"kind", "picked_up"}, {"employee_id", me.id.get()}},
                            me.name + " picked up the dialog");
          !m.ok())
        return m;
      return save();
    }
    case DialogAction::kSkip: {
      if (s.operator_id != me.id) return Error::conflict("only the operator it is offered to may skip it");
      if (Status t = transition(s, SessionEvent::kSkip); !t.ok()) return t;
      freed.push_back(me.id);
      if (Status m = system(json::object{{"kind", "skipped"}, {"employee_id", me.id.get()}},
                            me.name + " skipped the dialog");
          !m.ok())
        return m;
      return routing_.pass_on(tx, ev, s, d);
    }
    case DialogAction::kForward: {
      if (Status r = require_responsible(me, access, s); !r.ok()) return r;
      if (p.employee.is_valid() == p.line.is_valid())
        return Error::invalid("forward needs exactly one of employee_id or line_id");
      if (Status t = transition(s, SessionEvent::kForward); !t.ok()) return t;
      s.offer_deadline.reset();
      s.tried.clear();
      s.answered_at.reset();
      s.pinned = false;  // a pin binds the dialog to its operator, not to whoever gets it next
      if (previous.is_valid()) freed.push_back(previous);
      if (p.employee.is_valid()) {
        auto target = active_employee(tx, p.employee);
        if (!target.ok()) return std::move(target).take_error();
        if (target->id == previous) return Error::conflict("the dialog is already theirs");
        if (Status o = routing_.set_operator(tx, s, target->id); !o.ok()) return o;
        auto line = tx.line_by_id(s.line_id);
        if (line.ok() && line->routing.queue_time_s > 0 && !s.pinned)
          s.offer_deadline = now + line->routing.queue_time_s * 1000LL;
        if (Status m = system(json::object{{"kind", "forwarded"},
                                           {"employee_id", me.id.get()},
                                           {"to_employee_id", target->id.get()}},
                              me.name + " forwarded the dialog to " + target->name);
            !m.ok())
          return m;
        return save();
      }
      auto line = tx.line_by_id(p.line);
      if (!line.ok()) return Error::invalid("line " + std::to_string(p.line.get()) + " not found");
      if (line->id == s.line_id) return Error::conflict("the dialog is already in that line");
      s.operator_id = EmployeeId();
      s.line_id = line->id;
      d.line_id = line->id;
      if (Status u = tx.update_dialog(d); !u.ok()) return u;
      if (Status m = system(json::object{{"kind", "forwarded_to_line"},
                                         {"employee_id", me.id.get()},
                                         {"to_line_id", line->id.get()}},
                            me.name + " forwarded the dialog to the line " + line->name);
          !m.ok())
        return m;
      if (Status u = tx.update_session(s); !u.ok()) return u;
      if (Status r = routing_.assign(tx, ev, s, d); !r.ok()) return r;
      return emit_dialog(tx, ev, d, s);
    }
    case DialogAction::kClose:
      return close_with(SessionEvent::kClose, "closed", me.name + " closed the dialog");
    case DialogAction::kAcceptAndClose:
      if (!domain::is_unanswered(s.status))
        return Error::conflict("only a dialog not answered yet can be accepted and closed");
      if (!responsible(me, access, s) && s.operator_id.is_valid() && s.operator_id != me.id &&
          !access.sees_all)
        return Error::forbidden("the dialog is offered to another operator");
      if (Status o = routing_.set_operator(tx, s, me.id); !o.ok()) return o;
      s.answered_at = now;
      if (previous.is_valid() && previous != me.id) freed.push_back(previous);
      return close_with(SessionEvent::kClose, "accepted_and_closed",
                        me.name + " accepted and closed the dialog");
    case DialogAction::kSpam:
      return close_with(SessionEvent::kSpam, "spam", me.name + " marked the dialog as spam");
    case DialogAction::kForceClose:
      return close_with(SessionEvent::kForceClose, "force_closed",
                        me.name + " closed the dialog silently");
    case DialogAction::kTakeOver: {
      if (!domain::is_open(s.status)) return Error::conflict("the session is closed");
      if (s.operator_id == me.id && !domain::is_unanswered(s.status))
        return Error::conflict("the dialog is already yours");
      if (Status t = transition(s, SessionEvent::kTakeOver); !t.ok()) return t;
      if (Status o = routing_.set_operator(tx, s, me.id); !o.ok()) return o;
      if (!s.answered_at) s.answered_at = now;
      s.offer_deadline.reset();
      s.tried.clear();
      if (previous.is_valid() && previous != me.id) freed.push_back(previous);
      freed.push_back(me.id);  // the status may have left a counted one (see answer)
      json::object f{{"kind", "took_over"}, {"employee_id", me.id.get()}};
      std::string text = me.name + " took over the dialog";
      if (previous.is_valid() && previous != me.id) {
        f["from_employee_id"] = previous.get();
        auto from = tx.employee_by_id(previous);
        if (from.ok()) text += " from " + from->name;
      }
      if (Status m = system(std::move(f), std::move(text)); !m.ok()) return m;
      return save();
    }
    case DialogAction::kPin:
    case DialogAction::kUnpin: {
      if (!domain::is_open(s.status)) return Error::conflict("the session is closed");
      if (s.operator_id != me.id && !access.sees_all)
        return Error::forbidden("only the dialog's operator may pin it");
      if (!s.operator_id.is_valid()) return Error::conflict("nobody has the dialog to pin it to");
      s.pinned = action == DialogAction::kPin;
      if (s.pinned) s.offer_deadline.reset();
      return save();
    }
    case DialogAction::kInvite: {
      auto target = active_employee(tx, p.employee);
      if (!target.ok()) return std::move(target).take_error();
      auto already = tx.is_member(d.id, target->id);
      if (!already.ok()) return std::move(already).take_error();
      if (*already) return Error::conflict(target->name + " is already in the dialog");
      if (Status a = tx.add_member(d.id, target->id, now); !a.ok()) return a;
      if (Status m = system(json::object{{"kind", "invited"},
                                         {"employee_id", me.id.get()},
                                         {"invited_employee_id", target->id.get()}},
                            me.name + " invited " + target->name);
          !m.ok())
        return m;
      return emit_dialog(tx, ev, d, s);
    }
    case DialogAction::kRename: {
      if (!p.title) return Error::invalid("title is required");
      if (Status v = domain::validate_title(*p.title); !v.ok()) return v;
      d.title = *p.title;
      if (Status u = tx.update_dialog(d); !u.ok()) return u;
      return emit_dialog(tx, ev, d, s);
    }
    case DialogAction::kNewSession: {
      if (Status r = require_responsible(me, access, s); !r.ok()) return r;
      if (!domain::is_open(s.status)) return Error::conflict("the session is closed");
      auto from = tx.message_by_id(p.message);
      if (!from.ok() || from->dialog_id != d.id || from->session_id != s.id)
        return Error::invalid("from_message_id must be a message of the current session");
      if (Status t = transition(s, SessionEvent::kClose); !t.ok()) return t;
      s.closed_at = now;
      s.offer_deadline.reset();
      if (Status u = tx.update_session(s); !u.ok()) return u;
      auto started = employee_session(tx, d, me.id);
      if (!started.ok()) return std::move(started).take_error();
      domain::Session& n = *started;
      if (s.operator_id.is_valid()) freed.push_back(s.operator_id);  // the old session closed
      freed.push_back(me.id);
      // Move the message and everything after it in the old session to the new one.
      auto page = tx.list_messages(d.id, MessageId(), 1000, true);
      if (!page.ok()) return std::move(page).take_error();
      for (auto& m : page->items) {
        if (m.session_id != s.id || m.id < from->id) continue;
        m.session_id = n.id;
        ++n.message_count;
        if (Status u = tx.update_message(m); !u.ok()) return u;
      }
      s.message_count = std::max<std::int64_t>(0, s.message_count - n.message_count);
      if (Status u = tx.update_session(s); !u.ok()) return u;
      d.session_id = n.id;
      if (Status u = tx.update_dialog(d); !u.ok()) return u;
      if (Status u = tx.update_session(n); !u.ok()) return u;
      s = n;
      if (Status m = system(json::object{{"kind", "new_session"},
                                         {"employee_id", me.id.get()},
                                         {"from_message_id", from->id.get()}},
                            me.name + " closed the session and started a new one");
          !m.ok())
        return m;
      return emit_dialog(tx, ev, d, s);
    }
    case DialogAction::kRead: {
      if (p.message.is_valid()) {
        auto m = tx.message_by_id(p.message);
        if (!m.ok() || m->dialog_id != d.id)
          return Error::not_found("no such message in this dialog");
      }
      const std::int64_t upto = p.message.is_valid() ? p.message.get() : d.last_message_id.get();
      if (Status st = tx.set_read_mark(d.id, me.id, MessageId(upto)); !st.ok()) return st;
      auto e = dialog_event(tx, d, "dialog.read");
      if (!e.ok()) return std::move(e).take_error();
      e->data = views::to_text(json::object{
          {"dialog_id", d.id.get()}, {"employee_id", me.id.get()}, {"message_id", upto}});
      e->customer_data = views::to_text(
          json::object{{"dialog_id", d.id.get()}, {"by", "operator"}, {"message_id", upto}});
      return ev.emit(std::move(*e));
    }
  }
  return Error::invalid("unknown action");
}

Result<domain::Message> DialogService::send(const Principal& who, DialogId id,
                                            const NewMessage& in) {
  if (Status st = domain::validate_message_body(in.text, in.files.size()); !st.ok())
    return st.error();
  domain::Message out;
  std::vector<EmployeeId> freed;
  bool queued = false;
  Status st = write_with_events(store_, hub_, [&](store::WriteTx& tx, TxEvents& ev) -> Status {
    const UnixMs now = clock_.now();
    const domain::Employee& me = who.employee;
    auto d = tx.dialog_by_id(id);
    if (!d.ok()) return std::move(d).take_error();
    auto access = dialog_access(tx, me, *d);
    if (!access.ok()) return std::move(access).take_error();
    auto s = tx.session_by_id(d->session_id);
    if (!s.ok()) return std::move(s).take_error();
    if (in.reply_to.is_valid()) {
      auto r = tx.message_by_id(in.reply_to);
      if (!r.ok() || r->dialog_id != d->id)
        return Error::invalid("reply_to must be a message of this dialog");
    }
    auto files = FileService::attachable(tx, Uploader{me.id, {}}, in.files, &me);
    if (!files.ok()) return std::move(files).take_error();
    // Mentions must name active colleagues and chats the writer may open.
    const auto nodes = domain::bbcode::parse(in.text);
    std::vector<EmployeeId> mentioned;
    for (std::int64_t id : domain::bbcode::mentioned_users(nodes)) {
      auto e = tx.employee_by_id(EmployeeId(id));
      if (!e.ok() || !e->active)
        return Error::invalid("the mention [user=" + std::to_string(id) + "] names no active employee");
      if (e->id != me.id && std::find(mentioned.begin(), mentioned.end(), e->id) == mentioned.end())
        mentioned.push_back(e->id);
    }
    for (std::int64_t id : domain::bbcode::mentioned_chats(nodes)) {
      auto chat = tx.dialog_by_id(DialogId(id));
      if (!chat.ok() || !dialog_access(tx, me, *chat).ok())
        return Error::invalid("the mention [chat=" + std::to_string(id) + "] names no chat you can open");
    }
    if (!in.hidden) {
      if (!domain::is_open(s->status)) {
        // Writing into a finished dialog starts a new session, taken by the writer.
        auto started = employee_session(tx, *d, me.id);
        if (!started.ok()) return std::move(started).take_error();
        d->session_id = started->id;
        if (Status u = tx.update_dialog(*d); !u.ok()) return u;
        *s = std::move(*started);
      } else if (domain::is_unanswered(s->status)) {
        // Replying answers the dialog, when one may answer it.
        if (s->operator_id.is_valid() && s->operator_id != me.id && !access->sees_all)
          return Error::conflict("the dialog is offered to another operator; take it over first");
        if (!s->operator_id.is_valid() && !access->in_line && !access->sees_all && !access->member)
          return Error::forbidden("you are not in this line's queue");
        if (s->operator_id.is_valid() && s->operator_id != me.id) freed.push_back(s->operator_id);
        if (Status o = routing_.set_operator(tx, *s, me.id); !o.ok()) return o;
        s->answered_at = now;
        s->offer_deadline.reset();
        s->tried.clear();
      }
      auto next = domain::next_status(s->status, domain::SessionEvent::kOperatorMessage);
      if (!next.ok()) return std::move(next).take_error();
      // A status change may free a slot of the operator's (max_chats counts some statuses).
      if (*next != s->status && s->operator_id.is_valid()) freed.push_back(s->operator_id);
      s->status = *next;
      if (!s->first_reply_at) s->first_reply_at = now;
    }
    domain::Message m;
    m.session_id = s->id;
    m.author_kind = domain::AuthorKind::kOperator;
    m.author_employee = me.id;
    m.text = in.text;
    m.hidden = in.hidden;
    m.reply_to = in.reply_to;
    m.created_at = now;
    m.files = std::move(*files);
    auto channel = tx.channel_by_id(d->channel_id);
    const bool via_outbox =
        !in.hidden && channel.ok() && domain::delivered_by_outbox(channel->kind);
    if (!in.hidden) m.delivery = via_outbox ? domain::DeliveryStatus::kPending
                                            : domain::DeliveryStatus::kSent;
    if (Status a = add_message(tx, ev, *d, m); !a.ok()) return a;
    // Whoever writes has read what came before.
    if (Status r = tx.set_read_mark(d->id, me.id, m.id); !r.ok()) return r;
    // Each mentioned colleague is told and may open the dialog from then on (a mention shares
    // it, as an invitation does, without the system message).
    for (EmployeeId who : mentioned) {
      if (Status a = tx.add_member(d->id, who, now); !a.ok()) return a;
      domain::EventRecord e;
      e.type = "mention";
      e.at = now;
      e.dialog_id = d->id;
      e.employee_ids = {who};
      e.data = views::to_text(json::object{{"employee_id", who.get()},
                                           {"dialog_id", d->id.get()},
                                           {"message_id", m.id.get()},
                                           {"by", json::object{{"id", me.id.get()}, {"name", me.name}}},
                                           {"hidden", m.hidden},
                                           {"text", domain::bbcode::to_plain_text(nodes)}});
      if (Status s = ev.emit(std::move(e)); !s.ok()) return s;
    }
    ++s->message_count;
    if (Status u = tx.update_session(*s); !u.ok()) return u;
    if (via_outbox) {
      auto q = queue_outbound(tx, *d, m, "message", me.name, now);
      if (!q.ok()) return q.error();
      queued = *q;
    }
    out = m;
    return emit_dialog(tx, ev, *d, *s);
  });
  if (!st.ok()) return st.error();
  for (EmployeeId e : freed) routing_.employee_changed(e);
  if (queued && outbox_hook_) outbox_hook_();
  return out;
}

}  // namespace omniline::services
