// store_bench: group-commit throughput of the SQLite store.
//
// For 1 and for 64 concurrent writers (threads calling Store::write in a loop), each transaction
// inserting one employee, it measures committed transactions per second over a bounded duration,
// the mean batch size and the commit latency (BEGIN -> durable) percentiles, on a real file with
// synchronous=FULL in a fresh temporary directory that is removed afterwards.
//
//   store_bench [--seconds N]   N seconds per case (default 3, at most 600)
//   store_bench --smoke         ~0.3 s per case; exit 1 unless every case committed something
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "store/store.h"

namespace {

using omniline::Status;
using omniline::store::Store;
using omniline::store::WriteTx;

struct Options {
  double seconds = 3.0;
  bool smoke = false;
};

struct CaseResult {
  int writers = 0;
  std::uint64_t transactions = 0;
  std::uint64_t failures = 0;
  double seconds = 0;
  double mean_batch = 0;
  double p50_ms = 0;
  double p99_ms = 0;
};

// Commit latencies reported by the store's observer; bounded so a long run cannot grow memory.
class LatencySamples {
 public:
  static constexpr std::size_t kMax = 1'000'000;
  void add(double seconds) {
    std::lock_guard lock(mu_);
    if (samples_.size() < kMax) samples_.push_back(seconds);
  }
  // The q-quantile in milliseconds (0 when empty).
  double quantile_ms(double q) {
    std::lock_guard lock(mu_);
    if (samples_.empty()) return 0;
    std::sort(samples_.begin(), samples_.end());
    auto i = static_cast<std::size_t>(q * static_cast<double>(samples_.size() - 1));
    return samples_[i] * 1000.0;
  }

 private:
  std::mutex mu_;
  std::vector<double> samples_;
};

bool parse_args(int argc, char** argv, Options& out) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--smoke") == 0) {
      out.smoke = true;
      out.seconds = 0.3;
    } else if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      char* end = nullptr;
      double s = std::strtod(argv[++i], &end);
      if (end == argv[i] || *end != '\0' || !(s > 0 && s <= 600)) return false;
      out.seconds = s;
    } else {
      return false;
    }
  }
  return true;
}

bool run_case(const std::string& path, int writers, double seconds, CaseResult& out) {
  omniline::store::SqliteOptions options;
  options.path = path;
  auto opened = omniline::store::open_sqlite(options);
  if (!opened.ok()) {
    std::fprintf(stderr, "store_bench: %s\n", opened.error().message.c_str());
    return false;
  }
  std::unique_ptr<Store> store = std::move(*opened);
  LatencySamples latencies;
  store->set_commit_observer([&latencies](std::size_t, double s) { latencies.add(s); });

  std::atomic<std::uint64_t> next_email{0};
  std::atomic<std::uint64_t> ok{0};
  std::atomic<std::uint64_t> failed{0};
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::duration<double>(seconds);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(writers));
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&] {
      while (std::chrono::steady_clock::now() < deadline) {
        const std::uint64_t n = next_email.fetch_add(1);
        Status st = store->write([n](WriteTx& tx) -> Status {
          omniline::domain::Employee e;
          e.name = "Bench Writer";
          e.email = "writer" + std::to_string(n) + "@bench.invalid";
          e.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$fake$fake";
          e.created_at = e.updated_at = omniline::now_ms();
          auto id = tx.insert_employee(e);
          if (!id.ok()) return id.error();
          return {};
        });
        (st.ok() ? ok : failed).fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto stats = store->stats();
  store->close();

  out.writers = writers;
  out.transactions = ok.load();
  out.failures = failed.load();
  out.seconds = elapsed;
  out.mean_batch =
      stats.batches ? static_cast<double>(stats.transactions) / static_cast<double>(stats.batches)
                    : 0;
  out.p50_ms = latencies.quantile_ms(0.50);
  out.p99_ms = latencies.quantile_ms(0.99);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse_args(argc, argv, options)) {
    std::fprintf(stderr, "usage: store_bench [--seconds N (0 < N <= 600)] [--smoke]\n");
    return 2;
  }
  char dir_template[] = "/tmp/omniline-store-bench-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) {
    std::perror("store_bench: mkdtemp");
    return 1;
  }
  const std::filesystem::path dir(dir_template);

  std::vector<CaseResult> results;
  bool ok = true;
  for (int writers : {1, 64}) {
    CaseResult r;
    auto path = dir / ("bench-" + std::to_string(writers) + ".db");
    if (!run_case(path.string(), writers, options.seconds, r)) {
      ok = false;
      break;
    }
    results.push_back(r);
    if (r.transactions == 0 || r.failures != 0) ok = false;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);

  std::printf("%8s %12s %8s %10s %10s %10s %10s\n", "writers", "transactions", "seconds", "tx/s",
              "mean_batch", "p50_ms", "p99_ms");
  for (const auto& r : results) {
    std::printf("%8d %12llu %8.2f %10.0f %10.1f %10.3f %10.3f\n", r.writers,
                static_cast<unsigned long long>(r.transactions), r.seconds,
                static_cast<double>(r.transactions) / r.seconds, r.mean_batch, r.p50_ms, r.p99_ms);
  }
  std::string json = "{\"bench\":\"store_group_commit\",\"synchronous\":\"FULL\",\"cases\":[";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "%s{\"writers\":%d,\"transactions\":%llu,\"failures\":%llu,\"seconds\":%.3f,"
                  "\"tx_per_s\":%.1f,\"mean_batch\":%.2f,\"p50_commit_ms\":%.3f,"
                  "\"p99_commit_ms\":%.3f}",
                  i ? "," : "", r.writers, static_cast<unsigned long long>(r.transactions),
                  static_cast<unsigned long long>(r.failures), r.seconds,
                  static_cast<double>(r.transactions) / r.seconds, r.mean_batch, r.p50_ms,
                  r.p99_ms);
    json += buf;
  }
  json += "]}";
  std::printf("%s\n", json.c_str());
  if (!ok) std::fprintf(stderr, "store_bench: a case committed nothing or failed\n");
  return ok ? 0 : 1;
}
