#include "services/dialog_events.h"

#include <algorithm>

#include "domain/bbcode.h"
#include "domain/permissions.h"
#include "services/files.h"
#include "services/views.h"

namespace omniline::services {
namespace json = boost::json;

Result<DialogAccess> dialog_access(store::ReadTx& tx, const domain::Employee& e,
                                   const domain::Dialog& d) {
  DialogAccess a;
  a.sees_all = domain::may(e.role, domain::Action::kViewAllDialogs);
  if (!a.sees_all) {
    auto lines = tx.lines_of_employee(e.id);
    if (!lines.ok()) return std::move(lines).take_error();
    a.in_line = std::find(lines->begin(), lines->end(), d.line_id) != lines->end();
    auto member = tx.is_member(d.id, e.id);
    if (!member.ok()) return std::move(member).take_error();
    a.member = *member;
  }
  if (!a.any()) return Error::not_found("dialog not found");
  return a;
}

Result<VisibleMessage> visible_message(store::ReadTx& tx, const domain::Employee& e, MessageId id) {
  auto m = tx.message_by_id(id);
  if (!m.ok()) return std::move(m).take_error();
  auto d = tx.dialog_by_id(m->dialog_id);
  if (!d.ok()) return std::move(d).take_error();
  auto access = dialog_access(tx, e, *d);
  if (!access.ok()) return Error::not_found("message not found");
  return VisibleMessage{std::move(*m), std::move(*d), *access};
}

std::string author_name(store::ReadTx& tx, const domain::Message& m) {
  if (m.author_kind == domain::AuthorKind::kOperator) {
    auto e = tx.employee_by_id(m.author_employee);
    return e.ok() ? e->name : std::string();
  }
  if (m.author_kind == domain::AuthorKind::kCustomer) {
    auto c = tx.customer_by_id(m.author_customer);
    return c.ok() ? c->name : std::string();
  }
  return {};
}

std::unordered_map<std::int64_t, std::string> author_names(
    store::ReadTx& tx, const std::vector<domain::Message>& messages) {
  std::unordered_map<std::int64_t, std::string> out;
  std::unordered_map<std::int64_t, std::string> employees, customers;
  for (const auto& m : messages) {
    std::unordered_map<std::int64_t, std::string>* cache = nullptr;
    std::int64_t key = 0;
    if (m.author_kind == domain::AuthorKind::kOperator) {
      cache = &employees;
      key = m.author_employee.get();
    } else if (m.author_kind == domain::AuthorKind::kCustomer) {
      cache = &customers;
      key = m.author_customer.get();
    }
    if (!cache) {
      out[m.id.get()] = std::string();
      continue;
    }
    auto it = cache->find(key);
    if (it == cache->end()) it = cache->emplace(key, author_name(tx, m)).first;
    out[m.id.get()] = it->second;
  }
  return out;
}

Result<domain::EventRecord> dialog_event(store::ReadTx& tx, const domain::Dialog& d,
                                         const char* type) {
  domain::EventRecord e;
  e.type = type;
  e.at = now_ms();
  e.line_id = d.line_id;
  e.dialog_id = d.id;
  auto members = tx.members(d.id);
  if (!members.ok()) return std::move(members).take_error();
  e.employee_ids = std::move(*members);
  e.customer_id = d.customer_id;
  return e;
}

namespace {
// The connector downloads files by signed, expiring links, absolute when --public-url is set.
json::array outbound_files(const domain::Message& m) {
  json::array out;
  if (m.deleted_at) return out;
  auto urls = file_urls();
  for (const auto& f : m.files)
    out.push_back(json::object{{"id", f.id.get()},
                               {"name", f.name},
                               {"size", f.size},
                               {"mime", f.mime},
                               {"url", urls ? urls->absolute(f.id) : std::string()}});
  return out;
}
}  // namespace

Result<bool> queue_outbound(store::WriteTx& tx, const domain::Dialog& d, const domain::Message& m,
                            const std::string& kind, const std::string& author, UnixMs now) {
  if (m.hidden || m.author_kind != domain::AuthorKind::kOperator) return false;
  auto channel = tx.channel_by_id(d.channel_id);
  if (!channel.ok() || !domain::delivered_by_outbox(channel->kind)) return false;
  auto customer = tx.customer_by_id(d.customer_id);
  if (!customer.ok()) return customer.error();
  const auto nodes = domain::bbcode::parse(m.deleted_at ? std::string() : m.text);
  json::object message{
      {"id", m.id.get()},
      {"text", domain::bbcode::without_mentions(nodes)},
      {"text_plain", domain::bbcode::to_plain_text(nodes)},
      {"reply_to", m.reply_to.is_valid() ? json::value(m.reply_to.get()) : json::value()},
      {"author", json::object{{"name", author}}},
      {"created_at", format_rfc3339(m.created_at)},
      {"files", outbound_files(m)}};
  if (kind != "message") {
    message["edited_at"] = m.edited_at ? json::value(format_rfc3339(*m.edited_at)) : json::value();
    message["deleted"] = m.deleted_at.has_value();
  }
  domain::OutboxItem item;
  item.kind = kind;
  item.channel_id = d.channel_id;
  item.message_id = m.id;
  item.payload = views::to_text(json::object{{"event", kind},
                                             {"channel_id", d.channel_id.get()},
                                             {"dialog_id", d.id.get()},
                                             {"user", json::object{{"id", customer->external_id}}},
                                             {"chat", json::object{{"id", d.external_chat_id}}},
                                             {"message", std::move(message)}});
  item.next_attempt_at = now;
  item.created_at = now;
  if (auto o = tx.insert_outbox(item); !o.ok()) return o.error();
  return true;
}

ShownAuthor shown_to_customer(store::ReadTx& tx, const domain::Dialog& d, const domain::Message& m,
                              std::optional<bool>& line_shows) {
  if (m.author_kind != domain::AuthorKind::kOperator) return {author_name(tx, m), ""};
  if (!line_shows) {
    auto line = tx.line_by_id(d.line_id);
    line_shows = !line.ok() || line->show_operator;  // a deleted line: the default
  }
  if (!*line_shows) return {};
  auto e = tx.employee_by_id(m.author_employee);
  if (!e.ok()) return {};
  return {e->name, e->avatar_url};
}

namespace {

bool customer_sees(const domain::Message& m) {
  return !m.hidden && m.author_kind != domain::AuthorKind::kSystem;
}

Status emit_message_event(store::WriteTx& tx, TxEvents& ev, const domain::Dialog& d,
                          const domain::Message& m, const char* type) {
  auto e = dialog_event(tx, d, type);
  if (!e.ok()) return std::move(e).take_error();
  const std::string name = author_name(tx, m);
  e->data = views::to_text(json::object{{"message", views::message(m, name)}});
  if (customer_sees(m)) {
    std::optional<bool> line_shows;
    const ShownAuthor shown = shown_to_customer(tx, d, m, line_shows);
    e->customer_data = views::to_text(
        json::object{{"message", views::customer_message(m, shown.name, shown.avatar_url)}});
  }
  return ev.emit(std::move(*e));
}

// Inserts the message into the dialog and makes it the dialog's last message in `d`; the
// callers write that to the row, whole or only those two columns.
Status insert_into_dialog(store::WriteTx& tx, domain::Dialog& d, domain::Message& m) {
  m.dialog_id = d.id;
  m.channel_id = d.channel_id;
  auto id = tx.insert_message(m);
  if (!id.ok()) return std::move(id).take_error();
  m.id = *id;
  // Hidden notes and system lines do not move the dialog up for the customer, but they are
  // activity for employees.
  d.last_message_id = m.id;
  d.last_message_at = m.created_at;
  return {};
}

}  // namespace

Status store_message(store::WriteTx& tx, domain::Dialog& d, domain::Message& m) {
  if (Status st = insert_into_dialog(tx, d, m); !st.ok()) return st;
  return tx.update_dialog(d);
}

Status append_message(store::WriteTx& tx, domain::Dialog& d, domain::Message& m) {
  if (Status st = insert_into_dialog(tx, d, m); !st.ok()) return st;
  return tx.set_dialog_last_message(d.id, d.last_message_id, d.last_message_at);
}

Status add_message(store::WriteTx& tx, TxEvents& ev, domain::Dialog& d, domain::Message& m) {
  if (Status st = store_message(tx, d, m); !st.ok()) return st;
  return emit_message_event(tx, ev, d, m, "message.created");
}

Status emit_message_with_dialog(store::WriteTx& tx, TxEvents& ev, const domain::Dialog& d,
                                const domain::Session& s, const domain::Message& m) {
  auto e = dialog_event(tx, d, "message.created");
  if (!e.ok()) return std::move(e).take_error();
  auto c = tx.customer_by_id(d.customer_id);
  if (!c.ok()) return std::move(c).take_error();
  auto channel = tx.channel_by_id(d.channel_id);
  const std::string name = author_name(tx, m);
  // `m` is the dialog's last message: no need to read it back.
  e->data = views::to_text(json::object{
      {"message", views::message(m, name)},
      {"dialog", views::dialog(d, s, *c, m, name, channel.ok() ? &*channel : nullptr)}});
  json::object customer{{"dialog", views::customer_dialog(d, s)}};
  if (customer_sees(m)) {
    std::optional<bool> line_shows;
    const ShownAuthor shown = shown_to_customer(tx, d, m, line_shows);
    customer["message"] = views::customer_message(m, shown.name, shown.avatar_url);
  }
  e->customer_data = views::to_text(customer);
  return ev.emit(std::move(*e));
}

Status add_system_message(store::WriteTx& tx, TxEvents& ev, domain::Dialog& d,
                          const domain::Session& s, json::object fields, std::string text,
                          UnixMs now) {
  domain::Message m;
  m.session_id = s.id;
  m.author_kind = domain::AuthorKind::kSystem;
  m.hidden = true;
  m.text = std::move(text);
  m.system = views::to_text(fields);
  m.created_at = now;
  return add_message(tx, ev, d, m);
}

Status emit_dialog(store::WriteTx& tx, TxEvents& ev, const domain::Dialog& d,
                   const domain::Session& s, const char* type) {
  auto e = dialog_event(tx, d, type);
  if (!e.ok()) return std::move(e).take_error();
  auto c = tx.customer_by_id(d.customer_id);
  if (!c.ok()) return std::move(c).take_error();
  std::optional<domain::Message> last;
  std::string last_name;
  if (d.last_message_id.is_valid()) {
    auto m = tx.message_by_id(d.last_message_id);
    if (!m.ok()) return std::move(m).take_error();
    last_name = author_name(tx, *m);
    last = std::move(*m);
  }
  auto channel = tx.channel_by_id(d.channel_id);
  e->data = views::to_text(json::object{
      {"dialog", views::dialog(d, s, *c, last, last_name, channel.ok() ? &*channel : nullptr)}});
  e->customer_data = views::to_text(json::object{{"dialog", views::customer_dialog(d, s)}});
  return ev.emit(std::move(*e));
}

Status emit_message_updated(store::WriteTx& tx, TxEvents& ev, const domain::Dialog& d,
                            const domain::Message& m) {
  return emit_message_event(tx, ev, d, m, "message.updated");
}

}  // namespace omniline::services
