// The composition root: command line, configuration, wiring. Nothing else looks components up.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <malloc.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "api/api.h"
#include "app/demo_data.h"
#include "http/server.h"
#include "services/auth_service.h"
#include "services/crypto.h"
#include "services/employee_service.h"
#include "services/files.h"
#include "store/store.h"

namespace {

using namespace omniline;  // NOLINT

struct Options {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./data";
  std::string web_dir;
  std::string log_level = "info";
  bool access_log = true;
  bool secure_cookies = false;
  int io_threads = 0;
  int worker_threads = 32;
  int read_connections = 4;
  std::size_t max_connections = 18000;
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 1024 * 1024;
  std::size_t upload_limit = 25 * 1024 * 1024;
  std::string public_url;
  bool fetch_private = false;
  std::string telegram_api_url = "https://api.telegram.org";
  int telegram_poll_ms = 300;
  int read_timeout_s = 15;
  int idle_timeout_s = 60;
  int shutdown_grace_s = 10;
  int session_ttl_h = 24 * 7;
  bool test_clock = false;
  bool sample_line = false;
};

void setup_logging(const std::string& level) {
  auto main = spdlog::stdout_color_mt("omniline");
  main->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  spdlog::set_default_logger(main);
  auto access = spdlog::stdout_color_mt("access");
  access->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ access %v", spdlog::pattern_time_type::utc);
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::flush_on(spdlog::level::info);
}

// "host:port", "[v6]:port" or ":port".
bool split_listen(const std::string& s, std::string& host, std::uint16_t& port) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  host = s.substr(0, colon);
  if (host.empty()) host = "127.0.0.1";
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  try {
    std::size_t used = 0;
    int p = std::stoi(s.substr(colon + 1), &used);
    if (used != s.size() - colon - 1 || p < 0 || p > 65535) return false;
    port = static_cast<std::uint16_t>(p);
  } catch (...) {
    return false;
  }
  return true;
}

std::string db_path(const std::string& data_dir) {
  return data_dir + "/omniline.db";
}

Result<std::unique_ptr<store::Store>> open_store(const std::string& data_dir,
                                                 int read_connections) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return Error::internal("cannot create data dir " + data_dir + ": " + ec.message());
  store::SqliteOptions so;
  so.path = db_path(data_dir);
  so.read_connections = read_connections;
  return store::open_sqlite(so);
}

// `--sample-line`: a fresh install gets a line with a website chat, answered by the first admin,
// so that `make run` shows the whole loop (a visitor on /demo, an operator in the workspace).
void create_sample_line(store::Store& store, services::LineService& lines) {
  auto existing = store.read_value<store::Page<domain::Line>>(
      [](store::ReadTx& tx) { return tx.list_lines({0, 1}); });
  if (!existing.ok() || !existing->items.empty()) return;
  store::EmployeeFilter active;
  active.active = true;
  auto staff = store.read_value<store::Page<domain::Employee>>(
      [&](store::ReadTx& tx) { return tx.list_employees(active, {0, 200}); });
  if (!staff.ok()) return;
  auto admin = std::find_if(staff->items.begin(), staff->items.end(),
                            [](const domain::Employee& e) { return e.role == domain::Role::kAdmin; });
  if (admin == staff->items.end()) return;
  services::Principal as_admin;
  as_admin.employee = *admin;
  domain::Line line;
  line.name = "Support";
  line.queue = {admin->id};
  line.routing.mode = domain::RoutingMode::kAll;
  auto created = lines.create(as_admin, std::move(line));
  if (!created.ok()) {
    spdlog::warn("sample line: {}", created.error().message);
    return;
  }
  domain::Channel chat;
  chat.line_id = created->id;
  chat.kind = domain::ChannelKind::kWebchat;
  chat.name = "Website chat";
  auto channel = lines.create_channel(as_admin, std::move(chat));
  if (!channel.ok()) {
    spdlog::warn("sample line: {}", channel.error().message);
    return;
  }
  spdlog::info("created the sample line \"Support\" with website chat channel {} (see /demo)",
               channel->id.get());
}

std::string default_web_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto dir = exe.parent_path() / "web";
    if (std::filesystem::is_directory(dir, ec)) return dir.string();
  }
  return "";
}

const char* env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

