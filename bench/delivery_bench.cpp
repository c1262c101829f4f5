// SPDX-License-Identifier: MIT
// What delivering one 1080p frame to one more guest costs on each path, next to a plain
// memcpy of the frame in the same run: "direct" draws the test pattern into the guest's
// buffer; "copy" copies the frame the source captured once (64-byte-aligned strides) into it.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "backend/session/copying_renderer.h"
#include "backend/session/test_pattern_renderer.h"
#include "bench/frame_buffers.h"

namespace {

using vcam::fourcc::Layout;
using vcam::session::FrameRenderer;
using vcam::session::RendererFactory;

constexpr vcam::fourcc::Size kSize{1920, 1080};

[[noreturn]] void die(const char* what, const std::string& message) {
  vcam::bench::die("delivery_bench", what, message);
}

using GuestBuffer = vcam::bench::FrameBuffers;

Layout layoutOf(const char* name) {
  auto layout = vcam::fourcc::computeLayout(vcam::fourcc::fromName(name), kSize);
  if (!layout) die(name, layout.error().message);
  return *layout;
}

std::unique_ptr<FrameRenderer> rendererOf(const RendererFactory& factory, const char* name) {
  auto renderer = factory(vcam::fourcc::fromName(name), layoutOf(name));
  if (!renderer) die(name, renderer.error().message);
  return std::move(renderer).value();
}

// Baseline: memcpy of a whole frame between two buffers.
void memcpyFrame(benchmark::State& state, const char* name) {
  const Layout layout = layoutOf(name);
  GuestBuffer from(layout);
  GuestBuffer to(layout);
  for (auto _ : state) {
    for (std::size_t m = 0; m < from.bytes.size(); ++m) {
      std::memcpy(to.bytes[m].data(), from.bytes[m].data(), from.bytes[m].size());
    }
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(layout.totalSize));
}

// One more guest on a path: the frame of one sequence, into that guest's buffer.
void deliver(benchmark::State& state, const char* name, bool copy) {
  const Layout layout = layoutOf(name);
  auto renderer =
      rendererOf(copy ? vcam::session::copyingRenderers(vcam::session::testPatternRenderers())
                      : vcam::session::testPatternRenderers(),
                 name);
  GuestBuffer guest(layout);
  std::uint32_t sequence = 0;
  for (auto _ : state) {
    // The copy path captures each sequence once: every later guest of it only copies, so
    // the sequence advances only on the direct path (which draws for every guest).
    auto r = renderer->render(copy ? 0 : sequence++, guest.spans);
    if (!r) die(name, r.error().message);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(layout.totalSize));
}

}  // namespace

BENCHMARK_CAPTURE(memcpyFrame, YUYV, "YUYV")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(deliver, YUYV_direct, "YUYV", false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(deliver, YUYV_copy, "YUYV", true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(memcpyFrame, NV12, "NV12")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(deliver, NV12_direct, "NV12", false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(deliver, NV12_copy, "NV12", true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(memcpyFrame, YUV420M, "YUV420M")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(deliver, YUV420M_direct, "YUV420M", false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(deliver, YUV420M_copy, "YUV420M", true)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
