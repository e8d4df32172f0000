#include <spdlog/spdlog.h>

#include <boost/url/parse.hpp>

#include "api/json_util.h"
#include "http/detail.h"
#include "services/crypto.h"

namespace omniline::http::detail {

namespace {

using Clock = std::chrono::steady_clock;
using api::kRealtimePath;
using api::kWidgetRealtimePath;

// Tracks one HTTP connection for the graceful shutdown: idle ones are closed at once.
class HttpConn : public Closable, public std::enable_shared_from_this<HttpConn> {
 public:
  HttpConn(beast::tcp_stream& stream) : stream_(stream), ex_(stream.get_executor()) {}
  void begin_close() override {
    asio::post(ex_, [self = shared_from_this()] {
      if (self->idle && !self->detached) self->stream_.cancel();
    });
  }
  bool idle = false;      // waiting for the next request; only touched on the strand
  bool detached = false;  // the stream moved to a WebSocket

 private:
  beast::tcp_stream& stream_;
  asio::any_io_executor ex_;
};

bool valid_request_id(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}

bhttp::response<bhttp::string_body> to_beast(const api::Response& r, unsigned version,
                                             bool keep_alive, const std::string& request_id) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(r.status), version};
  out.set(bhttp::field::server, "omniline");
  if (!r.content_type.empty()) out.set(bhttp::field::content_type, r.content_type);
  bool has_cache_control = false;
  for (const auto& [k, v] : r.headers) {
    out.insert(k, v);
    has_cache_control |= beast::iequals(k, "Cache-Control");
  }
  if (!has_cache_control) out.set(bhttp::field::cache_control, "no-store");
  out.set("X-Content-Type-Options", "nosniff");
  out.set("X-Frame-Options", "DENY");
  out.set("Referrer-Policy", "same-origin");
  out.set("X-Request-Id", request_id);
  out.body() = r.body;
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

api::Response error_with_status(const Error& error, int status) {
  api::Response r = api::error_response(error);
  r.status = status;
  return r;
}

// Requests whose body may be as large as the upload limit.
bool is_upload(const bhttp::request<bhttp::string_body>& header) {
  if (header.method() != bhttp::verb::post) return false;
  const std::string_view target = header.target();
  const std::string_view path = target.substr(0, target.find('?'));
  return path == "/api/v1/files" || path == "/api/v1/widget/files";
}

// What to answer when reading a request failed: 413/431/400, or nothing when the peer is gone
// or too slow (timeout, reset, cancelled by the shutdown).
std::optional<api::Response> read_failure(const boost::system::error_code& ec,
                                          std::size_t body_limit) {
  if (ec == bhttp::error::body_limit) {
    std::string limit = std::to_string(body_limit) + " bytes";
    if (body_limit % (1024 * 1024) == 0) limit = std::to_string(body_limit / (1024 * 1024)) + " MiB";
    else if (body_limit % 1024 == 0) limit = std::to_string(body_limit / 1024) + " KiB";
    return error_with_status(Error::too_large("too large: at most " + limit + " may be sent"), 413);
  }
  if (ec == bhttp::error::header_limit)
    return error_with_status(Error::too_large("request header too large"), 431);
  if (ec == beast::error::timeout || ec == bhttp::error::end_of_stream ||
      ec == bhttp::error::partial_message || ec == asio::error::operation_aborted ||
      ec == asio::error::eof || ec == asio::error::connection_reset)
    return std::nullopt;
  return error_with_status(Error::invalid("malformed HTTP request"), 400);
}

// Answers a request the server could not read completely, then closes gracefully: the peer
// gets the error instead of a reset.
//
// A rule for every coroutine here: no argument temporary with a destructor inside a co_await
// expression (GCC 12 may destroy it twice): such arguments are named locals, and lambdas handed
// to workers capture plain copies, never init-captures.
asio::awaitable<void> reply_and_close(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                      const api::Response& r, const std::string& request_id) {
  auto res = to_beast(r, 11, false, request_id);
  stream.expires_after(std::chrono::seconds(5));
  co_await bhttp::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  // Drain what the client is still sending for a moment ("lingering close").
  std::size_t drained = 0;
  stream.expires_after(std::chrono::seconds(2));
  while (drained < 4 * 1024 * 1024) {
    buffer.clear();
    auto [rec, n] = co_await stream.async_read_some(buffer.prepare(64 * 1024),
                                                    asio::as_tuple(asio::use_awaitable));
    if (rec) break;
    drained += n;
  }
}

}  // namespace

