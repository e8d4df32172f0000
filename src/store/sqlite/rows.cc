#include "store/sqlite/rows.h"

#include <sqlite3.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <limits>
#include <optional>
#include <string>

namespace omniline::store::sqlite {
namespace json = boost::json;

namespace {

Error bad_row(const char* table, std::int64_t id, const char* what) {
  return Error::internal(std::string(table) + " " + std::to_string(id) + ": bad " + what);
}

// Parses a JSON column; nullopt when it is not valid JSON.
std::optional<json::value> parse_json(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return std::nullopt;
  return v;
}

std::optional<std::vector<std::int64_t>> parse_ints(std::string_view text) {
  auto v = parse_json(text);
  if (!v || !v->is_array()) return std::nullopt;
  std::vector<std::int64_t> out;
  for (const json::value& e : v->as_array()) {
    if (!e.is_int64()) return std::nullopt;
    out.push_back(e.as_int64());
  }
  return out;
}

template <typename IdT>
std::optional<std::vector<IdT>> parse_ids(std::string_view text) {
  auto raw = parse_ints(text);
  if (!raw) return std::nullopt;
  std::vector<IdT> out;
  out.reserve(raw->size());
  for (std::int64_t v : *raw) out.emplace_back(v);
  return out;
}

std::optional<std::vector<std::string>> parse_strings(std::string_view text) {
  auto v = parse_json(text);
  if (!v || !v->is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const json::value& e : v->as_array()) {
    if (!e.is_string()) return std::nullopt;
    out.emplace_back(e.as_string());
  }
  return out;
}

// A message's files: [{"id", "name", "size", "mime"}, ...].
std::optional<std::vector<domain::FileRef>> parse_files(std::string_view text) {
  if (text == "[]" || text.empty()) return std::vector<domain::FileRef>{};
  auto v = parse_json(text);
  if (!v || !v->is_array()) return std::nullopt;
  std::vector<domain::FileRef> out;
  for (const json::value& e : v->as_array()) {
    const json::object* o = e.if_object();
    if (o == nullptr) return std::nullopt;
    const json::value* id = o->if_contains("id");
    const json::value* name = o->if_contains("name");
    const json::value* size = o->if_contains("size");
    const json::value* mime = o->if_contains("mime");
    if (!id || !id->is_int64() || !name || !name->is_string() || !size || !size->is_int64() ||
        !mime || !mime->is_string())
      return std::nullopt;
    out.push_back(domain::FileRef{FileId(id->as_int64()), std::string(name->as_string()),
                                  size->as_int64(), std::string(mime->as_string())});
  }
  return out;
}

std::optional<int> int_field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_int64()) return std::nullopt;
  const std::int64_t n = v->as_int64();
  if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max()) {
    return std::nullopt;
  }
  return static_cast<int>(n);
}

std::optional<unsigned> parse_counted_mask(const json::value* v) {
  if (v == nullptr || !v->is_array()) return std::nullopt;
  unsigned mask = 0;
  for (const json::value& e : v->as_array()) {
    if (!e.is_string()) return std::nullopt;
    auto bit = domain::parse_counted_status(std::string_view(e.as_string()));
    if (!bit) return std::nullopt;
    mask |= *bit;
  }
  return mask;
}

std::optional<domain::RoutingSettings> parse_routing(std::string_view text) {
  auto v = parse_json(text);
  if (!v || !v->is_object()) return std::nullopt;
  const json::object& o = v->as_object();
  domain::RoutingSettings r;
  const json::value* mode = o.if_contains("mode");
  if (mode == nullptr || !mode->is_string()) return std::nullopt;
  auto m = domain::parse_routing_mode(std::string_view(mode->as_string()));
  auto queue_time = int_field(o, "queue_time_s");
  auto max_chats = int_field(o, "max_chats");
  auto counted = parse_counted_mask(o.if_contains("max_chats_count"));
  const json::value* only = o.if_contains("only_available");
  if (!m || !queue_time || !max_chats || !counted || only == nullptr || !only->is_bool()) {
    return std::nullopt;
  }
  r.mode = *m;
  r.queue_time_s = *queue_time;
  r.max_chats = *max_chats;
  r.max_chats_count = *counted;
  r.only_available = only->as_bool();
  return r;
}

// Missing keys keep their defaults, so settings added later read from older rows.
std::optional<domain::WidgetSettings> parse_widget(std::string_view text) {
  auto v = parse_json(text);
  if (!v || !v->is_object()) return std::nullopt;
  const json::object& o = v->as_object();
  domain::WidgetSettings w;
  auto str = [&](const char* key, std::string& out) {
    if (const json::value* f = o.if_contains(key); f && f->is_string()) out = f->as_string();
  };
  auto flag_of = [&](const char* key, bool& out) {
    if (const json::value* f = o.if_contains(key); f && f->is_bool()) out = f->as_bool();
  };
  str("title", w.title);
  str("greeting", w.greeting);
  str("color", w.color);
  str("consent_text", w.consent_text);
  std::string position;
  str("position", position);
  w.position_left = position == "left";
  flag_of("prechat_required", w.prechat_required);
  flag_of("consent_required", w.consent_required);
  if (const json::value* f = o.if_contains("prechat_fields"); f && f->is_array()) {
    for (const auto& e : f->as_array()) {
      if (!e.is_string()) return std::nullopt;
      auto bit = domain::parse_prechat_field(std::string_view(e.as_string()));
      if (!bit) return std::nullopt;
      w.prechat_fields |= *bit;
    }
  }
  return w;
}

