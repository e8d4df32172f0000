#include "histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace omniline::bench {
namespace {

std::uint64_t exact(std::vector<std::uint64_t> v, double p) {
  std::sort(v.begin(), v.end());
  auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  rank = std::clamp<std::uint64_t>(rank, 1, v.size());
  return v[rank - 1];
}

void expect_close(std::uint64_t got, std::uint64_t want) {
  const double err = std::fabs(static_cast<double>(got) - static_cast<double>(want));
  EXPECT_LE(err, 0.01 * static_cast<double>(want)) << "got " << got << " want " << want;
}

TEST(Histogram, EmptyIsZero) {
  Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.percentile(50), 0u);
}

TEST(Histogram, BucketsCoverEveryValueContiguously) {
  for (std::size_t i = 0; i + 1 < Histogram::kBuckets; ++i)
    ASSERT_EQ(Histogram::lower(i) + Histogram::width(i), Histogram::lower(i + 1)) << i;
  EXPECT_EQ(Histogram::index(0), 0u);
  EXPECT_EQ(Histogram::index(255), 255u);
  EXPECT_EQ(Histogram::index(std::numeric_limits<std::uint64_t>::max()), Histogram::kBuckets - 1);
  for (std::uint64_t v : {256ull, 257ull, 1000ull, 123456789ull, 1ull << 40, (1ull << 63) + 5}) {
    const auto i = Histogram::index(v);
    EXPECT_LE(Histogram::lower(i), v);
    EXPECT_GT(Histogram::lower(i) + Histogram::width(i) - 1, v - 1);
    EXPECT_LE(static_cast<double>(Histogram::width(i)), static_cast<double>(v) / 128.0);
  }
}

TEST(Histogram, SmallValuesAreExact) {
  Histogram h;
  for (std::uint64_t v = 1; v <= 100; ++v) h.record(v);
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_EQ(h.max(), 100u);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
  EXPECT_EQ(h.percentile(50), 50u);
  EXPECT_EQ(h.percentile(99), 99u);
  EXPECT_EQ(h.percentile(100), 100u);
  EXPECT_EQ(h.percentile(0), 1u);
}

TEST(Histogram, PercentilesWithinOnePercentOfExact) {
  std::mt19937_64 rng(42);
  // Log-normal latencies around 1 ms with a long tail, plus a few huge outliers.
  std::lognormal_distribution<double> dist(std::log(1e6), 1.2);
  std::vector<std::uint64_t> samples;
  Histogram h;
  for (int i = 0; i < 200000; ++i) {
    auto v = static_cast<std::uint64_t>(dist(rng)) + 1;
    if (i % 50000 == 0) v = 30'000'000'000ull + i;
    samples.push_back(v);
    h.record(v);
  }
  for (double p : {0.0, 1.0, 10.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0})
    expect_close(h.percentile(p), exact(samples, p));
  EXPECT_EQ(h.min(), *std::min_element(samples.begin(), samples.end()));
  EXPECT_EQ(h.max(), *std::max_element(samples.begin(), samples.end()));
  long double sum = 0;
  for (auto v : samples) sum += v;
  EXPECT_NEAR(h.mean(), static_cast<double>(sum / samples.size()), 1.0);
}

TEST(Histogram, MergeEqualsRecordingEverythingInOne) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::uint64_t> dist(1, 50'000'000);
  Histogram a, b, all;
  std::vector<std::uint64_t> samples;
  for (int i = 0; i < 30000; ++i) {
    auto v = dist(rng);
    (i % 3 ? a : b).record(v);
    all.record(v);
    samples.push_back(v);
  }
  Histogram m;
  m.merge(a);
  m.merge(b);
  EXPECT_EQ(m.count(), all.count());
  EXPECT_EQ(m.min(), all.min());
  EXPECT_EQ(m.max(), all.max());
  EXPECT_DOUBLE_EQ(m.mean(), all.mean());
  for (double p : {50.0, 99.0, 99.9}) {
    EXPECT_EQ(m.percentile(p), all.percentile(p));
    expect_close(m.percentile(p), exact(samples, p));
  }
}

}  // namespace
}  // namespace omniline::bench
