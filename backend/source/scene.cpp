// SPDX-License-Identifier: MIT
// The test pattern's picture: palette, quantisation, geometry and the 5x7 digit font.
#include "backend/source/scene.h"

#include <algorithm>
#include <cmath>

namespace vcam::source {
namespace {

constexpr double kBar = 0.75;

constexpr std::array<Rgb, kBarCount> kBars{{
    {kBar, kBar, kBar},  // white
    {kBar, kBar, 0},     // yellow
    {0, kBar, kBar},     // cyan
    {0, kBar, 0},        // green
    {kBar, 0, kBar},     // magenta
    {kBar, 0, 0},        // red
    {0, 0, kBar},        // blue
    {0, 0, 0},           // black
}};

// Our own 5x7 digits, one byte per row, bit 4 leftmost.
constexpr std::array<std::array<std::uint8_t, kGlyphHeight>, 10> kFont{{
    {0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e},  // 0
    {0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e},  // 1
    {0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f},  // 2
    {0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e},  // 3
    {0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02},  // 4
    {0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e},  // 5
    {0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e},  // 6
    {0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08},  // 7
    {0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e},  // 8
    {0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c},  // 9
}};

// Glyph cells are 6 font pixels wide; the box has one font pixel of margin on each side.
constexpr std::uint32_t kBoxColumns = 1 + kDigitCount * kCellWidth;
constexpr std::uint32_t kBoxRows = kGlyphHeight + 2;

// Position on a path that bounces between 0 and `range`.
std::uint32_t bounce(std::uint64_t travelled, std::uint32_t range) {
  if (range == 0) return 0;
  const std::uint64_t period = 2 * std::uint64_t{range};
  const std::uint64_t p = travelled % period;
  return static_cast<std::uint32_t>(p <= range ? p : period - p);
}

double quantiseLimited(double value, double offset, double span, std::uint8_t depth) {
  return (offset + span * value) * std::ldexp(1.0, depth - 8);
}

void fill(std::span<PaletteIndex> out, std::uint32_t from, std::uint32_t to, PaletteIndex c) {
  const auto end = std::min<std::size_t>(to, out.size());
  if (from >= end) return;
  std::fill(out.begin() + from, out.begin() + static_cast<std::ptrdiff_t>(end), c);
}

}  // namespace

Rgb paletteColour(PaletteIndex index) {
  if (index < kBarCount) return kBars[index];
  if (index == kWhite) return {1, 1, 1};
  const double level = static_cast<double>(std::min<int>(index - kGreyBase, 255)) / 255.0;
  return {level, level, level};
}

std::uint16_t quantise(const Rgb& c, Component component, std::uint8_t depth, Range range) {
  const double max = std::ldexp(1.0, depth) - 1;
  const double luma = 0.299 * c.r + 0.587 * c.g + 0.114 * c.b;
  const bool limited = range == Range::kLimited;
  double v = 0;
  switch (component) {
    case Component::kR:
      v = c.r * max;
      break;
    case Component::kG:
      v = c.g * max;
      break;
    case Component::kB:
      v = c.b * max;
      break;
    case Component::kY:
      v = limited ? quantiseLimited(luma, 16, 219, depth) : luma * max;
      break;
    case Component::kCb:
    case Component::kCr: {
      const double diff = component == Component::kCb ? (c.b - luma) / 1.772 : (c.r - luma) / 1.402;
      v = limited ? quantiseLimited(diff, 128, 224, depth)
                  : std::ldexp(1.0, depth - 1) + diff * max;
      break;
    }
    case Component::kOpaque:
      v = max;
      break;
    case Component::kZero:
    case Component::kRaw:
      break;
  }
  return static_cast<std::uint16_t>(std::clamp(std::floor(v + 0.5), 0.0, max));
}

std::uint8_t glyphRow(std::uint32_t digit, std::uint32_t row) {
  if (digit >= kFont.size() || row >= kGlyphHeight) return 0;
  return kFont[digit][row];
}

Scene::Scene(fourcc::Size size) : size_{std::max(size.width, 1u), std::max(size.height, 1u)} {
  const std::uint32_t w = size_.width;
  const std::uint32_t h = size_.height;
  const std::uint32_t shorter = std::min(w, h);
  rampTop_ = h - h / 4;
  const std::uint32_t blockSize = std::max(1u, shorter / 5);
  block_ = Rect{0, 0, blockSize, blockSize};
  border_ = std::max(1u, blockSize / 8);
  scale_ = std::max(1u, shorter / 160);
  speedX_ = std::max(1u, w / 128);
  speedY_ = std::max(1u, h / 96);
  digitBox_ = Rect{2 * scale_, 2 * scale_, kBoxColumns * scale_, kBoxRows * scale_};

  bars_.resize(w);
  ramp_.resize(w);
  for (std::uint32_t x = 0; x < w; ++x) {
    bars_[x] = static_cast<PaletteIndex>(std::uint64_t{x} * kBarCount / w);
    const std::uint64_t level = w > 1 ? std::uint64_t{x} * 255 / (w - 1) : 0;
    ramp_[x] = static_cast<PaletteIndex>(kGreyBase + level);
  }
  setSequence(0);
}

void Scene::setSequence(std::uint32_t sequence) {
  const std::uint32_t rangeX = size_.width - block_.width;
  const std::uint32_t rangeY = size_.height - block_.height;
  block_.x = bounce(std::uint64_t{sequence} * speedX_ + rangeX / 2, rangeX);
  block_.y = bounce(std::uint64_t{sequence} * speedY_ + rangeY / 2, rangeY);
  std::uint32_t rest = sequence;
  for (std::size_t i = kDigitCount; i-- > 0;) {
    digits_[i] = static_cast<std::uint8_t>(rest % 10);
    rest /= 10;
  }
}

std::uint32_t Scene::lineKey(std::uint32_t y) const {
  y = std::min(y, size_.height - 1);
  std::uint32_t key = y >= rampTop_ ? 1 : 0;
  if (y >= block_.y && y - block_.y < block_.height) {
    const std::uint32_t row = y - block_.y;
    const bool edge = row < border_ || row >= block_.height - border_;
    key |= (edge ? 1u : 2u) << 1;
  }
  if (y >= digitBox_.y && y - digitBox_.y < digitBox_.height) {
    key |= (1 + (y - digitBox_.y) / scale_) << 3;
  }
  return key;
}

void Scene::drawLine(std::uint32_t y, std::span<PaletteIndex> out) const {
  y = std::min(y, size_.height - 1);
  drawBackground(y, out);
  drawBlock(y, out);
  drawDigits(y, out);
}

std::uint32_t Scene::background(std::uint32_t y) const {
  return std::min(y, size_.height - 1) >= rampTop_ ? 1 : 0;
}

void Scene::drawBackground(std::uint32_t y, std::span<PaletteIndex> out) const {
  const auto& base = background(y) != 0 ? ramp_ : bars_;
  std::copy_n(base.begin(), std::min(base.size(), out.size()), out.begin());
}

Scene::Span Scene::overlay(std::uint32_t y) const {
  y = std::min(y, size_.height - 1);
  Span span{size_.width, 0};
  const auto add = [&](const Rect& r) {
    if (y < r.y || y - r.y >= r.height || r.x >= size_.width) return;
    span.from = std::min(span.from, r.x);
    span.to = std::max(span.to, std::min(r.x + r.width, size_.width));
  };
  add(block_);
  add(digitBox_);
  return span.from < span.to ? span : Span{};
}

void Scene::drawBlock(std::uint32_t y, std::span<PaletteIndex> out) const {
  if (y < block_.y || y - block_.y >= block_.height) return;
  const std::uint32_t row = y - block_.y;
  const std::uint32_t right = block_.x + block_.width;
  fill(out, block_.x, right, kBlack);
  if (row >= border_ && row < block_.height - border_ && block_.width > 2 * border_) {
    fill(out, block_.x + border_, right - border_, kWhite);
  }
}

void Scene::drawDigits(std::uint32_t y, std::span<PaletteIndex> out) const {
  if (y < digitBox_.y || y - digitBox_.y >= digitBox_.height) return;
  fill(out, digitBox_.x, digitBox_.x + digitBox_.width, kBlack);
  const std::uint32_t fontRow = (y - digitBox_.y) / scale_;
  if (fontRow < 1 || fontRow > kGlyphHeight) return;
  for (std::uint32_t k = 0; k < kDigitCount; ++k) {
    const std::uint8_t bits = glyphRow(digits_[k], fontRow - 1);
    for (std::uint32_t col = 0; col < kGlyphWidth; ++col) {
      if ((bits & (0x10u >> col)) == 0) continue;
      const std::uint32_t x = digitBox_.x + (1 + k * kCellWidth + col) * scale_;
      fill(out, x, x + scale_, kWhite);
    }
  }
}

}  // namespace vcam::source