std::optional<domain::OutboxStatus> parse_outbox_status(std::string_view name) {
  for (auto s : {domain::OutboxStatus::kPending, domain::OutboxStatus::kSent,
                 domain::OutboxStatus::kFailed}) {
    if (name == domain::outbox_status_name(s)) return s;
  }
  return std::nullopt;
}

}  // namespace

// --- JSON columns ---

std::string routing_json(const domain::RoutingSettings& r) {
  json::array counted;
  for (const std::string& name : domain::counted_status_names(r.max_chats_count)) {
    counted.emplace_back(name);
  }
  json::object o;
  o["mode"] = domain::routing_mode_name(r.mode);
  o["queue_time_s"] = r.queue_time_s;
  o["max_chats"] = r.max_chats;
  o["max_chats_count"] = std::move(counted);
  o["only_available"] = r.only_available;
  return json::serialize(o);
}

std::string widget_json(const domain::WidgetSettings& w) {
  json::array fields;
  for (const std::string& name : domain::prechat_field_names(w.prechat_fields))
    fields.emplace_back(name);
  return json::serialize(json::object{{"title", w.title},
                                      {"greeting", w.greeting},
                                      {"color", w.color},
                                      {"position", w.position_left ? "left" : "right"},
                                      {"prechat_fields", std::move(fields)},
                                      {"prechat_required", w.prechat_required},
                                      {"consent_required", w.consent_required},
                                      {"consent_text", w.consent_text}});
}

std::string strings_json(const std::vector<std::string>& values) {
  json::array a;
  for (const std::string& s : values) a.emplace_back(s);
  return json::serialize(a);
}

std::string ints_json(const std::vector<std::int64_t>& values) {
  json::array a;
  for (std::int64_t v : values) a.emplace_back(v);
  return json::serialize(a);
}

std::string files_json(const std::vector<domain::FileRef>& files) {
  if (files.empty()) return "[]";
  json::array a;
  for (const auto& f : files)
    a.push_back(json::object{{"id", f.id.get()}, {"name", f.name}, {"size", f.size}, {"mime", f.mime}});
  return json::serialize(a);
}

// --- helpers ---

Result<int> checked_limit(int limit, int max) {
  if (limit < 1) return Error::invalid("limit must be at least 1");
  return std::min(limit, max);
}

Error write_error(const Statement& st, Error e, const char* missing, const char* taken) {
  if (st.last_rc() == SQLITE_CONSTRAINT_FOREIGNKEY) return Error::not_found(missing);
  if (e.code == ErrorCode::kConflict) return Error::conflict(taken);
  return e;
}

// --- rows ---

Result<domain::Line> line_row(const Statement& st, int at) {
  domain::Line l;
  l.id = LineId(st.column_int(at));
  l.name = st.column_text(at + 1);
  auto routing = parse_routing(st.column_text(at + 2));
  if (!routing) return bad_row("line", l.id.get(), "routing");
  l.routing = *routing;
  l.created_at = st.column_int(at + 3);
  l.updated_at = st.column_int(at + 4);
  l.show_operator = st.column_int(at + 5) != 0;
  return l;
}

Result<domain::Channel> channel_row(const Statement& st, int at) {
  domain::Channel c;
  c.id = ChannelId(st.column_int(at));
  c.line_id = LineId(st.column_int(at + 1));
  auto kind = domain::parse_channel_kind(st.column_text(at + 2));
  if (!kind) return bad_row("channel", c.id.get(), "kind");
  c.kind = *kind;
  c.name = st.column_text(at + 3);
  c.secret = st.column_text(at + 4);
  c.webhook_url = st.column_text(at + 5);
  auto origins = parse_strings(st.column_text(at + 6));
  if (!origins) return bad_row("channel", c.id.get(), "allowed_origins");
  c.allowed_origins = std::move(*origins);
  c.active = st.column_int(at + 7) != 0;
  c.created_at = st.column_int(at + 8);
  c.updated_at = st.column_int(at + 9);
  auto widget = parse_widget(st.column_text(at + 10));
  if (!widget) return bad_row("channel", c.id.get(), "widget");
  c.widget = std::move(*widget);
  return c;
}

Result<domain::Customer> customer_row(const Statement& st, int at) {
  domain::Customer c;
  c.id = CustomerId(st.column_int(at));
  c.channel_id = ChannelId(st.column_int(at + 1));
  c.external_id = st.column_text(at + 2);
  c.name = st.column_text(at + 3);
  c.email = st.column_text(at + 4);
  c.phone = st.column_text(at + 5);
  c.token_hash = st.column_blob(at + 6);  // NULL reads as ""
  c.created_at = st.column_int(at + 7);
  c.updated_at = st.column_int(at + 8);
  return c;
}

