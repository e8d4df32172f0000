#include "services/widget_service.h"

#include "domain/text.h"
#include "services/crypto.h"
#include "services/views.h"

namespace omniline::services {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxLimiterKeys = 100'000;
constexpr std::string_view kTokenPrefix = "olw_";

std::string token_hash(std::string_view token) { return crypto::digest(token); }

}  // namespace

int WindowLimiter::hit(const std::string& key, UnixMs now) {
  std::lock_guard lock(mu_);
  if (windows_.size() >= kMaxLimiterKeys) {
    std::erase_if(windows_, [&](const auto& kv) { return now - kv.second.start >= window_; });
    if (windows_.size() >= kMaxLimiterKeys) windows_.clear();  // never grow without bound
  }
  Window& w = windows_[key];
  if (now - w.start >= window_) w = {now, 0};
  if (w.count >= max_) return static_cast<int>((w.start + window_ - now + 999) / 1000);
  ++w.count;
  return 0;
}

Result<WidgetSession> WidgetService::start(const WidgetStart& in) {
  if (in.name.size() > 200) return Error::invalid("name is too long");
  if (in.email.size() > 254) return Error::invalid("email is too long");
  if (in.phone.size() > 50) return Error::invalid("phone is too long");
  for (const std::string* f : {&in.name, &in.email, &in.phone})
    if (!domain::text::valid_utf8(*f) || domain::text::has_control_chars(*f))
      return Error::invalid("name, email and phone must be plain text");
  auto channel = store_.read_value<domain::Channel>(
      [&](store::ReadTx& tx) { return tx.channel_by_id(in.channel); });
  if (!channel.ok() || channel->kind != domain::ChannelKind::kWebchat || !channel->active)
    return Error::not_found("no such chat");
  if (!in.origin.empty() && !domain::origin_allowed(*channel, in.origin))
    return Error::forbidden("this website may not use the chat");
  WidgetSession out;
  out.channel = *channel;
  if (in.token) {
    auto caller = authenticate(*in.token);
    if (caller.ok() && caller->channel.id == in.channel) {
      out.token = *in.token;
      out.customer = std::move(caller->customer);
    }
  }
  // A new visitor must pass the channel's pre-chat form and consent; a returning one did.
  const bool resuming = out.customer.id.is_valid();
  const domain::WidgetSettings& w = channel->widget;
  if (!resuming && w.consent_required && !in.consent)
    return Error::invalid("the visitor must accept the consent text first (consent: true)");
  if (!resuming && w.prechat_required) {
    if ((w.prechat_fields & domain::kPrechatName) && domain::text::trim(in.name).empty())
      return Error::invalid("name is required");
    if ((w.prechat_fields & domain::kPrechatEmail) && domain::text::trim(in.email).empty())
      return Error::invalid("email is required");
    if ((w.prechat_fields & domain::kPrechatPhone) && domain::text::trim(in.phone).empty())
      return Error::invalid("phone is required");
  }
  const UnixMs now = clock_.now();
  Status st = store_.write([&](store::WriteTx& tx) -> Status {
    if (out.customer.id.is_valid()) {
      bool changed = false;
      if (!in.name.empty() && in.name != out.customer.name) out.customer.name = in.name, changed = true;
      if (!in.email.empty() && in.email != out.customer.email) out.customer.email = in.email, changed = true;
      if (!in.phone.empty() && in.phone != out.customer.phone) out.customer.phone = in.phone, changed = true;
      if (changed) {
        out.customer.updated_at = now;
        if (Status u = tx.update_customer(out.customer); !u.ok()) return u;
      }
      auto d = tx.dialog_by_key(in.channel, out.customer.id, "");
      if (d.ok()) {
        auto s = tx.session_by_id(d->session_id);
        if (s.ok()) out.session = *s;
        out.dialog = std::move(*d);
      }
      return {};
    }
    out.token = std::string(kTokenPrefix) + crypto::random_token(32);
    domain::Customer c;
    c.channel_id = in.channel;
    c.external_id = "web-" + crypto::random_hex(16);
    c.name = in.name;
    c.email = in.email;
    c.phone = in.phone;
    c.token_hash = token_hash(out.token);
    c.created_at = c.updated_at = now;
    auto id = tx.insert_customer(c);
    if (!id.ok()) return std::move(id).take_error();
    c.id = *id;
    out.customer = std::move(c);
    return {};
  });
  if (!st.ok()) return st.error();
  return out;
}

Result<WidgetCaller> WidgetService::authenticate(std::string_view token) {
  if (!token.starts_with(kTokenPrefix) || token.size() > 100)
    return Error::unauthorized("a customer token is required");
  const std::string hash = token_hash(token);
  auto out = store_.read_value<WidgetCaller>([&](store::ReadTx& tx) -> Result<WidgetCaller> {
    auto c = tx.customer_by_token_hash(hash);
    if (!c.ok()) return std::move(c).take_error();
    auto ch = tx.channel_by_id(c->channel_id);
    if (!ch.ok()) return std::move(ch).take_error();
    return WidgetCaller{std::move(*c), std::move(*ch)};
  });
  if (!out.ok() || !out->channel.active) return Error::unauthorized("unknown or expired customer token");
  return out;
}

