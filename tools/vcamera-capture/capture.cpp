// SPDX-License-Identifier: MIT
// capture(): the V4L2-like capture loop on cameraif, as a guest application would run it.
#include "tools/vcamera-capture/capture.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>

#include <vcamera/common/fourcc_code.h>
#include <vcamera/fourcc/format_info.h>
#include <vcamera/fourcc/layout.h>
#include <vcamera/fourcc/png_writer.h>

#include "backend/base/unique_file.h"
#include "backend/source/test_pattern.h"
#include "frontend-client/camera_client.h"

namespace vcam::capture {
namespace {

using Clock = std::chrono::steady_clock;
using proto::Operation;
using proto::Request;

double percentile(std::vector<double> values, double fraction) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto at = static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1));
  return values[at];
}

std::string describe(const proto::ConfigResponse& config) {
  return describeFourcc(config.pixelFormat) + " " + std::to_string(config.width) + "x" +
         std::to_string(config.height) + " @ " + std::to_string(config.frameRate.numerator) + "/" +
         std::to_string(config.frameRate.denominator);
}

// The guest's view of one delivered frame as an image file.
Status savePng(const proto::ConfigResponse& config, std::span<const std::byte> bytes,
               std::uint32_t used, const std::string& path) {
  const fourcc::FormatInfo& info = fourcc::fromV4l2(config.pixelFormat);
  Result<fourcc::Layout> layout = fourcc::computeLayout(info, {config.width, config.height}, 1);
  if (!layout) return layout.error();
  fourcc::ConstFrame frame;
  frame.format = &info;
  frame.layout = *layout;
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  std::size_t offset = 0;
  for (std::uint32_t i = 0; i < layout->numMemPlanes; ++i) {
    const std::size_t size = info.isCompressed() ? used : layout->memPlanes[i].sizeImage;
    frame.memPlanes[i] = std::span<const std::uint8_t>(data + offset, size);
    offset += size;
  }
  return fourcc::writePng(frame, path);
}

class Capture {
 public:
  Capture(frontend::CameraClient& client, const CaptureOptions& options, std::FILE* raw)
      : client_(client), options_(options), raw_(raw) {}

  Result<CaptureReport> run() {
    if (Status configured = configure(); !configured) return configured.error();
    if (Status created = createBuffers(); !created) return created.error();
    const Clock::time_point start = Clock::now();
    for (std::uint8_t index = 0; index < report_.buffers; ++index) {
      if (Status queued = queue(index); !queued) return queued.error();
    }
    if (Result<proto::Response> started = call(Operation::StreamStart, {}); !started) {
      return started.error();
    }
    if (Status streamed = stream(); !streamed) return streamed.error();
    if (raw_ != nullptr && std::fflush(raw_) != 0) {
      return makeError(errno, "--raw: writing " + options_.rawPath + " failed");
    }
    report_.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (Result<proto::Response> stopped = call(Operation::StreamStop, {}); !stopped) {
      return stopped.error();
    }
    for (std::uint8_t index = 0; index < report_.buffers; ++index) {
      if (Status destroyed = client_.destroyBuffer(index); !destroyed) return destroyed.error();
    }
    if (Result<proto::Response> freed = call(Operation::BufRequest, proto::BufCount{0}); !freed) {
      return freed.error();
    }
    report_.latencyP50Ms = percentile(latencies_, 0.50);
    report_.latencyP90Ms = percentile(latencies_, 0.90);
    report_.latencyP99Ms = percentile(latencies_, 0.99);
    report_.latencyMaxMs = percentile(latencies_, 1.0);
    return report_;
  }

 private:
  Result<proto::Response> call(Operation operation, proto::RequestPayload payload) {
    return client_.callChecked(Request{0, operation, std::move(payload)});
  }

  Status configure() {
    Result<proto::Response> current = call(Operation::ConfigGet, {});
    if (!current) return current.error();
    config_ = std::get<proto::ConfigResponse>(current->payload);
    if (options_.fourcc != 0) {
      Result<proto::Response> set =
          call(Operation::ConfigSet,
               proto::ConfigRequest{options_.fourcc, options_.width, options_.height});
      if (!set) return set.error();
      config_ = std::get<proto::ConfigResponse>(set->payload);
    }
    if (options_.frameRate) {
      if (Result<proto::Response> rate =
              call(Operation::FrameRateSet, proto::FrameRateRequest{*options_.frameRate});
          !rate) {
        return rate.error();
      }
      Result<proto::Response> now = call(Operation::ConfigGet, {});
      if (!now) return now.error();
      config_ = std::get<proto::ConfigResponse>(now->payload);
    }
    report_.format = describe(config_);
    if (options_.verifyTestPattern) {
      const fourcc::FormatInfo& info = fourcc::fromV4l2(config_.pixelFormat);
      Result<fourcc::Layout> layout = fourcc::computeLayout(info, {config_.width, config_.height});
      if (!layout) return layout.error();
      Result<source::TestPattern> pattern = source::TestPattern::create(info, *layout);
      if (!pattern) return withContext("--verify", pattern.error());
      pattern_.emplace(std::move(pattern).value());
    }
    return {};
  }

