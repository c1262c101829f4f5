// SPDX-License-Identifier: MIT
// libcamera's log lines become ours: the severity word sets the level, timestamps and thread
// ids go, anything else is kept whole.
#include "backend/source/libcamera/log_routing.h"

#include <gtest/gtest.h>

namespace vcam::source::lc {
namespace {

using base::LogLevel;

TEST(LibcameraLogLine, AWarningKeepsItsCategoryAndMessage) {
  const RoutedLine routed = parseLibcameraLine(
      "[0:00:01.234567890] [4242]  WARN V4L2 v4l2_videodevice.cpp:1234 /dev/video0[12:cap]: "
      "Zero-copy enabled");
  EXPECT_EQ(routed.level, LogLevel::Warning);
  EXPECT_EQ(routed.text, "V4L2 v4l2_videodevice.cpp:1234 /dev/video0[12:cap]: Zero-copy enabled");
}

TEST(LibcameraLogLine, EachSeverityHasItsLevel) {
  EXPECT_EQ(parseLibcameraLine("[0:00:00.1] [1] DEBUG A a.cpp:1 x").level, LogLevel::Debug);
  EXPECT_EQ(parseLibcameraLine("[0:00:00.1] [1]  INFO A a.cpp:1 x").level, LogLevel::Info);
  EXPECT_EQ(parseLibcameraLine("[0:00:00.1] [1] ERROR A a.cpp:1 x").level, LogLevel::Error);
  EXPECT_EQ(parseLibcameraLine("[0:00:00.1] [1] FATAL A a.cpp:1 x").level, LogLevel::Error);
}

TEST(LibcameraLogLine, ALineOfAnotherShapeIsKeptWholeAsInfo) {
  for (const char* line :
       {"plain text", "[0:00:00.1] no thread", "[a] [b] NOTICE x", "[a] [b]", ""}) {
    const RoutedLine routed = parseLibcameraLine(line);
    EXPECT_EQ(routed.level, LogLevel::Info) << line;
    EXPECT_EQ(routed.text, line);
  }
}

TEST(LibcameraLogLine, ASeverityWithNothingAfterItGivesAnEmptyText) {
  const RoutedLine routed = parseLibcameraLine("[t] [1] ERROR");
  EXPECT_EQ(routed.level, LogLevel::Error);
  EXPECT_EQ(routed.text, "");
}

}  // namespace
}  // namespace vcam::source::lc
