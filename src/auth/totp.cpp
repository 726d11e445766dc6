#include "auth/totp.h"

#include <cstdio>

#include "core/crypto.h"

namespace minsheng::auth {

std::string TotpCode(std::string_view secret_bytes, int64_t step, int digits) {
  std::string counter(8, '\0');
  for (int i = 7; i >= 0; --i) {
    counter[static_cast<size_t>(i)] = static_cast<char>(step & 0xFF);
    step >>= 8;
  }
  const std::string mac = HmacSha1(secret_bytes, counter);
  const size_t offset = static_cast<unsigned char>(mac[19]) & 0x0F;
  const uint32_t binary = ((static_cast<uint32_t>(static_cast<unsigned char>(mac[offset])) & 0x7F) << 24) |
                          (static_cast<uint32_t>(static_cast<unsigned char>(mac[offset + 1])) << 16) |
                          (static_cast<uint32_t>(static_cast<unsigned char>(mac[offset + 2])) << 8) |
                          static_cast<uint32_t>(static_cast<unsigned char>(mac[offset + 3]));
  uint32_t mod = 1;
  for (int i = 0; i < digits; ++i) mod *= 10;
  std::string out = std::to_string(binary % mod);
  while (out.size() < static_cast<size_t>(digits)) out.insert(out.begin(), '0');
  return out;
}

std::optional<int64_t> VerifyTotp(std::string_view secret_base32, std::string_view code,
                                  int64_t unix_seconds, int64_t last_used_step, int window) {
  if (code.size() != 6) return std::nullopt;
  const auto secret = Base32Decode(secret_base32);
  if (!secret.ok()) return std::nullopt;
  const int64_t now_step = unix_seconds / kTotpStepSeconds;
  for (int64_t step = now_step - window; step <= now_step + window; ++step) {
    if (step <= last_used_step) continue;
    if (ConstantTimeEquals(TotpCode(*secret, step), code)) return step;
  }
  return std::nullopt;
}

std::string OtpauthUri(std::string_view username, std::string_view secret_base32) {
  std::string label;
  for (const char c : username) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.') {
      label.push_back(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", u);
      label += buf;
    }
  }
  return "otpauth://totp/minsheng:" + label + "?secret=" + std::string(secret_base32) +
         "&issuer=minsheng&algorithm=SHA1&digits=6&period=30";
}

}  // namespace minsheng::auth
