// omniline_bench: a load client for a running `omniline serve` (Boost.Asio/Beast, callbacks).
//
//   omniline_bench --server http://127.0.0.1:PORT --admin-email E --admin-password P
//                  --scenario ingest|density [--seconds N] [--connections N] [--rate R]
//                  [--threads T] [--server-pid PID] [--smoke] [--json FILE] [--label NAME]
//
// ingest:  creates a line with an `api` channel, then N keep-alive HTTP connections POST
//          /hooks/api/{channel}/messages (unique message ids, the send time in the text), as
//          fast as the server answers or paced to --rate messages/s overall. Ack latency goes
//          into a log-linear histogram; in a paced run it is measured from the scheduled send
//          time, so a stalled server is not hidden (no coordinated omission). Afterwards it
//          reads every touched dialog's history over REST and checks that each acknowledged
//          message id is stored exactly once.
// density: creates an operator, signs in once, opens N idle realtime WebSockets with that
//          token (each waits for its `hello`), and reports the server's RSS growth per
//          connection (VmRSS of --server-pid, before and after).
//
// Connections are bound round-robin to the source addresses 127.0.0.1..127.0.0.8, the soft
// RLIMIT_NOFILE is raised to the hard limit, and the process always ends by itself: --seconds is
// capped at 600, and an alarm kills it if a run overshoots by far. Exit status: 0 when the run
// did what it should (something acknowledged and verified / every connection opened, or, with
// --smoke, at least one), 1 otherwise, 2 for bad arguments.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "histogram.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using omniline::bench::Histogram;

constexpr int kSourceAddresses = 8;

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::string admin_email, admin_password;
  std::string scenario;
  std::string label;
  double seconds = 10;
  int connections = 0;  // 0: scenario default
  double rate = 0;
  int threads = 2;
  int server_pid = 0;
  bool smoke = false;
  std::string json_path;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "omniline_bench: %s\nusage: omniline_bench --server http://HOST:PORT "
               "--admin-email E --admin-password P --scenario ingest|density [--seconds N<=600] "
               "[--connections N] [--rate R] [--threads T] [--server-pid PID] [--smoke] "
               "[--json FILE] [--label NAME]\n",
               why.c_str());
  std::exit(2);
}

double number(const char* s, const char* flag) {
  char* end = nullptr;
  double v = std::strtod(s, &end);
  if (end == s || *end != '\0' || !(v >= 0)) usage(std::string("bad value for ") + flag);
  return v;
}

Options parse(int argc, char** argv) {
  Options o;
  bool seconds_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto val = [&]() -> const char* {
      if (i + 1 >= argc) usage("missing value for " + a);
      return argv[++i];
    };
    if (a == "--server") {
      std::string url = val();
      const std::string pre = "http://";
      if (url.rfind(pre, 0) != 0) usage("--server must be http://HOST:PORT");
      url = url.substr(pre.size());
      while (!url.empty() && url.back() == '/') url.pop_back();
      auto colon = url.rfind(':');
      if (colon == std::string::npos) usage("--server needs a port");
      o.host = url.substr(0, colon);
      o.port = static_cast<unsigned short>(number(url.substr(colon + 1).c_str(), "--server"));
    } else if (a == "--admin-email") {
      o.admin_email = val();
    } else if (a == "--admin-password") {
      o.admin_password = val();
    } else if (a == "--scenario") {
      o.scenario = val();
    } else if (a == "--label") {
      o.label = val();
    } else if (a == "--seconds") {
      o.seconds = number(val(), "--seconds");
      seconds_given = true;
      if (o.seconds <= 0 || o.seconds > 600) usage("--seconds must be in (0, 600]");
    } else if (a == "--connections") {
      o.connections = static_cast<int>(number(val(), "--connections"));
    } else if (a == "--rate") {
      o.rate = number(val(), "--rate");
    } else if (a == "--threads") {
      o.threads = std::max(1, static_cast<int>(number(val(), "--threads")));
    } else if (a == "--server-pid") {
      o.server_pid = static_cast<int>(number(val(), "--server-pid"));
    } else if (a == "--smoke") {
      o.smoke = true;
    } else if (a == "--json") {
      o.json_path = val();
    } else {
      usage("unknown argument " + a);
    }
  }
  if (o.scenario != "ingest" && o.scenario != "density") usage("--scenario ingest|density");
  if (o.admin_email.empty() || o.admin_password.empty()) usage("--admin-email/--admin-password");
  if (o.smoke && !seconds_given) o.seconds = 2;
  if (o.connections <= 0)
    o.connections = o.scenario == "ingest" ? (o.smoke ? 8 : 64) : (o.smoke ? 50 : 2000);
  if (o.label.empty()) o.label = o.scenario;
  return o;
}

