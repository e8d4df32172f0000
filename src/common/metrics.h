// Process metrics in Prometheus text format. Counters and histograms are lock-free on the hot
// path; labelled families take a mutex only to find (or create) their series.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace omniline::metrics {

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);
  // Appends `name_bucket{labels,le=..}`, `name_sum`, `name_count` lines.
  void render(std::string& out, const std::string& name, const std::string& labels) const;
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // one per bound, plus +Inf
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_micro_{0};  // sum * 1e6, so it fits an atomic integer
};

// Everything /metrics shows. One instance per process, owned by the composition root.
class Registry {
 public:
  Registry();

  void record_request(const std::string& route, const std::string& method, int status,
                      double seconds);
  void record_commit(std::size_t batch_size, double seconds);
  std::atomic<std::int64_t> open_connections{0};
  std::atomic<std::int64_t> open_websockets{0};
  std::atomic<std::uint64_t> rejected_connections{0};

  std::string render() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::uint64_t> requests_;  // label set -> count; guarded by mu_
  Histogram request_seconds_;
  Histogram commit_seconds_;
  Histogram commit_batch_size_;
};

}  // namespace omniline::metrics
