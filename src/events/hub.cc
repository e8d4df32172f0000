#include "events/hub.h"

#include <algorithm>

namespace omniline::events {
namespace {

std::shared_ptr<const std::string> frame_text(std::int64_t seq, const std::string& type,
                                              const std::string& data) {
  // `type` is one of our constants and `data` is serialised JSON: splicing them is safe.
  std::string s;
  s.reserve(data.size() + type.size() + 40);
  s += "{\"seq\":";
  s += std::to_string(seq);
  s += ",\"type\":\"";
  s += type;
  s += "\",\"data\":";
  s += data.empty() ? std::string("{}") : data;
  s += '}';
  return std::make_shared<const std::string>(std::move(s));
}

bool lists(const domain::EventRecord& r, EmployeeId id) {
  return std::find(r.employee_ids.begin(), r.employee_ids.end(), id) != r.employee_ids.end();
}

}  // namespace

FramePtr make_frame(domain::EventRecord record) {
  auto f = std::make_shared<Frame>();
  f->staff = frame_text(record.seq, record.type, record.data);
  if (record.customer_id.is_valid() && record.customer_data)
    f->customer = frame_text(record.seq, record.type, *record.customer_data);
  record.data.clear();
  record.customer_data.reset();
  f->record = std::move(record);
  return f;
}

std::shared_ptr<const std::string> visible_frame(Viewer& viewer, const Frame& frame) {
  const domain::EventRecord& r = frame.record;
  if (viewer.customer.is_valid()) {
    if (r.customer_id == viewer.customer) return frame.customer;
    return nullptr;
  }
  if (!viewer.employee.is_valid()) return nullptr;
  if (r.type == "line.updated") {
    if (lists(r, viewer.employee))
      viewer.lines.insert(r.line_id.get());
    else
      viewer.lines.erase(r.line_id.get());
  } else if (r.type == "line.deleted") {
    viewer.lines.erase(r.line_id.get());
  }
  if (r.staff_all || viewer.sees_all) return frame.staff;
  if (r.line_id.is_valid() && viewer.lines.contains(r.line_id.get())) return frame.staff;
  if (lists(r, viewer.employee)) return frame.staff;
  return nullptr;
}

void Hub::publish(std::vector<domain::EventRecord> events) {
  if (events.empty()) return;
  std::vector<FramePtr> frames;
  frames.reserve(events.size());
  for (auto& e : events) frames.push_back(make_frame(std::move(e)));
  auto subs = snapshot();
  for (const auto& f : frames)
    for (const auto& s : subs) s->on_event(f);
}

void Hub::publish_ephemeral(domain::EventRecord event) {
  event.seq = 0;
  FramePtr f = make_frame(std::move(event));
  for (const auto& s : snapshot()) s->on_event(f);
}

std::uint64_t Hub::subscribe(std::weak_ptr<Subscriber> s) {
  std::lock_guard lock(mu_);
  const std::uint64_t id = next_id_++;
  subs_.emplace(id, std::move(s));
  return id;
}

void Hub::unsubscribe(std::uint64_t id) {
  std::lock_guard lock(mu_);
  subs_.erase(id);
}

std::size_t Hub::subscribers() const {
  std::lock_guard lock(mu_);
  return subs_.size();
}

std::vector<std::shared_ptr<Subscriber>> Hub::snapshot() const {
  std::vector<std::shared_ptr<Subscriber>> out;
  std::lock_guard lock(mu_);
  out.reserve(subs_.size());
  for (const auto& [id, weak] : subs_)
    if (auto s = weak.lock()) out.push_back(std::move(s));
  return out;
}

}  // namespace omniline::events
