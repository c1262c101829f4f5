// SPDX-License-Identifier: MIT
// vcamera-pattern-check: reads raw frames (as `v4l2-ctl --stream-to` writes them) and checks
// that each is, byte for byte, the test pattern's frame of the number drawn into it - how a
// guest proves that what reached it through a driver is what the backend made.
#include <vcamera/common/cli11.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "tools/vcamera-pattern-check/pattern_check.h"

namespace {

constexpr int kExitMismatch = 1;
constexpr int kExitUsage = 2;

void printReport(const vcam::check::CheckReport& report, bool countOk, unsigned expected) {
  std::printf("%u frames: %u equal the test pattern, %u differ, %u unreadable; ", report.frames,
              report.matched, report.mismatched, report.unreadable);
  if (report.firstSequence) {
    std::printf("numbers %u..%u with %u gaps", *report.firstSequence, *report.lastSequence,
                report.gaps);
  } else {
    std::printf("no numbers");
  }
  if (report.trailingBytes != 0) std::printf("; %zu bytes left over", report.trailingBytes);
  if (!countOk) std::printf("; expected %u frames", expected);
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{
      "vcamera-pattern-check: check raw frames against vcamera's test pattern (exit 0: every "
      "frame is the pattern's frame of the number drawn in it)"};
  std::string format;
  std::string input = "-";
  unsigned expected = 0;
  bool json = false;
  cli.add_option("--format", format, "FOURCC:WxH of the frames (uncompressed)")->required();
  cli.add_option("--frames", expected, "how many frames there must be (default: at least one)");
  cli.add_flag("--json", json, "print the report as JSON");
  cli.add_option("input", input, "file of frames back to back ('-': standard input)");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = cli.exit(error);
    return code == 0 ? 0 : kExitUsage;
  }
  vcam::Result<vcam::check::FrameFormat> parsed = vcam::check::parseFrameFormat(format);
  if (!parsed) {
    std::cerr << "vcamera-pattern-check: --format: " << parsed.error().message << "\n";
    return kExitUsage;
  }
  FILE* file = input == "-" ? stdin : std::fopen(input.c_str(), "rb");
  if (file == nullptr) {
    std::cerr << "vcamera-pattern-check: cannot open " << input << "\n";
    return kExitUsage;
  }
  vcam::Result<vcam::check::CheckReport> report = vcam::check::checkFrames(*parsed, file);
  if (file != stdin) std::fclose(file);
  if (!report) {
    std::cerr << "vcamera-pattern-check: " << report.error().message << "\n";
    return kExitMismatch;
  }
  const bool countOk = expected == 0 ? report->frames > 0 : report->frames == expected;
  const bool ok =
      countOk && report->mismatched == 0 && report->unreadable == 0 && report->trailingBytes == 0;
  if (json) {
    nlohmann::json out = {{"frames", report->frames},
                          {"matched", report->matched},
                          {"mismatched", report->mismatched},
                          {"unreadable", report->unreadable},
                          {"gaps", report->gaps},
                          {"trailing_bytes", report->trailingBytes},
                          {"ok", ok}};
    if (report->firstSequence) out["first_sequence"] = *report->firstSequence;
    if (report->lastSequence) out["last_sequence"] = *report->lastSequence;
    std::cout << out.dump() << "\n";
  } else {
    printReport(*report, countOk, expected);
  }
  return ok ? 0 : kExitMismatch;
}
