// SPDX-License-Identifier: MIT
// Writes a Scene into the memory planes of any uncompressed format, line by line: each
// distinct line is packed once into a private buffer and copied to every line that equals it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "backend/source/colorimetry.h"
#include "backend/source/pixel_packing.h"
#include "backend/source/scene.h"
#include "vcamera/common/result.h"
#include "vcamera/fourcc/format_info.h"
#include "vcamera/fourcc/layout.h"

namespace vcam::source {

/// Packs scene lines into a fixed format and layout. Never reads the target memory, writes
/// every byte of each memory plane's sizeImage and nothing past it. Not thread-safe: it
/// keeps scratch lines; use one per stream.
///
/// Speed comes from the scene's shape. A plane line's background (bars or ramp) depends on
/// the frame size only, so it is packed once and kept across frames; a line with the block
/// or digits starts from its background and repacks only the groups they cover; lines
/// equal to the previous one of their parity are copied from the last one packed.
class FrameWriter {
 public:
  /// How much work write() may reuse; kNone packs every line from scratch (the reference
  /// the tests compare kLines with).
  enum class Reuse : std::uint8_t { kLines, kNone };

  /// Checks `layout` against `format` (plane counts, strides and lines large enough, colour
  /// planes inside their memory plane and not overlapping; lines may be more than the
  /// format needs, they repeat the last image line). EINVAL for a bad layout, ENOTSUP for
  /// formats without a packing (compressed ones).
  [[nodiscard]] static Result<FrameWriter> create(const fourcc::FormatInfo& format,
                                                  const fourcc::Layout& layout, Range range,
                                                  Reuse reuse = Reuse::kLines);

  /// Writes `scene`'s current frame into `planes`, one span per memory plane. EINVAL when
  /// the number of spans differs from the layout's or the scene has another size, ENOSPC
  /// when a span is shorter than its sizeImage; nothing is written then.
  [[nodiscard]] Status write(const Scene& scene, std::span<const std::span<std::byte>> planes);

  /// Sum of the memory planes' sizeImage: what write() fills.
  [[nodiscard]] std::uint64_t usedBytes() const { return used_; }

 private:
  struct Line {
    bool valid = false;
    std::uint64_t key = 0;
    std::vector<std::byte> bytes;  // one whole line: data, then zeroed stride padding
  };
  struct Plane {
    PlanePacking packing;
    std::uint32_t memPlane = 0;
    std::uint32_t offset = 0;
    std::uint32_t stride = 0;
    std::uint32_t lines = 0;
    std::uint32_t dataBytes = 0;
    std::uint32_t groups = 0;
    std::array<std::vector<std::uint16_t>, kMaxChannels> palettes;  // quantised palette
    std::array<std::vector<std::uint16_t>, kMaxChannels> values;    // one line of samples
    std::array<std::uint32_t, kMaxChannels> channelStride{};        // samples per group
    std::vector<Line> backgrounds;  // by background key and parity, kept across frames
    std::array<Line, 2> last;       // the last line with overlays, by parity
  };
  struct Gap {
    std::uint32_t memPlane = 0;
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
  };
  /// Groups [from, to) of a line.
  struct GroupRange {
    std::uint32_t from = 0;
    std::uint32_t to = 0;
  };

  FrameWriter() = default;
  const Line& background(Plane& plane, const Scene& scene, std::uint32_t line);
  void overlay(Plane& plane, const Scene& scene, std::uint32_t line, GroupRange groups,
               const Line* base, Line& out);
  void computeChannels(Plane& plane, GroupRange groups, std::uint32_t vfactor);
  static void pack(const Plane& plane, std::size_t parity, GroupRange groups,
                   std::span<std::byte> out);
  [[nodiscard]] GroupRange dirtyGroups(const Plane& plane, const Scene& scene,
                                       std::uint32_t line) const;

  fourcc::Size size_;
  Reuse reuse_ = Reuse::kLines;
  std::vector<Plane> planes_;
  std::vector<Gap> gaps_;
  std::array<std::uint32_t, 4> sizeImage_{};
  std::uint32_t memPlanes_ = 0;
  std::uint64_t used_ = 0;
  std::array<std::vector<PaletteIndex>, 4> sceneLines_;  // palette indices of the lines in use
};

}  // namespace vcam::source
