#include "common/metrics.h"

#include <fmt/format.h>

namespace omniline::metrics {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::observe(double v) {
  std::size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micro_.fetch_add(static_cast<std::uint64_t>(v * 1e6), std::memory_order_relaxed);
}

void Histogram::render(std::string& out, const std::string& name, const std::string& labels) const {
  const std::string sep = labels.empty() ? "" : labels + ",";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    std::string le = i < bounds_.size() ? fmt::format("{}", bounds_[i]) : "+Inf";
    out += fmt::format("{}_bucket{{{}le=\"{}\"}} {}\n", name, sep, le, cumulative);
  }
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += fmt::format("{}_sum{} {}\n", name, braces,
                     static_cast<double>(sum_micro_.load(std::memory_order_relaxed)) / 1e6);
  out += fmt::format("{}_count{} {}\n", name, braces, count_.load(std::memory_order_relaxed));
}

Registry::Registry()
    : request_seconds_({0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                        0.5, 1, 2.5, 5}),
      commit_seconds_(
          {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1}),
      commit_batch_size_({1, 2, 4, 8, 16, 32, 64, 128, 256, 512}) {}

namespace {
// Label values here are route patterns and methods we define, but escape anyway.
std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}
}  // namespace

void Registry::record_request(const std::string& route, const std::string& method, int status,
                              double seconds) {
  std::string key = fmt::format("route=\"{}\",method=\"{}\",status=\"{}\"", escape_label(route),
                                escape_label(method), status);
  {
    std::lock_guard lock(mu_);
    ++requests_[key];
  }
  request_seconds_.observe(seconds);
}

void Registry::record_commit(std::size_t batch_size, double seconds) {
  commit_seconds_.observe(seconds);
  commit_batch_size_.observe(static_cast<double>(batch_size));
}

std::string Registry::render() const {
  std::string out;
  out += "# HELP omniline_http_requests_total HTTP requests by route pattern, method and status.\n";
  out += "# TYPE omniline_http_requests_total counter\n";
  {
    std::lock_guard lock(mu_);
    for (const auto& [labels, n] : requests_)
      out += fmt::format("omniline_http_requests_total{{{}}} {}\n", labels, n);
  }
  out +=
      "# HELP omniline_http_request_duration_seconds Time from request read to response ready.\n";
  out += "# TYPE omniline_http_request_duration_seconds histogram\n";
  request_seconds_.render(out, "omniline_http_request_duration_seconds", "");
  out += "# HELP omniline_open_connections Open HTTP connections (WebSockets included).\n";
  out += "# TYPE omniline_open_connections gauge\n";
  out += fmt::format("omniline_open_connections {}\n", open_connections.load());
  out += "# HELP omniline_open_websockets Open WebSocket connections.\n";
  out += "# TYPE omniline_open_websockets gauge\n";
  out += fmt::format("omniline_open_websockets {}\n", open_websockets.load());
  out += "# HELP omniline_rejected_connections_total Connections refused over the limit.\n";
  out += "# TYPE omniline_rejected_connections_total counter\n";
  out += fmt::format("omniline_rejected_connections_total {}\n", rejected_connections.load());
  out += "# HELP omniline_store_commit_duration_seconds Group commit latency, BEGIN to durable.\n";
  out += "# TYPE omniline_store_commit_duration_seconds histogram\n";
  commit_seconds_.render(out, "omniline_store_commit_duration_seconds", "");
  out += "# HELP omniline_store_commit_batch_size Transactions per group commit.\n";
  out += "# TYPE omniline_store_commit_batch_size histogram\n";
  commit_batch_size_.render(out, "omniline_store_commit_batch_size", "");
  return out;
}

}  // namespace omniline::metrics
