// SPDX-License-Identifier: MIT
// vcamera-capture: a guest application capturing from a vcamera device in user space (over the
// emulated Xen, or gntshr/evtchn in a real guest) - what the demo runs as its guest.
#include <vcamera/common/cli11.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include <vcamera/common/fourcc_code.h>
#include <vcamera/fourcc/layout.h>
#include <vcamera/proto/xenstore_schema.h>

#include "backend/xen/emulated/emulated_xen.h"
#include "backend/xen/real/real_xen.h"
#include "tools/vcamera-capture/capture.h"

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitFailed = 1;

// "YUYV:640x480" -> fourcc, width, height.
vcam::Status parseFormat(const std::string& text, vcam::capture::CaptureOptions& options) {
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos) {
    return vcam::makeError(EINVAL, "--format wants FOURCC:WxH, e.g. YUYV:640x480");
  }
  vcam::Result<std::uint32_t> fourcc = vcam::parseFourcc(text.substr(0, colon));
  if (!fourcc) return fourcc.error();
  vcam::Result<vcam::fourcc::Size> size = vcam::fourcc::parseSize(text.substr(colon + 1));
  if (!size) return size.error();
  options.fourcc = *fourcc;
  options.width = size->width;
  options.height = size->height;
  return {};
}

nlohmann::json toJson(const vcam::capture::CaptureReport& report) {
  return {{"format", report.format},
          {"buffers", report.buffers},
          {"frames", report.frames},
          {"skipped", report.skipped},
          {"seconds", report.seconds},
          {"fps", report.seconds > 0 ? report.frames / report.seconds : 0.0},
          {"latency_ms",
           {{"p50", report.latencyP50Ms},
            {"p90", report.latencyP90Ms},
            {"p99", report.latencyP99Ms},
            {"max", report.latencyMaxMs}}},
          {"pngs", report.pngs},
          {"raw_bytes", report.rawBytes},
          {"verified", report.verified},
          {"mismatched", report.mismatched}};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"vcamera-capture: capture frames from a vcamera device as a guest"};
  vcam::capture::CaptureOptions options;
  std::string emulated;
  unsigned domid = 0;
  std::string format;
  std::string rate;
  unsigned buffers = 4;
  bool json = false;
  cli.add_option("--emulated", emulated, "the emulated Xen's broker socket (else: real Xen)");
  cli.add_option("--domid", domid, "our domain id on the emulated Xen")
      ->check(CLI::Range(1u, 0x7fefu));
  cli.add_option("--dev", options.devId, "device id (default 0)");
  cli.add_option("--format", format, "FOURCC:WxH to ask for (the backend answers the nearest)");
  cli.add_option("--rate", rate, "frame rate N/D to ask for");
  cli.add_option("--buffers", buffers, "buffers to request (default 4)")
      ->check(CLI::Range(1u, 255u));
  cli.add_option("--frames", options.frames, "frames to capture (default 300)")
      ->check(CLI::Range(1u, 1000000u));
  cli.add_option("--png-every", options.pngEvery, "save every Nth frame as PNG (0: none)");
  cli.add_option("--output", options.outputDir, "directory for the PNGs")
      ->check(CLI::ExistingDirectory);
  cli.add_flag("--verify", options.verifyTestPattern,
               "compare every frame with the test pattern's (exit 1 if any differs)");
  cli.add_option("--raw", options.rawPath,
                 "write every frame's planes to this file, one frame after another");
  cli.add_flag("--json", json, "print the report as JSON");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = cli.exit(error);
    return code == 0 ? 0 : kExitUsage;
  }
  options.buffers = static_cast<std::uint8_t>(buffers);
  if (!format.empty()) {
    if (vcam::Status parsed = parseFormat(format, options); !parsed) {
      std::cerr << "vcamera-capture: " << parsed.error().message << "\n";
      return kExitUsage;
    }
  }
  if (!rate.empty()) {
    vcam::Result<vcam::proto::FrameRate> parsed = vcam::proto::parseFrameRate(rate);
    if (!parsed) {
      std::cerr << "vcamera-capture: --rate: " << parsed.error().message << "\n";
      return kExitUsage;
    }
    options.frameRate = *parsed;
  }
  if (emulated.empty() != (domid == 0)) {
    std::cerr << "vcamera-capture: --emulated and --domid go together\n";
    return kExitUsage;
  }
  vcam::Result<vcam::xen::XenTransport> xen =
      emulated.empty()
          ? vcam::xen::openRealXen()
          : vcam::xen::emu::connectEmulatedXen(emulated, static_cast<std::uint16_t>(domid));
  if (!xen) {
    std::cerr << "vcamera-capture: " << xen.error().message << "\n";
    return kExitFailed;
  }
  vcam::Result<vcam::capture::CaptureReport> report = vcam::capture::capture(*xen, options);
  if (!report) {
    std::cerr << "vcamera-capture: " << report.error().message << "\n";
    return kExitFailed;
  }
  const int verdict = report->mismatched == 0 ? 0 : kExitFailed;
  if (json) {
    std::cout << toJson(*report).dump(2) << "\n";
    return verdict;
  }
  std::printf("format     %s, %u buffers\n", report->format.c_str(), report->buffers);
  std::printf("frames     %u in %.2f s (%.1f fps), %u skipped by the camera\n", report->frames,
              report->seconds, report->seconds > 0 ? report->frames / report->seconds : 0.0,
              report->skipped);
  std::printf("latency    p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms (queue -> frame)\n",
              report->latencyP50Ms, report->latencyP90Ms, report->latencyP99Ms,
              report->latencyMaxMs);
  for (const std::string& png : report->pngs) std::printf("saved      %s\n", png.c_str());
  if (!options.rawPath.empty()) {
    std::printf("raw        %llu bytes in %s\n", static_cast<unsigned long long>(report->rawBytes),
                options.rawPath.c_str());
  }
  if (options.verifyTestPattern) {
    std::printf("verified   %u frames equal the test pattern, %u differ", report->verified,
                report->mismatched);
    if (report->firstMismatch) std::printf(" (first: seq %u)", *report->firstMismatch);
    std::printf("\n");
  }
  return verdict;
}