void raise_nofile() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

std::uint64_t nofile_soft() {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  return rl.rlim_cur;
}

// Round-robin source addresses 127.0.0.1..127.0.0.8, so more than ~28k connections to one
// server port do not run out of ephemeral ports on a single source address.
asio::ip::address_v4 next_source() {
  static std::atomic<unsigned> n{0};
  unsigned i = n++ % kSourceAddresses;
  return asio::ip::make_address_v4("127.0.0." + std::to_string(1 + i));
}

void open_bound(tcp::socket& s, boost::system::error_code& ec) {
  s.open(tcp::v4(), ec);
  if (ec) return;
  s.bind(tcp::endpoint(next_source(), 0), ec);
}

double ms(std::uint64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

// ---------------------------------------------------------------------------------------------
// Blocking REST client for setup and verification (one keep-alive connection).

struct Reply {
  int status = 0;
  std::string body;
  json::value json() const {
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    return ec ? json::value() : v;
  }
};

class Rest {
 public:
  Rest(std::string host, unsigned short port) : host_(std::move(host)), port_(port) {}
  void set_token(std::string t) { token_ = std::move(t); }

  Reply call(http::verb m, const std::string& target, const std::string& body = "") {
    for (int attempt = 0;; ++attempt) {
      try {
        return once(m, target, body);
      } catch (const std::exception& e) {
        stream_.reset();
        if (attempt >= 2) throw std::runtime_error(target + ": " + e.what());
      }
    }
  }

 private:
  Reply once(http::verb m, const std::string& target, const std::string& body) {
    if (!stream_) {
      stream_.emplace(ioc_);
      boost::system::error_code ec;
      open_bound(stream_->socket(), ec);
      if (ec) throw boost::system::system_error(ec);
      stream_->connect(tcp::endpoint(asio::ip::make_address(host_), port_));
      buf_.clear();
    }
    http::request<http::string_body> req{m, target, 11};
    req.set(http::field::host, host_ + ":" + std::to_string(port_));
    if (!token_.empty()) req.set(http::field::authorization, "Bearer " + token_);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    req.keep_alive(true);
    stream_->expires_after(std::chrono::seconds(60));
    http::write(*stream_, req);
    http::response_parser<http::string_body> p;
    p.body_limit(256 * 1024 * 1024);
    http::read(*stream_, buf_, p);
    auto res = p.release();
    Reply r{static_cast<int>(res.result_int()), std::move(res.body())};
    if (!res.keep_alive()) stream_.reset();
    return r;
  }

  std::string host_;
  unsigned short port_;
  std::string token_;
  asio::io_context ioc_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buf_;
};

std::string login(Rest& rest, const std::string& email, const std::string& password) {
  json::object b{{"email", email}, {"password", password}};
  auto r = rest.call(http::verb::post, "/api/v1/auth/login", json::serialize(b));
  if (r.status != 200)
    throw std::runtime_error("login " + email + ": " + std::to_string(r.status) + " " + r.body);
  return std::string(r.json().at("token").as_string());
}

std::string run_tag() {
  return std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count());
}

