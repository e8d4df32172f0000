// omniline_read_bench: latency of the workspace's read paths on a filled server (Boost.Beast,
// one blocking keep-alive connection per thread).
//
//   omniline_read_bench --server http://127.0.0.1:PORT --admin-email E --admin-password P
//                       --operator-email E --operator-password P --dialogs N
//                       [--connections C] [--seconds S] [--requests R] [--warmup S]
//                       [--smoke] [--json FILE] [--label NAME]
//
// Meant for a data dir filled by `omniline demo` (dialog ids 1..N, every one on the demo line,
// whose queue holds the operator). It signs in as the admin ("sees all") and as the operator
// (queue-restricted), then measures one query kind after another. Each kind runs C connections
// in a closed loop (each sends its next request when the previous answer is read) for S seconds
// or R requests in all, whichever comes first, after a short unrecorded warm-up:
//
//   list.*      GET /api/v1/dialogs?view=…&limit=50 as the workspace asks: the first page, and
//               (`.deep`) pages 2..10 reached through next_cursor (page 1 of each walk is not
//               recorded);
//   counts.*    GET /api/v1/dialogs/counts (the workspace reads it on every load and after
//               events);
//   history.*   GET /api/v1/dialogs/{id}/messages for a random dialog: the newest page (limit
//               50, as the workspace), and (`.older`) the page behind the next_cursor of a
//               newest page of 10 (only the second request is recorded);
//   search.*    GET /api/v1/dialogs?view=…&q=… : the dialog search the API offers (a substring
//               of the dialog's title or the customer's name; there is no search over message
//               text), with a frequent first name, a full name, a Cyrillic name and a string
//               that matches nothing.
//
// Prints p50/p99/p99.9/max per kind and writes a JSON report. Exit status: 0 when every request
// answered 200 with a well-formed page and every kind was measured, 1 otherwise, 2 for bad
// arguments. The process bounds itself: S ≤ 120 per kind and an alarm on the whole run.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "histogram.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using omniline::bench::Histogram;

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::string admin_email, admin_password, operator_email, operator_password;
  std::string label = "reads";
  std::int64_t dialogs = 0;
  int connections = 4;
  double seconds = 5;      // per kind
  std::int64_t requests = 20000;  // per kind, over all connections
  double warmup = 1;       // per kind, unrecorded
  bool smoke = false;
  std::string json_path;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "omniline_read_bench: %s\nusage: omniline_read_bench --server http://HOST:PORT "
               "--admin-email E --admin-password P --operator-email E --operator-password P "
               "--dialogs N [--connections C] [--seconds S<=120] [--requests R] [--warmup S] "
               "[--smoke] [--json FILE] [--label NAME]\n",
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
  bool seconds_given = false, requests_given = false, warmup_given = false;
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
    } else if (a == "--operator-email") {
      o.operator_email = val();
    } else if (a == "--operator-password") {
      o.operator_password = val();
    } else if (a == "--dialogs") {
      o.dialogs = static_cast<std::int64_t>(number(val(), "--dialogs"));
    } else if (a == "--connections") {
      o.connections = static_cast<int>(number(val(), "--connections"));
    } else if (a == "--seconds") {
      o.seconds = number(val(), "--seconds");
      seconds_given = true;
    } else if (a == "--requests") {
      o.requests = static_cast<std::int64_t>(number(val(), "--requests"));
      requests_given = true;
    } else if (a == "--warmup") {
      o.warmup = number(val(), "--warmup");
      warmup_given = true;
    } else if (a == "--smoke") {
      o.smoke = true;
    } else if (a == "--json") {
      o.json_path = val();
    } else if (a == "--label") {
      o.label = val();
    } else {
      usage("unknown argument " + a);
    }
  }
  if (o.admin_email.empty() || o.admin_password.empty() || o.operator_email.empty() ||
      o.operator_password.empty())
    usage("--admin-email/--admin-password/--operator-email/--operator-password");
  if (o.dialogs < 1) usage("--dialogs must be at least 1");
  if (o.connections < 1 || o.connections > 64) usage("--connections must be 1..64");
  if (o.smoke) {
    if (!seconds_given) o.seconds = 0.3;
    if (!requests_given) o.requests = 40;
    if (!warmup_given) o.warmup = 0;
  }
  if (o.seconds <= 0 || o.seconds > 120) usage("--seconds must be in (0, 120]");
  if (o.warmup > 30) usage("--warmup must be at most 30");
  if (o.requests < 1) usage("--requests must be at least 1");
  return o;
}

