#include "services/url_fetch.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <curl/curl.h>

#include <cstring>
#include <memory>

namespace omniline::services {

namespace {

bool private_v4(const unsigned char* a) {
  const unsigned b0 = a[0], b1 = a[1], b2 = a[2];
  if (b0 == 0 || b0 == 10 || b0 == 127 || b0 >= 224) return true;
  if (b0 == 100 && (b1 & 0xC0) == 64) return true;  // 100.64/10
  if (b0 == 169 && b1 == 254) return true;
  if (b0 == 172 && (b1 & 0xF0) == 16) return true;
  if (b0 == 192 && b1 == 168) return true;
  if (b0 == 192 && b1 == 0 && b2 == 0) return true;
  if (b0 == 198 && (b1 & 0xFE) == 18) return true;
  return false;
}

struct Transfer {
  std::string body;
  std::size_t max = 0;
  bool too_large = false;
  bool allow_private = false;
  bool refused_address = false;
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t len = size * n;
  if (t->body.size() + len > t->max) {
    t->too_large = true;
    return 0;  // aborts the transfer
  }
  t->body.append(data, len);
  return len;
}

// Called for every address curl is about to connect to (also after a redirect), before the
// connection: the address actually used decides, so DNS tricks cannot slip a private one past.
curl_socket_t on_open_socket(void* user, curlsocktype, struct curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  char text[INET6_ADDRSTRLEN] = {};
  if (address->family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&address->addr)->sin_addr, text, sizeof text);
  else if (address->family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&address->addr)->sin6_addr, text, sizeof text);
  if (!t->allow_private && is_private_address(text)) {
    t->refused_address = true;
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string last_segment(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  const auto scheme = url.find("://");
  if (scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  const auto slash = url.find('/');
  if (slash == std::string_view::npos) return {};
  url.remove_prefix(url.rfind('/') + 1);
  std::string out;
  for (std::size_t i = 0; i < url.size(); ++i) {
    if (url[i] == '%' && i + 2 < url.size() && hex(url[i + 1]) >= 0 && hex(url[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(url[i + 1]) * 16 + hex(url[i + 2])));
      i += 2;
    } else {
      out.push_back(url[i]);
    }
  }
  return out;
}

}  // namespace

bool is_private_address(std::string_view ip) {
  const std::string s(ip);
  unsigned char a[16];
  if (inet_pton(AF_INET, s.c_str(), a) == 1) return private_v4(a);
  if (inet_pton(AF_INET6, s.c_str(), a) != 1) return true;
  static const unsigned char zero[16] = {};
  if (std::memcmp(a, zero, 16) == 0) return true;                      // ::
  if (std::memcmp(a, zero, 15) == 0 && a[15] == 1) return true;        // ::1
  if ((a[0] & 0xFE) == 0xFC) return true;                              // fc00::/7
  if (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) return true;              // fe80::/10
  if (a[0] == 0xFF) return true;                                       // multicast
  const bool mapped = std::memcmp(a, zero, 10) == 0 && a[10] == 0xFF && a[11] == 0xFF;
  const bool compatible = std::memcmp(a, zero, 12) == 0;
  if (mapped || compatible) return private_v4(a + 12);
  if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xFF && a[3] == 0x9B) return private_v4(a + 12);  // NAT64
  return false;
}

Result<Fetched> fetch_url(std::string_view url, const FetchLimits& limits, FetchFailure* why) {
  FetchFailure ignored = FetchFailure::kNone;
  if (why == nullptr) why = &ignored;
  *why = FetchFailure::kRefused;
  const std::string u(url);
  if (!(u.rfind("https://", 0) == 0 || u.rfind("http://", 0) == 0))
    return Error::invalid("file url must be http or https");
  std::unique_ptr<CURL, void (*)(CURL*)> h(curl_easy_init(), curl_easy_cleanup);
  if (!h) return Error::internal("cannot start a download");
  Transfer t;
  t.max = limits.max_bytes;
  t.allow_private = limits.allow_private;
  char errbuf[CURL_ERROR_SIZE] = {};
  CURL* c = h.get();
  curl_easy_setopt(c, CURLOPT_URL, u.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, limits.max_redirects > 0 ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, static_cast<long>(limits.max_redirects));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(limits.timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(limits.timeout.count()));
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(limits.max_bytes));
  curl_easy_setopt(c, CURLOPT_USERAGENT, "omniline");
  curl_easy_setopt(c, CURLOPT_PROXY, "");  // no proxy from the environment: we check the peer
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, &on_open_socket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &t);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  const CURLcode rc = curl_easy_perform(c);
  if (t.refused_address)
    return Error::invalid("file url points at a private or local address, which is not allowed");
  if (t.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    *why = FetchFailure::kTooLarge;
    return Error::invalid("file at url is larger than " + std::to_string(limits.max_bytes) + " bytes");
  }
  if (rc != CURLE_OK) {
    *why = FetchFailure::kTransient;
    return Error::invalid(std::string("cannot download the file: ") +
                          (errbuf[0] ? errbuf : curl_easy_strerror(rc)));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) {
    *why = status >= 500 || status == 408 || status == 429 ? FetchFailure::kTransient : FetchFailure::kHttp;
    return Error::invalid("cannot download the file: HTTP " + std::to_string(status));
  }
  *why = FetchFailure::kNone;
  char* final_url = nullptr;
  curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &final_url);
  return Fetched{std::move(t.body), last_segment(final_url ? final_url : u)};
}

}  // namespace omniline::services