// Runs `threads` io_contexts, each on its own thread, until `run` returns.
struct IoPool {
  explicit IoPool(int n) {
    for (int i = 0; i < n; ++i) ctx.push_back(std::make_unique<asio::io_context>());
  }
  void run() {
    std::vector<std::thread> ts;
    for (auto& c : ctx) ts.emplace_back([&c] { c->run(); });
    for (auto& t : ts) t.join();
  }
  std::vector<std::unique_ptr<asio::io_context>> ctx;
};

// ---------------------------------------------------------------------------------------------
// Scenario: ingest.

struct Ack {
  std::string external_id;
  std::int64_t dialog_id = 0;
  std::int64_t message_id = 0;
  bool duplicate = false;
};

// What one io thread collects (only that thread touches it until the run ends).
struct ThreadStats {
  Histogram latency;
  std::uint64_t errors = 0;
  std::uint64_t reconnects = 0;
  std::vector<Ack> acks;
  std::map<std::string, std::uint64_t> error_kinds;
};

struct IngestPlan {
  std::string host;
  unsigned short port = 0;
  std::string target;  // /hooks/api/{id}/messages
  std::string auth;    // "Bearer olk_..."
  std::string tag;
  Clock::time_point start, end;
  double rate = 0;  // overall messages/s; 0 = unpaced
  int connections = 0;
};

class IngestConn : public std::enable_shared_from_this<IngestConn> {
 public:
  IngestConn(asio::io_context& ioc, const IngestPlan& plan, ThreadStats& stats, int index)
      : plan_(plan), stats_(stats), index_(index), stream_(ioc), timer_(ioc) {}

  void start() { connect(); }

 private:
  void connect() {
    stream_.close();
    boost::system::error_code ec;
    open_bound(stream_.socket(), ec);
    if (ec) return fail("bind", true);
    buf_.clear();
    stream_.expires_after(std::chrono::seconds(10));
    stream_.async_connect(tcp::endpoint(asio::ip::make_address(plan_.host), plan_.port),
                          [self = shared_from_this()](boost::system::error_code ec) {
                            if (ec) return self->fail("connect", true);
                            self->next();
                          });
  }

  // The scheduled send time of request `seq_` (paced), or now (unpaced); done when past the end.
  void next() {
    const auto now = Clock::now();
    Clock::time_point at = now;
    if (plan_.rate > 0) {
      const double offset_s = (static_cast<double>(seq_) * plan_.connections + index_) / plan_.rate;
      at = plan_.start + std::chrono::nanoseconds(static_cast<std::int64_t>(offset_s * 1e9));
    }
    if (at >= plan_.end || now >= plan_.end) return finish();
    if (at > now) {
      timer_.expires_at(at);
      timer_.async_wait([self = shared_from_this(), at](boost::system::error_code ec) {
        if (!ec) self->send(at);
      });
    } else {
      send(at);
    }
  }

  void send(Clock::time_point intended) {
    intended_ = intended;
    const std::uint64_t seq = seq_++;
    ext_id_ = "b" + plan_.tag + "-c" + std::to_string(index_) + "-" + std::to_string(seq);
    const auto sent_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(intended.time_since_epoch()).count();
    // Four customers per connection, so the run touches several dialogs per connection.
    json::object body{
        {"user", {{"id", "bu-" + std::to_string(index_) + "-" + std::to_string(seq % 4)}}},
        {"message",
         {{"id", ext_id_}, {"text", "bench " + ext_id_ + " sent_ns=" + std::to_string(sent_ns)}}}};
    req_ = {};
    req_.method(http::verb::post);
    req_.target(plan_.target);
    req_.version(11);
    req_.set(http::field::host, plan_.host + ":" + std::to_string(plan_.port));
    req_.set(http::field::authorization, plan_.auth);
    req_.set(http::field::content_type, "application/json");
    req_.body() = json::serialize(body);
    req_.prepare_payload();
    req_.keep_alive(true);
    stream_.expires_after(std::chrono::seconds(30));
    http::async_write(stream_, req_,
                      [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                        if (ec) return self->fail("write", true);
                        self->read();
                      });
  }