int serve(const Options& o) {
  setup_logging(o.log_level);
  if (!crypto::init_crypto()) {
    spdlog::critical("libsodium cannot be initialised");
    return 1;
  }
  http::ServerConfig sc;
  if (!split_listen(o.listen, sc.host, sc.port)) {
    spdlog::critical("--listen must be host:port, got '{}'", o.listen);
    return 2;
  }
  auto store = open_store(o.data_dir, o.read_connections);
  if (!store.ok()) {
    spdlog::critical("storage: {}", store.error().message);
    return 1;
  }
  metrics::Registry metrics;
  (*store)->set_commit_observer(
      [&metrics](std::size_t n, double s) { metrics.record_commit(n, s); });

  // Tokens that expired or were revoked over 30 days ago are of no use, even for audits.
  const UnixMs purge_before = now_ms() - 30LL * 24 * 3600 * 1000;
  auto purged = (*store)->write_value<std::int64_t>(
      [purge_before](store::WriteTx& tx) { return tx.purge_tokens(purge_before); });
  if (purged.ok() && *purged > 0) spdlog::info("purged {} old tokens", *purged);
  // The event log only serves reconnecting clients: a week (and at least the newest 100 000
  // events) is plenty; older clients reload.
  const UnixMs events_before = now_ms() - 7LL * 24 * 3600 * 1000;
  auto purged_events = (*store)->write_value<std::int64_t>(
      [events_before](store::WriteTx& tx) { return tx.purge_events(events_before, 100000); });
  if (purged_events.ok() && *purged_events > 0)
    spdlog::info("purged {} old realtime events", *purged_events);

  services::AuthConfig ac;
  ac.session_ttl_ms = static_cast<UnixMs>(o.session_ttl_h) * 3600 * 1000;
  services::AuthService auth(**store, ac);
  services::EmployeeService employees(**store, auth);

  std::optional<std::string> admin_email, admin_password;
  if (env("OMNILINE_ADMIN_EMAIL") && env("OMNILINE_ADMIN_PASSWORD")) {
    admin_email = env("OMNILINE_ADMIN_EMAIL");
    admin_password = env("OMNILINE_ADMIN_PASSWORD");
  }
  auto boot = auth.bootstrap_admin(admin_email, admin_password);
  if (!boot.ok()) {
    spdlog::critical("creating the first admin: {}", boot.error().message);
    return 1;
  }
  if (boot->has_value()) {
    if ((*boot)->empty())
      spdlog::info("created the first admin {} (password from OMNILINE_ADMIN_PASSWORD)",
                   *admin_email);
    else
      spdlog::warn(
          "created the first admin: email admin@localhost password {} "
          "(shown only this once; change it after signing in)",
          **boot);
  }

  SystemClock system_clock;
  AdjustableClock test_clock;
  const Clock& clock = o.test_clock ? static_cast<const Clock&>(test_clock) : system_clock;
  if (o.test_clock) spdlog::warn("--test-clock is on: anyone signed in can move time forward");
  events::Hub hub;
  services::Presence presence;
  services::RoutingService routing(**store, hub, presence, clock);
  presence.set_observer([&routing](EmployeeId id, bool online) {
    routing.publish_presence(id, online, std::nullopt);
    routing.employee_changed(id);
  });
  services::LineService lines(**store, hub, routing, clock);
  services::DialogService dialogs(**store, hub, routing, clock);
  services::WidgetService widget(**store, hub, dialogs, clock);
  services::QuickAnswerService quick_answers(**store, clock);
  services::LocalBlobStore blobs(o.data_dir + "/files");
  services::FileService files(**store, blobs, clock,
                              {.upload_limit = o.upload_limit, .fetch_private = o.fetch_private});
  services::DriveService drive(**store, clock);
  auto url_key = services::file_url_key(**store);
  if (!url_key.ok()) {
    spdlog::critical("files: {}", url_key.error().message);
    return 1;
  }
  std::string public_url = o.public_url;
  if (!public_url.empty() && public_url.rfind("https://", 0) != 0 && public_url.rfind("http://", 0) != 0) {
    spdlog::critical("--public-url must start with https:// or http://");
    return 1;
  }
  while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();
  services::install_file_urls(std::make_shared<services::FileUrls>(*url_key, clock, public_url));
  services::OutboxWorker outbox(**store, clock, {}, [&dialogs](MessageId id, domain::DeliveryStatus s) {
    if (Status st = dialogs.set_delivery(id, s); !st.ok())
      spdlog::warn("outbox: recording delivery of message {}: {}", id.get(), st.error().message);
  });
  dialogs.set_outbox_hook([&outbox] { outbox.poke(); });
  services::TelegramApi telegram_api(o.telegram_api_url);
  // Customers' files: the Bot API lets bots download 20 MB, and uploads are limited here too.
  services::TelegramService telegram(**store, dialogs, files, telegram_api,
                                     {.public_url = public_url,
                                      .poll_interval_ms = o.telegram_poll_ms,
                                      .file_limit = std::min<std::size_t>(20 * 1024 * 1024, o.upload_limit)});
  outbox.set_sender(domain::ChannelKind::kTelegram,
                    [&telegram](const domain::Channel& c, const domain::OutboxItem& item) {
                      return telegram.deliver(c, item);
                    });
  if (o.sample_line) create_sample_line(**store, lines);

  api::ApiConfig apic;
  apic.web_root = o.web_dir.empty() ? default_web_dir() : o.web_dir;
  apic.secure_cookies = o.secure_cookies;
  api::Api api({.store = **store, .auth = auth, .employees = employees, .metrics = metrics,
                .lines = lines, .dialogs = dialogs, .widget = widget, .routing = routing,
                .hub = hub, .presence = presence, .quick_answers = quick_answers,
                .files = files, .drive = drive, .test_clock = o.test_clock ? &test_clock : nullptr, .outbox = &outbox,
                .telegram = &telegram},
               apic);
  routing.start();
  outbox.start();
  telegram.start();

  sc.io_threads = o.io_threads;
  sc.worker_threads = std::max(1, o.worker_threads);
  sc.max_connections = o.max_connections;
  sc.header_limit = o.header_limit;
  sc.body_limit = o.body_limit;
  sc.upload_limit = o.upload_limit;
  sc.read_timeout = std::chrono::seconds(o.read_timeout_s);
  sc.idle_timeout = std::chrono::seconds(o.idle_timeout_s);
  sc.shutdown_grace = std::chrono::seconds(o.shutdown_grace_s);
  sc.access_log = o.access_log;
  http::Server server(sc, api, metrics);
  if (auto st = server.start(); !st.ok()) {
    spdlog::critical("{}", st.error().message);
    return 1;
  }
  const std::string host = sc.host.find(':') != std::string::npos ? "[" + sc.host + "]" : sc.host;
  spdlog::info("Omniline {} listening on http://{}:{}/ (data dir {}, web dir {}, schema v{})",
               OMNILINE_VERSION, host, server.port(), o.data_dir,
               apic.web_root.empty() ? "none" : apic.web_root, (*store)->schema_version());
  server.run();
  telegram.stop();
  outbox.stop();
  routing.stop();
  (*store)->close();  // the last queued writes are committed before exit
  spdlog::info("stopped cleanly");
  spdlog::shutdown();
  return 0;
}

