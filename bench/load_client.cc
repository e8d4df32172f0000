// omniline_bench: a load client for a running `omniline serve` (Boost.Asio/Beast, callbacks).
//
//   omniline_bench --server http://127.0.0.1:PORT --admin-email E --admin-password P
//                  --scenario ingest|density|e2e|storm [--seconds N] [--connections N] [--rate R]
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
// e2e:     customer → operator screen over the website chat (see run_e2e).
// storm:   N operator WebSockets drop at once and come back resuming (see run_storm).
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
#include <functional>
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
  // e2e
  int lines = 0, operators = 0, operator_connections = 0, customers = 0, senders = 0;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "omniline_bench: %s\nusage: omniline_bench --server http://HOST:PORT "
               "--admin-email E --admin-password P --scenario ingest|density|e2e|storm [--seconds N<=600] "
               "[--connections N] [--rate R] [--threads T] [--server-pid PID] [--smoke] "
               "[--json FILE] [--label NAME] [--lines L] [--operators O] "
               "[--operator-connections C] [--customers N] [--senders S]\n",
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
    } else if (a == "--lines") {
      o.lines = static_cast<int>(number(val(), "--lines"));
    } else if (a == "--operators") {
      o.operators = static_cast<int>(number(val(), "--operators"));
    } else if (a == "--operator-connections") {
      o.operator_connections = static_cast<int>(number(val(), "--operator-connections"));
    } else if (a == "--customers") {
      o.customers = static_cast<int>(number(val(), "--customers"));
    } else if (a == "--senders") {
      o.senders = static_cast<int>(number(val(), "--senders"));
    } else if (a == "--smoke") {
      o.smoke = true;
    } else if (a == "--json") {
      o.json_path = val();
    } else {
      usage("unknown argument " + a);
    }
  }
  if (o.scenario != "ingest" && o.scenario != "density" && o.scenario != "e2e" &&
      o.scenario != "storm")
    usage("--scenario ingest|density|e2e|storm");
  if (o.admin_email.empty() || o.admin_password.empty()) usage("--admin-email/--admin-password");
  if (o.smoke && !seconds_given) o.seconds = 2;
  if (o.connections <= 0)
    o.connections = o.scenario == "ingest"  ? (o.smoke ? 8 : 64)
                    : o.scenario == "storm" ? (o.smoke ? 50 : 18000)
                                            : (o.smoke ? 50 : 2000);
  if (o.scenario == "e2e") {
    auto dflt = [&](int& v, int smoke, int full) {
      if (v <= 0) v = o.smoke ? smoke : full;
    };
    dflt(o.lines, 2, 200);
    dflt(o.operators, 2, 200);
    dflt(o.operator_connections, 8, 4000);
    dflt(o.customers, 20, 14000);
    dflt(o.senders, 4, 256);
    if (o.rate <= 0) o.rate = o.smoke ? 50 : 2000;
    if (o.operators < o.lines) usage("--operators must be at least --lines (each line gets one)");
    if (o.operator_connections < o.operators) usage("--operator-connections < --operators");
    if (o.customers > 250 * 256 || o.senders > 250 * 256) usage("at most 64,000 customers/senders");
  }
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

void open_bound(tcp::socket& s, boost::system::error_code& ec,
                std::optional<asio::ip::address_v4> source = std::nullopt) {
  s.open(tcp::v4(), ec);
  if (ec) return;
  s.bind(tcp::endpoint(source ? *source : next_source(), 0), ec);
}

// The i-th address of the loopback block 127.B.x.y (y in 1..250): one "client machine" each,
// for the per-IP limits of the website chat.
asio::ip::address_v4 loopback_host(int block, int i) {
  const int x = i / 250, y = i % 250 + 1;
  if (x > 255) throw std::runtime_error("too many loopback source addresses");
  return asio::ip::make_address_v4("127." + std::to_string(block) + "." + std::to_string(x) +
                                   "." + std::to_string(y));
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
  Rest(std::string host, unsigned short port,
       std::optional<asio::ip::address_v4> source = std::nullopt)
      : host_(std::move(host)), port_(port), source_(source) {}
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
      open_bound(stream_->socket(), ec, source_);
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
  std::optional<asio::ip::address_v4> source_;
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
  std::uint64_t k = 0;  // the message's number in the run (seq * connections + connection)
};

// What one io thread collects (only that thread touches it until the run ends).
struct ThreadStats {
  Histogram latency;
  std::uint64_t errors = 0;
  std::uint64_t reconnects = 0;
  std::vector<Ack> acks;
  std::map<std::string, std::uint64_t> error_kinds;
};

