// SPDX-License-Identifier: MIT
// vcamera-lc-probe: what libcamera sees, as JSON, and an optional capture of a few frames.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <vcamera/fourcc/format_info.h>
#include <vcamera/proto/xenstore_schema.h>

#include "backend/base/event_loop.h"
#include "backend/base/log.h"
#include "backend/base/unique_file.h"
#include "backend/source/libcamera/camera_library.h"
#include "backend/source/libcamera/camera_stream.h"

namespace {

using namespace vcam;
using source::lc::CameraLibrary;
using source::lc::CameraStream;

constexpr std::string_view kUsage =
    "usage: vcamera-lc-probe [list]\n"
    "       vcamera-lc-probe capture SELECTOR [--format FOURCC] [--size WxH] [--rate N/D]\n"
    "                        [--frames N] [--timeout-ms MS] [--raw FILE] [--direct] [--debug]\n"
    "--direct: the camera fills its own buffers handed out as a guest's would be (zero copy's\n"
    "          be-alloc path); frames are counted, not checked (no --raw)\n"
    "SELECTOR: a libcamera camera id or #N (index in the list), optionally after 'libcamera:'\n";

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string fourccName(std::uint32_t code) {
  Result<std::string> node = proto::formatFourccNode(code);
  return node ? *node : std::to_string(code);
}

std::string formatsJson(const std::vector<proto::FormatConfig>& formats) {
  std::string out = "[";
  for (std::size_t f = 0; f < formats.size(); ++f) {
    out += (f ? ", " : "") + std::string("{\"fourcc\": ") + quoted(fourccName(formats[f].fourcc)) +
           ", \"resolutions\": [";
    const auto& resolutions = formats[f].resolutions;
    for (std::size_t r = 0; r < resolutions.size(); ++r) {
      Result<std::string> rates = proto::formatFrameRateList(resolutions[r].frameRates);
      out += (r ? ", " : "") + std::string("{\"size\": \"") +
             std::to_string(resolutions[r].resolution.width) + "x" +
             std::to_string(resolutions[r].resolution.height) +
             "\", \"frame-rates\": " + quoted(rates ? *rates : rates.error().message) + "}";
    }
    out += "]}";
  }
  return out + "]";
}

std::string controlsJson(CameraLibrary& library, const std::string& id) {
  Result<std::unique_ptr<CameraStream>> stream = CameraStream::open(library, id, library.loop());
  if (!stream) return "{\"error\": " + quoted(stream.error().message) + "}";
  std::string out = "[";
  bool first = true;
  for (const source::lc::ControlRange& control : (*stream)->controls()) {
    out += (first ? "" : ", ") + std::string("{\"name\": ") +
           quoted(proto::controlName(control.type)) + ", \"min\": " + std::to_string(control.min) +
           ", \"max\": " + std::to_string(control.max) +
           ", \"step\": " + std::to_string(control.step) +
           ", \"default\": " + std::to_string(control.defaultValue) + "}";
    first = false;
  }
  return out + "]";
}

int list(CameraLibrary& library) {
  std::string out = "{\"cameras\": [";
  const std::vector<source::lc::CameraInfo> cameras = library.cameras();
  for (std::size_t i = 0; i < cameras.size(); ++i) {
    const source::lc::CameraInfo& camera = cameras[i];
    Result<std::vector<proto::FormatConfig>> formats =
        source::lc::offeredFormats(library, camera.id);
    out +=
        (i ? ",\n  " : "\n  ") + std::string("{\"selector\": \"#") + std::to_string(i) +
        "\", \"id\": " + quoted(camera.id) + ", \"model\": " + quoted(camera.model) +
        ", \"location\": " + quoted(camera.location) + ", \"formats\": " +
        (formats ? formatsJson(*formats) : "{\"error\": " + quoted(formats.error().message) + "}") +
        ", \"controls\": " + controlsJson(library, camera.id) + "}";
  }
  out += cameras.empty() ? "]}\n" : "\n]}\n";
  std::fputs(out.c_str(), stdout);  // CameraLibrary::start() has said when there is none
  return 0;
}

struct CaptureOptions {
  std::string selector;
  proto::FormatChoice wanted{0, {640, 480}, {30, 1}};
  std::uint32_t frames = 10;
  std::uint32_t timeoutMs = 10000;
  std::string rawPath;  ///< every frame's planes appended here (golden frames for the harness)
  bool direct = false;  ///< startDirect() with the camera's own buffers
};

// Appends the frame's memory planes to `raw`: what a guest's buffer holds of this frame.
bool writeRaw(std::FILE* raw, const source::lc::CapturedFrame& frame) {
  for (std::uint32_t i = 0; i < frame.layout.numMemPlanes; ++i) {
    const std::span<const std::byte> plane = frame.memPlanes[i];
    if (std::fwrite(plane.data(), 1, plane.size(), raw) != plane.size()) return false;
  }
  return true;
}

int capture(CameraLibrary& library, base::EventLoop& loop, const CaptureOptions& options) {
  Result<std::string> id = library.resolve(options.selector);
  if (!id) {
    std::fprintf(stderr, "vcamera-lc-probe: %s\n", id.error().message.c_str());
    return 1;
  }
  Result<std::unique_ptr<CameraStream>> opened = CameraStream::open(library, *id, loop);
  if (!opened) {
    std::fprintf(stderr, "vcamera-lc-probe: %s\n", opened.error().message.c_str());
    return 1;
  }
  CameraStream& stream = **opened;
  proto::FormatChoice wanted = options.wanted;
  if (wanted.fourcc == 0) {
    Result<std::vector<proto::FormatConfig>> formats = source::lc::offeredFormats(library, *id);
    if (!formats) {
      std::fprintf(stderr, "vcamera-lc-probe: %s\n", formats.error().message.c_str());
      return 1;
    }
    wanted.fourcc = formats->front().fourcc;
  }
  Result<proto::FormatChoice> chosen = stream.configure(wanted);
  if (!chosen) {
    std::fprintf(stderr, "vcamera-lc-probe: %s\n", chosen.error().message.c_str());
    return 1;
  }
  std::printf("configured %s %ux%u at %u/%u, %u bytes per frame, stride %u\n",
              fourccName(chosen->fourcc).c_str(), chosen->resolution.width,
              chosen->resolution.height, chosen->frameRate.numerator, chosen->frameRate.denominator,
              static_cast<unsigned>(stream.layout().totalSize),
              stream.layout().memPlanes[0].bytesPerLine);
  base::UniqueFile raw;
  if (!options.rawPath.empty()) {
    raw.reset(std::fopen(options.rawPath.c_str(), "wb"));
    if (!raw) {
      std::fprintf(stderr, "vcamera-lc-probe: --raw: cannot create %s\n", options.rawPath.c_str());
      return 1;
    }
  }
  std::uint32_t received = 0;
  bool writeFailed = false;
  bool unplugged = false;
  std::string goneWhy;
  stream.setGoneHandler([&](const Error& why) {
    unplugged = true;
    goneWhy = why.message;
    loop.stop();
  });
  std::vector<source::lc::DirectId> owned;
  std::optional<Error> directFailure;
  if (options.direct) {
    for (std::size_t i = 0; i < 6; ++i) {  // more than libcamera's bufferCount: some wait
      Result<source::lc::OwnedBuffer> buffer = stream.allocateBuffer();
      if (!buffer) {
        std::fprintf(stderr, "vcamera-lc-probe: %s\n", buffer.error().message.c_str());
        return 1;
      }
      owned.push_back(buffer->id);
    }
  }
  auto directFilled = [&](const source::lc::DirectFrame& frame) {
    std::printf("frame seq %u ts %llu bytes %u buffer %u direct\n", frame.sequence,
                static_cast<unsigned long long>(frame.timestampNs), frame.bytesUsed, frame.id);
    if (++received >= options.frames) {
      loop.stop();
      return;
    }
    if (Status queued = stream.queueBuffer(frame.id); !queued) {
      std::fprintf(stderr, "vcamera-lc-probe: %s\n", queued.error().message.c_str());
    }
  };
  auto directFailed = [&](const Error& error) {
    directFailure = error;
    loop.stop();
  };
  Status started = options.direct ? stream.startDirect(directFilled, directFailed) : Status{};
  for (std::size_t i = 0; started && i < owned.size(); ++i) started = stream.queueBuffer(owned[i]);
  if (!options.direct)
    started = stream.start([&](const source::lc::CapturedFrame& frame) {
      std::uint64_t checksum = 0;
      for (std::byte b : frame.memPlanes[0])
        checksum = checksum * 31 + std::to_integer<unsigned>(b);
      std::printf("frame seq %u ts %llu bytes %u span %zu %s checksum %016llx\n", frame.sequence,
                  static_cast<unsigned long long>(frame.timestampNs), frame.bytesUsed[0],
                  frame.memPlanes[0].size(), frame.ok ? "ok" : "error",
                  static_cast<unsigned long long>(checksum));
      if (raw && frame.ok && !writeRaw(raw.get(), frame)) writeFailed = true;
      if (++received >= options.frames) loop.stop();
    });
  if (!started) {
    std::fprintf(stderr, "vcamera-lc-probe: %s\n", started.error().message.c_str());
    return 1;
  }
  Result<base::LoopHandle> timeout =
      loop.addTimer(std::chrono::milliseconds(options.timeoutMs), false, [&] { loop.stop(); });
  if (!timeout) return 1;
  Status ran = loop.run();
  stream.stop();
  for (source::lc::DirectId buffer : owned) stream.removeBuffer(buffer);
  if (directFailure) std::fprintf(stderr, "vcamera-lc-probe: %s\n", directFailure->message.c_str());
  if (!ran) std::fprintf(stderr, "vcamera-lc-probe: %s\n", ran.error().message.c_str());
  // stop() itself may find the camera's device gone (then the gone handler never ran).
  if (unplugged || stream.gone()) {
    std::fprintf(stderr, "vcamera-lc-probe: the camera was unplugged%s%s\n",
                 goneWhy.empty() ? "" : ": ", goneWhy.c_str());
  }
  std::printf("%u of %u frames\n", received, options.frames);
  if (writeFailed)
    std::fprintf(stderr, "vcamera-lc-probe: --raw: writing %s failed\n", options.rawPath.c_str());
  return ran && received >= options.frames && !writeFailed ? 0 : 1;
}

bool parseNumber(std::string_view text, std::uint32_t& value) {
  char* end = nullptr;
  const std::string copy(text);
  const unsigned long parsed = std::strtoul(copy.c_str(), &end, 10);
  if (copy.empty() || *end != '\0' || parsed == 0 || parsed > 0xffffffffUL) return false;
  value = static_cast<std::uint32_t>(parsed);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  const std::string_view command = args.empty() ? "list" : args[0];
  CaptureOptions options;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    const bool hasValue = i + 1 < args.size();
    if (arg == "--debug") {
      base::setLogLevel(base::LogLevel::Debug);
    } else if (arg == "--format" && hasValue) {
      Result<const fourcc::FormatInfo*> format = fourcc::parseFormat(args[++i]);
      if (!format) return std::fprintf(stderr, "%s\n", format.error().message.c_str()), 2;
      options.wanted.fourcc = (*format)->v4l2;
    } else if (arg == "--size" && hasValue) {
      Result<proto::Resolution> size = proto::parseResolution(args[++i]);
      if (!size) return std::fprintf(stderr, "%s\n", size.error().message.c_str()), 2;
      options.wanted.resolution = *size;
    } else if (arg == "--rate" && hasValue) {
      Result<proto::FrameRate> rate = proto::parseFrameRate(args[++i]);
      if (!rate) return std::fprintf(stderr, "%s\n", rate.error().message.c_str()), 2;
      options.wanted.frameRate = *rate;
    } else if (arg == "--frames" && hasValue) {
      if (!parseNumber(args[++i], options.frames)) return std::fputs(kUsage.data(), stderr), 2;
    } else if (arg == "--direct") {
      options.direct = true;
    } else if (arg == "--raw" && hasValue) {
      options.rawPath = args[++i];
    } else if (arg == "--timeout-ms" && hasValue) {
      if (!parseNumber(args[++i], options.timeoutMs)) return std::fputs(kUsage.data(), stderr), 2;
    } else if (command == "capture" && options.selector.empty() && !arg.starts_with("--")) {
      options.selector = arg;
    } else {
      std::fputs(kUsage.data(), stderr);
      return 2;
    }
  }
  if (options.direct && !options.rawPath.empty()) {
    std::fputs("vcamera-lc-probe: --raw needs the copy path (no --direct)\n", stderr);
    return 2;
  }
  if ((command != "list" && command != "capture") ||
      (command == "capture" && options.selector.empty())) {
    std::fputs(kUsage.data(), stderr);
    return 2;
  }
  Result<std::unique_ptr<base::EventLoop>> loop = base::EventLoop::create();
  if (!loop) return std::fprintf(stderr, "%s\n", loop.error().message.c_str()), 1;
  Result<std::unique_ptr<CameraLibrary>> library = CameraLibrary::start(**loop);
  if (!library) {
    std::fprintf(stderr, "vcamera-lc-probe: %s\n", library.error().message.c_str());
    return 1;
  }
  const int rc = command == "list" ? list(**library) : capture(**library, **loop, options);
  // Drain hot-plug work posted while we ran, then stop libcamera.
  static_cast<void>((*loop)->runOnce());
  return rc;
}
