// SPDX-License-Identifier: MIT
// quoteUntrusted(): untrusted text shown safely in messages.
#include <gtest/gtest.h>

#include <string>

#include "vcamera/common/quote.h"

namespace vcam {
namespace {

TEST(Quote, PrintableTextIsShownAsIs) { EXPECT_EQ(quoteUntrusted("NV12"), "'NV12'"); }

TEST(Quote, ControlAndHighBytesAreEscaped) {
  EXPECT_EQ(quoteUntrusted(std::string("a\x01\xff", 3)), "'a\\x01\\xff'");
}

TEST(Quote, LongTextIsCutAndSaysSo) {
  const std::string text(5000, 'x');
  EXPECT_EQ(quoteUntrusted(text),
            "'" + std::string(kQuoteLimit, 'x') + "' (5000 bytes, truncated)");
}

}  // namespace
}  // namespace vcam