// One request of an ingest run.
struct Outgoing {
  std::string target, auth, body;
  std::string external_id;  // how the stored message is recognised afterwards
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
  // Message number k, sent at sent_ns → the request. Unset: the custom connector's body.
  std::function<void(std::uint64_t k, std::int64_t sent_ns, Outgoing& out)> build;
  std::uint64_t max_k = 0;  // >0: stop before message number max_k
  int source_block = 0;  // 0: round-robin 127.0.0.1–8; B: connection i from 127.B.x.y
  std::atomic<int>* finished = nullptr;  // counts connections that are done
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
    open_bound(stream_.socket(), ec,
               plan_.source_block ? std::optional(loopback_host(plan_.source_block, index_))
                                  : std::nullopt);
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
    if (plan_.max_k &&
        seq_ * static_cast<std::uint64_t>(plan_.connections) + static_cast<std::uint64_t>(index_) >=
            plan_.max_k)
      return finish();
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
    k_ = seq * static_cast<std::uint64_t>(plan_.connections) + static_cast<std::uint64_t>(index_);
    const auto sent_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(intended.time_since_epoch()).count();
    Outgoing out;
    if (plan_.build) {
      plan_.build(k_, sent_ns, out);
    } else {
      out.target = plan_.target;
      out.auth = plan_.auth;
      out.external_id = "b" + plan_.tag + "-c" + std::to_string(index_) + "-" + std::to_string(seq);
      // Four customers per connection, so the run touches several dialogs per connection.
      json::object body{
          {"user", {{"id", "bu-" + std::to_string(index_) + "-" + std::to_string(seq % 4)}}},
          {"message",
           {{"id", out.external_id},
            {"text", "bench " + out.external_id + " sent_ns=" + std::to_string(sent_ns)}}}};
      out.body = json::serialize(body);
    }
    ext_id_ = std::move(out.external_id);
    req_ = {};
    req_.method(http::verb::post);
    req_.target(out.target);
    req_.version(11);
    req_.set(http::field::host, plan_.host + ":" + std::to_string(plan_.port));
    req_.set(http::field::authorization, out.auth);
    req_.set(http::field::content_type, "application/json");
    req_.body() = std::move(out.body);
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
    if (res.result_int() != 200 && res.result_int() != 201) {
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
        a.k = k_;
        a.dialog_id = o.at("dialog_id").to_number<std::int64_t>();
        // The connector answers {message_id, duplicate}, the website chat the message itself.
        a.message_id = (o.contains("message_id") ? o.at("message_id") : o.at("id"))
                           .to_number<std::int64_t>();
        a.duplicate = o.contains("duplicate") && o.at("duplicate").as_bool();
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
    if (plan_.finished) ++*plan_.finished;
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
  std::uint64_t k_ = 0;
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

// ---------------------------------------------------------------------------------------------
// Scenario: e2e (customer → operator screen).
//
// L lines, each with a website chat channel and its share of O operators in the queue; C
// operator WebSockets (/api/v1/realtime) spread over the operators; N customers, each with a
// website chat session and an open /api/v1/widget/realtime WebSocket. Customer j writes in line
// j % L from its own source address (127.1.x.y, at most kCustomersPerIp a "machine", within the
// website chat's per-IP limit). S keep-alive HTTP connections (127.2.x.y) post the customers'
// messages (POST /api/v1/widget/messages with the customer's token) paced to R messages/s, the
// scheduled send time in the text. Every operator socket of the line must show each
// acknowledged message exactly once, in order within its dialog; latency = scheduled send time
// → the frame read by the operator's socket.

constexpr int kCustomersPerIp = 200;  // session + WebSocket per customer: 400 of the 600/min

// Runs fn(t) on `threads` threads; rethrows the first failure.
void parallel(int threads, const std::function<void(int)>& fn) {
  std::mutex mu;
  std::string first_error;
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&, t] {
      try {
        fn(t);
      } catch (const std::exception& e) {
        std::lock_guard lock(mu);
        if (first_error.empty()) first_error = e.what();
      }
    });
  for (auto& t : ts) t.join();
  if (!first_error.empty()) throw std::runtime_error(first_error);
}

struct E2eCustomer {
  std::string token;
  std::int64_t id = 0;
  int line = 0;
};

struct E2eThread {  // one per io thread, touched only by it until the run ends
  Histogram screen;  // scheduled send → operator socket
  std::unordered_map<std::int64_t, std::uint32_t> deliveries;  // message id → operator sockets
  std::uint64_t out_of_order = 0;
  std::uint64_t resyncs = 0;
};

struct E2eShared {
  std::atomic<int> opened{0}, failed{0}, closed_early{0};
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<bool> stopping{false};
  std::mutex mu;
  Histogram open_latency;  // under mu
  std::map<std::string, int> error_kinds;  // under mu
};

class E2eWs : public std::enable_shared_from_this<E2eWs> {
 public:
  E2eWs(asio::io_context& ioc, const Options& o, std::string target, std::string bearer,
        std::optional<asio::ip::address_v4> source, E2eShared& shared, E2eThread* stats,
        std::function<void()> on_settled)
      : o_(o), target_(std::move(target)), bearer_(std::move(bearer)), source_(source),
        shared_(shared), stats_(stats), on_settled_(std::move(on_settled)), ws_(ioc) {}

