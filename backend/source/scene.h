// SPDX-License-Identifier: MIT
// The test pattern's picture, format-free: colour bars, a grey ramp, a moving block and the
// frame number, drawn one line at a time as indices into a fixed palette of R'G'B' colours.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "backend/source/colorimetry.h"
#include "backend/source/pixel_packing.h"
#include "vcamera/common/result.h"
#include "vcamera/fourcc/layout.h"

namespace vcam::source {

/// A gamma-encoded colour, each channel in [0, 1].
struct Rgb {
  double r = 0;
  double g = 0;
  double b = 0;
};

/// Palette indices: the eight 75% bars (white, yellow, cyan, green, magenta, red, blue,
/// black), 100% white, then 256 greys from black to white.
using PaletteIndex = std::uint16_t;
inline constexpr PaletteIndex kBarCount = 8;
inline constexpr PaletteIndex kBlack = 7;
inline constexpr PaletteIndex kWhite = 8;
inline constexpr PaletteIndex kGreyBase = 9;
inline constexpr std::size_t kPaletteSize = kGreyBase + 256;

/// The colour of palette entry `index` (< kPaletteSize).
[[nodiscard]] Rgb paletteColour(PaletteIndex index);

/// `colour`'s `component` quantised to `depth` bits: R'G'B' full range; Y'CbCr by the
/// BT.601 matrix in `range` (limited: 16..235 and 16..240 scaled by 2^(depth-8)).
/// Rounds half up; clamps to the depth. kOpaque is all ones, kZero and kRaw zero.
[[nodiscard]] std::uint16_t quantise(const Rgb& colour, Component component, std::uint8_t depth,
                                     Range range);

/// A rectangle in pixels.
struct Rect {
  std::uint32_t x = 0;
  std::uint32_t y = 0;
  std::uint32_t width = 0;
  std::uint32_t height = 0;
};

/// Digits of the frame number drawn, with leading zeros (enough for any uint32_t).
inline constexpr std::uint32_t kDigitCount = 10;
/// Glyph cell: 5x7 pixels plus a column of space; the box adds one cell unit of margin.
inline constexpr std::uint32_t kGlyphWidth = 5;
inline constexpr std::uint32_t kGlyphHeight = 7;
/// Font pixels from one digit to the next (the glyph and a column of space).
inline constexpr std::uint32_t kCellWidth = kGlyphWidth + 1;

/// Row `row` (0 = top) of digit `digit`'s glyph: bit 4 is the leftmost pixel.
[[nodiscard]] std::uint8_t glyphRow(std::uint32_t digit, std::uint32_t row);

/// The picture for one frame size. Where things are depends only on the size and the
/// sequence number, so equal inputs give equal lines.
///
///  - bars over the top three quarters, a grey ramp (left black, right white) below;
///  - a block (black frame, 100% white inside) bouncing diagonally, centred at sequence 0;
///  - a black box at the top left with the sequence number in white digits.
class Scene {
 public:
  explicit Scene(fourcc::Size size);

  /// Moves the block and sets the digits for frame `sequence`.
  void setSequence(std::uint32_t sequence);

  /// A key with the property: lineKey(a) == lineKey(b) => line a and line b are identical
  /// (for the current sequence). Lines past the bottom repeat the last one.
  [[nodiscard]] std::uint32_t lineKey(std::uint32_t y) const;

  /// Writes line `y` (clamped to the last line) as palette indices; `out` holds width entries.
  void drawLine(std::uint32_t y, std::span<PaletteIndex> out) const;

  /// Which background line `y` lies on: 0 bars, 1 ramp. Backgrounds depend on the size only.
  [[nodiscard]] std::uint32_t background(std::uint32_t y) const;
  /// Writes the background of line `y`: the line without block and digits.
  void drawBackground(std::uint32_t y, std::span<PaletteIndex> out) const;

  /// Pixels [from, to) of a line that can differ from its background; empty when from == to.
  struct Span {
    std::uint32_t from = 0;
    std::uint32_t to = 0;
  };
  /// The part of line `y` covered by the block or the digits (their hull, clipped).
  [[nodiscard]] Span overlay(std::uint32_t y) const;

  [[nodiscard]] fourcc::Size size() const { return size_; }
  /// The block for the current sequence, its frame included.
  [[nodiscard]] Rect block() const { return block_; }
  [[nodiscard]] std::uint32_t blockBorder() const { return border_; }
  /// The digit box (may extend past the frame's edge on tiny frames; drawing clips it).
  [[nodiscard]] Rect digitBox() const { return digitBox_; }
  /// Pixels per font pixel.
  [[nodiscard]] std::uint32_t digitScale() const { return scale_; }
  /// The first ramp line.
  [[nodiscard]] std::uint32_t rampTop() const { return rampTop_; }

 private:
  void drawBlock(std::uint32_t y, std::span<PaletteIndex> out) const;
  void drawDigits(std::uint32_t y, std::span<PaletteIndex> out) const;

  fourcc::Size size_;
  std::uint32_t rampTop_ = 0;
  std::uint32_t border_ = 1;
  std::uint32_t scale_ = 1;
  std::uint32_t speedX_ = 1;
  std::uint32_t speedY_ = 1;
  Rect block_;
  Rect digitBox_;
  std::array<std::uint8_t, kDigitCount> digits_{};
  std::vector<PaletteIndex> bars_;  // one bars line
  std::vector<PaletteIndex> ramp_;  // one ramp line
};

}  // namespace vcam::source
