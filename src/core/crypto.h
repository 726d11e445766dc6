// Cryptographic helpers over libsodium: random tokens, SHA-256, argon2id
// password hashes, constant-time comparison, and HMAC-SHA1 (for RFC 6238 TOTP,
// which authenticator apps implement with SHA-1; libsodium lacks it, so it is
// implemented here and checked against the RFC test vectors).
// Thread-safe after InitCrypto().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace minsheng {

// Must run once before any other function here; safe to call again.
void InitCrypto();

// n random bytes, URL-safe base64 without padding.
std::string RandomToken(size_t n_bytes);
std::string RandomBytes(size_t n);
// Lower-case hex SHA-256 of data.
std::string Sha256Hex(std::string_view data);
std::string Sha256Raw(std::string_view data);
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// argon2id in libsodium's encoded string form ("$argon2id$v=19$m=...").
Result<std::string> HashPassword(std::string_view password, uint64_t ops, uint64_t mem_kib);
bool VerifyPassword(std::string_view encoded_hash, std::string_view password);

std::string HmacSha1(std::string_view key, std::string_view message);
std::string Base32Encode(std::string_view bytes);  // RFC 4648, no padding
Result<std::string> Base32Decode(std::string_view text);

}  // namespace minsheng