int migrate(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  auto v = store::migrate_sqlite(db_path(data_dir));
  if (!v.ok()) {
    std::cerr << "migrate: " << v.error().message << "\n";
    return 1;
  }
  std::cout << "database " << db_path(data_dir) << " is at schema version " << *v << "\n";
  return 0;
}

int user_add(const std::string& data_dir, services::NewEmployee in, const std::string& role) {
  if (!crypto::init_crypto()) return 1;
  auto r = domain::parse_role(role);
  if (!r) {
    std::cerr << "user add: --role must be admin, supervisor or operator\n";
    return 2;
  }
  in.role = *r;
  bool generated = false;
  if (in.password.empty()) {
    if (const char* p = env("OMNILINE_USER_PASSWORD")) {
      in.password = p;
    } else {
      in.password = crypto::random_token(18);
      generated = true;
    }
  }
  auto store = open_store(data_dir, 1);
  if (!store.ok()) {
    std::cerr << "user add: " << store.error().message << "\n";
    return 1;
  }
  services::AuthService auth(**store, {});
  services::EmployeeService employees(**store, auth);
  auto e = employees.create_unchecked(in);
  (*store)->close();
  if (!e.ok()) {
    std::cerr << "user add: " << e.error().message << "\n";
    return e.error().code == ErrorCode::kConflict ? 3 : 2;
  }
  std::cout << "created employee " << e->id.get() << " <" << e->email << "> role "
            << domain::role_name(e->role) << "\n";
  if (generated) std::cout << "password: " << in.password << "\n";
  return 0;
}

