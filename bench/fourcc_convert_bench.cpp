// SPDX-License-Identifier: MIT
// 1080p conversions through vcam::fourcc::convertFrame() next to the libyuv call it wraps,
// in the same run, so the ratio shows what the table lookup and checks cost.
#include <benchmark/benchmark.h>
#include <libyuv.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "vcamera/fourcc/convert.h"
#include "vcamera/fourcc/pattern.h"

namespace {

using vcam::fourcc::computeLayout;
using vcam::fourcc::ConstFrame;
using vcam::fourcc::convertFrame;
using vcam::fourcc::FormatInfo;
using vcam::fourcc::fromName;
using vcam::fourcc::Layout;
using vcam::fourcc::MutableFrame;
using vcam::fourcc::Size;
using vcam::fourcc::viewPacked;

constexpr Size kSize{1920, 1080};
constexpr int kW = 1920;
constexpr int kH = 1080;

// A packed frame of `name` with its layout, kept alive for the whole run.
struct Buffer {
  const FormatInfo* format;
  Layout layout;
  std::vector<std::uint8_t> bytes;
};

Buffer makeBuffer(const char* name, bool withBars) {
  Buffer b{&fromName(name), {}, {}};
  auto layout = computeLayout(*b.format, kSize);
  if (!layout) std::abort();
  b.layout = *layout;
  b.bytes.resize(layout->totalSize);
  if (withBars) {
    auto bars = vcam::fourcc::renderColourBars(*b.format, kSize);
    if (!bars) {
      std::fprintf(stderr, "fourcc_convert_bench: %s\n", bars.error().message.c_str());
      std::abort();
    }
    b.bytes = std::move(*bars);
  }
  return b;
}

ConstFrame view(const Buffer& b) {
  return *viewPacked(*b.format, b.layout, std::span<const std::uint8_t>(b.bytes));
}
MutableFrame view(Buffer& b) {
  return *viewPacked(*b.format, b.layout, std::span<std::uint8_t>(b.bytes));
}

void setBytes(benchmark::State& state, const Buffer& in) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(in.bytes.size()));
}

// Our convertFrame() between two formats; each _Libyuv benchmark is its baseline.
void ConvertFrame(benchmark::State& state, const char* from, const char* to) {
  const Buffer in = makeBuffer(from, true);
  Buffer out = makeBuffer(to, false);
  const auto src = view(in);
  const auto dst = view(out);
  for (auto _ : state) {
    if (!convertFrame(src, dst)) state.SkipWithError("convertFrame failed");
    benchmark::DoNotOptimize(out.bytes.data());
  }
  setBytes(state, in);
}

void YuyvToNv12_Libyuv(benchmark::State& state) {
  const Buffer in = makeBuffer("YUYV", true);
  Buffer out = makeBuffer("NV12", false);
  std::uint8_t* uv = out.bytes.data() + kW * kH;
  for (auto _ : state) {
    libyuv::YUY2ToNV12(in.bytes.data(), kW * 2, out.bytes.data(), kW, uv, kW, kW, kH);
    benchmark::DoNotOptimize(out.bytes.data());
  }
  setBytes(state, in);
}

// V4L2 ABGR32 is libyuv's ARGB (bytes B G R A).
void Nv12ToArgb_Libyuv(benchmark::State& state) {
  const Buffer in = makeBuffer("NV12", true);
  Buffer out = makeBuffer("ABGR32", false);
  const std::uint8_t* uv = in.bytes.data() + kW * kH;
  for (auto _ : state) {
    libyuv::NV12ToARGB(in.bytes.data(), kW, uv, kW, out.bytes.data(), kW * 4, kW, kH);
    benchmark::DoNotOptimize(out.bytes.data());
  }
  setBytes(state, in);
}

// Two-step path (NV12 -> I420 -> YUYV) against the same two libyuv calls.
void Nv12ToYuyv_Libyuv(benchmark::State& state) {
  const Buffer in = makeBuffer("NV12", true);
  Buffer out = makeBuffer("YUYV", false);
  std::vector<std::uint8_t> i420(static_cast<std::size_t>(kW * kH * 3 / 2));
  std::uint8_t* u = i420.data() + kW * kH;
  std::uint8_t* v = u + kW * kH / 4;
  for (auto _ : state) {
    libyuv::NV12ToI420(in.bytes.data(), kW, in.bytes.data() + kW * kH, kW, i420.data(), kW, u,
                       kW / 2, v, kW / 2, kW, kH);
    libyuv::I420ToYUY2(i420.data(), kW, u, kW / 2, v, kW / 2, out.bytes.data(), kW * 2, kW, kH);
    benchmark::DoNotOptimize(out.bytes.data());
  }
  setBytes(state, in);
}

BENCHMARK_CAPTURE(ConvertFrame, YuyvToNv12_Fourcc, "YUYV", "NV12")->Unit(benchmark::kMicrosecond);
BENCHMARK(YuyvToNv12_Libyuv)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(ConvertFrame, Nv12ToArgb_Fourcc, "NV12", "ABGR32")->Unit(benchmark::kMicrosecond);
BENCHMARK(Nv12ToArgb_Libyuv)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(ConvertFrame, Nv12ToYuyv_Fourcc, "NV12", "YUYV")->Unit(benchmark::kMicrosecond);
BENCHMARK(Nv12ToYuyv_Libyuv)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
