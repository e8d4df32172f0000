#include "harness.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace omniline::testing {

json::value HttpResponse::json() const {
  return json::parse(body);
}

std::string HttpResponse::header(const std::string& lower) const {
  auto it = headers.find(lower);
  return it == headers.end() ? "" : it->second;
}

std::vector<std::string> HttpResponse::headers_all(const std::string& lower) const {
  std::vector<std::string> out;
  auto [a, b] = headers.equal_range(lower);
  for (auto it = a; it != b; ++it) out.push_back(it->second);
  return out;
}

std::string HttpResponse::error_code() const {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return "";
  auto* e = v.as_object().if_contains("error");
  if (!e || !e->is_object()) return "";
  auto* c = e->as_object().if_contains("code");
  return c && c->is_string() ? std::string(c->as_string()) : "";
}

ServerProcess::ServerProcess(std::vector<std::string> flags, std::vector<std::string> env,
                             std::string data_dir)
    : flags_(std::move(flags)), env_(std::move(env)), data_dir_(std::move(data_dir)) {
  if (data_dir_.empty()) {
    own_dir_.emplace("omniline-it");
    data_dir_ = own_dir_->path();
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) kill9();
}

std::string ServerProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool ServerProcess::start() {
  static int run = 0;
  log_path_ = data_dir_ + "/server-" + std::to_string(++run) + ".log";
  const char* bin = getenv("OMNILINE_TEST_BINARY");  // e.g. a sanitizer build of the server
  std::vector<std::string> args = {bin && *bin ? bin : OMNILINE_BINARY, "serve", "--data-dir", data_dir_};
  // A free port unless the test chose one (a server that must know its own URL beforehand).
  if (std::find(flags_.begin(), flags_.end(), "--listen") == flags_.end()) {
    args.push_back("--listen");
    args.push_back("127.0.0.1:0");
  }
  for (auto& f : flags_) args.push_back(f);
  std::vector<std::string> envs = {"OMNILINE_ADMIN_EMAIL=" + std::string(kAdminEmail),
                                   "OMNILINE_ADMIN_PASSWORD=" + std::string(kAdminPassword),
                                   "OMNILINE_WEB_DIR=" + data_dir_ + "/web"};
  if (const char* asan = getenv("ASAN_OPTIONS"))
    envs.push_back(std::string("ASAN_OPTIONS=") + asan);
  for (auto& e : env_) envs.push_back(e);
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : envs) envp.push_back(e.data());
    envp.push_back(nullptr);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  // Wait for "listening on http://127.0.0.1:PORT/".
  std::regex re("listening on http://127\\.0\\.0\\.1:([0-9]+)/");
  for (int i = 0; i < 600; ++i) {
    std::smatch m;
    std::string l = log();
    if (std::regex_search(l, m, re)) {
      port_ = static_cast<unsigned short>(std::stoi(m[1]));
      return true;
    }
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

int ServerProcess::stop(int sig, int timeout_ms) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, sig);
  for (int waited = 0; waited < timeout_ms; waited += 10) {
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill9();
  return -2;  // did not exit in time
}

void ServerProcess::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

bool ServerProcess::running() {
  if (pid_ <= 0) return false;
  int status;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

HttpClient::HttpClient(unsigned short port) : port_(port) {}

void HttpClient::connect() {
  stream_.emplace(ioc_);
  stream_->connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
  buffer_.clear();
}

HttpResponse HttpClient::request(bhttp::verb method, const std::string& target,
                                 const std::string& body,
                                 const std::map<std::string, std::string>& headers) {
  if (!is_open()) connect();
  bhttp::request<bhttp::string_body> req{method, target, 11};
  req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port_));
  bool has_ct = false;
  for (auto& [k, v] : headers) {
    req.set(k, v);
    has_ct |= beast::iequals(k, "content-type");
  }
  if (!body.empty() && !has_ct) req.set(bhttp::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  req.keep_alive(true);
  stream_->expires_after(std::chrono::seconds(30));
  bhttp::write(*stream_, req);
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (method == bhttp::verb::head) parser.skip(true);
  bhttp::read(*stream_, buffer_, parser);
  auto res = parser.release();
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  out.body = res.body();
  for (auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers.emplace(name, std::string(f.value()));
  }
  if (!res.keep_alive()) {
    boost::system::error_code ec;
    stream_->socket().close(ec);
  }
  return out;
}

HttpResponse http_once(unsigned short port, bhttp::verb method, const std::string& target,
                       const std::string& body, const std::map<std::string, std::string>& h) {
  HttpClient c(port);
  return c.request(method, target, body, h);
}

Session login(unsigned short port, const std::string& email, const std::string& password) {
  json::object b{{"email", email}, {"password", password}};
  auto r = http_once(port, bhttp::verb::post, "/api/v1/auth/login", json::serialize(b));
  Session s;
  if (r.status != 200)
    throw std::runtime_error("login failed: " + std::to_string(r.status) + " " + r.body);
  auto v = r.json();
  s.token = std::string(v.at("token").as_string());
  s.csrf = std::string(v.at("csrf_token").as_string());
  s.employee = v.at("employee").as_object();
  s.cookie = "omniline_session=" + s.token + "; omniline_csrf=" + s.csrf;
  return s;
}

std::map<std::string, std::string> bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

RawClient::RawClient(unsigned short port) : sock_(ioc_) {
  sock_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
}

bool RawClient::send(const std::string& bytes) {
  boost::system::error_code ec;
  asio::write(sock_, asio::buffer(bytes), ec);
  return !ec;
}

std::string RawClient::read_all(std::chrono::milliseconds timeout) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  sock_.non_blocking(true);
  char buf[8192];
  while (std::chrono::steady_clock::now() < deadline) {
    boost::system::error_code ec;
    std::size_t n = sock_.read_some(asio::buffer(buf), ec);
    if (ec == asio::error::would_block) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    if (ec) break;  // closed (eof or reset)
    out.append(buf, n);
  }
  return out;
}

bool RawClient::closed_by_peer(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  sock_.non_blocking(true);
  char buf[8192];
  while (std::chrono::steady_clock::now() < deadline) {
    boost::system::error_code ec;
    sock_.read_some(asio::buffer(buf), ec);
    if (ec == asio::error::would_block) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    if (ec) return true;
  }
  return false;
}

}  // namespace omniline::testing
