// Byte-level text checks shared by the domain validators. All lengths are in bytes.
#pragma once

#include <string>
#include <string_view>

namespace omniline::domain::text {

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s);

// C0 controls, DEL, and (in UTF-8) the C1 controls U+0080..U+009F. Tabs and newlines count.
bool has_control_chars(std::string_view s);

// Lower-case for case-insensitive search: ASCII, Latin-1, Latin Extended-A, Greek and
// Cyrillic capitals become small letters; everything else (and invalid UTF-8) is kept as is.
std::string fold_case(std::string_view s);

// Without leading and trailing ASCII whitespace.
std::string_view trim(std::string_view s);

}  // namespace omniline::domain::text
