// A log-linear latency histogram in the style of HdrHistogram, for the load client.
//
// Values (nanoseconds, any uint64) below 256 get one bucket each (exact). Above, each power of
// two [2^e, 2^(e+1)) is split into 128 equal sub-buckets, so a bucket's width is at most 1/128
// of its lower bound. percentile() answers the midpoint of the bucket holding the nearest-rank
// sample (clamped to the recorded min/max), which is within 1/256 (< 0.4%) of the exact value:
// comfortably inside the 1% the benchmark promises. Fixed size (7424 counters, ~58 KiB), no
// allocation after construction; not thread-safe: keep one per thread and merge().
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace omniline::bench {

class Histogram {
 public:
  static constexpr int kSubBits = 7;                              // 128 sub-buckets per octave
  static constexpr std::uint64_t kLinear = 1u << (kSubBits + 1);  // 256 exact values
  static constexpr std::size_t kBuckets = kLinear + (64 - (kSubBits + 1)) * (1u << kSubBits);

  Histogram() : counts_(kBuckets, 0) {}

  void record(std::uint64_t v) {
    ++counts_[index(v)];
    ++count_;
    sum_ += static_cast<long double>(v);
    min_ = std::min(min_, v);
    max_ = std::max(max_, v);
  }

  void merge(const Histogram& o) {
    for (std::size_t i = 0; i < kBuckets; ++i) counts_[i] += o.counts_[i];
    count_ += o.count_;
    sum_ += o.sum_;
    min_ = std::min(min_, o.min_);
    max_ = std::max(max_, o.max_);
  }

  std::uint64_t count() const { return count_; }
  std::uint64_t min() const { return count_ ? min_ : 0; }
  std::uint64_t max() const { return max_; }
  double mean() const { return count_ ? static_cast<double>(sum_ / count_) : 0.0; }

  // Nearest-rank percentile, p in [0, 100]: the value of the ceil(p/100 * count)-th smallest
  // sample (the smallest for p = 0), within 1% relative error. 0 when empty.
  std::uint64_t percentile(double p) const {
    if (count_ == 0) return 0;
    p = std::clamp(p, 0.0, 100.0);
    auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
    rank = std::clamp<std::uint64_t>(rank, 1, count_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen >= rank) {
        const std::uint64_t lo = lower(i);
        const std::uint64_t mid = lo + (width(i) - 1) / 2;
        return std::clamp(mid, min_, max_);
      }
    }
    return max_;
  }

  // Bucket geometry, public for the tests.
  static std::size_t index(std::uint64_t v) {
    if (v < kLinear) return static_cast<std::size_t>(v);
    const int e = 63 - std::countl_zero(v);  // >= kSubBits + 1
    const std::uint64_t sub = (v >> (e - kSubBits)) & ((1u << kSubBits) - 1);
    return kLinear + static_cast<std::size_t>(e - (kSubBits + 1)) * (1u << kSubBits) +
           static_cast<std::size_t>(sub);
  }
  static std::uint64_t lower(std::size_t i) {
    if (i < kLinear) return i;
    const std::size_t k = i - kLinear;
    const int e = static_cast<int>(k >> kSubBits) + kSubBits + 1;
    const std::uint64_t sub = k & ((1u << kSubBits) - 1);
    return ((std::uint64_t{1} << kSubBits) + sub) << (e - kSubBits);
  }
  static std::uint64_t width(std::size_t i) {
    if (i < kLinear) return 1;
    const int e = static_cast<int>((i - kLinear) >> kSubBits) + kSubBits + 1;
    return std::uint64_t{1} << (e - kSubBits);
  }

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  long double sum_ = 0;
  std::uint64_t min_ = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t max_ = 0;
};

}  // namespace omniline::bench