bool to_api_request(const bhttp::request<bhttp::string_body>& in, api::Request& out) {
  auto parsed = boost::urls::parse_origin_form(std::string_view(in.target()));
  if (!parsed) return false;
  out.method = std::string(in.method_string());
  out.path = parsed->path();
  for (auto p : parsed->params()) out.query[p.key] = p.has_value ? p.value : std::string();
  out.headers.reserve(16);
  for (const auto& f : in) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  out.body = in.body();
  return true;
}

asio::awaitable<void> run_http_session(std::shared_ptr<Shared> shared, tcp::socket socket) {
  const ServerConfig& cfg = shared->config;
  auto& metrics = shared->metrics;
  ++metrics.open_connections;
  struct Guard {
    metrics::Registry& m;
    ~Guard() { --m.open_connections; }
  } guard{metrics};

  boost::system::error_code ec;
  auto remote = socket.remote_endpoint(ec);
  const std::string remote_ip = ec ? "unknown" : remote.address().to_string();
  socket.set_option(tcp::no_delay(true), ec);

  beast::tcp_stream stream(std::move(socket));
  auto conn = std::make_shared<HttpConn>(stream);
  const auto conn_id = shared->add(conn);
  struct Unregister {
    Shared& s;
    std::uint64_t id;
    ~Unregister() { s.remove(id); }
  } unregister{*shared, conn_id};

  api::Api* const api = &shared->api;  // captured plainly by the worker lambdas below
  beast::flat_buffer buffer;
  for (;;) {
    // Wait for the first byte of the next request under the idle timeout.
    if (buffer.size() == 0) {
      if (shared->draining) break;
      conn->idle = true;
      stream.expires_after(cfg.idle_timeout);
      auto [rec, n] = co_await stream.async_read_some(buffer.prepare(4096),
                                                      asio::as_tuple(asio::use_awaitable));
      conn->idle = false;
      if (rec) break;
      buffer.commit(n);
    }

    const std::string request_id = crypto::random_hex(8);
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(cfg.header_limit));
    // The header is read under the larger of the two limits (a declared Content-Length is
    // checked against it there); once the path is known, the request's own limit applies.
    parser.body_limit(std::max(cfg.body_limit, cfg.upload_limit));

    // The whole header must arrive within read_timeout: a client trickling bytes is cut off.
    stream.expires_after(cfg.read_timeout);
    auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser,
                                                       asio::as_tuple(asio::use_awaitable));
    (void)hn;
    if (hec) {
      // A declared Content-Length over the limit is caught here, with the header complete.
      auto failure = read_failure(hec, is_upload(parser.get()) ? cfg.upload_limit : cfg.body_limit);
      if (failure) {
        metrics.record_request("unreadable", std::string(parser.get().method_string()),
                               failure->status, 0);
        co_await reply_and_close(stream, buffer, *failure, request_id);
      }
      break;
    }

    const auto started = Clock::now();
    auto& header = parser.get();
    if (websocket::is_upgrade(header)) {
      api::Request areq;
      bhttp::request<bhttp::string_body> upgrade = parser.release();
      if (!to_api_request(upgrade, areq) ||
          (areq.path != kRealtimePath && areq.path != kWidgetRealtimePath)) {
        {
          const api::Response err =
              error_with_status(Error::not_found("no WebSocket endpoint here"), 404);
          co_await reply_and_close(stream, buffer, err, request_id);
        }
        break;
      }
      areq.remote_ip = remote_ip;
      areq.request_id = request_id;
      // Heap-held and captured by pointer: GCC 12 miscompiles by-value captures of objects
      // with unordered_maps in lambdas made inside coroutines.
      auto held = std::make_shared<const api::Request>(std::move(areq));
      auto auth_task = on_workers<Result<std::shared_ptr<api::RealtimeSession>>>(
          *shared, [api, held]() { return api->accept_realtime(*held); });
      auto who = co_await std::move(auth_task);
      const api::Request& areq_ref = *held;
      const std::string_view label = areq_ref.path == kRealtimePath ? kRealtimePath
                                                                    : kWidgetRealtimePath;
      // A browser on another site must not ride the session cookie (cross-site WebSocket
      // hijacking): with cookie auth, the Origin must be this host.
      if (who.ok() && areq_ref.path == kRealtimePath && !areq_ref.header("authorization")) {
        auto origin = areq_ref.header("origin");
        auto host = areq_ref.header("host");
        if (origin && (!host || (*origin != "http://" + std::string(*host) &&
                                 *origin != "https://" + std::string(*host))))
          who = Error::forbidden("cross-origin WebSocket with a session cookie");
      }
      if (!who.ok()) {
        metrics.record_request(std::string(label), "GET", api::http_status(who.error().code),
                               std::chrono::duration<double>(Clock::now() - started).count());
        {
          const api::Response err =
              error_with_status(who.error(), api::http_status(who.error().code));
          co_await reply_and_close(stream, buffer, err, request_id);
        }
        break;
      }
      metrics.record_request(std::string(label), "GET", 101,
                             std::chrono::duration<double>(Clock::now() - started).count());
      conn->detached = true;
      stream.expires_never();
      start_websocket(shared, std::move(stream), std::move(upgrade), std::move(*who));
      co_return;
    }

    // The body, under the same timeout and the body limit (uploads: their own limit and time).
    const bool upload = is_upload(header);
    const std::size_t body_limit = upload ? cfg.upload_limit : cfg.body_limit;
    parser.body_limit(body_limit);
    if (auto declared = parser.content_length(); declared && *declared > body_limit) {
      const auto failure = *read_failure(bhttp::error::body_limit, body_limit);
      metrics.record_request("unreadable", std::string(header.method_string()), failure.status, 0);
      co_await reply_and_close(stream, buffer, failure, request_id);
      break;
    }
    stream.expires_after(upload ? cfg.upload_timeout : cfg.read_timeout);
    auto [bec, bn] =
        co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    (void)bn;
    if (bec) {
      auto failure = read_failure(bec, body_limit);
      if (failure) {
        metrics.record_request("unreadable", std::string(header.method_string()), failure->status,
                               0);
        co_await reply_and_close(stream, buffer, *failure, request_id);
      }
      break;
    }

    auto req = parser.release();
    api::Request areq;
    std::string route = "unmatched";
    api::Response res;
    std::string rid = request_id;
    if (auto given = req["X-Request-Id"]; valid_request_id(given)) rid = std::string(given);
    if (!to_api_request(req, areq)) {
      res = api::error_response(Error::invalid("malformed request target"));
    } else {
      areq.remote_ip = remote_ip;
      areq.request_id = rid;
      struct Out {
        api::Response res;
        std::string route;
      };
      auto held = std::make_shared<api::Request>(std::move(areq));  // see the note above
      auto task = on_workers<Out>(*shared, [api, held]() {
        Out o;
        try {
          o.res = api->handle(*held, o.route);
        } catch (const std::exception& e) {
          spdlog::error("request {} failed: {}", held->request_id, e.what());
          o.res = api::error_response(Error::internal("internal error"));
        }
        return o;
      });
      Out out = co_await std::move(task);
      res = std::move(out.res);
      route = std::move(out.route);
    }

    const bool keep_alive = req.keep_alive() && !shared->draining;
    auto out = to_beast(res, req.version(), keep_alive, rid);
    if (req.method() == bhttp::verb::head) {
      // Same headers as GET, no body.
      const auto len = out.body().size();
      out.body().clear();
      out.content_length(len);
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    metrics.record_request(route, std::string(req.method_string()), res.status, seconds);
    if (cfg.access_log)
      spdlog::get("access")->info("{} {} \"{} {}\" {} {} {:.3f}ms", rid, remote_ip,
                                  std::string(req.method_string()), std::string(req.target()),
                                  res.status, res.body.size(), seconds * 1000);

    stream.expires_after(cfg.read_timeout);
    auto [wec, wn] = co_await bhttp::async_write(stream, out, asio::as_tuple(asio::use_awaitable));
    (void)wn;
    if (wec || !keep_alive) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace omniline::http::detail
