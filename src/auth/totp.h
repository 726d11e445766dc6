// TOTP second factor (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), the
// kind every authenticator app reads from an otpauth:// QR code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace minsheng::auth {

inline constexpr int64_t kTotpStepSeconds = 30;

// The code for a time step, zero-padded to `digits`.
std::string TotpCode(std::string_view secret_bytes, int64_t step, int digits = 6);
// Checks code against the steps around unix_seconds (±window). Returns the
// matching step when it is later than last_used_step (replays are refused).
std::optional<int64_t> VerifyTotp(std::string_view secret_base32, std::string_view code,
                                  int64_t unix_seconds, int64_t last_used_step, int window = 1);
// otpauth://totp/minsheng:USER?secret=…&issuer=minsheng&algorithm=SHA1&digits=6&period=30
std::string OtpauthUri(std::string_view username, std::string_view secret_base32);

}  // namespace minsheng::auth