  void start() {
    t0_ = Clock::now();
    boost::system::error_code ec;
    open_bound(beast::get_lowest_layer(ws_).socket(), ec, source_);
    if (ec) return fail("bind");
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
    beast::get_lowest_layer(ws_).async_connect(
        tcp::endpoint(asio::ip::make_address(o_.host), o_.port),
        [self = shared_from_this()](boost::system::error_code ec) {
          if (ec) return self->fail("connect");
          self->handshake();
        });
  }

  void close() {
    boost::system::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }

  bool open() const { return open_; }
  std::int64_t hello_seq() const { return hello_seq_; }
  // After hello, resume from `seq`: the socket settles when `resumed` arrives, counting the
  // replayed events before it.
  void resume_from(std::int64_t seq) { resume_seq_ = seq; }
  int replayed() const { return replayed_; }
  bool resumed() const { return resumed_; }

 private:
  void handshake() {
    if (!bearer_.empty()) {
      ws_.set_option(websocket::stream_base::decorator(
          [auth = "Bearer " + bearer_](websocket::request_type& req) {
            req.set(http::field::authorization, auth);
          }));
    }
    ws_.async_handshake(o_.host + ":" + std::to_string(o_.port), target_,
                        [self = shared_from_this()](boost::system::error_code ec) {
                          if (ec) return self->fail("handshake");
                          self->read_hello();
                        });
  }

  void read_hello() {
    ws_.async_read(buf_, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
      if (ec) return self->fail("hello");
      const std::string text = beast::buffers_to_string(self->buf_.data());
      self->buf_.clear();
      if (text.find("\"hello\"") == std::string::npos) return self->fail("not_hello");
      if (auto at = text.find("\"last_seq\":"); at != std::string::npos)
        self->hello_seq_ = std::strtoll(text.c_str() + at + 11, nullptr, 10);
      if (self->resume_seq_ >= 0) return self->send_resume();
      beast::get_lowest_layer(self->ws_).expires_never();
      {
        std::lock_guard lock(self->shared_.mu);
        self->shared_.open_latency.record(static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - self->t0_)
                .count()));
      }
      self->open_ = true;
      ++self->shared_.opened;
      self->read();
      self->on_settled_();
    });
  }

  void send_resume() {
    out_ = "{\"type\":\"resume\",\"seq\":" + std::to_string(resume_seq_) + "}";
    ws_.async_write(asio::buffer(out_),
                    [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                      if (ec) return self->fail("resume_write");
                      self->read_replay();
                    });
  }

  // Replayed events, then `resumed`.
  void read_replay() {
    ws_.async_read(buf_, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
      if (ec) return self->fail("resume_read");
      const std::string text = beast::buffers_to_string(self->buf_.data());
      self->buf_.clear();
      if (text.find("\"type\":\"resumed\"") != std::string::npos) {
        self->resumed_ = true;
        beast::get_lowest_layer(self->ws_).expires_never();
        {
          std::lock_guard lock(self->shared_.mu);
          self->shared_.open_latency.record(static_cast<std::uint64_t>(
              std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - self->t0_)
                  .count()));
        }
        self->open_ = true;
        ++self->shared_.opened;
        self->read();
        self->on_settled_();
        return;
      }
      if (text.find("\"resync_required\"") != std::string::npos) return self->fail("resync");
      if (text.find("\"seq\":0,") == std::string::npos) ++self->replayed_;  // durable events
      self->read_replay();
    });
  }

  void read() {
    ws_.async_read(buf_, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
      if (ec) {
        if (!self->shared_.stopping) ++self->shared_.closed_early;
        return;
      }
      if (self->stats_) self->on_frame();
      self->buf_.clear();
      self->read();
    });
  }

  // An operator socket's frame: a customer's message.created carries its send time.
  void on_frame() {
    const auto data = buf_.data();
    const std::string_view text(static_cast<const char*>(data.data()), data.size());
    if (text.find("\"resync_required\"") != std::string_view::npos) ++stats_->resyncs;
    if (text.find("\"type\":\"message.created\"") == std::string_view::npos) return;
    const auto now_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
            .count();
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object()) return;
    const auto* m = v.as_object().at("data").as_object().if_contains("message");
    if (!m || !m->is_object()) return;
    const auto& mo = m->as_object();
    const auto* t = mo.if_contains("text");
    if (!t || !t->is_string()) return;
    const std::string_view body(t->as_string());
    const auto at = body.find("sent_ns=");
    if (at == std::string_view::npos) return;  // not one of the run's customer messages
    const std::int64_t sent = std::strtoll(body.data() + at + 8, nullptr, 10);
    if (now_ns > sent) stats_->screen.record(static_cast<std::uint64_t>(now_ns - sent));
    const std::int64_t id = mo.at("id").to_number<std::int64_t>();
    const std::int64_t dialog = mo.at("dialog_id").to_number<std::int64_t>();
    ++stats_->deliveries[id];
    ++shared_.delivered;
    auto& last = last_in_dialog_[dialog];
    if (id <= last)
      ++stats_->out_of_order;
    else
      last = id;
  }

  void fail(const char* what) {
    ++shared_.failed;
    {
      std::lock_guard lock(shared_.mu);
      ++shared_.error_kinds[what];
    }
    on_settled_();
  }

  const Options& o_;
  std::string target_, bearer_;
  std::optional<asio::ip::address_v4> source_;
  E2eShared& shared_;
  E2eThread* stats_;  // null: a customer socket (read and dropped)
  std::function<void()> on_settled_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buf_;
  Clock::time_point t0_;
  bool open_ = false;
  std::int64_t hello_seq_ = -1;
  std::int64_t resume_seq_ = -1;
  int replayed_ = 0;
  bool resumed_ = false;
  std::string out_;
  std::unordered_map<std::int64_t, std::int64_t> last_in_dialog_;
};