  // Whether the frame in `index` is the test pattern's frame `sequence`.
  Result<bool> matchesTestPattern(std::uint8_t index, std::uint32_t sequence, std::uint32_t used) {
    std::vector<std::span<std::byte>> planes;
    for (std::size_t i = 0; i < layout_.numPlanes; ++i) {
      expected_[i].resize(layout_.planeSize[i]);
      planes.push_back(expected_[i]);
    }
    Result<std::size_t> rendered = pattern_->render(sequence, planes);
    if (!rendered) return rendered.error();
    if (*rendered != used) return false;
    const std::span<const std::byte> got = client_.bufferBytes(index);
    const bool compressed = pattern_->format().isCompressed();
    for (std::size_t i = 0; i < layout_.numPlanes; ++i) {
      const std::size_t length = compressed ? used : layout_.planeSize[i];
      if (offsets_[i] + length > got.size() ||
          !std::equal(expected_[i].begin(),
                      expected_[i].begin() + static_cast<std::ptrdiff_t>(length),
                      got.begin() + offsets_[i])) {
        return false;
      }
    }
    return true;
  }

  // The frame's planes as they sit in the buffer (the whole plane; only the bytes used when
  // compressed), appended to the --raw file.
  Status writeRaw(std::uint8_t index, std::uint32_t used) {
    const std::span<const std::byte> got = client_.bufferBytes(index);
    const bool compressed = fourcc::fromV4l2(config_.pixelFormat).isCompressed();
    for (std::size_t i = 0; i < layout_.numPlanes; ++i) {
      const std::size_t length = compressed ? used : layout_.planeSize[i];
      if (offsets_[i] > got.size() || length > got.size() - offsets_[i]) {
        return makeError(EOVERFLOW, "--raw: plane " + std::to_string(i) + " lies outside buffer " +
                                        std::to_string(index));
      }
      if (std::fwrite(got.data() + offsets_[i], 1, length, raw_) != length) {
        return makeError(EIO, "--raw: writing " + options_.rawPath + " failed");
      }
      report_.rawBytes += length;
    }
    return {};
  }

  Status createBuffers() {
    Result<proto::Response> layout = call(Operation::BufGetLayout, {});
    if (!layout) return layout.error();
    layout_ = std::get<proto::BufLayout>(layout->payload);
    Result<proto::Response> granted =
        call(Operation::BufRequest, proto::BufCount{options_.buffers});
    if (!granted) return granted.error();
    report_.buffers = std::get<proto::BufCount>(granted->payload).numBufs;
    for (std::size_t i = 1; i < layout_.numPlanes; ++i) {
      offsets_[i] = offsets_[i - 1] + layout_.planeSize[i - 1];
    }
    for (std::uint8_t index = 0; index < report_.buffers; ++index) {
      if (Status created = client_.createBuffer(index, layout_, offsets_); !created) return created;
    }
    return {};
  }

  Status queue(std::uint8_t index) {
    Result<proto::Response> queued = call(Operation::BufQueue, proto::IndexRequest{index});
    if (!queued) return queued.error();
    queuedAt_[index] = Clock::now();
    return {};
  }

  Status stream() {
    std::optional<std::uint32_t> lastSequence;
    while (report_.frames < options_.frames) {
      Result<proto::Event> event = client_.waitEvent();
      if (!event) return event.error();
      const auto* frame = std::get_if<proto::FrameAvail>(&event->payload);
      if (frame == nullptr) continue;  // a control change: not ours to act on
      const Clock::time_point now = Clock::now();
      latencies_.push_back(
          std::chrono::duration<double, std::milli>(now - queuedAt_[frame->index]).count());
      if (lastSequence && frame->seqNum > *lastSequence + 1) {
        report_.skipped += frame->seqNum - *lastSequence - 1;
      }
      lastSequence = frame->seqNum;
      if (pattern_) {
        Result<bool> matches = matchesTestPattern(frame->index, frame->seqNum, frame->usedSize);
        if (!matches) return matches.error();
        if (*matches) {
          ++report_.verified;
        } else {
          ++report_.mismatched;
          if (!report_.firstMismatch) report_.firstMismatch = frame->seqNum;
        }
      }
      if (options_.pngEvery != 0 && report_.frames % options_.pngEvery == 0) {
        const std::string path =
            options_.outputDir + "/frame-" + std::to_string(frame->seqNum) + ".png";
        if (Status saved =
                savePng(config_, client_.bufferBytes(frame->index), frame->usedSize, path);
            !saved) {
          return saved;
        }
        report_.pngs.push_back(path);
      }
      if (raw_) {
        if (Status written = writeRaw(frame->index, frame->usedSize); !written) return written;
      }
      ++report_.frames;
      if (Status requeued = queue(frame->index); !requeued) return requeued;
    }
    return {};
  }

  frontend::CameraClient& client_;
  const CaptureOptions& options_;
  proto::ConfigResponse config_;
  proto::BufLayout layout_;
  CaptureReport report_;
  std::array<std::uint32_t, XENCAMERA_MAX_PLANE> offsets_{};
  std::optional<source::TestPattern> pattern_;
  std::array<std::vector<std::byte>, XENCAMERA_MAX_PLANE> expected_;
  std::map<std::uint8_t, Clock::time_point> queuedAt_;
  std::vector<double> latencies_;
  std::FILE* raw_;  ///< --raw, or null
};

}  // namespace

Result<CaptureReport> capture(xen::XenTransport& xen, const CaptureOptions& options) {
  // Before connecting: a bad path costs the backend nothing.
  base::UniqueFile raw;
  if (!options.rawPath.empty()) {
    raw.reset(std::fopen(options.rawPath.c_str(), "wb"));
    if (!raw) return makeError(errno, "--raw: cannot create " + options.rawPath);
  }
  Result<std::unique_ptr<frontend::CameraClient>> client =
      frontend::CameraClient::connect(xen, {options.devId, std::chrono::milliseconds(5000)});
  if (!client) return client.error();
  Result<CaptureReport> report = Capture(**client, options, raw.get()).run();
  Status disconnected = (*client)->disconnect();
  if (!report) return report;
  if (!disconnected) return disconnected.error();
  return report;
}

}  // namespace vcam::capture