  void read() {
    res_.emplace();
    res_->body_limit(1 << 20);
    http::async_read(stream_, buf_, *res_,
                     [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                       if (ec) return self->fail("read", true);
                       self->on_response();
                     });
  }

  void on_response() {
    const auto now = Clock::now();
    auto res = res_->release();
    res_.reset();
    if (res.result_int() != 200) {
      ++stats_.errors;
      ++stats_.error_kinds["http_" + std::to_string(res.result_int())];
    } else {
      boost::system::error_code ec;
      auto v = json::parse(res.body(), ec);
      if (ec || !v.is_object()) {
        ++stats_.errors;
        ++stats_.error_kinds["bad_json"];
      } else {
        stats_.latency.record(static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(now - intended_).count()));
        const auto& o = v.as_object();
        Ack a;
        a.external_id = ext_id_;
        a.dialog_id = o.at("dialog_id").to_number<std::int64_t>();
        a.message_id = o.at("message_id").to_number<std::int64_t>();
        a.duplicate = o.at("duplicate").as_bool();
        stats_.acks.push_back(std::move(a));
      }
    }
    if (!res.keep_alive()) {
      ++stats_.reconnects;
      return connect();
    }
    next();
  }

  void fail(const char* what, bool reconnect) {
    if (Clock::now() >= plan_.end) return finish();
    ++stats_.errors;
    ++stats_.error_kinds[what];
    if (!reconnect) return finish();
    ++stats_.reconnects;
    // Back off a little so a refusing server is not hammered.
    timer_.expires_after(std::chrono::milliseconds(20));
    timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->connect();
    });
  }

  void finish() {
    boost::system::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  const IngestPlan& plan_;
  ThreadStats& stats_;
  int index_;
  beast::tcp_stream stream_;
  asio::steady_timer timer_;
  beast::flat_buffer buf_;
  http::request<http::string_body> req_;
  std::optional<http::response_parser<http::string_body>> res_;
  std::uint64_t seq_ = 0;
  std::string ext_id_;
  Clock::time_point intended_;
};

struct Verification {
  bool done = false;
  std::uint64_t dialogs = 0;
  std::uint64_t acked = 0;           // distinct acknowledged message ids
  std::uint64_t stored_once = 0;     // acknowledged and found exactly once
  std::uint64_t missing = 0;         // acknowledged, not found
  std::uint64_t duplicated = 0;      // found more than once
  std::uint64_t id_mismatch = 0;     // stored under another message id than acknowledged
  std::uint64_t unacked_stored = 0;  // stored although no ack arrived (errors, in flight)
  std::uint64_t duplicate_acks = 0;  // acks with duplicate:true (ids are unique, so none)
  double seconds = 0;
  bool ok() const {
    return done && acked > 0 && stored_once == acked && missing == 0 && duplicated == 0 &&
           id_mismatch == 0 && duplicate_acks == 0;
  }
};

