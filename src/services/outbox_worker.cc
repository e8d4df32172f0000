#include "services/outbox_worker.h"

#include <curl/curl.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "services/crypto.h"

namespace omniline::services {

namespace {

constexpr std::size_t kMaxErrorBytes = 500;
constexpr std::size_t kMaxResponseBytes = 64 * 1024;
constexpr auto kStoreErrorLogInterval = std::chrono::seconds(30);

std::once_flag g_global_init;

void global_init() {
  std::call_once(g_global_init, [] {
    if (!crypto::init_crypto()) spdlog::error("outbox: libsodium initialisation failed");
    CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) spdlog::error("outbox: curl_global_init: {}", curl_easy_strerror(rc));
  });
}

// At most kMaxErrorBytes, cut at a UTF-8 character boundary.
std::string clip_error(std::string s) {
  if (s.size() <= kMaxErrorBytes) return s;
  std::size_t n = kMaxErrorBytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  s.resize(n);
  return s;
}

// Keeps the first kMaxResponseBytes of the answer (for the debug log) and drops the rest.
std::size_t on_response_body(char* data, std::size_t size, std::size_t nmemb, void* user) {
  auto* body = static_cast<std::string*>(user);
  std::size_t n = size * nmemb;
  if (body->size() < kMaxResponseBytes)
    body->append(data, std::min(n, kMaxResponseBytes - body->size()));
  return n;  // keep reading (bounded by the timeout), just don't store it
}

struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistFree>;

bool append_header(Slist& list, const std::string& line) {
  curl_slist* next = curl_slist_append(list.get(), line.c_str());
  if (next == nullptr) return false;
  list.release();
  list.reset(next);
  return true;
}

}  // namespace

std::string webhook_signature(std::string_view secret, std::string_view body) {
  crypto_auth_hmacsha256_state state;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()),
                                body.size());
  crypto_auth_hmacsha256_final(&state, mac);
  sodium_memzero(&state, sizeof state);
  return "sha256=" +
         crypto::to_hex(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
}

UnixMs retry_delay_ms(const OutboxConfig& c, int attempts, double jitter01) {
  const int n = std::max(attempts, 1);
  const UnixMs cap = std::max<UnixMs>(c.max_backoff_ms, 0);
  UnixMs nominal = std::min(std::max<UnixMs>(c.base_backoff_ms, 0), cap);
  for (int i = 1; i < n && nominal > 0 && nominal < cap; ++i)
    nominal = nominal > cap / 2 ? cap : nominal * 2;
  double j = jitter01;
  if (!(j >= 0.0)) j = 0.0;  // also NaN
  if (j > 1.0) j = 1.0;
  const double d = static_cast<double>(nominal) * (0.8 + 0.4 * j);
  return std::clamp<UnixMs>(std::llround(d), 0, cap);
}

struct OutboxWorker::Attempt {
  bool delivered = false;    // the webhook answered 2xx
  bool store_error = false;  // nothing was tried: the store could not be read
  bool permanent = false;    // the channel refused it for good: failed without more attempts
  UnixMs retry_after_ms = 0; // the channel asked to wait at least this long
  std::string error;         // why it failed ("HTTP 500", curl's text, channel problem)
};

void OutboxWorker::set_sender(domain::ChannelKind kind, ChannelSender sender) {
  senders_[kind] = std::move(sender);
}

OutboxWorker::OutboxWorker(store::Store& store, const Clock& clock, OutboxConfig config,
                           DeliveryObserver on_status)
    : store_(store),
      clock_(clock),
      config_(config),
      on_status_(std::move(on_status)),
      rng_(std::random_device{}()) {
  global_init();
}

OutboxWorker::~OutboxWorker() {
  stop();
}

void OutboxWorker::start() {
  std::lock_guard join_lock(join_mu_);
  std::lock_guard lk(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  poked_ = true;  // look right away: rows may have been left pending by the last run
  thread_ = std::thread([this] { run(); });
}

void OutboxWorker::stop() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
    // From the observer (the worker thread itself): the loop ends after this item; whoever
    // destroys the worker joins it.
    if (thread_.get_id() == std::this_thread::get_id()) {
      cv_.notify_all();
      return;
    }
  }
  cv_.notify_all();
  std::lock_guard join_lock(join_mu_);  // a concurrent stop() returns only once it has ended
  std::thread t;
  {
    std::lock_guard lk(mu_);
    t = std::move(thread_);
  }
  if (t.joinable()) t.join();
}

