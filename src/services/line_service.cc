#include "services/line_service.h"

#include "domain/permissions.h"
#include "services/crypto.h"
#include "services/views.h"

namespace omniline::services {
namespace json = boost::json;
namespace {

Status require_manager(const Principal& actor) {
  if (!domain::may(actor.employee.role, domain::Action::kManageLines))
    return Error::forbidden("only admins manage lines and channels");
  return {};
}

Status validate_line(const domain::Line& l) {
  if (Status st = domain::validate_line_name(l.name); !st.ok()) return st;
  if (Status st = domain::validate_queue(l.queue); !st.ok()) return st;
  return domain::validate_routing(l.routing);
}

Status validate_channel(const domain::Channel& c) {
  if (Status st = domain::validate_channel_name(c.name); !st.ok()) return st;
  if (Status st = domain::validate_webhook_url(c.webhook_url); !st.ok()) return st;
  if (Status st = domain::validate_widget(c.widget); !st.ok()) return st;
  return domain::validate_origins(c.allowed_origins);
}

std::string new_secret() { return "olk_" + crypto::random_token(32); }

}  // namespace

Status LineService::check_queue(store::ReadTx& tx, const std::vector<EmployeeId>& queue) {
  for (EmployeeId id : queue) {
    auto e = tx.employee_by_id(id);
    if (!e.ok() || !e->active)
      return Error::invalid("queue: employee " + std::to_string(id.get()) + " not found");
  }
  return {};
}

Status LineService::emit_line(TxEvents& ev, const domain::Line& line, const char* type) {
  domain::EventRecord e;
  e.type = type;
  e.at = clock_.now();
  e.line_id = line.id;
  e.employee_ids = line.queue;  // realtime connections follow their queue membership
  e.staff_all = true;
  e.data = views::to_text(json::object{{"line", views::line(line)}});
  return ev.emit(std::move(e));
}

Result<domain::Line> LineService::create(const Principal& actor, domain::Line line) {
  if (Status st = require_manager(actor); !st.ok()) return st.error();
  if (Status st = validate_line(line); !st.ok()) return st.error();
  line.created_at = line.updated_at = clock_.now();
  Status st = write_with_events(store_, hub_, [&](store::WriteTx& tx, TxEvents& ev) -> Status {
    if (Status q = check_queue(tx, line.queue); !q.ok()) return q;
    auto id = tx.insert_line(line);
    if (!id.ok()) return std::move(id).take_error();
    line.id = *id;
    return emit_line(ev, line, "line.updated");
  });
  if (!st.ok()) return st.error();
  return line;
}

Result<domain::Line> LineService::get(const Principal&, LineId id) {
  return store_.read_value<domain::Line>([&](store::ReadTx& tx) { return tx.line_by_id(id); });
}

Result<store::Page<domain::Line>> LineService::list(const Principal&, store::PageRequest page) {
  return store_.read_value<store::Page<domain::Line>>(
      [&](store::ReadTx& tx) { return tx.list_lines(page); });
}

Result<domain::Line> LineService::update(const Principal& actor, LineId id,
                                         const LinePatch& patch) {
  if (Status st = require_manager(actor); !st.ok()) return st.error();
  domain::Line line;
  Status st = write_with_events(store_, hub_, [&](store::WriteTx& tx, TxEvents& ev) -> Status {
    auto cur = tx.line_by_id(id);
    if (!cur.ok()) return std::move(cur).take_error();
    line = std::move(*cur);
    if (patch.name) line.name = *patch.name;
    if (patch.queue) line.queue = *patch.queue;
    if (patch.routing) line.routing = *patch.routing;
    if (patch.show_operator) line.show_operator = *patch.show_operator;
    if (Status v = validate_line(line); !v.ok()) return v;
    if (patch.queue) {
      if (Status q = check_queue(tx, line.queue); !q.ok()) return q;
    }
    line.updated_at = clock_.now();
    if (Status u = tx.update_line(line); !u.ok()) return u;
    return emit_line(ev, line, "line.updated");
  });
  if (!st.ok()) return st.error();
  routing_.line_changed(line.id);  // new operators or looser limits may take waiting sessions
  return line;
}

Status LineService::remove(const Principal& actor, LineId id) {
  if (Status st = require_manager(actor); !st.ok()) return st;
  return write_with_events(store_, hub_, [&](store::WriteTx& tx, TxEvents& ev) -> Status {
    auto line = tx.line_by_id(id);
    if (!line.ok()) return std::move(line).take_error();
    auto channels = tx.list_channels(id);
    if (!channels.ok()) return std::move(channels).take_error();
    if (!channels->empty())
      return Error::conflict("the line still has channels; delete them first");
    if (Status d = tx.delete_line(id, clock_.now()); !d.ok()) return d;
    line->queue.clear();
    return emit_line(ev, *line, "line.deleted");
  });
}

Result<domain::Channel> LineService::create_channel(const Principal& actor,
                                                    domain::Channel channel) {
  if (Status st = require_manager(actor); !st.ok()) return st.error();
  if (Status st = validate_channel(channel); !st.ok()) return st.error();
  channel.secret = new_secret();
  channel.created_at = channel.updated_at = clock_.now();
  auto id = store_.write_value<ChannelId>([&](store::WriteTx& tx) -> Result<ChannelId> {
    if (auto line = tx.line_by_id(channel.line_id); !line.ok()) return line.error();
    return tx.insert_channel(channel);
  });
  if (!id.ok()) return std::move(id).take_error();
  channel.id = *id;
  return channel;
}

Result<domain::Channel> LineService::get_channel(const Principal& actor, ChannelId id) {
  if (Status st = require_manager(actor); !st.ok()) return st.error();
  return store_.read_value<domain::Channel>(
      [&](store::ReadTx& tx) { return tx.channel_by_id(id); });
}

Result<std::vector<domain::Channel>> LineService::list_channels(const Principal& actor,
                                                                LineId line) {
  if (Status st = require_manager(actor); !st.ok()) return st.error();
  return store_.read_value<std::vector<domain::Channel>>(
      [&](store::ReadTx& tx) -> Result<std::vector<domain::Channel>> {
        if (auto l = tx.line_by_id(line); !l.ok()) return l.error();
        return tx.list_channels(line);
      });
}

Result<domain::Channel> LineService::update_channel(const Principal& actor, ChannelId id,
                                                    const ChannelPatch& patch) {
  if (Status st = require_manager(actor); !st.ok()) return st.error();
  return store_.write_value<domain::Channel>([&](store::WriteTx& tx) -> Result<domain::Channel> {
    auto c = tx.channel_by_id(id);
    if (!c.ok()) return c;
    if (patch.name) c->name = *patch.name;
    if (patch.webhook_url) c->webhook_url = *patch.webhook_url;
    if (patch.allowed_origins) c->allowed_origins = *patch.allowed_origins;
    if (patch.active) c->active = *patch.active;
    if (patch.widget) c->widget = *patch.widget;
    if (patch.rotate_secret) c->secret = new_secret();
    if (Status v = validate_channel(*c); !v.ok()) return v.error();
    c->updated_at = clock_.now();
    if (Status u = tx.update_channel(*c); !u.ok()) return u.error();
    return c;
  });
}

Status LineService::remove_channel(const Principal& actor, ChannelId id) {
  if (Status st = require_manager(actor); !st.ok()) return st;
  return store_.write([&](store::WriteTx& tx) { return tx.delete_channel(id, clock_.now()); });
}

}  // namespace omniline::services