double ms(std::uint64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

// ---------------------------------------------------------------------------------------------
// One blocking keep-alive connection.

struct Reply {
  int status = 0;
  std::string body;
  std::uint64_t ns = 0;  // write of the request → whole answer read
};

class Conn {
 public:
  Conn(std::string host, unsigned short port) : host_(std::move(host)), port_(port) {}

  Reply call(http::verb m, const std::string& target, const std::string& token,
             const std::string& body = "") {
    if (!stream_) {
      stream_.emplace(ioc_);
      stream_->connect(tcp::endpoint(asio::ip::make_address(host_), port_));
      stream_->socket().set_option(tcp::no_delay(true));
      buf_.clear();
    }
    http::request<http::string_body> req{m, target, 11};
    req.set(http::field::host, host_ + ":" + std::to_string(port_));
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    req.keep_alive(true);
    stream_->expires_after(std::chrono::seconds(60));
    const auto t0 = Clock::now();
    http::write(*stream_, req);
    http::response_parser<http::string_body> p;
    p.body_limit(64 * 1024 * 1024);
    http::read(*stream_, buf_, p);
    const auto t1 = Clock::now();
    auto res = p.release();
    Reply r{static_cast<int>(res.result_int()), std::move(res.body()),
            static_cast<std::uint64_t>(
                std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count())};
    if (!res.keep_alive()) stream_.reset();
    return r;
  }

  void reset() { stream_.reset(); }

 private:
  std::string host_;
  unsigned short port_;
  asio::io_context ioc_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buf_;
};

std::string login(Conn& c, const std::string& email, const std::string& password) {
  json::object b{{"email", email}, {"password", password}};
  auto r = c.call(http::verb::post, "/api/v1/auth/login", "", json::serialize(b));
  if (r.status != 200)
    throw std::runtime_error("login " + email + ": " + std::to_string(r.status) + " " + r.body);
  return std::string(json::parse(r.body).at("token").as_string());
}

// Percent-encodes a query value (UTF-8 bytes).
std::string encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Query kinds.

// What a connection's loop does per step: sends one or more requests through `call`, which
// records the ones it is told to. Throws on a transport error.
struct Step {
  Conn& conn;
  std::mt19937_64& rng;
  Histogram& h;
  std::uint64_t& errors;
  std::map<std::string, std::uint64_t>& error_kinds;
  Clock::time_point warm_end;  // answers that arrive before it are not recorded

  void bad(const std::string& why) {
    ++errors;
    ++error_kinds[why];
  }

  // GET `target` as `token`; records it if `record`. Returns the parsed page, or null on error.
  std::optional<json::object> get(const std::string& target, const std::string& token,
                                  bool record) {
    Reply r = conn.call(http::verb::get, target, token);
    if (r.status != 200) {
      bad("http_" + std::to_string(r.status));
      if (errors <= 3)
        std::fprintf(stderr, "GET %s: %d %s\n", target.c_str(), r.status, r.body.c_str());
      return std::nullopt;
    }
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);
    if (ec || !v.is_object()) {
      bad("bad_json");
      return std::nullopt;
    }
    if (record && Clock::now() >= warm_end) h.record(r.ns);
    return std::move(v.as_object());
  }
};

bool is_page(const json::object& o) {
  return o.contains("items") && o.at("items").is_array() && o.contains("next_cursor");
}