Verification verify(Rest& rest, const std::vector<Ack>& acks) {
  Verification v;
  const auto t0 = Clock::now();
  std::unordered_map<std::string, std::int64_t> acked;  // external id -> message id
  std::map<std::int64_t, bool> dialogs;
  for (const auto& a : acks) {
    if (a.duplicate) ++v.duplicate_acks;
    acked.emplace(a.external_id, a.message_id);
    dialogs[a.dialog_id] = true;
  }
  v.acked = acked.size();
  v.dialogs = dialogs.size();
  std::unordered_map<std::string, std::pair<int, std::int64_t>> found;  // ext id -> count, id
  for (const auto& [dialog, _] : dialogs) {
    std::string cursor;
    for (;;) {
      std::string target = "/api/v1/dialogs/" + std::to_string(dialog) + "/messages?limit=200";
      if (!cursor.empty()) target += "&cursor=" + cursor;
      auto r = rest.call(http::verb::get, target);
      if (r.status != 200)
        throw std::runtime_error("GET " + target + ": " + std::to_string(r.status) + " " + r.body);
      auto page = r.json();
      for (const auto& m : page.at("items").as_array()) {
        const auto& mo = m.as_object();
        const auto& ext = mo.at("external_id");
        if (!ext.is_string()) continue;  // system messages
        auto& f = found[std::string(ext.as_string())];
        ++f.first;
        f.second = mo.at("id").to_number<std::int64_t>();
      }
      const auto& nc = page.at("next_cursor");
      if (!nc.is_string()) break;
      cursor = std::string(nc.as_string());
    }
  }
  for (const auto& [ext, info] : found) {
    auto it = acked.find(ext);
    if (info.first > 1) ++v.duplicated;
    if (it == acked.end()) {
      ++v.unacked_stored;
      continue;
    }
    if (info.first == 1) ++v.stored_once;
    if (info.second != it->second) ++v.id_mismatch;
  }
  for (const auto& [ext, id] : acked)
    if (!found.count(ext)) ++v.missing;
  v.done = true;
  v.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return v;
}

json::object histogram_json(const Histogram& h) {
  return {{"count", h.count()},
          {"min_ms", ms(h.min())},
          {"mean_ms", h.mean() / 1e6},
          {"p50_ms", ms(h.percentile(50))},
          {"p90_ms", ms(h.percentile(90))},
          {"p99_ms", ms(h.percentile(99))},
          {"p99_9_ms", ms(h.percentile(99.9))},
          {"max_ms", ms(h.max())}};
}