int demo(const std::string& data_dir, const app::DemoOptions& o) {
  if (!crypto::init_crypto()) return 1;
  auto store = open_store(data_dir, 1);
  if (!store.ok()) {
    std::cerr << "demo: " << store.error().message << "\n";
    return 1;
  }
  services::AuthService auth(**store, {});
  std::optional<std::string> email, password;
  if (env("OMNILINE_ADMIN_EMAIL") && env("OMNILINE_ADMIN_PASSWORD")) {
    email = env("OMNILINE_ADMIN_EMAIL");
    password = env("OMNILINE_ADMIN_PASSWORD");
  }
  auto boot = auth.bootstrap_admin(email, password);
  if (boot.ok() && boot->has_value() && !(*boot)->empty())
    std::cout << "created the first admin: email admin@localhost password " << **boot << "\n";
  auto r = app::fill_demo_data(**store, o);
  (*store)->close();
  if (!r.ok()) {
    std::cerr << "demo: " << r.error().message << "\n";
    return 2;
  }
  std::cout << "demo: line " << r->line.get() << " (connector channel " << r->channel.get()
            << "): " << r->dialogs << " dialogs, " << r->messages << " messages in " << r->seconds
            << " s (" << static_cast<std::int64_t>(r->messages / std::max(r->seconds, 1e-9))
            << " messages/s)\n";
  return 0;
}