Result<domain::Message> WidgetService::send(const WidgetCaller& who, const std::string& text,
                                            const std::string& client_id,
                                            std::vector<FileId> files) {
  if (client_id.size() > 100) return Error::invalid("client_id is too long");
  InboundMessage in;
  in.channel = who.channel.id;
  in.user_id = who.customer.external_id;
  in.text = text;
  in.files = std::move(files);
  // Client ids are the customer's own: scope them so two customers never collide.
  // (Appended piecewise: GCC 12 at -O3 gives a false -Wrestrict for `"c" + std::to_string(…)`.)
  in.message_id = "c";
  in.message_id += std::to_string(who.customer.id.get());
  in.message_id += ':';
  in.message_id += client_id.empty() ? crypto::random_hex(16) : client_id;
  auto r = dialogs_.ingest(in);
  if (!r.ok()) return std::move(r).take_error();
  return store_.read_value<domain::Message>(
      [&](store::ReadTx& tx) { return tx.message_by_id(r->message); });
}

Result<ChannelId> WidgetService::demo_channel() {
  return store_.read_value<ChannelId>([&](store::ReadTx& tx) -> Result<ChannelId> {
    store::PageRequest page{0, 200};
    for (;;) {
      auto lines = tx.list_lines(page);
      if (!lines.ok()) return std::move(lines).take_error();
      for (const auto& l : lines->items) {
        auto channels = tx.list_channels(l.id);
        if (!channels.ok()) return std::move(channels).take_error();
        for (const auto& c : *channels)
          if (c.kind == domain::ChannelKind::kWebchat && c.active) return c.id;
      }
      if (!lines->has_more || lines->items.empty()) break;
      page.after = lines->items.back().id.get();
    }
    return Error::not_found("no website chat channel yet");
  });
}

Result<WidgetConfig> WidgetService::config(ChannelId channel, const std::string& origin) {
  return store_.read_value<WidgetConfig>([&](store::ReadTx& tx) -> Result<WidgetConfig> {
    auto c = tx.channel_by_id(channel);
    if (!c.ok() || c->kind != domain::ChannelKind::kWebchat || !c->active)
      return Error::not_found("no such chat");
    if (!origin.empty() && !domain::origin_allowed(*c, origin))
      return Error::forbidden("this website may not use the chat");
    auto line = tx.line_by_id(c->line_id);
    return WidgetConfig{std::move(*c), !line.ok() || line->show_operator};
  });
}

Result<WidgetHistory> WidgetService::history(const WidgetCaller& who, MessageId before,
                                             int limit) {
  return store_.read_value<WidgetHistory>([&](store::ReadTx& tx) -> Result<WidgetHistory> {
    WidgetHistory out;
    auto d = tx.dialog_by_key(who.channel.id, who.customer.id, "");
    if (!d.ok()) {
      if (d.error().code == ErrorCode::kNotFound) return out;
      return std::move(d).take_error();
    }
    // Hidden messages are filtered by the store; system messages are always hidden.
    auto page = tx.list_messages(d->id, before, limit, false);
    if (!page.ok()) return std::move(page).take_error();
    out.page = std::move(*page);
    std::optional<bool> line_shows;
    for (const auto& m : out.page.items)
      out.authors[m.id.get()] = shown_to_customer(tx, *d, m, line_shows);
    return out;
  });
}

Status WidgetService::typing(const WidgetCaller& who) {
  auto rec = store_.read_value<domain::EventRecord>(
      [&](store::ReadTx& tx) -> Result<domain::EventRecord> {
        auto d = tx.dialog_by_key(who.channel.id, who.customer.id, "");
        if (!d.ok()) return std::move(d).take_error();
        auto e = dialog_event(tx, *d, "typing");  // no customer data: not echoed to them
        if (!e.ok()) return e;
        e->data = views::to_text(json::object{
            {"dialog_id", d->id.get()},
            {"author", json::object{{"kind", "customer"}, {"id", who.customer.id.get()},
                                    {"name", who.customer.name}}}});
        return e;
      });
  if (!rec.ok()) return rec.error().code == ErrorCode::kNotFound ? Status{} : Status(rec.error());
  hub_.publish_ephemeral(std::move(*rec));
  return {};
}

Status WidgetService::read(const WidgetCaller& who, MessageId upto) {
  return write_with_events(store_, hub_, [&](store::WriteTx& tx, TxEvents& ev) -> Status {
    auto d = tx.dialog_by_key(who.channel.id, who.customer.id, "");
    if (!d.ok()) return std::move(d).take_error();
    MessageId id = upto.is_valid() ? upto : d->last_message_id;
    if (upto.is_valid()) {
      auto m = tx.message_by_id(upto);
      if (!m.ok() || m->dialog_id != d->id) return Error::invalid("message_id is not in your dialog");
    }
    if (id.get() <= d->customer_read_id.get()) return {};
    d->customer_read_id = id;
    if (Status u = tx.update_dialog(*d); !u.ok()) return u;
    auto e = dialog_event(tx, *d, "dialog.read");
    if (!e.ok()) return std::move(e).take_error();
    e->data = views::to_text(
        json::object{{"dialog_id", d->id.get()}, {"by", "customer"}, {"message_id", id.get()}});
    e->customer_data = e->data;
    return ev.emit(std::move(*e));
  });
}

}  // namespace omniline::services
