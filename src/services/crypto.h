// Thin wrappers over libsodium: argon2id password hashes, CSPRNG tokens, keyed hashes and
// constant-time comparison. init_crypto() must run once before any other call.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace omniline::crypto {

// Initialises libsodium; returns false if the library cannot be used (fatal for the server).
bool init_crypto();

// argon2id with libsodium's "interactive" limits; the result is the self-describing
// "$argon2id$v=19$m=...,t=...,p=..." string. Fails only when out of memory.
Result<std::string> hash_password(std::string_view password);
// Constant-time in the password; false for a wrong password or a malformed hash.
bool verify_password(std::string_view password, std::string_view hash);

// `bytes` random bytes from the CSPRNG as lowercase hex (2*bytes characters).
std::string random_hex(std::size_t bytes);
// `bytes` random bytes from the CSPRNG as unpadded base64url.
std::string random_token(std::size_t bytes);

// 32-byte BLAKE2b digest of `data` (raw bytes). Used to store token secrets.
std::string digest(std::string_view data);
// 32-byte keyed BLAKE2b (a MAC) of `data` under `key` (raw bytes).
std::string keyed_digest(std::string_view key, std::string_view data);

std::string to_hex(std::string_view raw);
std::string to_base64url(std::string_view raw);
// Decodes unpadded base64url; nullopt for anything else.
std::optional<std::string> from_base64url(std::string_view text);

// Constant-time equality (length is not secret).
bool equal_ct(std::string_view a, std::string_view b);

}  // namespace omniline::crypto