// A command-line setting: `--some-flag` is also read from OMNILINE_SOME_FLAG, and --help shows
// its default.
template <typename T>
CLI::Option* setting(CLI::App* cmd, const std::string& flag, T& var, const std::string& help) {
  std::string env = "OMNILINE_";
  for (char c : flag.substr(2))
    env += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return cmd->add_option(flag, var, help)->envname(env)->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
  // SQLite opens a small temporary b-tree, with its own page cache, for some statements (e.g. an
  // `IN (…)` list in a partial index's condition, evaluated on every write to `sessions`). Its
  // free() let glibc hand the top of the thread's heap back to the kernel each time (madvise +
  // a TLB shootdown on every core): 3/4 of the CPU of `omniline demo`. Keep up to 16 MiB free
  // at the top of each heap instead (see docs/PERFORMANCE.md, read paths). A build linked with
  // jemalloc (the default outside the sanitizers) does not use glibc's malloc at all.
#ifndef OMNILINE_JEMALLOC
  mallopt(M_TRIM_THRESHOLD, 16 << 20);
#endif
  CLI::App app{"Omniline: a self-hosted omnichannel contact center"};
  app.set_config("--config", "", "read options from a TOML/INI file")->envname("OMNILINE_CONFIG");
  app.require_subcommand(1);

  Options o;
  auto* serve_cmd = app.add_subcommand("serve", "run the server");
  setting(serve_cmd, "--listen", o.listen, "address:port to listen on");
  setting(serve_cmd, "--data-dir", o.data_dir, "database and files");
  setting(serve_cmd, "--web-dir", o.web_dir, "built web app (default: web/ beside the binary)");
  setting(serve_cmd, "--log-level", o.log_level, "trace, debug, info, warn, error");
  setting(serve_cmd, "--access-log", o.access_log, "log every request");
  setting(serve_cmd, "--secure-cookies", o.secure_cookies, "mark cookies Secure (HTTPS)");
  setting(serve_cmd, "--io-threads", o.io_threads, "I/O threads (0: one per core)")
      ->check(CLI::Range(0, 256));
  setting(serve_cmd, "--worker-threads", o.worker_threads, "threads answering requests")
      ->check(CLI::Range(1, 1024));
  setting(serve_cmd, "--read-connections", o.read_connections, "database read connections")
      ->check(CLI::Range(1, 64));
  setting(serve_cmd, "--max-connections", o.max_connections, "open connections at most");
  setting(serve_cmd, "--header-limit", o.header_limit, "request header bytes at most")
      ->check(CLI::Range(1024, 1 << 20));
  setting(serve_cmd, "--body-limit", o.body_limit, "JSON body bytes at most")
      ->check(CLI::Range(1024, 1 << 30));
  setting(serve_cmd, "--upload-limit", o.upload_limit, "uploaded file bytes at most")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 32));
  setting(serve_cmd, "--public-url", o.public_url,
          "the server's address as others reach it (https://chat.example.com), for links in "
          "webhooks and channel set-up; empty: links are relative");
  setting(serve_cmd, "--read-timeout", o.read_timeout_s, "seconds to receive a header or body")
      ->check(CLI::Range(1, 3600));
  setting(serve_cmd, "--idle-timeout", o.idle_timeout_s, "seconds a keep-alive connection may idle")
      ->check(CLI::Range(1, 86400));
  setting(serve_cmd, "--shutdown-grace", o.shutdown_grace_s, "seconds to finish requests on stop")
      ->check(CLI::Range(0, 600));
  setting(serve_cmd, "--session-ttl-hours", o.session_ttl_h, "browser session lifetime")
      ->check(CLI::Range(1, 24 * 365));
  setting(serve_cmd, "--telegram-api-url", o.telegram_api_url,
          "Telegram Bot API base URL (tests point it at an emulator)");
  setting(serve_cmd, "--telegram-poll-ms", o.telegram_poll_ms,
          "milliseconds between getUpdates rounds of polled bots")
      ->check(CLI::Range(20, 60000));
  serve_cmd
      ->add_flag("--fetch-private", o.fetch_private,
                 "let channels send files by URLs on private, loopback or link-local addresses "
                 "(off: such URLs are refused, against server-side request forgery)")
      ->envname("OMNILINE_FETCH_PRIVATE");
  serve_cmd
      ->add_flag("--sample-line", o.sample_line,
                 "on a database without lines, create a line \"Support\" (the first admin in its "
                 "queue) with a website chat, so /demo works at once")
      ->envname("OMNILINE_SAMPLE_LINE");
  serve_cmd
      ->add_flag("--test-clock", o.test_clock,
                 "for tests only: POST /api/v1/testing/clock moves the server's time forward")
      ->envname("OMNILINE_TEST_CLOCK");

  std::string migrate_dir = "./data";
  auto* migrate_cmd = app.add_subcommand("migrate", "apply pending database migrations");
  setting(migrate_cmd, "--data-dir", migrate_dir, "database and files");

  std::string user_dir = "./data", role = "operator";
  services::NewEmployee nu;
  auto* user_cmd = app.add_subcommand("user", "manage employees");
  user_cmd->require_subcommand(1);
  auto* add_cmd = user_cmd->add_subcommand("add", "create an employee");
  setting(add_cmd, "--data-dir", user_dir, "database and files");
  add_cmd->add_option("--email", nu.email, "e-mail (sign-in name)")->required();
  add_cmd->add_option("--name", nu.name, "display name")->required();
  add_cmd->add_option("--role", role, "admin, supervisor or operator")->capture_default_str();
  add_cmd->add_option("--password", nu.password,
                      "password (else OMNILINE_USER_PASSWORD, else one is generated and printed)");

  std::string demo_dir = "./data";
  app::DemoOptions demo_opts;
  auto* demo_cmd = app.add_subcommand("demo", "fill a data dir with realistic dialogs");
  setting(demo_cmd, "--data-dir", demo_dir, "database and files");
  demo_cmd->add_option("--dialogs", demo_opts.dialogs, "how many dialogs (one customer each)")
      ->capture_default_str();
  demo_cmd->add_option("--messages-per-dialog", demo_opts.messages_per_dialog,
                       "messages in each answered dialog")
      ->capture_default_str();

  app.add_subcommand("version", "print the version")->callback([] {
    std::cout << "omniline " OMNILINE_VERSION "\n";
  });

  CLI11_PARSE(app, argc, argv);
  if (serve_cmd->parsed()) return serve(o);
  if (migrate_cmd->parsed()) return migrate(migrate_dir);
  if (add_cmd->parsed()) return user_add(user_dir, nu, role);
  if (demo_cmd->parsed()) return demo(demo_dir, demo_opts);
  return 0;
}