int run_ingest(const Options& o, json::object& out) {
  Rest rest(o.host, o.port);
  rest.set_token(login(rest, o.admin_email, o.admin_password));
  const std::string tag = run_tag();
  json::object line_body{{"name", "bench " + o.label + " " + tag}};
  auto lr = rest.call(http::verb::post, "/api/v1/lines", json::serialize(line_body));
  if (lr.status != 201) throw std::runtime_error("create line: " + lr.body);
  const auto line_id = lr.json().at("id").as_int64();
  auto cr = rest.call(http::verb::post, "/api/v1/lines/" + std::to_string(line_id) + "/channels",
                      R"({"kind":"api","name":"bench connector"})");
  if (cr.status != 201) throw std::runtime_error("create channel: " + cr.body);
  const auto cv = cr.json();

  IngestPlan plan;
  plan.host = o.host;
  plan.port = o.port;
  plan.target = "/hooks/api/" + std::to_string(cv.at("id").as_int64()) + "/messages";
  plan.auth = "Bearer " + std::string(cv.at("secret").as_string());
  plan.tag = tag;
  plan.rate = o.rate;
  plan.connections = o.connections;

  IoPool pool(o.threads);
  std::vector<ThreadStats> stats(o.threads);
  plan.start = Clock::now() + std::chrono::milliseconds(50);
  plan.end = plan.start + std::chrono::nanoseconds(static_cast<std::int64_t>(o.seconds * 1e9));
  for (int i = 0; i < o.connections; ++i) {
    const int t = i % o.threads;
    std::make_shared<IngestConn>(*pool.ctx[t], plan, stats[t], i)->start();
  }
  pool.run();  // returns when every connection has finished (its last answer included)
  const double elapsed = std::chrono::duration<double>(Clock::now() - plan.start).count();

  Histogram all;
  std::uint64_t errors = 0, reconnects = 0;
  std::map<std::string, std::uint64_t> kinds;
  std::vector<Ack> acks;
  for (auto& s : stats) {
    all.merge(s.latency);
    errors += s.errors;
    reconnects += s.reconnects;
    for (auto& [k, n] : s.error_kinds) kinds[k] += n;
    acks.insert(acks.end(), std::make_move_iterator(s.acks.begin()),
                std::make_move_iterator(s.acks.end()));
  }
  const double per_s = static_cast<double>(acks.size()) / o.seconds;
  std::printf("[%s] %zu acknowledged in %.1f s (%.0f msg/s, target rate %s), errors %llu\n",
              o.label.c_str(), acks.size(), elapsed, per_s,
              o.rate > 0 ? std::to_string(static_cast<long long>(o.rate)).c_str() : "max",
              static_cast<unsigned long long>(errors));
  std::printf("[%s] ack latency ms: p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  mean %.2f\n",
              o.label.c_str(), ms(all.percentile(50)), ms(all.percentile(99)),
              ms(all.percentile(99.9)), ms(all.max()), all.mean() / 1e6);
  std::fflush(stdout);

  Verification v = verify(rest, acks);
  std::printf(
      "[%s] verified %llu/%llu acknowledged ids stored exactly once over %llu dialogs "
      "(missing %llu, duplicated %llu, id mismatch %llu, stored without ack %llu) in %.1f s: %s\n",
      o.label.c_str(), static_cast<unsigned long long>(v.stored_once),
      static_cast<unsigned long long>(v.acked), static_cast<unsigned long long>(v.dialogs),
      static_cast<unsigned long long>(v.missing), static_cast<unsigned long long>(v.duplicated),
      static_cast<unsigned long long>(v.id_mismatch),
      static_cast<unsigned long long>(v.unacked_stored), v.seconds, v.ok() ? "OK" : "FAILED");

  json::object ek;
  for (auto& [k, n] : kinds) ek[k] = n;
  out["connections"] = o.connections;
  out["target_rate"] = o.rate;
  out["seconds"] = o.seconds;
  out["acknowledged"] = acks.size();
  out["msgs_per_s"] = per_s;
  out["errors"] = errors;
  out["error_kinds"] = std::move(ek);
  out["reconnects"] = reconnects;
  out["ack_latency"] = histogram_json(all);
  out["latency_from"] = o.rate > 0 ? "scheduled send time" : "actual send time";
  out["verification"] = {{"ok", v.ok()},
                         {"dialogs", v.dialogs},
                         {"acknowledged_ids", v.acked},
                         {"stored_exactly_once", v.stored_once},
                         {"missing", v.missing},
                         {"duplicated", v.duplicated},
                         {"id_mismatch", v.id_mismatch},
                         {"stored_without_ack", v.unacked_stored},
                         {"duplicate_acks", v.duplicate_acks},
                         {"seconds", v.seconds}};
  return v.ok() ? 0 : 1;
}

// ---------------------------------------------------------------------------------------------
// Scenario: density.

long rss_kb(int pid) {
  if (pid <= 0) return -1;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return -1;
}

struct DensityState {
  std::atomic<int> opened{0};
  std::atomic<int> failed{0};
  std::atomic<int> closed_early{0};
  std::atomic<int> next{0};  // the next connection index to start
  std::atomic<bool> stopping{false};
  int total = 0;
  std::mutex mu;
  Histogram handshake;  // connect + upgrade + hello, under mu
  std::map<std::string, int> error_kinds;
};

class IdleWs : public std::enable_shared_from_this<IdleWs> {
 public:
  IdleWs(asio::io_context& ioc, const Options& o, const std::string& token, DensityState& st,
         std::vector<std::shared_ptr<IdleWs>>& keep)
      : ioc_(ioc), o_(o), token_(token), st_(st), keep_(keep), ws_(ioc) {}