using MakeSocket = std::function<std::shared_ptr<E2eWs>(int i, asio::io_context& ctx,
                                                         std::function<void()> on_settled)>;

// Starts sockets one after another, at most `window` handshakes in flight: each socket that
// opens or fails starts the next. Lives as long as a socket may still call back.
struct Opener : std::enable_shared_from_this<Opener> {
  Opener(IoPool& pool, int base, int total, MakeSocket make,
         std::vector<std::shared_ptr<E2eWs>>& keep)
      : pool(pool), base(base), total(total), make(std::move(make)), keep(keep) {}
  void launch() {
    const int i = next++;
    if (i >= total) return;
    auto& ctx = *pool.ctx[static_cast<std::size_t>(i) % pool.ctx.size()];
    auto c = make(i, ctx, [self = shared_from_this()] {
      ++self->settled;
      self->launch();
    });
    keep[static_cast<std::size_t>(base + i)] = c;
    asio::post(ctx, [c] { c->start(); });
  }
  IoPool& pool;
  const int base, total;
  MakeSocket make;
  std::vector<std::shared_ptr<E2eWs>>& keep;  // sized beforehand; one slot per socket
  std::atomic<int> next{0}, settled{0};
};

// Opens `total` sockets into keep[base, base + total) (sized beforehand), `window` handshakes
// in flight; waits until each is open or failed, or the deadline passes. Returns how many
// opened.
int open_sockets(IoPool& pool, E2eShared& shared, int base, int total, double deadline_s,
                 MakeSocket make, std::vector<std::shared_ptr<E2eWs>>& keep, int window = 64) {
  const int before = shared.opened;
  auto opener = std::make_shared<Opener>(pool, base, total, std::move(make), keep);
  for (int k = 0; k < std::min(total, window); ++k) opener->launch();
  const auto until =
      Clock::now() + std::chrono::nanoseconds(static_cast<std::int64_t>(deadline_s * 1e9));
  while (opener->settled < total && Clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  return shared.opened - before;
}

int run_e2e(const Options& o, json::object& out) {
  const int L = o.lines, O = o.operators, C = o.operator_connections, N = o.customers,
            S = o.senders;
  Rest rest(o.host, o.port);
  const std::string admin_token = login(rest, o.admin_email, o.admin_password);
  rest.set_token(admin_token);
  const std::string tag = run_tag();
  const auto setup0 = Clock::now();

  // Operators: created and signed in on a few threads (each costs an argon2id hash).
  std::vector<std::int64_t> op_ids(static_cast<std::size_t>(O));
  std::vector<std::string> op_tokens(static_cast<std::size_t>(O));
  parallel(8, [&](int t) {
    Rest r(o.host, o.port);
    r.set_token(admin_token);
    Rest anon(o.host, o.port);
    for (int i = t; i < O; i += 8) {
      const std::string email = "bench-e2e-" + tag + "-" + std::to_string(i) + "@example.com";
      const std::string password = "bench-password-" + tag;
      json::object b{{"name", "Operator " + std::to_string(i)},
                     {"email", email},
                     {"password", password},
                     {"role", "operator"}};
      auto er = r.call(http::verb::post, "/api/v1/employees", json::serialize(b));
      if (er.status != 201) throw std::runtime_error("create employee: " + er.body);
      op_ids[static_cast<std::size_t>(i)] = er.json().at("id").as_int64();
      op_tokens[static_cast<std::size_t>(i)] = login(anon, email, password);
    }
  });
  // Lines: operator i is in the queue of line i % L; one website chat channel each.
  std::vector<std::int64_t> channel_of_line(static_cast<std::size_t>(L));
  parallel(4, [&](int t) {
    Rest r(o.host, o.port);
    r.set_token(admin_token);
    for (int l = t; l < L; l += 4) {
      json::array queue;
      for (int i = l; i < O; i += L) queue.push_back(op_ids[static_cast<std::size_t>(i)]);
      json::object lb{{"name", "bench e2e " + tag + " " + std::to_string(l)}, {"queue", queue}};
      auto lr = r.call(http::verb::post, "/api/v1/lines", json::serialize(lb));
      if (lr.status != 201) throw std::runtime_error("create line: " + lr.body);
      const auto line_id = lr.json().at("id").as_int64();
      auto cr = r.call(http::verb::post, "/api/v1/lines/" + std::to_string(line_id) + "/channels",
                       R"({"kind":"webchat","name":"bench site"})");
      if (cr.status != 201) throw std::runtime_error("create channel: " + cr.body);
      channel_of_line[static_cast<std::size_t>(l)] = cr.json().at("id").as_int64();
    }
  });
  // Customers: a website chat session each, from their own "machine".
  std::vector<E2eCustomer> customers(static_cast<std::size_t>(N));
  const int machines = (N + kCustomersPerIp - 1) / kCustomersPerIp;
  parallel(8, [&](int t) {
    for (int m = t; m < machines; m += 8) {
      Rest r(o.host, o.port, loopback_host(1, m));
      for (int j = m * kCustomersPerIp; j < std::min(N, (m + 1) * kCustomersPerIp); ++j) {
        auto& c = customers[static_cast<std::size_t>(j)];
        c.line = j % L;
        auto sr = r.call(http::verb::post,
                         "/api/v1/widget/channels/" +
                             std::to_string(channel_of_line[static_cast<std::size_t>(c.line)]) +
                             "/session",
                         "{}");
        if (sr.status != 200) throw std::runtime_error("widget session: " + sr.body);
        auto v = sr.json();
        c.token = std::string(v.at("token").as_string());
        c.id = v.at("customer").at("id").as_int64();
      }
    }
  });
  const double setup_s = std::chrono::duration<double>(Clock::now() - setup0).count();
  std::printf("[%s] set up %d lines, %d operators, %d customers in %.1f s\n", o.label.c_str(), L,
              O, N, setup_s);

  IoPool pool(o.threads);
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (auto& c : pool.ctx) guards.push_back(asio::make_work_guard(*c));
  std::thread runner([&] { pool.run(); });
  E2eShared shared;
  std::vector<E2eThread> tstats(static_cast<std::size_t>(o.threads));
  std::vector<std::shared_ptr<E2eWs>> keep(static_cast<std::size_t>(C + N));
  const long rss0 = rss_kb(o.server_pid);

  const auto open0 = Clock::now();
  const int ops_open = open_sockets(
      pool, shared, 0, C, o.smoke ? 30 : 120,
      [&](int i, asio::io_context& ctx, std::function<void()> settled) {
        auto* st = &tstats[static_cast<std::size_t>(i) % pool.ctx.size()];
        return std::make_shared<E2eWs>(ctx, o, "/api/v1/realtime",
                                       op_tokens[static_cast<std::size_t>(i % O)], std::nullopt,
                                       shared, st, std::move(settled));
      },
      keep);
  const int cust_open = open_sockets(
      pool, shared, C, N, o.smoke ? 30 : 120,
      [&](int j, asio::io_context& ctx, std::function<void()> settled) {
        const auto& c = customers[static_cast<std::size_t>(j)];
        return std::make_shared<E2eWs>(ctx, o, "/api/v1/widget/realtime?token=" + c.token, "",
                                       loopback_host(1, j / kCustomersPerIp), shared, nullptr,
                                       std::move(settled));
      },
      keep);
  const double open_s = std::chrono::duration<double>(Clock::now() - open0).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(o.smoke ? 200 : 1500));
  const long rss1 = rss_kb(o.server_pid);
  std::printf("[%s] open: %d/%d operator and %d/%d customer WebSockets in %.1f s; server RSS "
              "%ld -> %ld KiB\n",
              o.label.c_str(), ops_open, C, cust_open, N, open_s, rss0, rss1);

  // Warm-up, not measured: every customer writes once, so that the measured messages go to
  // ongoing dialogs (each first message opens a dialog and routes it: another path).
  double warmup_s = 0;
  std::uint64_t warmup_acked = 0;
  {
    IngestPlan warm;
    warm.host = o.host;
    warm.port = o.port;
    warm.connections = S;
    warm.source_block = 2;
    warm.max_k = static_cast<std::uint64_t>(N);
    std::atomic<int> done{0};
    warm.finished = &done;
    warm.build = [&](std::uint64_t k, std::int64_t, Outgoing& out) {
      const auto& c = customers[static_cast<std::size_t>(k)];
      out.target = "/api/v1/widget/messages";
      out.auth = "Bearer " + c.token;
      out.external_id = "c" + std::to_string(c.id) + ":w";
      out.body = R"({"text":"Hello, I have a question","client_id":"w"})";
    };
    std::vector<ThreadStats> wstats(static_cast<std::size_t>(o.threads));
    warm.start = Clock::now();
    warm.end = warm.start + std::chrono::seconds(o.smoke ? 60 : 300);
    for (int i = 0; i < S; ++i) {
      const auto t = static_cast<std::size_t>(i) % pool.ctx.size();
      auto conn = std::make_shared<IngestConn>(*pool.ctx[t], warm, wstats[t], i);
      asio::post(*pool.ctx[t], [conn] { conn->start(); });
    }
    while (done < S) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    warmup_s = std::chrono::duration<double>(Clock::now() - warm.start).count();
    for (auto& w : wstats) warmup_acked += w.acks.size();
    std::printf("[%s] warm-up: %llu/%d customers opened a dialog in %.1f s (%.0f new dialogs/s)\n",
                o.label.c_str(), static_cast<unsigned long long>(warmup_acked), N, warmup_s,
                static_cast<double>(warmup_acked) / warmup_s);
  }

  // The load: S senders post the customers' messages, paced to o.rate overall.
  IngestPlan plan;
  plan.host = o.host;
  plan.port = o.port;
  plan.tag = tag;
  plan.rate = o.rate;
  plan.connections = S;
  plan.source_block = 2;
  std::atomic<int> finished{0};
  plan.finished = &finished;
  plan.build = [&](std::uint64_t k, std::int64_t sent_ns, Outgoing& out) {
    const auto& c = customers[static_cast<std::size_t>(k % static_cast<std::uint64_t>(N))];
    const std::string client_id = "k" + std::to_string(k);
    out.target = "/api/v1/widget/messages";
    out.auth = "Bearer " + c.token;
    out.external_id = "c" + std::to_string(c.id) + ":" + client_id;
    out.body = json::serialize(json::object{
        {"text", "e2e k=" + std::to_string(k) + " sent_ns=" + std::to_string(sent_ns)},
        {"client_id", client_id}});
  };
  std::vector<ThreadStats> sstats(static_cast<std::size_t>(o.threads));
  plan.start = Clock::now() + std::chrono::milliseconds(50);
  plan.end = plan.start + std::chrono::nanoseconds(static_cast<std::int64_t>(o.seconds * 1e9));
  for (int i = 0; i < S; ++i) {
    const auto t = static_cast<std::size_t>(i) % pool.ctx.size();
    auto conn = std::make_shared<IngestConn>(*pool.ctx[t], plan, sstats[t], i);
    asio::post(*pool.ctx[t], [conn] { conn->start(); });
  }
  while (finished < S && Clock::now() < plan.end + std::chrono::seconds(60))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // Let the last deliveries arrive: until nothing new for a second (at most 15 s).
  {
    std::uint64_t last = shared.delivered;
    auto quiet_since = Clock::now();
    const auto give_up = Clock::now() + std::chrono::seconds(15);
    while (Clock::now() < give_up && Clock::now() - quiet_since < std::chrono::seconds(1)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      if (shared.delivered != last) {
        last = shared.delivered;
        quiet_since = Clock::now();
      }
    }
  }
  const int early = shared.closed_early;
  shared.stopping = true;
  for (std::size_t t = 0; t < pool.ctx.size(); ++t)
    asio::post(*pool.ctx[t], [&keep, t, n = pool.ctx.size()] {
      for (std::size_t i = t; i < keep.size(); i += n)
        if (keep[i]) keep[i]->close();
    });
  guards.clear();
  runner.join();

  // Expected: every open operator socket of the message's line.
  std::vector<std::uint32_t> expected(static_cast<std::size_t>(L), 0);
  for (int i = 0; i < C; ++i)
    if (keep[static_cast<std::size_t>(i)] && keep[static_cast<std::size_t>(i)]->open())
      ++expected[static_cast<std::size_t>((i % O) % L)];
  keep.clear();

  Histogram screen, ack;
  std::unordered_map<std::int64_t, std::uint32_t> deliveries;
  std::uint64_t out_of_order = 0, resyncs = 0, errors = 0;
  std::map<std::string, std::uint64_t> kinds;
  for (auto& t : tstats) {
    screen.merge(t.screen);
    out_of_order += t.out_of_order;
    resyncs += t.resyncs;
    for (auto& [id, n] : t.deliveries) deliveries[id] += n;
  }
  std::vector<Ack> acks;
  for (auto& s : sstats) {
    ack.merge(s.latency);
    errors += s.errors;
    for (auto& [k, n] : s.error_kinds) kinds[k] += n;
    acks.insert(acks.end(), std::make_move_iterator(s.acks.begin()),
                std::make_move_iterator(s.acks.end()));
  }
  std::uint64_t lost = 0, doubled = 0, expected_total = 0, delivered_total = 0;
  for (const auto& a : acks) {
    const auto& c = customers[static_cast<std::size_t>(a.k % static_cast<std::uint64_t>(N))];
    const std::uint32_t want = expected[static_cast<std::size_t>(c.line)];
    auto it = deliveries.find(a.message_id);
    const std::uint32_t got = it == deliveries.end() ? 0 : it->second;
    expected_total += want;
    delivered_total += std::min(got, want);
    if (got < want) lost += want - got;
    if (got > want) doubled += got - want;
  }
  const double per_s = static_cast<double>(acks.size()) / o.seconds;
  std::printf("[%s] %zu messages acknowledged (%.0f msg/s, target %.0f), errors %llu; ack p50 "
              "%.2f p99 %.2f ms\n",
              o.label.c_str(), acks.size(), per_s, o.rate, static_cast<unsigned long long>(errors),
              ms(ack.percentile(50)), ms(ack.percentile(99)));
  std::printf("[%s] operator screens: %llu/%llu deliveries (lost %llu, doubled %llu, out of order "
              "%llu, resyncs %llu); latency ms p50 %.2f p99 %.2f p99.9 %.2f max %.2f\n",
              o.label.c_str(), static_cast<unsigned long long>(delivered_total),
              static_cast<unsigned long long>(expected_total), static_cast<unsigned long long>(lost),
              static_cast<unsigned long long>(doubled),
              static_cast<unsigned long long>(out_of_order),
              static_cast<unsigned long long>(resyncs), ms(screen.percentile(50)),
              ms(screen.percentile(99)), ms(screen.percentile(99.9)), ms(screen.max()));
  std::fflush(stdout);

  Verification v = verify(rest, acks);
  std::printf("[%s] verified %llu/%llu acknowledged messages stored exactly once over %llu "
              "dialogs (missing %llu, duplicated %llu) in %.1f s: %s\n",
              o.label.c_str(), static_cast<unsigned long long>(v.stored_once),
              static_cast<unsigned long long>(v.acked), static_cast<unsigned long long>(v.dialogs),
              static_cast<unsigned long long>(v.missing),
              static_cast<unsigned long long>(v.duplicated), v.seconds, v.ok() ? "OK" : "FAILED");

  json::object ek;
  for (auto& [k, n] : kinds) ek[k] = n;
  {
    std::lock_guard lock(shared.mu);
    for (auto& [k, n] : shared.error_kinds) ek["ws_" + k] = n;
  }
  out["lines"] = L;
  out["operators"] = O;
  out["operator_connections"] = C;
  out["operator_connections_open"] = ops_open;
  out["customers"] = N;
  out["customer_connections_open"] = cust_open;
  out["senders"] = S;
  out["target_rate"] = o.rate;
  out["seconds"] = o.seconds;
  out["setup_seconds"] = setup_s;
  out["warmup_new_dialogs"] = warmup_acked;
  out["warmup_seconds"] = warmup_s;
  out["open_seconds"] = open_s;
  out["server_rss_before_open_kib"] = rss0;
  out["server_rss_open_kib"] = rss1;
  out["acknowledged"] = acks.size();
  out["msgs_per_s"] = per_s;
  out["errors"] = errors;
  out["error_kinds"] = std::move(ek);
  out["ack_latency"] = histogram_json(ack);
  out["screen_latency"] = histogram_json(screen);
  out["latency_from"] = "scheduled send time";
  out["deliveries_expected"] = expected_total;
  out["deliveries_lost"] = lost;
  out["deliveries_doubled"] = doubled;
  out["out_of_order"] = out_of_order;
  out["resyncs"] = resyncs;
  out["closed_early"] = early;
  out["verification"] = {{"ok", v.ok()},
                         {"dialogs", v.dialogs},
                         {"acknowledged_ids", v.acked},
                         {"stored_exactly_once", v.stored_once},
                         {"missing", v.missing},
                         {"duplicated", v.duplicated},
                         {"id_mismatch", v.id_mismatch},
                         {"seconds", v.seconds}};
  const bool all_open = ops_open == C && cust_open == N;
  const bool ok = v.ok() && all_open && lost == 0 && doubled == 0 && out_of_order == 0 &&
                  resyncs == 0 && early == 0 && !acks.empty();
  return ok ? 0 : 1;
}