struct Kind {
  std::string name;
  std::string group;   // list, counts, history, search: the target that applies
  std::string sample;  // an example request, for the report
  // One step of the loop; `state` is per connection (e.g. a page walk in progress).
  std::function<void(Step&, std::string& state)> step;
};

struct Tokens {
  std::string admin, op;
};

std::vector<Kind> make_kinds(const Tokens& t, std::int64_t dialogs) {
  std::vector<Kind> k;
  auto first_page = [](std::string name, std::string view, const std::string* token) {
    const std::string target = "/api/v1/dialogs?view=" + view + "&limit=50";
    return Kind{std::move(name), "list", "GET " + target, [target, token](Step& s, std::string&) {
                  auto p = s.get(target, *token, true);
                  if (p && !is_page(*p)) s.bad("not_a_page");
                }};
  };
  // Pages 2..10 through next_cursor; the walk starts over at page 1 (unrecorded) after page 10
  // or at the end of the list.
  auto deep_pages = [](std::string name, std::string view, const std::string* token) {
    const std::string base = "/api/v1/dialogs?view=" + view + "&limit=50";
    return Kind{std::move(name), "list", "GET " + base + "&cursor=… (pages 2..10)",
                [base, token](Step& s, std::string& state) {
                  // state: "<page number> <cursor>"
                  int page = 1;
                  std::string cursor;
                  if (!state.empty()) {
                    auto sp = state.find(' ');
                    page = std::atoi(state.substr(0, sp).c_str());
                    cursor = state.substr(sp + 1);
                  }
                  const bool first = cursor.empty();
                  auto p = s.get(first ? base : base + "&cursor=" + cursor, *token, !first);
                  state.clear();
                  if (!p) return;
                  if (!is_page(*p)) return s.bad("not_a_page");
                  const auto& nc = p->at("next_cursor");
                  if (nc.is_string() && page < 10)
                    state = std::to_string(first ? 2 : page + 1) + " " +
                            std::string(nc.as_string());
                }};
  };
  auto counts = [](std::string name, const std::string* token) {
    const std::string target = "/api/v1/dialogs/counts";
    return Kind{std::move(name), "counts", "GET " + target, [target, token](Step& s, std::string&) {
                  auto p = s.get(target, *token, true);
                  if (p && !p->contains("unanswered")) s.bad("not_counts");
                }};
  };
  auto history = [dialogs](std::string name, bool older, const std::string* token) {
    return Kind{std::move(name), "history",
                older ? "GET /api/v1/dialogs/{random}/messages?limit=50&cursor=… (behind a page "
                        "of 10)"
                      : "GET /api/v1/dialogs/{random}/messages?limit=50",
                [dialogs, older, token](Step& s, std::string&) {
                  std::uniform_int_distribution<std::int64_t> pick(1, dialogs);
                  // A waiting dialog has a single message and no older page: try another.
                  for (int attempt = 0; attempt < 20; ++attempt) {
                    const std::string base =
                        "/api/v1/dialogs/" + std::to_string(pick(s.rng)) + "/messages";
                    if (!older) {
                      auto p = s.get(base + "?limit=50", *token, true);
                      if (p && !is_page(*p)) s.bad("not_a_page");
                      return;
                    }
                    auto p = s.get(base + "?limit=10", *token, false);
                    if (!p) return;
                    const auto& nc = p->at("next_cursor");
                    if (!nc.is_string()) continue;
                    auto q = s.get(base + "?limit=50&cursor=" + std::string(nc.as_string()),
                                   *token, true);
                    if (q && !is_page(*q)) s.bad("not_a_page");
                    return;
                  }
                }};
  };
  auto search = [](std::string name, std::string view, std::vector<std::string> terms,
                   const std::string* token) {
    const std::string base = "/api/v1/dialogs?view=" + view + "&limit=50&q=";
    std::string sample = "GET " + base + encode(terms.front());
    return Kind{std::move(name), "search", std::move(sample),
                [base, terms, token](Step& s, std::string&) {
                  const auto& term = terms[s.rng() % terms.size()];
                  auto p = s.get(base + encode(term), *token, true);
                  if (p && !is_page(*p)) s.bad("not_a_page");
                }};
  };
  const std::string* admin = &t.admin;
  const std::string* op = &t.op;
  k.push_back(first_page("list.all.admin", "all", admin));
  k.push_back(deep_pages("list.all.admin.deep", "all", admin));
  k.push_back(first_page("list.unanswered.admin", "unanswered", admin));
  k.push_back(first_page("list.unanswered.operator", "unanswered", op));
  k.push_back(deep_pages("list.unanswered.operator.deep", "unanswered", op));
  k.push_back(first_page("list.mine.operator", "mine", op));
  k.push_back(deep_pages("list.mine.operator.deep", "mine", op));
  k.push_back(counts("counts.admin", admin));
  k.push_back(counts("counts.operator", op));
  k.push_back(history("history.newest.admin", false, admin));
  k.push_back(history("history.newest.operator", false, op));
  k.push_back(history("history.older.operator", true, op));
  // The demo's names (src/app/demo_data.cc): 20 × 12 Latin ones, a quarter 6 × 6 Cyrillic ones.
  const std::vector<std::string> frequent{"anna", "Boris", "greta", "ELENA"};
  const std::vector<std::string> full{"Maya Kowalski", "hugo sato", "Olga Petrov", "liam novak"};
  const std::vector<std::string> cyrillic{"иванова", "Ольга", "СМИРНОВ", "дмитрий"};
  const std::vector<std::string> none{"zqxjv", "nobody-here", "Щюзз", "x9y8z7"};
  k.push_back(search("search.all.admin.frequent", "all", frequent, admin));
  k.push_back(search("search.all.admin.full_name", "all", full, admin));
  k.push_back(search("search.all.admin.cyrillic", "all", cyrillic, admin));
  k.push_back(search("search.all.admin.no_match", "all", none, admin));
  k.push_back(search("search.unanswered.operator.frequent", "unanswered", frequent, op));
  k.push_back(search("search.unanswered.operator.full_name", "unanswered", full, op));
  k.push_back(search("search.unanswered.operator.no_match", "unanswered", none, op));
  k.push_back(search("search.mine.operator.full_name", "mine", full, op));
  return k;
}