Result<domain::Dialog> dialog_row(const Statement& st, int at) {
  domain::Dialog d;
  d.id = DialogId(st.column_int(at));
  d.line_id = LineId(st.column_int(at + 1));
  d.channel_id = ChannelId(st.column_int(at + 2));
  d.customer_id = CustomerId(st.column_int(at + 3));
  d.external_chat_id = st.column_text(at + 4);
  d.title = st.column_text(at + 5);
  d.session_id = SessionId(st.column_int(at + 6));
  d.last_message_id = MessageId(st.column_int(at + 7));
  d.last_message_at = st.column_int(at + 8);
  d.customer_read_id = MessageId(st.column_int(at + 9));
  d.created_at = st.column_int(at + 10);
  return d;
}

Result<domain::Session> session_row(const Statement& st, int at) {
  domain::Session s;
  s.id = SessionId(st.column_int(at));
  s.dialog_id = DialogId(st.column_int(at + 1));
  s.line_id = LineId(st.column_int(at + 2));
  auto status = domain::parse_session_status(st.column_text(at + 3));
  if (!status) return bad_row("session", s.id.get(), "status");
  s.status = *status;
  s.operator_id = EmployeeId(st.column_int(at + 4));
  s.pinned = st.column_int(at + 5) != 0;
  auto tried = parse_ids<EmployeeId>(st.column_text(at + 6));
  if (!tried) return bad_row("session", s.id.get(), "tried");
  s.tried = std::move(*tried);
  s.offer_deadline = st.column_optional_int(at + 7);
  s.created_at = st.column_int(at + 8);
  s.assigned_at = st.column_optional_int(at + 9);
  s.answered_at = st.column_optional_int(at + 10);
  s.first_reply_at = st.column_optional_int(at + 11);
  s.closed_at = st.column_optional_int(at + 12);
  s.message_count = st.column_int(at + 13);
  return s;
}

Result<domain::Message> message_row(const Statement& st, int at) {
  domain::Message m;
  m.id = MessageId(st.column_int(at));
  m.dialog_id = DialogId(st.column_int(at + 1));
  m.session_id = SessionId(st.column_int(at + 2));
  m.channel_id = ChannelId(st.column_int(at + 3));
  auto author = domain::parse_author_kind(st.column_text(at + 4));
  if (!author) return bad_row("message", m.id.get(), "author_kind");
  m.author_kind = *author;
  m.author_employee = EmployeeId(st.column_int(at + 5));
  m.author_customer = CustomerId(st.column_int(at + 6));
  m.text = st.column_text(at + 7);
  m.hidden = st.column_int(at + 8) != 0;
  m.reply_to = MessageId(st.column_int(at + 9));
  m.external_id = st.column_text(at + 10);  // NULL reads as ""
  m.system = st.column_text(at + 11);
  auto delivery = domain::parse_delivery_status(st.column_text(at + 12));
  if (!delivery) return bad_row("message", m.id.get(), "delivery");
  m.delivery = *delivery;
  m.created_at = st.column_int(at + 13);
  m.edited_at = st.column_optional_int(at + 14);
  m.deleted_at = st.column_optional_int(at + 15);
  auto files = parse_files(st.column_text(at + 16));
  if (!files) return bad_row("message", m.id.get(), "files");
  m.files = std::move(*files);
  return m;
}

Result<domain::EventRecord> event_row(const Statement& st, int at) {
  domain::EventRecord e;
  e.seq = st.column_int(at);
  e.type = st.column_text(at + 1);
  e.at = st.column_int(at + 2);
  e.line_id = LineId(st.column_int(at + 3));
  e.dialog_id = DialogId(st.column_int(at + 4));
  auto employees = parse_ids<EmployeeId>(st.column_text(at + 5));
  if (!employees) return bad_row("event", e.seq, "employee_ids");
  e.employee_ids = std::move(*employees);
  e.staff_all = st.column_int(at + 6) != 0;
  e.data = st.column_text(at + 7);
  e.customer_id = CustomerId(st.column_int(at + 8));
  e.customer_data = st.column_optional_text(at + 9);
  return e;
}

Result<domain::OutboxItem> outbox_row(const Statement& st, int at) {
  domain::OutboxItem o;
  o.id = OutboxId(st.column_int(at));
  o.channel_id = ChannelId(st.column_int(at + 1));
  o.message_id = MessageId(st.column_int(at + 2));
  o.payload = st.column_text(at + 3);
  auto status = parse_outbox_status(st.column_text(at + 4));
  if (!status) return bad_row("outbox item", o.id.get(), "status");
  o.status = *status;
  o.attempts = static_cast<int>(st.column_int(at + 5));
  o.next_attempt_at = st.column_int(at + 6);
  o.last_error = st.column_text(at + 7);
  o.created_at = st.column_int(at + 8);
  o.sent_at = st.column_optional_int(at + 9);
  o.kind = st.column_text(at + 10);
  return o;
}

}  // namespace omniline::store::sqlite