  void start() {
    t0_ = Clock::now();
    auto& sock = beast::get_lowest_layer(ws_).socket();
    boost::system::error_code ec;
    open_bound(sock, ec);
    if (ec) return fail("bind");
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
    beast::get_lowest_layer(ws_).async_connect(
        tcp::endpoint(asio::ip::make_address(o_.host), o_.port),
        [self = shared_from_this()](boost::system::error_code ec) {
          if (ec) return self->fail("connect");
          self->handshake();
        });
  }

 private:
  void handshake() {
    const std::string auth = "Bearer " + token_;
    ws_.set_option(websocket::stream_base::decorator(
        [auth](websocket::request_type& req) { req.set(http::field::authorization, auth); }));
    ws_.async_handshake(o_.host + ":" + std::to_string(o_.port), "/api/v1/realtime",
                        [self = shared_from_this()](boost::system::error_code ec) {
                          if (ec) return self->fail("handshake");
                          self->wait_hello();
                        });
  }

  void wait_hello() {
    ws_.async_read(buf_, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
      if (ec) return self->fail("hello");
      const std::string text = beast::buffers_to_string(self->buf_.data());
      self->buf_.clear();
      if (text.find("\"hello\"") == std::string::npos) return self->fail("not_hello");
      // Idle from here: no timeout of our own; keep-alive pings are answered by Beast while
      // a read is pending.
      beast::get_lowest_layer(self->ws_).expires_never();
      {
        std::lock_guard lock(self->st_.mu);
        self->st_.handshake.record(static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - self->t0_)
                .count()));
      }
      ++self->st_.opened;
      self->idle();
      self->launch_next();
    });
  }

  void idle() {
    ws_.async_read(buf_, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
      self->buf_.clear();
      if (ec) {
        if (!self->st_.stopping) ++self->st_.closed_early;
        return;
      }
      self->idle();  // an event or pong: keep waiting
    });
  }

  void fail(const char* what) {
    ++st_.failed;
    {
      std::lock_guard lock(st_.mu);
      ++st_.error_kinds[what];
    }
    launch_next();
  }

  // Each finished handshake starts the next connection, so at most `window` are in progress.
  void launch_next() {
    if (st_.stopping) return;
    const int i = st_.next++;
    if (i >= st_.total) return;
    auto c = std::make_shared<IdleWs>(ioc_, o_, token_, st_, keep_);
    keep_[static_cast<std::size_t>(i)] = c;
    c->start();
  }

 public:
  void close() {
    boost::system::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }

 private:
  asio::io_context& ioc_;
  const Options& o_;
  const std::string& token_;
  DensityState& st_;
  std::vector<std::shared_ptr<IdleWs>>& keep_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buf_;
  Clock::time_point t0_;
};