struct KindResult {
  Histogram h;
  std::uint64_t errors = 0;
  std::map<std::string, std::uint64_t> error_kinds;
  double seconds = 0;
};

// Runs one kind: `c` connections in a closed loop, first `warmup` seconds unrecorded, then until
// `seconds` pass or `requests` steps were taken (over all connections). An answer is recorded
// when it arrives after the warm-up, so a kind slower than the warm-up is still measured.
KindResult run_kind(const Options& o, const Kind& kind,
                    std::vector<std::unique_ptr<Conn>>& conns) {
  std::vector<Histogram> hs(conns.size());
  std::vector<std::uint64_t> errs(conns.size(), 0);
  std::vector<std::map<std::string, std::uint64_t>> ekinds(conns.size());
  std::atomic<std::int64_t> budget{o.requests};
  const auto t0 = Clock::now();
  const auto warm_end = t0 + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(o.warmup));
  const auto end = warm_end + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(o.seconds));
  std::vector<std::thread> ts;
  for (std::size_t i = 0; i < conns.size(); ++i) {
    ts.emplace_back([&, i] {
      std::mt19937_64 rng(1234 + i * 7919 + std::hash<std::string>()(kind.name));
      std::string state;
      for (;;) {
        const auto now = Clock::now();
        if (now >= end) break;
        if (now >= warm_end && budget.fetch_sub(1) <= 0) break;
        Step s{*conns[i], rng, hs[i], errs[i], ekinds[i], warm_end};
        try {
          kind.step(s, state);
        } catch (const std::exception& e) {
          ++errs[i];
          ++ekinds[i][std::string("transport: ") + e.what()];
          conns[i]->reset();
          state.clear();
        }
      }
    });
  }
  for (auto& t : ts) t.join();
  KindResult r;
  r.seconds = std::chrono::duration<double>(Clock::now() - warm_end).count();
  for (std::size_t i = 0; i < conns.size(); ++i) {
    r.h.merge(hs[i]);
    r.errors += errs[i];
    for (auto& [k, n] : ekinds[i]) r.error_kinds[k] += n;
  }
  return r;
}