void OutboxWorker::poke() {
  {
    std::lock_guard lk(mu_);
    poked_ = true;
  }
  cv_.notify_all();
}

bool OutboxWorker::stopping() const {
  std::lock_guard lk(mu_);
  return stop_;
}

void OutboxWorker::run() {
  spdlog::debug("outbox: worker started");
  while (true) {
    {
      std::lock_guard lk(mu_);
      if (stop_) break;
      poked_ = false;  // a poke from now on means another pass
    }
    bool more = false;
    try {
      more = deliver_due();
    } catch (const std::exception& e) {
      spdlog::error("outbox: {}", e.what());
    } catch (...) {
      spdlog::error("outbox: unknown exception");
    }
    if (more) continue;
    std::unique_lock lk(mu_);
    cv_.wait_for(lk, std::chrono::milliseconds(std::max(config_.poll_ms, 1)),
                 [&] { return stop_ || poked_; });
  }
  if (curl_ != nullptr) {
    curl_easy_cleanup(static_cast<CURL*>(curl_));
    curl_ = nullptr;
  }
  spdlog::debug("outbox: worker stopped");
}

bool OutboxWorker::deliver_due() {
  const UnixMs now = clock_.now();
  const int limit = std::max(config_.batch, 1);
  auto items = store_.read_value<std::vector<domain::OutboxItem>>(
      [&](store::ReadTx& tx) { return tx.due_outbox(now, limit); });
  if (!items.ok()) {
    // Throttled: the store stays unavailable for a while (e.g. while shutting down).
    const auto t = std::chrono::steady_clock::now();
    if (t - last_store_log_ >= kStoreErrorLogInterval) {
      last_store_log_ = t;
      spdlog::warn("outbox: cannot read due items: {}", items.error().message);
    }
    return false;
  }
  for (const auto& item : *items) {
    if (stopping()) return false;
    Attempt a = attempt(item);
    if (a.store_error) return false;  // try the batch again on the next pass
    if (!record(item, a)) return false;
  }
  return items->size() == static_cast<std::size_t>(limit);
}

OutboxWorker::Attempt OutboxWorker::attempt(const domain::OutboxItem& item) {
  Attempt a;
  auto channel = store_.read_value<domain::Channel>(
      [&](store::ReadTx& tx) { return tx.channel_by_id(item.channel_id); });
  if (!channel.ok()) {
    if (channel.error().code != ErrorCode::kNotFound) {
      spdlog::warn("outbox {}: cannot read channel {}: {}", item.id.get(), item.channel_id.get(),
                   channel.error().message);
      a.store_error = true;
      return a;
    }
    a.error = "channel " + std::to_string(item.channel_id.get()) + " not found or deleted";
    return a;
  }
  if (!channel->active) {
    a.error = "channel " + std::to_string(item.channel_id.get()) + " is inactive";
    return a;
  }
  if (channel->kind != domain::ChannelKind::kApi) {
    auto sender = senders_.find(channel->kind);
    if (sender == senders_.end()) {
      a.error = std::string("no delivery for ") + domain::channel_kind_name(channel->kind) + " channels";
      return a;
    }
    ChannelDelivery d = sender->second(*channel, item);
    a.delivered = d.delivered;
    a.permanent = d.permanent;
    a.retry_after_ms = d.retry_after_ms;
    a.error = clip_error(d.error);
    return a;
  }
  if (channel->webhook_url.empty()) {
    a.error = "channel " + std::to_string(item.channel_id.get()) + " has no webhook_url";
    return a;
  }

  CURL* h = static_cast<CURL*>(curl_);
  if (h == nullptr) {
    h = curl_easy_init();
    curl_ = h;
    if (h == nullptr) {
      a.error = "curl_easy_init failed";
      return a;
    }
  }
  curl_easy_reset(h);  // options only; the connection cache stays

  Slist headers;
  const std::string signature =
      "X-Omniline-Signature: " + webhook_signature(channel->secret, item.payload);
  const std::string delivery = "X-Omniline-Delivery: " + std::to_string(item.id.get());
  if (!append_header(headers, "Content-Type: application/json") ||
      !append_header(headers, signature) || !append_header(headers, delivery) ||
      !append_header(headers, "Expect:")) {  // no "100-continue" round trip for big bodies
    a.error = "out of memory building headers";
    return a;
  }

  char errbuf[CURL_ERROR_SIZE];
  errbuf[0] = '\0';
  std::string response;
  curl_easy_setopt(h, CURLOPT_URL, channel->webhook_url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, config_.timeout_ms);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, config_.timeout_ms);
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(item.payload.size()));
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, item.payload.data());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_USERAGENT, "omniline");
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_response_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);

  const CURLcode rc = curl_easy_perform(h);
  long status = 0;
  if (rc == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  // Nothing may point at this frame once we return.
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, static_cast<char*>(nullptr));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
  curl_easy_setopt(h, CURLOPT_WRITEDATA, static_cast<void*>(nullptr));

  if (rc != CURLE_OK) {
    a.error = clip_error(errbuf[0] != '\0' ? std::string(errbuf) : curl_easy_strerror(rc));
    return a;
  }
  if (status >= 200 && status < 300) {
    a.delivered = true;
    return a;
  }
  a.error = "HTTP " + std::to_string(status);
  spdlog::debug("outbox {}: {} answered {}: {}", item.id.get(), channel->webhook_url, status,
                response.substr(0, 200));
  return a;
}

