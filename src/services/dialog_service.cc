#include "services/dialog_service.h"
#include "services/files.h"

#include "domain/permissions.h"
#include "domain/session_state.h"
#include "services/views.h"

namespace omniline::services {
namespace json = boost::json;
namespace {

Result<domain::Customer> find_or_create_customer(store::WriteTx& tx, const InboundMessage& in,
                                                 UnixMs now) {
  auto c = tx.customer_by_external(in.channel, in.user_id);
  if (c.ok()) {
    bool changed = false;
    auto refresh = [&](std::string& field, const std::string& value) {
      if (!value.empty() && field != value) {
        field = value;
        changed = true;
      }
    };
    refresh(c->name, in.user_name);
    refresh(c->email, in.user_email);
    refresh(c->phone, in.user_phone);
    if (changed) {
      c->updated_at = now;
      if (Status st = tx.update_customer(*c); !st.ok()) return st.error();
    }
    return c;
  }
  if (c.error().code != ErrorCode::kNotFound) return c;
  domain::Customer n;
  n.channel_id = in.channel;
  n.external_id = in.user_id;
  n.name = in.user_name;
  n.email = in.user_email;
  n.phone = in.user_phone;
  n.created_at = n.updated_at = now;
  auto id = tx.insert_customer(n);
  if (!id.ok()) return std::move(id).take_error();
  n.id = *id;
  return n;
}

}  // namespace

Status DialogService::open_session(store::WriteTx& tx, TxEvents& ev, domain::Dialog& d,
                                   domain::Session& s, const domain::Session* previous) {
  const UnixMs now = clock_.now();
  s = domain::Session{};
  s.dialog_id = d.id;
  s.line_id = d.line_id;
  s.status = domain::SessionStatus::kNew;
  s.created_at = now;
  auto id = tx.insert_session(s);
  if (!id.ok()) return std::move(id).take_error();
  s.id = *id;
  d.session_id = s.id;
  if (Status st = tx.update_dialog(d); !st.ok()) return st;
  // A pinned dialog comes back to its operator while they are still active.
  if (previous && previous->pinned && previous->operator_id.is_valid()) {
    auto op = tx.employee_by_id(previous->operator_id);
    if (op.ok() && op->active) {
      s.pinned = true;
      if (Status st = routing_.set_operator(tx, s, op->id); !st.ok()) return st;
      if (Status st = tx.update_session(s); !st.ok()) return st;
      return add_system_message(
          tx, ev, d, s, json::object{{"kind", "assigned"}, {"employee_id", op->id.get()}, {"by", "pin"}},
          "Returned to " + op->name + " (pinned)", now);
    }
  }
  return {};
}

Result<IngestResult> DialogService::ingest(const InboundMessage& in) {
  if (Status st = domain::validate_external_id(in.user_id); !st.ok())
    return Error::invalid("user.id: " + st.error().message);
  if (Status st = domain::validate_external_id(in.message_id); !st.ok())
    return Error::invalid("message.id: " + st.error().message);
  if (in.chat_id.size() > domain::kMaxExternalIdLength) return Error::invalid("chat.id is too long");
  if (Status st = domain::validate_message_body(in.text, in.files.size()); !st.ok())
    return st.error();
  if (Status st = domain::validate_file_ids(in.files); !st.ok()) return st.error();
  if (in.user_name.size() > 200) return Error::invalid("user.name is too long");
  IngestResult out;
  Status st = write_with_events(store_, hub_, [&](store::WriteTx& tx, TxEvents& ev) -> Status {
    const UnixMs now = clock_.now();
    out = IngestResult{};
    auto channel = tx.channel_by_id(in.channel);
    if (!channel.ok()) return std::move(channel).take_error();
    if (!channel->active) return Error::forbidden("the channel is disabled");
    if (auto dup = tx.message_by_external(in.channel, in.message_id); dup.ok()) {
      out = {dup->dialog_id, dup->id, dup->author_customer, true};
      return {};
    } else if (dup.error().code != ErrorCode::kNotFound) {
      return dup.error();
    }
    auto customer = find_or_create_customer(tx, in, now);
    if (!customer.ok()) return std::move(customer).take_error();
    auto files = FileService::attachable(
        tx, Uploader{{}, in.files_from_channel ? CustomerId() : customer->id}, in.files);
    if (!files.ok()) return std::move(files).take_error();
    auto d = tx.dialog_by_key(in.channel, customer->id, in.chat_id);
    bool created = false;
    if (!d.ok()) {
      if (d.error().code != ErrorCode::kNotFound) return d.error();
      domain::Dialog nd;
      nd.line_id = channel->line_id;
      nd.channel_id = in.channel;
      nd.customer_id = customer->id;
      nd.external_chat_id = in.chat_id;
      nd.created_at = now;
      auto id = tx.insert_dialog(nd);
      if (!id.ok()) return std::move(id).take_error();
      nd.id = *id;
      d = std::move(nd);
      created = true;
    }
    domain::Session s;
    bool new_session = true;
    bool status_changed = false;
    std::optional<domain::Session> previous;
    if (d->session_id.is_valid()) {
      auto cur = tx.session_by_id(d->session_id);
      if (!cur.ok()) return std::move(cur).take_error();
      if (domain::is_open(cur->status)) {
        s = std::move(*cur);
        new_session = false;
      } else {
        previous = std::move(*cur);
      }
    }
    if (new_session) {
      d->line_id = channel->line_id;  // a forward to another line lasts one session
      if (Status o = open_session(tx, ev, *d, s, previous ? &*previous : nullptr); !o.ok()) return o;
    } else {
      auto next = domain::next_status(s.status, domain::SessionEvent::kCustomerMessage);
      if (!next.ok()) return std::move(next).take_error();
      status_changed = *next != s.status;
      s.status = *next;
    }
    domain::Message m;
    m.session_id = s.id;
    m.author_kind = domain::AuthorKind::kCustomer;
    m.author_customer = customer->id;
    m.text = in.text;
    m.external_id = in.message_id;
    m.created_at = now;
    m.files = std::move(*files);
    if (!new_session) {
      // The hot path, a message in an ongoing conversation: only the columns that change are
      // written (docs/PERFORMANCE.md), and one event carries message and dialog.
      if (Status a = append_message(tx, *d, m); !a.ok()) return a;
      ++s.message_count;
      if (Status u = status_changed ? tx.update_session(s)
                                    : tx.set_session_message_count(s.id, s.message_count);
          !u.ok())
        return u;
      if (Status e = emit_message_with_dialog(tx, ev, *d, s, m); !e.ok()) return e;
      out = {d->id, m.id, customer->id, false};
      return {};
    }
    if (Status a = add_message(tx, ev, *d, m); !a.ok()) return a;
    ++s.message_count;
    if (Status u = tx.update_session(s); !u.ok()) return u;
    if (!s.operator_id.is_valid()) {
      if (Status r = routing_.assign_in_order(tx, ev, s, *d); !r.ok()) return r;
    }
    if (Status e = emit_dialog(tx, ev, *d, s, created ? "dialog.created" : "dialog.updated");
        !e.ok())
      return e;
    out = {d->id, m.id, customer->id, false};
    return {};
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<DialogDetail> DialogService::detail(store::ReadTx& tx, DialogId id, EmployeeId viewer) {
  DialogDetail out;
  auto d = tx.dialog_by_id(id);
  if (!d.ok()) return std::move(d).take_error();
  out.dialog = std::move(*d);
  auto s = tx.session_by_id(out.dialog.session_id);
  if (!s.ok()) return std::move(s).take_error();
  out.session = std::move(*s);
  auto c = tx.customer_by_id(out.dialog.customer_id);
  if (!c.ok()) return std::move(c).take_error();
  out.customer = std::move(*c);
  if (out.dialog.last_message_id.is_valid()) {
    auto m = tx.message_by_id(out.dialog.last_message_id);
    if (!m.ok()) return std::move(m).take_error();
    out.last_author = author_name(tx, *m);
    out.last_message = std::move(*m);
  }
  auto unread = tx.unread_count(id, viewer, kUnreadCap);
  if (!unread.ok()) return std::move(unread).take_error();
  out.unread = *unread;
  if (auto c = tx.channel_by_id(out.dialog.channel_id); c.ok()) out.channel = std::move(*c);
  return out;
}

Result<store::Page<store::DialogRow>> DialogService::list(const Principal& who,
                                                          store::DialogQuery q) {
  q.viewer = who.employee.id;
  q.viewer_sees_all = domain::may(who.employee.role, domain::Action::kViewAllDialogs);
  if (q.view == store::DialogView::kAll && !q.viewer_sees_all)
    return Error::forbidden("only admins and supervisors see all dialogs");
  return store_.read_value<store::Page<store::DialogRow>>(
      [&](store::ReadTx& tx) -> Result<store::Page<store::DialogRow>> {
        auto page = tx.list_dialogs(q);
        if (!page.ok()) return page;
        std::unordered_map<std::int64_t, std::optional<domain::Channel>> channels;
        for (auto& row : page->items) {
          auto n = tx.unread_count(row.dialog.id, q.viewer, kUnreadCap);
          if (!n.ok()) return std::move(n).take_error();
          row.unread = *n;
          auto [it, added] = channels.try_emplace(row.dialog.channel_id.get());
          if (added)
            if (auto c = tx.channel_by_id(row.dialog.channel_id); c.ok()) it->second = std::move(*c);
          row.channel = it->second;
        }
        return page;
      });
}

Result<DialogCounts> DialogService::counts(const Principal& who, std::optional<LineId> line) {
  store::DialogQuery q;
  q.viewer = who.employee.id;
  q.viewer_sees_all = domain::may(who.employee.role, domain::Action::kViewAllDialogs);
  q.line_id = line;
  return store_.read_value<DialogCounts>([&](store::ReadTx& tx) -> Result<DialogCounts> {
    DialogCounts c;
    q.view = store::DialogView::kUnanswered;
    auto u = tx.count_dialogs(q);
    if (!u.ok()) return std::move(u).take_error();
    c.unanswered = *u;
    q.view = store::DialogView::kMine;
    auto m = tx.count_dialogs(q);
    if (!m.ok()) return std::move(m).take_error();
    c.mine = *m;
    c.all = -1;
    if (q.viewer_sees_all) {
      q.view = store::DialogView::kAll;
      auto a = tx.count_dialogs(q);
      if (!a.ok()) return std::move(a).take_error();
      c.all = *a;
    }
    return c;
  });
}

Result<DialogDetail> DialogService::get(const Principal& who, DialogId id) {
  return store_.read_value<DialogDetail>([&](store::ReadTx& tx) -> Result<DialogDetail> {
    auto d = tx.dialog_by_id(id);
    if (!d.ok()) return std::move(d).take_error();
    if (auto a = dialog_access(tx, who.employee, *d); !a.ok()) return a.error();
    return detail(tx, id, who.employee.id);
  });
}

Result<std::vector<domain::Dialog>> DialogService::related(const Principal& who, DialogId id) {
  return store_.read_value<std::vector<domain::Dialog>>(
      [&](store::ReadTx& tx) -> Result<std::vector<domain::Dialog>> {
        auto d = tx.dialog_by_id(id);
        if (!d.ok()) return std::move(d).take_error();
        if (auto a = dialog_access(tx, who.employee, *d); !a.ok()) return a.error();
        auto all = tx.related_dialogs(id, 50);
        if (!all.ok()) return all;
        std::vector<domain::Dialog> out;  // only those the caller may open
        for (auto& r : *all)
          if (dialog_access(tx, who.employee, r).ok()) out.push_back(std::move(r));
        return out;
      });
}

Result<store::Page<domain::Session>> DialogService::sessions(const Principal& who, DialogId id,
                                                             SessionId before, int limit) {
  return store_.read_value<store::Page<domain::Session>>(
      [&](store::ReadTx& tx) -> Result<store::Page<domain::Session>> {
        auto d = tx.dialog_by_id(id);
        if (!d.ok()) return std::move(d).take_error();
        if (auto a = dialog_access(tx, who.employee, *d); !a.ok()) return a.error();
        return tx.list_sessions(id, before, limit);
      });
}

Result<store::Page<domain::Message>> DialogService::history(const Principal& who, DialogId id,
                                                            MessageId before, int limit) {
  return store_.read_value<store::Page<domain::Message>>(
      [&](store::ReadTx& tx) -> Result<store::Page<domain::Message>> {
        auto d = tx.dialog_by_id(id);
        if (!d.ok()) return std::move(d).take_error();
        if (auto a = dialog_access(tx, who.employee, *d); !a.ok()) return a.error();
        return tx.list_messages(id, before, limit, true);
      });
}

Status DialogService::set_delivery(MessageId id, domain::DeliveryStatus status,
                                   std::optional<ChannelId> channel) {
  using domain::DeliveryStatus;
  auto rank = [](DeliveryStatus d) {
    switch (d) {
      case DeliveryStatus::kNone: return 0;
      case DeliveryStatus::kPending: return 1;
      case DeliveryStatus::kSent: return 2;
      case DeliveryStatus::kDelivered: return 3;
      case DeliveryStatus::kRead: return 4;
      case DeliveryStatus::kFailed: return 5;
    }
    return 0;
  };
  return write_with_events(store_, hub_, [&](store::WriteTx& tx, TxEvents& ev) -> Status {
    auto m = tx.message_by_id(id);
    if (!m.ok() || (channel && m->channel_id != *channel) ||
        m->author_kind != domain::AuthorKind::kOperator || m->hidden)
      return Error::not_found("message not found");
    if (m->delivery == DeliveryStatus::kFailed || rank(status) <= rank(m->delivery)) return {};
    m->delivery = status;
    if (Status u = tx.update_message(*m); !u.ok()) return u;
    auto d = tx.dialog_by_id(m->dialog_id);
    if (!d.ok()) return std::move(d).take_error();
    return emit_message_updated(tx, ev, *d, *m);
  });
}

Result<domain::Message> DialogService::retry_delivery(const Principal& who, MessageId id) {
  domain::Message out;
  Status st = write_with_events(store_, hub_, [&](store::WriteTx& tx, TxEvents& ev) -> Status {
    auto v = visible_message(tx, who.employee, id);
    if (!v.ok()) return std::move(v).take_error();
    domain::Message& m = v->message;
    if (m.delivery != domain::DeliveryStatus::kFailed)
      return Error::conflict("only a message whose delivery failed can be sent again");
    if (m.deleted_at) return Error::conflict("the message was deleted");
    auto row = tx.outbox_by_message(m.id);
    if (!row.ok()) return row.error();
    row->status = domain::OutboxStatus::kPending;
    row->attempts = 0;
    row->next_attempt_at = clock_.now();
    row->last_error.clear();
    if (Status u = tx.update_outbox(*row); !u.ok()) return u;
    m.delivery = domain::DeliveryStatus::kPending;
    if (Status u = tx.update_message(m); !u.ok()) return u;
    out = m;
    return emit_message_updated(tx, ev, v->dialog, m);
  });
  if (!st.ok()) return st.error();
  if (outbox_hook_) outbox_hook_();
  return out;
}

std::unordered_map<std::int64_t, std::string> DialogService::author_names_of(
    const std::vector<domain::Message>& messages) {
  using Names = std::unordered_map<std::int64_t, std::string>;
  auto names = store_.read_value<Names>(
      [&](store::ReadTx& tx) -> Result<Names> { return author_names(tx, messages); });
  return names.ok() ? std::move(*names) : Names{};
}

Result<domain::Message> DialogService::edit_message(const Principal& who, MessageId id,
                                                    std::string text) {
  if (Status st = domain::validate_message_text(text); !st.ok()) return st.error();
  domain::Message out;
  bool queued = false;
  Status st = write_with_events(store_, hub_, [&](store::WriteTx& tx, TxEvents& ev) -> Status {
    auto v = visible_message(tx, who.employee, id);
    if (!v.ok()) return std::move(v).take_error();
    domain::Message* m = &v->message;
    const domain::Dialog* d = &v->dialog;
    const bool own = m->author_kind == domain::AuthorKind::kOperator &&
                     m->author_employee == who.employee.id;
    const bool admin = who.employee.role == domain::Role::kAdmin &&
                       m->author_kind == domain::AuthorKind::kOperator;
    if (!own && !admin) return Error::forbidden("only the author (or an admin) may edit a message");
    if (m->deleted_at) return Error::conflict("the message was deleted");
    if (m->text == text) {  // nothing changes: no history entry, no event, no webhook
      out = *m;
      return {};
    }
    const UnixMs now = clock_.now();
    if (Status h = tx.insert_message_edit({m->id, m->text, who.employee.id, now}); !h.ok()) return h;
    m->text = std::move(text);
    m->edited_at = now;
    if (Status u = tx.update_message(*m); !u.ok()) return u;
    out = *m;
    auto q = queue_outbound(tx, *d, *m, "message.updated", author_name(tx, *m), now);
    if (!q.ok()) return q.error();
    queued = *q;
    return emit_message_updated(tx, ev, *d, *m);
  });
  if (!st.ok()) return st.error();
  if (queued && outbox_hook_) outbox_hook_();
  return out;
}

Status DialogService::edit_inbound(ChannelId channel, const std::string& external_id,
                                   std::string text) {
  if (Status st = domain::validate_message_text(text); !st.ok()) return st;
  return write_with_events(store_, hub_, [&](store::WriteTx& tx, TxEvents& ev) -> Status {
    auto m = tx.message_by_external(channel, external_id);
    if (!m.ok()) return m.error();
    if (m->author_kind != domain::AuthorKind::kCustomer)
      return Error::forbidden("only the customer's own messages change this way");
    if (m->deleted_at || m->text == text) return {};
    auto d = tx.dialog_by_id(m->dialog_id);
    if (!d.ok()) return d.error();
    const UnixMs now = clock_.now();
    if (Status h = tx.insert_message_edit({m->id, m->text, EmployeeId(), now}); !h.ok()) return h;
    m->text = std::move(text);
    m->edited_at = now;
    if (Status u = tx.update_message(*m); !u.ok()) return u;
    return emit_message_updated(tx, ev, *d, *m);
  });
}

Status DialogService::set_external_id(MessageId id, const std::string& external_id) {
  return store_.write([&](store::WriteTx& tx) -> Status {
    auto m = tx.message_by_id(id);
    if (!m.ok()) return m.error();
    if (m->external_id == external_id) return {};
    m->external_id = external_id;
    return tx.update_message(*m);
  });
}

Result<std::vector<domain::MessageEdit>> DialogService::message_edits(const Principal& who,
                                                                      MessageId id) {
  return store_.read_value<std::vector<domain::MessageEdit>>(
      [&](store::ReadTx& tx) -> Result<std::vector<domain::MessageEdit>> {
        if (auto v = visible_message(tx, who.employee, id); !v.ok()) return v.error();
        return tx.message_edits(id);
      });
}

Result<domain::Message> DialogService::delete_message(const Principal& who, MessageId id) {
  domain::Message out;
  bool queued = false;
  Status st = write_with_events(store_, hub_, [&](store::WriteTx& tx, TxEvents& ev) -> Status {
    auto v = visible_message(tx, who.employee, id);
    if (!v.ok()) return std::move(v).take_error();
    domain::Message* m = &v->message;
    const domain::Dialog* d = &v->dialog;
    const DialogAccess* access = &v->access;
    const bool own = m->author_kind == domain::AuthorKind::kOperator &&
                     m->author_employee == who.employee.id;
    if (!own && !(access->sees_all && m->author_kind == domain::AuthorKind::kOperator))
      return Error::forbidden("only the author (or an admin or supervisor) may delete a message");
    if (m->deleted_at) return Error::conflict("the message was already deleted");
    const UnixMs now = clock_.now();
    m->deleted_at = now;
    if (Status u = tx.update_message(*m); !u.ok()) return u;
    out = *m;
    auto q = queue_outbound(tx, *d, *m, "message.deleted", author_name(tx, *m), now);
    if (!q.ok()) return q.error();
    queued = *q;
    return emit_message_updated(tx, ev, *d, *m);
  });
  if (!st.ok()) return st.error();
  if (queued && outbox_hook_) outbox_hook_();
  return out;
}

Status DialogService::typing(const Principal& who, DialogId id) {
  auto rec = store_.read_value<domain::EventRecord>(
      [&](store::ReadTx& tx) -> Result<domain::EventRecord> {
        auto d = tx.dialog_by_id(id);
        if (!d.ok()) return std::move(d).take_error();
        if (auto a = dialog_access(tx, who.employee, *d); !a.ok()) return a.error();
        auto e = dialog_event(tx, *d, "typing");
        if (!e.ok()) return e;
        e->data = views::to_text(json::object{
            {"dialog_id", d->id.get()},
            {"author", json::object{{"kind", "operator"}, {"id", who.employee.id.get()},
                                    {"name", who.employee.name}}}});
        auto line = tx.line_by_id(d->line_id);
        const bool shows = !line.ok() || line->show_operator;
        e->customer_data = views::to_text(json::object{
            {"dialog_id", d->id.get()},
            {"author", json::object{{"kind", "operator"},
                                    {"name", shows ? who.employee.name : std::string()}}}});
        return e;
      });
  if (!rec.ok()) return rec.error();
  hub_.publish_ephemeral(std::move(*rec));
  return {};
}

}  // namespace omniline::services