double target_ms(const std::string& group) {
  return group == "search" ? 50.0 : 20.0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  signal(SIGPIPE, SIG_IGN);
  setvbuf(stdout, nullptr, _IOLBF, 0);
  // 20 kinds at most (seconds + warm-up) each, plus sign-in and slack.
  alarm(static_cast<unsigned>(20 * (o.seconds + o.warmup + 5)) + 120);
  json::object out{{"label", o.label},
                   {"smoke", o.smoke},
                   {"dialogs", o.dialogs},
                   {"connections", o.connections},
                   {"seconds_per_kind", o.seconds},
                   {"warmup_per_kind", o.warmup},
                   {"max_requests_per_kind", o.requests}};
  int rc = 0;
  try {
    Conn setup(o.host, o.port);
    Tokens t;
    t.admin = login(setup, o.admin_email, o.admin_password);
    t.op = login(setup, o.operator_email, o.operator_password);
    // The id range the history kinds draw from: the newest demo dialog must be readable.
    auto last = setup.call(http::verb::get, "/api/v1/dialogs/" + std::to_string(o.dialogs),
                           t.op);
    if (last.status != 200)
      throw std::runtime_error("dialog " + std::to_string(o.dialogs) +
                               " is not readable by the operator: " + std::to_string(last.status) +
                               " " + last.body);
    std::vector<std::unique_ptr<Conn>> conns;
    for (int i = 0; i < o.connections; ++i) conns.push_back(std::make_unique<Conn>(o.host, o.port));

    std::printf("%-40s %8s %7s %8s %8s %8s %8s %8s %7s\n", "kind", "requests", "req/s", "p50 ms",
                "p99 ms", "p99.9 ms", "max ms", "target", "errors");
    json::array kinds;
    for (const Kind& kind : make_kinds(t, o.dialogs)) {
      KindResult r = run_kind(o, kind, conns);
      const double p99 = ms(r.h.percentile(99));
      const double target = target_ms(kind.group);
      const double rate = r.seconds > 0 ? static_cast<double>(r.h.count()) / r.seconds : 0;
      std::printf("%-40s %8llu %7.0f %8.2f %8.2f %8.2f %8.2f %5.0f %s %7llu\n", kind.name.c_str(),
                  static_cast<unsigned long long>(r.h.count()), rate, ms(r.h.percentile(50)), p99,
                  ms(r.h.percentile(99.9)), ms(r.h.max()), target, p99 <= target ? "ok" : "--",
                  static_cast<unsigned long long>(r.errors));
      json::object ek;
      for (auto& [k, n] : r.error_kinds) ek[k] = n;
      kinds.push_back(json::object{{"kind", kind.name},
                                   {"group", kind.group},
                                   {"request", kind.sample},
                                   {"requests", r.h.count()},
                                   {"per_s", rate},
                                   {"errors", r.errors},
                                   {"error_kinds", std::move(ek)},
                                   {"target_p99_ms", target},
                                   {"meets_target", p99 <= target},
                                   {"latency",
                                    {{"min_ms", ms(r.h.min())},
                                     {"mean_ms", r.h.mean() / 1e6},
                                     {"p50_ms", ms(r.h.percentile(50))},
                                     {"p90_ms", ms(r.h.percentile(90))},
                                     {"p99_ms", p99},
                                     {"p99_9_ms", ms(r.h.percentile(99.9))},
                                     {"max_ms", ms(r.h.max())}}}});
      if (r.errors > 0 || r.h.count() == 0) rc = 1;
    }
    out["kinds"] = std::move(kinds);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "omniline_read_bench: %s\n", e.what());
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
