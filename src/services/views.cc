#include "services/views.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "common/clock.h"
#include "domain/bbcode.h"
#include "services/files.h"

namespace omniline::services::views {
namespace json = boost::json;
namespace {

json::value time_or_null(const std::optional<UnixMs>& t) {
  if (!t) return nullptr;
  return json::value(format_rfc3339(*t));
}

template <typename IdT>
json::value id_or_null(IdT id) {
  if (!id.is_valid()) return nullptr;
  return json::value(id.get());
}

json::object author(const domain::Message& m, const std::string& name, bool for_customer) {
  json::object a{{"kind", domain::author_kind_name(m.author_kind)}, {"name", name}};
  if (!for_customer) {
    if (m.author_kind == domain::AuthorKind::kOperator) a["id"] = m.author_employee.get();
    if (m.author_kind == domain::AuthorKind::kCustomer) a["id"] = m.author_customer.get();
  }
  return a;
}

json::value system_or_null(const std::string& system) {
  if (system.empty()) return nullptr;
  boost::system::error_code ec;
  json::value v = json::parse(system, ec);
  if (ec) return nullptr;
  return v;
}

}  // namespace

json::object line(const domain::Line& l) {
  json::array queue;
  for (EmployeeId id : l.queue) queue.push_back(id.get());
  json::array counts;
  for (const auto& n : domain::counted_status_names(l.routing.max_chats_count))
    counts.push_back(json::value(n));
  return json::object{
      {"id", l.id.get()},
      {"name", l.name},
      {"queue", std::move(queue)},
      {"routing",
       json::object{{"mode", domain::routing_mode_name(l.routing.mode)},
                    {"queue_time_s", l.routing.queue_time_s},
                    {"max_chats", l.routing.max_chats},
                    {"max_chats_count", std::move(counts)},
                    {"only_available", l.routing.only_available}}},
      {"show_operator", l.show_operator},
      {"created_at", format_rfc3339(l.created_at)},
      {"updated_at", format_rfc3339(l.updated_at)},
  };
}

json::object channel(const domain::Channel& c, bool with_secret) {
  json::array origins;
  for (const auto& o : c.allowed_origins) origins.push_back(json::value(o));
  json::object o{
      {"id", c.id.get()},
      {"line_id", c.line_id.get()},
      {"kind", domain::channel_kind_name(c.kind)},
      {"name", c.name},
      {"webhook_url", c.webhook_url},
      {"allowed_origins", std::move(origins)},
      {"active", c.active},
      {"created_at", format_rfc3339(c.created_at)},
      {"updated_at", format_rfc3339(c.updated_at)},
  };
  if (c.kind == domain::ChannelKind::kWebchat) o["widget"] = widget(c.widget);
  if (with_secret) o["secret"] = c.secret;
  return o;
}

json::object widget(const domain::WidgetSettings& w) {
  json::array fields;
  for (const auto& n : domain::prechat_field_names(w.prechat_fields)) fields.push_back(json::value(n));
  return json::object{{"title", w.title},
                      {"greeting", w.greeting},
                      {"color", w.color},
                      {"position", w.position_left ? "left" : "right"},
                      {"prechat_fields", std::move(fields)},
                      {"prechat_required", w.prechat_required},
                      {"consent_required", w.consent_required},
                      {"consent_text", w.consent_text}};
}

json::object customer(const domain::Customer& c) {
  return json::object{
      {"id", c.id.get()},           {"channel_id", c.channel_id.get()},
      {"external_id", c.external_id}, {"name", c.name},
      {"email", c.email},           {"phone", c.phone},
      {"created_at", format_rfc3339(c.created_at)},
  };
}

json::object session(const domain::Session& s) {
  return json::object{
      {"id", s.id.get()},
      {"status", domain::session_status_name(s.status)},
      {"operator_id", id_or_null(s.operator_id)},
      {"line_id", s.line_id.get()},
      {"pinned", s.pinned},
      {"offer_deadline", time_or_null(s.offer_deadline)},
      {"created_at", format_rfc3339(s.created_at)},
      {"assigned_at", time_or_null(s.assigned_at)},
      {"answered_at", time_or_null(s.answered_at)},
      {"first_reply_at", time_or_null(s.first_reply_at)},
      {"closed_at", time_or_null(s.closed_at)},
      {"message_count", s.message_count},
  };
}

std::string display_title(const domain::Dialog& d, const domain::Customer& c) {
  if (!d.title.empty()) return d.title;
  if (!c.name.empty()) return c.name;
  return "Customer #" + std::to_string(c.id.get());
}

json::object channel_brief(const domain::Channel& c) {
  return json::object{
      {"id", c.id.get()}, {"kind", domain::channel_kind_name(c.kind)}, {"name", c.name}};
}

json::object dialog(const domain::Dialog& d, const domain::Session& s, const domain::Customer& c,
                    const std::optional<domain::Message>& last_message,
                    const std::string& last_author_name, const domain::Channel* channel) {
  return json::object{
      {"id", d.id.get()},
      {"chat_id", d.id.get()},
      {"line_id", d.line_id.get()},
      {"channel_id", d.channel_id.get()},
      {"channel", channel ? json::value(channel_brief(*channel)) : json::value()},
      {"title", display_title(d, c)},
      {"custom_title", !d.title.empty()},
      {"customer", customer(c)},
      {"session", session(s)},
      {"last_message",
       last_message ? json::value(message(*last_message, last_author_name)) : json::value()},
      {"last_message_at", d.last_message_at ? json::value(format_rfc3339(d.last_message_at))
                                            : json::value()},
      {"customer_read_id", d.customer_read_id.get()},
      {"created_at", format_rfc3339(d.created_at)},
  };
}

json::array files(const domain::Message& m) {
  json::array out;
  if (m.deleted_at) return out;  // a deleted message withdraws its files
  auto urls = file_urls();
  for (const auto& f : m.files)
    out.push_back(json::object{{"id", f.id.get()},
                               {"name", f.name},
                               {"size", f.size},
                               {"mime", f.mime},
                               {"image", domain::is_inline_image(f.mime)},
                               {"url", urls ? urls->path(f.id) : std::string()}});
  return out;
}

json::object file(const domain::StoredFile& f) {
  auto urls = file_urls();
  return json::object{
      {"id", f.id.get()},
      {"name", f.name},
      {"size", f.size},
      {"mime", f.mime},
      {"image", domain::is_inline_image(f.mime)},
      {"url", urls ? urls->path(f.id) : std::string()},
      {"created_at", format_rfc3339(f.created_at)},
      {"uploaded_by", f.uploader_employee.is_valid() ? json::value(f.uploader_employee.get()) : json::value()},
      {"folder_id", f.drive_folder ? json::value(f.drive_folder->get()) : json::value()}};
}

json::object folder(const domain::DriveFolder& f) {
  return json::object{{"id", f.id.get()},
                      {"parent_id", f.parent.get()},
                      {"name", f.name},
                      {"created_by", f.created_by.get()},
                      {"created_at", format_rfc3339(f.created_at)}};
}

json::object message(const domain::Message& m, const std::string& author_name) {
  const bool deleted = m.deleted_at.has_value();
  return json::object{
      {"id", m.id.get()},
      {"dialog_id", m.dialog_id.get()},
      {"session_id", m.session_id.get()},
      {"author", author(m, author_name, false)},
      {"text", deleted ? std::string() : m.text},
      {"hidden", m.hidden},
      {"reply_to", id_or_null(m.reply_to)},
      {"external_id", m.external_id.empty() ? json::value() : json::value(m.external_id)},
      {"system", system_or_null(m.system)},
      {"delivery", domain::delivery_status_name(m.delivery)},
      {"created_at", format_rfc3339(m.created_at)},
      {"edited_at", time_or_null(m.edited_at)},
      {"deleted", deleted},
      {"files", files(m)},
  };
}

json::object employee_brief(const domain::Employee& e) {
  return json::object{{"id", e.id.get()},
                      {"name", e.name},
                      {"avatar_url", e.avatar_url},
                      {"role", domain::role_name(e.role)}};
}

json::object customer_message(const domain::Message& m, const std::string& author_name,
                              const std::string& avatar_url) {
  const bool deleted = m.deleted_at.has_value();
  // Colleagues' mentions are for staff: the customer reads the names as text.
  const std::string text =
      deleted ? std::string() : domain::bbcode::without_mentions(domain::bbcode::parse(m.text));
  json::object who = author(m, author_name, true);
  if (m.author_kind == domain::AuthorKind::kOperator) who["avatar_url"] = avatar_url;
  json::object o{
      {"id", m.id.get()},
      {"dialog_id", m.dialog_id.get()},
      {"author", std::move(who)},
      {"text", text},
      {"reply_to", id_or_null(m.reply_to)},
      {"created_at", format_rfc3339(m.created_at)},
      {"edited_at", time_or_null(m.edited_at)},
      {"deleted", deleted},
      {"files", files(m)},
  };
  if (m.author_kind == domain::AuthorKind::kCustomer && !m.external_id.empty()) {
    // Widget messages are stored as "c<customer id>:<client id>": give back what was sent.
    // Built by appending: GCC 12 at -O3 gives a false -Wrestrict for `"c" + std::to_string(…)`.
    std::string prefix = "c";
    prefix += std::to_string(m.author_customer.get());
    prefix += ':';
    o["client_id"] = m.external_id.starts_with(prefix) ? m.external_id.substr(prefix.size())
                                                       : m.external_id;
  }
  return o;
}

json::object customer_dialog(const domain::Dialog& d, const domain::Session& s) {
  return json::object{
      {"id", d.id.get()},
      {"status", domain::is_open(s.status) ? "open" : "closed"},
      {"operator_assigned", s.operator_id.is_valid() && !domain::is_unanswered(s.status)},
  };
}

std::string to_text(const json::object& o) { return json::serialize(o); }

}  // namespace omniline::services::views
