#include "domain/file.h"

#include <algorithm>
#include <set>

#include "domain/text.h"

namespace omniline::domain {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

// Length of the UTF-8 sequence starting at s[i] if it is valid there, else 0.
std::size_t utf8_len(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  return text::valid_utf8(s.substr(i, n)) ? n : 0;
}

// Unicode bidi controls (U+202A..U+202E, U+2066..U+2069) and zero-width joiners misused to
// disguise an extension: "photo\u202Egnp.exe".
bool is_format_char(std::string_view seq) {
  if (seq.size() != 3 || static_cast<unsigned char>(seq[0]) != 0xE2) return false;
  const auto b1 = static_cast<unsigned char>(seq[1]), b2 = static_cast<unsigned char>(seq[2]);
  if (b1 == 0x80 && b2 >= 0xAA && b2 <= 0xAE) return true;  // U+202A..U+202E
  if (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9) return true;  // U+2066..U+2069
  if (b1 == 0x80 && b2 >= 0x8B && b2 <= 0x8F) return true;  // U+200B..U+200F
  return false;
}

std::string_view trim_ws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// `value` of a `; key=value` or `; key="value"` parameter of a header (case-insensitive key).
std::optional<std::string> header_param(std::string_view header, std::string_view key) {
  std::size_t pos = header.find(';');
  while (pos != std::string_view::npos) {
    std::string_view rest = trim_ws(header.substr(pos + 1));
    const std::size_t eq = rest.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    const std::string_view k = trim_ws(rest.substr(0, eq));
    std::string_view v = rest.substr(eq + 1);
    std::string value;
    std::size_t consumed;
    if (!v.empty() && v.front() == '"') {
      std::size_t i = 1;
      for (; i < v.size() && v[i] != '"'; ++i) {
        if (v[i] == '\\' && i + 1 < v.size()) ++i;
        value.push_back(v[i]);
      }
      if (i >= v.size()) return std::nullopt;  // unterminated quote
      consumed = i + 1;
    } else {
      consumed = std::min(v.find(';'), v.size());
      value = std::string(trim_ws(v.substr(0, consumed)));
    }
    if (iequals(k, key)) return value;
    const std::size_t next = v.find(';', consumed);
    if (next == std::string_view::npos) return std::nullopt;
    pos = static_cast<std::size_t>((v.data() + next) - header.data());
  }
  return std::nullopt;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// RFC 5987 ext-value: UTF-8''percent%20encoded (other charsets are refused).
std::optional<std::string> decode_ext_value(std::string_view v) {
  const std::size_t q = v.find("''");
  if (q == std::string_view::npos || !iequals(v.substr(0, q), "utf-8")) return std::nullopt;
  std::string out;
  for (std::size_t i = q + 2; i < v.size(); ++i) {
    if (v[i] == '%') {
      if (i + 2 >= v.size()) return std::nullopt;
      const int hi = hex_value(v[i + 1]), lo = hex_value(v[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(v[i]);
    }
  }
  return out;
}

}  // namespace

std::string sanitize_file_name(std::string_view name) {
  // Browsers send only the base name, but other clients may send a path (either separator).
  if (auto slash = name.find_last_of("/\\"); slash != std::string_view::npos)
    name.remove_prefix(slash + 1);
  std::string out;
  for (std::size_t i = 0; i < name.size();) {
    const std::size_t n = utf8_len(name, i);
    if (n == 0) {
      out.push_back('_');
      ++i;
      continue;
    }
    const std::string_view seq = name.substr(i, n);
    i += n;
    if (text::has_control_chars(seq) || is_format_char(seq)) continue;
    if (out.size() + n > kMaxFileNameLength) break;
    out.append(seq);
  }
  // No hidden or relative names (".htaccess", ".."), no surrounding blanks.
  std::string_view t = text::trim(out);
  while (!t.empty() && t.front() == '.') t.remove_prefix(1);
  t = text::trim(t);
  return t.empty() ? std::string("file") : std::string(t);
}

bool is_inline_image(std::string_view mime) {
  return mime == "image/png" || mime == "image/jpeg" || mime == "image/gif" ||
         mime == "image/webp";
}

Status validate_folder_name(std::string_view name) {
  const std::string_view t = text::trim(name);
  if (t.empty()) return Error::invalid("name is required");
  if (t.size() > kMaxFolderName)
    return Error::invalid("name is too long (" + std::to_string(kMaxFolderName) + " bytes at most)");
  if (!text::valid_utf8(t)) return Error::invalid("name is not valid UTF-8");
  if (text::has_control_chars(t)) return Error::invalid("name contains control characters");
  if (t.find_first_of("/\\") != std::string_view::npos)
    return Error::invalid("name may not contain / or \\");
  if (t == "." || t == "..") return Error::invalid("name may not be . or ..");
  return {};
}

Status validate_file_ids(const std::vector<FileId>& ids) {
  if (ids.size() > kMaxFilesPerMessage)
    return Error::invalid("files: at most " + std::to_string(kMaxFilesPerMessage) +
                          " files per message");
  std::set<std::int64_t> seen;
  for (FileId id : ids) {
    if (!id.is_valid()) return Error::invalid("files: ids are positive integers");
    if (!seen.insert(id.get()).second) return Error::invalid("files: a file is listed twice");
  }
  return {};
}

Result<std::string> multipart_boundary(std::string_view content_type) {
  const std::size_t semi = content_type.find(';');
  if (!iequals(trim_ws(content_type.substr(0, semi)), "multipart/form-data"))
    return Error::invalid("the upload must be multipart/form-data with a part named file");
  auto b = header_param(content_type, "boundary");
  // RFC 2046: 1..70 characters, no trailing space.
  if (!b || b->empty() || b->size() > 70 || b->back() == ' ')
    return Error::invalid("multipart/form-data without a valid boundary");
  for (char c : *b)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
      return Error::invalid("multipart/form-data without a valid boundary");
  return std::move(*b);
}

Result<std::vector<FormPart>> parse_multipart(std::string_view body, std::string_view boundary) {
  const Error malformed = Error::invalid("malformed multipart/form-data body");
  const std::string delim = "--" + std::string(boundary);
  const std::string inner = "\r\n" + delim;
  // The first delimiter: at the very start, or after a preamble line.
  std::size_t pos;
  if (body.substr(0, delim.size()) == delim) {
    pos = delim.size();
  } else {
    pos = body.find(inner);
    if (pos == std::string_view::npos) return malformed;
    pos += inner.size();
  }
  std::vector<FormPart> parts;
  for (;;) {
    if (body.substr(pos, 2) == "--") return parts;  // the closing delimiter
    // Transport padding (spaces/tabs) may follow a delimiter before its CRLF.
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != "\r\n") return malformed;
    pos += 2;
    const std::size_t head_end = body.find("\r\n\r\n", pos);
    if (head_end == std::string_view::npos) return malformed;
    FormPart part;
    bool has_disposition = false;
    std::string_view headers = body.substr(pos, head_end - pos);
    while (!headers.empty()) {
      const std::size_t eol = headers.find("\r\n");
      std::string_view line = headers.substr(0, eol);
      headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 2);
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) return malformed;
      const std::string_view key = trim_ws(line.substr(0, colon));
      const std::string_view value = trim_ws(line.substr(colon + 1));
      if (iequals(key, "content-disposition")) {
        if (!iequals(trim_ws(value.substr(0, value.find(';'))), "form-data")) return malformed;
        auto n = header_param(value, "name");
        if (!n) return malformed;
        part.name = std::move(*n);
        if (auto ext = header_param(value, "filename*")) {
          part.filename = decode_ext_value(*ext);
          if (!part.filename) return malformed;
        } else {
          part.filename = header_param(value, "filename");
        }
        has_disposition = true;
      } else if (iequals(key, "content-type")) {
        part.content_type = std::string(value);
      }
    }
    if (!has_disposition) return malformed;
    const std::size_t data_start = head_end + 4;
    const std::size_t data_end = body.find(inner, data_start);
    if (data_end == std::string_view::npos) return malformed;
    part.data = body.substr(data_start, data_end - data_start);
    parts.push_back(std::move(part));
    if (parts.size() > 16) return Error::invalid("too many parts in the upload");
    pos = data_end + inner.size();
  }
}

}  // namespace omniline::domain