bool OutboxWorker::record(const domain::OutboxItem& item, const Attempt& a) {
  const UnixMs now = clock_.now();
  const double jitter = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  std::optional<domain::DeliveryStatus> outcome;
  int attempts = 0;
  Status st = store_.write([&](store::WriteTx& tx) -> Status {
    outcome.reset();
    auto current = tx.outbox_by_id(item.id);
    if (!current.ok()) {
      if (current.error().code == ErrorCode::kNotFound) return Status{};  // removed meanwhile
      return current.error();
    }
    domain::OutboxItem row = std::move(current).value();
    if (row.status != domain::OutboxStatus::kPending) return Status{};  // already settled
    row.attempts += 1;
    if (a.delivered) {
      row.status = domain::OutboxStatus::kSent;
      row.sent_at = now;
    } else {
      row.last_error = a.error;
      row.next_attempt_at =
          now + std::max(a.retry_after_ms, retry_delay_ms(config_, row.attempts, jitter));
      if (row.attempts >= config_.max_attempts || a.permanent) row.status = domain::OutboxStatus::kFailed;
    }
    Status s = tx.update_outbox(row);
    if (!s.ok()) return s;
    attempts = row.attempts;
    if (row.status == domain::OutboxStatus::kSent) outcome = domain::DeliveryStatus::kSent;
    if (row.status == domain::OutboxStatus::kFailed) outcome = domain::DeliveryStatus::kFailed;
    return Status{};
  });
  if (!st.ok()) {
    spdlog::warn("outbox {}: cannot record the attempt: {}", item.id.get(), st.error().message);
    return false;
  }
  if (a.delivered) {
    spdlog::debug("outbox {}: delivered (message {})", item.id.get(), item.message_id.get());
  } else if (outcome == domain::DeliveryStatus::kFailed) {
    spdlog::warn("outbox {}: giving up after {} attempts (message {}): {}", item.id.get(), attempts,
                 item.message_id.get(), a.error);
  } else if (attempts > 0) {
    spdlog::info("outbox {}: attempt {} failed: {}", item.id.get(), attempts, a.error);
  }
  // Only the message's own delivery sets its status; edits and deletions are follow-ups.
  if (outcome && on_status_ && item.kind == "message") {
    try {
      on_status_(item.message_id, *outcome);
    } catch (const std::exception& e) {
      spdlog::error("outbox {}: observer: {}", item.id.get(), e.what());
    } catch (...) {
      spdlog::error("outbox {}: observer threw", item.id.get());
    }
  }
  return true;
}

}  // namespace omniline::services
