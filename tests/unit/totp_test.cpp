#include "auth/totp.h"

#include <gtest/gtest.h>

#include "core/crypto.h"

namespace minsheng::auth {
namespace {

// RFC 6238 Appendix B, SHA-1 column; the secret is the ASCII "1234…890".
const std::string kSecret = "12345678901234567890";

TEST(TotpTest, Rfc6238Vectors) {
  struct Case {
    int64_t t;
    const char* code8;
  };
  for (const Case c : {Case{59, "94287082"}, Case{1111111109, "07081804"}, Case{1111111111, "14050471"},
                       Case{1234567890, "89005924"}, Case{2000000000, "69279037"},
                       Case{20000000000, "65353130"}}) {
    EXPECT_EQ(TotpCode(kSecret, c.t / 30, 8), c.code8) << c.t;
    EXPECT_EQ(TotpCode(kSecret, c.t / 30, 6), std::string(c.code8).substr(2)) << c.t;
  }
}

TEST(TotpTest, VerifyAcceptsAdjacentStepsOnly) {
  const std::string b32 = Base32Encode(kSecret);
  const int64_t now = 1234567890;
  const int64_t step = now / 30;
  EXPECT_EQ(VerifyTotp(b32, TotpCode(kSecret, step), now, 0), step);
  EXPECT_EQ(VerifyTotp(b32, TotpCode(kSecret, step - 1), now, 0), step - 1);
  EXPECT_EQ(VerifyTotp(b32, TotpCode(kSecret, step + 1), now, 0), step + 1);
  EXPECT_EQ(VerifyTotp(b32, TotpCode(kSecret, step - 2), now, 0), std::nullopt);
  EXPECT_EQ(VerifyTotp(b32, "12345", now, 0), std::nullopt);
  EXPECT_EQ(VerifyTotp("not base32!", "123456", now, 0), std::nullopt);
}

TEST(TotpTest, ReplayedStepIsRefused) {
  const std::string b32 = Base32Encode(kSecret);
  const int64_t now = 1234567890;
  const int64_t step = now / 30;
  EXPECT_EQ(VerifyTotp(b32, TotpCode(kSecret, step), now, step), std::nullopt);
  EXPECT_EQ(VerifyTotp(b32, TotpCode(kSecret, step - 1), now, step - 1), std::nullopt);
}

TEST(TotpTest, OtpauthUriEscapesTheLabel) {
  EXPECT_EQ(OtpauthUri("zhang san", "ABC"),
            "otpauth://totp/minsheng:zhang%20san?secret=ABC&issuer=minsheng&algorithm=SHA1&digits=6&period=30");
}

}  // namespace
}  // namespace minsheng::auth
