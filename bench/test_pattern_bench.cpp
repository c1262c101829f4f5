// SPDX-License-Identifier: MIT
// The test-pattern renderer at 1080p next to a memcpy of a prerendered frame of the same
// size into the same kind of buffer, in the same run: the ratio is what rendering costs
// over the copy a source with its own buffers would need anyway.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "backend/source/test_pattern.h"
#include "bench/frame_buffers.h"

namespace {

using vcam::fourcc::computeLayout;
using vcam::fourcc::fromName;
using vcam::fourcc::Layout;
using vcam::source::TestPattern;

constexpr vcam::fourcc::Size kSize{1920, 1080};

[[noreturn]] void die(const char* what, const std::string& message) {
  vcam::bench::die("test_pattern_bench", what, message);
}

using Buffers = vcam::bench::FrameBuffers;

TestPattern makePattern(const char* name, Layout& layout) {
  const auto& format = fromName(name);
  auto l = computeLayout(format, kSize);
  if (!l) die(name, l.error().message);
  layout = *l;
  auto pattern = TestPattern::create(format, layout);
  if (!pattern) die(name, pattern.error().message);
  return std::move(*pattern);
}

// Baseline: copy a prerendered frame, plane by plane.
void memcpyFrame(benchmark::State& state, const char* name) {
  Layout layout;
  auto pattern = makePattern(name, layout);
  Buffers source(layout);
  Buffers target(layout);
  if (auto used = pattern.render(0, source.spans); !used) die(name, used.error().message);
  for (auto _ : state) {
    for (std::size_t m = 0; m < source.bytes.size(); ++m) {
      std::memcpy(target.bytes[m].data(), source.bytes[m].data(), source.bytes[m].size());
    }
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(layout.totalSize));
}

void renderFrame(benchmark::State& state, const char* name) {
  Layout layout;
  auto pattern = makePattern(name, layout);
  Buffers target(layout);
  std::uint32_t sequence = 0;
  std::size_t used = 0;
  for (auto _ : state) {
    auto r = pattern.render(sequence++, target.spans);
    if (!r) die(name, r.error().message);
    used = *r;
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(layout.totalSize));
  state.counters["used_bytes"] = static_cast<double>(used);
}

BENCHMARK_CAPTURE(memcpyFrame, YUYV, "YUYV")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(renderFrame, YUYV, "YUYV")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(memcpyFrame, NV12, "NV12")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(renderFrame, NV12, "NV12")->Unit(benchmark::kMicrosecond);
// DRM XRGB8888: V4L2 XBGR32, bytes B G R X.
BENCHMARK_CAPTURE(memcpyFrame, XRGB8888, "XBGR32")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(renderFrame, XRGB8888, "XBGR32")->Unit(benchmark::kMicrosecond);
// Formats that exercise the generic packer harder: three buffers, Bayer lines, 10 bits.
BENCHMARK_CAPTURE(memcpyFrame, YUV420M, "YUV420M")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(renderFrame, YUV420M, "YUV420M")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(memcpyFrame, SRGGB10P, "SRGGB10P")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(renderFrame, SRGGB10P, "SRGGB10P")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(memcpyFrame, P010, "P010")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(renderFrame, P010, "P010")->Unit(benchmark::kMicrosecond);
// MJPEG: rendering 4:2:0 planes plus libturbojpeg; bytes are the frame's sizeimage bound.
BENCHMARK_CAPTURE(renderFrame, MJPEG, "MJPEG")->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
