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

bool changes_lines(const std::string& type) {
  return type == "line.updated" || type == "line.deleted";
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
  // Remembered before anyone is offered them: a resume that finds a frame here and also gets
  // it live sends it once (connections drop seqs they already sent).
  remember(frames);
  // Routed one frame at a time: a line change delivered to a connection updates its index
  // entry (set_lines) before the next frame is routed.
  for (const auto& f : frames)
    for (const auto& s : route(f->record, f->customer != nullptr)) s->on_event(f);
}

void Hub::publish_ephemeral(domain::EventRecord event) {
  event.seq = 0;
  FramePtr f = make_frame(std::move(event));
  for (const auto& s : route(f->record, f->customer != nullptr)) s->on_event(f);
}

std::uint64_t Hub::subscribe(std::weak_ptr<Subscriber> s, const Viewer& viewer) {
  std::lock_guard lock(mu_);
  const std::uint64_t id = next_id_++;
  Entry e;
  e.sub = std::move(s);
  if (viewer.customer.is_valid()) {
    e.customer = viewer.customer.get();
    by_customer_[e.customer].insert(id);
  } else if (viewer.employee.is_valid()) {
    e.staff = true;
    e.sees_all = viewer.sees_all;
    e.employee = viewer.employee.get();
    e.lines = viewer.lines;
    staff_.insert(id);
    if (e.sees_all) sees_all_.insert(id);
    by_employee_[e.employee].insert(id);
    for (std::int64_t l : e.lines) by_line_[l].insert(id);
  }
  // Neither: a viewer that may see nothing is offered nothing.
  subs_.emplace(id, std::move(e));
  return id;
}

std::uint64_t Hub::subscribe(std::weak_ptr<Subscriber> s) {
  std::lock_guard lock(mu_);
  const std::uint64_t id = next_id_++;
  Entry e;
  e.sub = std::move(s);
  e.everything = true;
  everything_.insert(id);
  subs_.emplace(id, std::move(e));
  return id;
}

void Hub::set_lines(std::uint64_t id, const std::unordered_set<std::int64_t>& lines) {
  std::lock_guard lock(mu_);
  auto it = subs_.find(id);
  if (it == subs_.end() || !it->second.staff) return;
  Entry& e = it->second;
  for (std::int64_t l : e.lines)
    if (!lines.contains(l)) drop(by_line_, l, id);
  for (std::int64_t l : lines)
    if (!e.lines.contains(l)) by_line_[l].insert(id);
  e.lines = lines;
}

void Hub::unsubscribe(std::uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = subs_.find(id);
  if (it == subs_.end()) return;
  const Entry& e = it->second;
  everything_.erase(id);
  staff_.erase(id);
  sees_all_.erase(id);
  if (e.customer) drop(by_customer_, e.customer, id);
  if (e.staff) {
    drop(by_employee_, e.employee, id);
    for (std::int64_t l : e.lines) drop(by_line_, l, id);
  }
  subs_.erase(it);
}

void Hub::drop(Index& index, std::int64_t key, std::uint64_t id) {
  auto it = index.find(key);
  if (it == index.end()) return;
  it->second.erase(id);
  if (it->second.empty()) index.erase(it);
}

namespace {
std::size_t frame_bytes(const Frame& f) {
  return sizeof(Frame) + (f.staff ? f.staff->size() : 0) + (f.customer ? f.customer->size() : 0) +
         f.record.type.size() + f.record.employee_ids.size() * sizeof(EmployeeId);
}
}  // namespace

void Hub::remember(const std::vector<FramePtr>& frames) {
  if (recent_cap_ == 0) return;
  std::lock_guard lock(recent_mu_);
  for (const auto& f : frames) {
    const std::int64_t seq = f->record.seq;
    if (seq <= 0) continue;
    if (!recent_known_) {
      // Events committed before this process published anything are only in the store.
      recent_known_ = true;
      covered_after_ = seq - 1;
    } else if (seq <= newest_) {
      continue;  // publish order is commit order; never expected, but keep the window sorted
    }
    newest_ = seq;
    recent_.push_back(f);
    recent_bytes_ += frame_bytes(*f);
  }
  while (recent_bytes_ > recent_cap_ && !recent_.empty()) {
    recent_bytes_ -= frame_bytes(*recent_.front());
    covered_after_ = recent_.front()->record.seq;
    recent_.pop_front();
  }
}

bool Hub::recent_after(std::int64_t after, std::size_t max, std::vector<FramePtr>& out) const {
  std::lock_guard lock(recent_mu_);
  if (!recent_known_ || after < covered_after_ || after > newest_) return false;
  auto it = std::upper_bound(recent_.begin(), recent_.end(), after,
                             [](std::int64_t s, const FramePtr& f) { return s < f->record.seq; });
  if (static_cast<std::size_t>(recent_.end() - it) > max) return false;
  out.insert(out.end(), it, recent_.end());
  return true;
}

std::size_t Hub::subscribers() const {
  std::lock_guard lock(mu_);
  return subs_.size();
}

std::vector<std::shared_ptr<Subscriber>> Hub::route(const domain::EventRecord& r,
                                                    bool customer_frame) const {
  std::vector<std::uint64_t> ids;
  std::vector<std::shared_ptr<Subscriber>> out;
  std::lock_guard lock(mu_);
  auto add_all = [&ids](const auto& set) { ids.insert(ids.end(), set.begin(), set.end()); };
  auto add_key = [&](const Index& index, std::int64_t key) {
    if (auto it = index.find(key); it != index.end()) add_all(it->second);
  };
  add_all(everything_);
  if (customer_frame) add_key(by_customer_, r.customer_id.get());
  if (r.staff_all || changes_lines(r.type)) {
    // Everyone on staff: a line change may add a line to a connection that has none of it yet.
    add_all(staff_);
  } else {
    add_all(sees_all_);
    if (r.line_id.is_valid()) add_key(by_line_, r.line_id.get());
    for (EmployeeId e : r.employee_ids) add_key(by_employee_, e.get());
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  out.reserve(ids.size());
  for (std::uint64_t id : ids)
    if (auto it = subs_.find(id); it != subs_.end())
      if (auto s = it->second.sub.lock()) out.push_back(std::move(s));
  return out;
}

}  // namespace omniline::events