// ---------------------------------------------------------------------------------------------
// Scenario: storm (reconnect storm).
//
// One operator opens N realtime WebSockets and remembers the seq of its hello. All N drop at
// once; while they are away the admin makes K staff-wide changes (K line.updated events); then
// all N reconnect at once (up to 1 000 handshakes in flight) and resume from that seq. Each
// must get exactly the K missed events and `resumed`. Figure: resumes per second from the
// first reconnect to the last `resumed`.

int run_storm(const Options& o, json::object& out) {
  const int N = o.connections;
  const int K = 5;
  Rest rest(o.host, o.port);
  const std::string admin_token = login(rest, o.admin_email, o.admin_password);
  rest.set_token(admin_token);
  const std::string tag = run_tag();
  const std::string email = "bench-storm-" + tag + "@example.com";
  const std::string password = "bench-password-" + tag;
  json::object eb{
      {"name", "Storm operator"}, {"email", email}, {"password", password}, {"role", "operator"}};
  auto er = rest.call(http::verb::post, "/api/v1/employees", json::serialize(eb));
  if (er.status != 201) throw std::runtime_error("create employee: " + er.body);
  Rest anon(o.host, o.port);
  const std::string token = login(anon, email, password);

  IoPool pool(o.threads);
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (auto& c : pool.ctx) guards.push_back(asio::make_work_guard(*c));
  std::thread runner([&] { pool.run(); });
  E2eShared first, second;
  std::vector<std::shared_ptr<E2eWs>> keep(static_cast<std::size_t>(N)),
      again(static_cast<std::size_t>(N));
  auto make = [&](E2eShared& sh) -> MakeSocket {
    E2eShared* shp = &sh;
    return [&o, &token, shp](int, asio::io_context& ctx, std::function<void()> settled) {
      return std::make_shared<E2eWs>(ctx, o, "/api/v1/realtime", token, std::nullopt, *shp,
                                     nullptr, std::move(settled));
    };
  };
  const long rss0 = rss_kb(o.server_pid);
  const auto t_open = Clock::now();
  const int opened = open_sockets(pool, first, 0, N, o.smoke ? 30 : 180, make(first), keep);
  const double open_s = std::chrono::duration<double>(Clock::now() - t_open).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(o.smoke ? 300 : 1500));
  const long rss1 = rss_kb(o.server_pid);
  std::int64_t since = -1;
  for (auto& c : keep)
    if (c && c->open()) since = since < 0 ? c->hello_seq() : std::min(since, c->hello_seq());

  // Everyone drops at once.
  first.stopping = true;
  for (std::size_t t = 0; t < pool.ctx.size(); ++t)
    asio::post(*pool.ctx[t], [&keep, t, n = pool.ctx.size()] {
      for (std::size_t i = t; i < keep.size(); i += n)
        if (keep[i]) keep[i]->close();
    });
  // K changes every employee sees, while they are away.
  for (int k = 0; k < K; ++k) {
    json::object lb{{"name", "storm " + tag + " " + std::to_string(k)}};
    auto lr = rest.call(http::verb::post, "/api/v1/lines", json::serialize(lb));
    if (lr.status != 201) throw std::runtime_error("create line: " + lr.body);
  }
  // Everyone comes back at once and resumes.
  const auto t_storm = Clock::now();
  const int resumed = open_sockets(
      pool, second, 0, N, o.smoke ? 30 : 180,
      [&](int i, asio::io_context& ctx, std::function<void()> settled) {
        auto c = make(second)(i, ctx, std::move(settled));
        c->resume_from(since);
        return c;
      },
      again, 1000);
  const double storm_s = std::chrono::duration<double>(Clock::now() - t_storm).count();
  second.stopping = true;
  for (std::size_t t = 0; t < pool.ctx.size(); ++t)
    asio::post(*pool.ctx[t], [&again, t, n = pool.ctx.size()] {
      for (std::size_t i = t; i < again.size(); i += n)
        if (again[i]) again[i]->close();
    });
  guards.clear();
  runner.join();
  int exact = 0, wrong = 0;
  for (auto& c : again) {
    if (!c || !c->resumed()) continue;
    if (c->replayed() == K)
      ++exact;
    else
      ++wrong;
  }
  keep.clear();
  again.clear();
  const double per_s = storm_s > 0 ? resumed / storm_s : 0;
  const double kib = (rss0 > 0 && rss1 > 0 && opened > 0)
                         ? static_cast<double>(rss1 - rss0) / opened
                         : -1;
  Histogram hs;
  {
    std::lock_guard lock(second.mu);
    hs = second.open_latency;
  }
  std::printf("[%s] %d/%d WebSockets open in %.1f s; server RSS %ld -> %ld KiB (%.1f KiB each)\n",
              o.label.c_str(), opened, N, open_s, rss0, rss1, kib);
  std::printf("[%s] storm: %d/%d resumed in %.2f s (%.0f resumes/s), %d got exactly the %d missed "
              "events, %d did not, %d failed; reconnect+resume p50 %.1f ms p99 %.1f ms\n",
              o.label.c_str(), resumed, N, storm_s, per_s, exact, K, wrong,
              static_cast<int>(second.failed), ms(hs.percentile(50)), ms(hs.percentile(99)));
  json::object ek;
  {
    std::lock_guard lock(first.mu);
    for (auto& [k, n] : first.error_kinds) ek["open_" + k] = n;
  }
  {
    std::lock_guard lock(second.mu);
    for (auto& [k, n] : second.error_kinds) ek["resume_" + k] = n;
  }
  out["connections"] = N;
  out["opened"] = opened;
  out["open_seconds"] = open_s;
  out["server_rss_before_kib"] = rss0;
  out["server_rss_after_kib"] = rss1;
  out["kib_per_connection"] = kib;
  out["missed_events"] = K;
  out["resumed"] = resumed;
  out["resumed_exactly"] = exact;
  out["resumed_wrong_count"] = wrong;
  out["storm_seconds"] = storm_s;
  out["resumes_per_s"] = per_s;
  out["resume_latency"] = histogram_json(hs);
  out["error_kinds"] = std::move(ek);
  return opened == N && resumed == N && exact == N ? 0 : 1;
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
  alarm(static_cast<unsigned>(o.seconds) + (o.scenario == "e2e" ? 900 : 300));
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
    rc = o.scenario == "ingest"    ? run_ingest(o, out)
         : o.scenario == "density" ? run_density(o, out)
         : o.scenario == "storm"   ? run_storm(o, out)
                                   : run_e2e(o, out);
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