int run_density(const Options& o, json::object& out) {
  Rest rest(o.host, o.port);
  rest.set_token(login(rest, o.admin_email, o.admin_password));
  const std::string tag = run_tag();
  const std::string email = "bench-" + tag + "@example.com";
  const std::string password = "bench-password-" + tag;
  json::object eb{
      {"name", "Bench operator"}, {"email", email}, {"password", password}, {"role", "operator"}};
  auto er = rest.call(http::verb::post, "/api/v1/employees", json::serialize(eb));
  if (er.status != 201) throw std::runtime_error("create employee: " + er.body);
  Rest op(o.host, o.port);
  const std::string token = login(op, email, password);

  const long before = rss_kb(o.server_pid);
  DensityState st;
  st.total = o.connections;
  asio::io_context ioc;  // one thread: idle sockets need no more. Declared before `keep`, so
                         // the streams go before the context's services they point at.
  std::vector<std::shared_ptr<IdleWs>> keep(static_cast<std::size_t>(o.connections));
  auto guard = asio::make_work_guard(ioc);
  std::thread io([&] { ioc.run(); });
  const auto t0 = Clock::now();
  const int window = std::min(o.connections, 64);
  asio::post(ioc, [&] {
    for (int k = 0; k < window; ++k) {
      const int i = st.next++;
      keep[static_cast<std::size_t>(i)] = std::make_shared<IdleWs>(ioc, o, token, st, keep);
      keep[static_cast<std::size_t>(i)]->start();
    }
  });
  const auto deadline = t0 + std::chrono::nanoseconds(static_cast<std::int64_t>(o.seconds * 1e9));
  while (st.opened + st.failed < o.connections && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const double open_s = std::chrono::duration<double>(Clock::now() - t0).count();
  // Let the server settle (the hello's work, allocator caches), then measure while all idle.
  std::this_thread::sleep_for(std::chrono::milliseconds(o.smoke ? 300 : 1500));
  const long after = rss_kb(o.server_pid);
  const int opened = st.opened, failed = st.failed, early = st.closed_early;
  st.stopping = true;
  asio::post(ioc, [&] {
    for (auto& c : keep)
      if (c) c->close();
  });
  guard.reset();
  io.join();
  keep.clear();

  const double kb_per_conn =
      (before > 0 && after > 0 && opened > 0) ? static_cast<double>(after - before) / opened : -1;
  Histogram hs;
  {
    std::lock_guard lock(st.mu);
    hs = st.handshake;
  }
  std::printf(
      "[%s] %d/%d WebSockets open in %.1f s (failed %d, closed early %d); server RSS "
      "%ld -> %ld KiB: %.1f KiB per connection; open latency p50 %.1f ms p99 %.1f ms\n",
      o.label.c_str(), opened, o.connections, open_s, failed, early, before, after, kb_per_conn,
      ms(hs.percentile(50)), ms(hs.percentile(99)));
  json::object ek;
  {
    std::lock_guard lock(st.mu);
    for (auto& [k, n] : st.error_kinds) ek[k] = n;
  }
  out["connections"] = o.connections;
  out["opened"] = opened;
  out["failed"] = failed;
  out["closed_early"] = early;
  out["error_kinds"] = std::move(ek);
  out["open_seconds"] = open_s;
  out["server_rss_before_kib"] = before;
  out["server_rss_after_kib"] = after;
  out["kib_per_connection"] = kb_per_conn;
  out["open_latency"] = histogram_json(hs);
  const bool ok = o.smoke ? opened > 0 && opened == o.connections : opened == o.connections;
  return ok && early == 0 ? 0 : 1;
}

// CPU seconds (user + system) the process has used so far; -1 when unreadable.
double server_cpu_s(int pid) {
  if (pid <= 0) return -1;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto paren = all.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream rest(all.substr(paren + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i)
    if (i == 14 || i == 15) ticks += std::strtod(field.c_str(), nullptr);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double own_cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  raise_nofile();
  // A hard bound on the whole process: the run, the verification and slack for a slow machine.
  alarm(static_cast<unsigned>(o.seconds) + 300);
  signal(SIGPIPE, SIG_IGN);
  json::object out{{"scenario", o.scenario},
                   {"label", o.label},
                   {"smoke", o.smoke},
                   {"source_addresses", kSourceAddresses},
                   {"nofile_soft_limit", nofile_soft()}};
  int rc = 1;
  setvbuf(stdout, nullptr, _IOLBF, 0);
  const double cpu0 = server_cpu_s(o.server_pid);
  try {
    rc = o.scenario == "ingest" ? run_ingest(o, out) : run_density(o, out);
    // Whole run, setup and verification included: a rough split of the two cores.
    const double cpu1 = server_cpu_s(o.server_pid);
    out["server_cpu_s"] = cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : -1.0;
    out["client_cpu_s"] = own_cpu_s();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "omniline_bench: %s\n", e.what());
    out["error"] = e.what();
    rc = 1;
  }
  out["ok"] = rc == 0;
  if (!o.json_path.empty()) {
    std::ofstream f(o.json_path);
    f << json::serialize(out) << "\n";
  }
  return rc;
}
