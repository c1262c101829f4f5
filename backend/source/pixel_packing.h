// SPDX-License-Identifier: MIT
// How each uncompressed format packs components into bits: the component order the fourcc
// table does not record, checked against the table's bits, planes and subsampling.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "vcamera/common/result.h"
#include "vcamera/fourcc/format_info.h"

namespace vcam::source {

/// What one bit field of a pixel group carries.
enum class Component : std::uint8_t {
  kY,
  kCb,
  kCr,
  kR,
  kG,
  kB,
  kRaw,     ///< Bayer sample: R, G or B by the pixel's place in the 2x2 pattern
  kOpaque,  ///< alpha: all bits set
  kZero,    ///< padding (X) bits
};

/// One bit field of a group. Fields follow each other from the least significant bit of the
/// group, so for groups of whole bytes written little-endian the list reads in memory order.
struct Field {
  Component component = Component::kZero;
  std::uint8_t sample = 0;  ///< which of the group's samples of `component`: YUYV's Y0 or Y1
  std::uint8_t depth = 0;   ///< bits the component is quantised to
  std::uint8_t shift = 0;   ///< the field holds (value >> shift) ...
  std::uint8_t bits = 0;    ///< ... cut to this many bits
};

inline constexpr std::size_t kMaxFields = 8;
inline constexpr std::size_t kMaxColorPlanes = 3;

/// The repeating group of one colour plane: YUYV's "Y0 Cb Y1 Cr", NV12's CbCr plane "Cb Cr".
struct GroupSpec {
  std::array<Field, kMaxFields> fields{};
  std::uint8_t count = 0;
};

/// The component order of one format, keyed by its table name.
struct PackingSpec {
  std::string_view format;
  std::string_view bayerOrder;  ///< "BGGR": the 2x2 pattern's colours, row by row; or ""
  std::array<GroupSpec, kMaxColorPlanes> planes{};
};

/// Every spec, one per uncompressed table format.
[[nodiscard]] std::span<const PackingSpec> packingSpecs();

/// The spec for `format`, or nullptr (compressed or unknown formats).
[[nodiscard]] const PackingSpec* findPackingSpec(const fourcc::FormatInfo& format);

/// A field bound to a channel: value = channel[group * stride + sample].
struct ResolvedField {
  std::uint8_t channel = 0;
  std::uint8_t sample = 0;
  std::uint8_t stride = 1;
  std::uint8_t shift = 0;
  std::uint8_t position = 0;  ///< bit position in the group
  std::uint8_t bits = 0;
};

/// A component at a depth: one line of values per plane line, at full resolution or, for
/// chroma, at the format's horizontal chroma resolution.
struct Channel {
  Component component = Component::kZero;
  std::uint8_t depth = 0;
  /// Pixels per sample horizontally (format hsub for Cb/Cr, else 1).
  std::uint8_t hfactor = 1;
};

inline constexpr std::size_t kMaxChannels = 8;

/// One colour plane, ready for the writer.
struct PlanePacking {
  std::uint8_t groupBytes = 0;
  /// Image pixels one group covers (YUYV 2, NV12's CbCr plane 2, RAW10 4, XRGB 1).
  std::uint8_t groupPixels = 0;
  bool bigEndian = false;  ///< groups are written most significant byte first
  /// Image lines per plane line: the format's vsub for chroma planes, else 1.
  std::uint8_t vfactor = 1;
  std::array<Channel, kMaxChannels> channels{};
  std::uint8_t channelCount = 0;
  /// Fields for even and odd lines (they differ only for Bayer formats).
  std::array<std::array<ResolvedField, kMaxFields>, 2> fields{};
  std::uint8_t fieldCount = 0;
  bool alternates = false;  ///< even and odd lines use different fields
};

/// Every colour plane of a format.
struct Packing {
  std::array<PlanePacking, kMaxColorPlanes> planes{};
  std::uint8_t planeCount = 0;
};

/// Binds `format`'s spec to channels and checks it against the table: group sizes that are
/// whole bytes and whole samples of the table's bits per pixel, chroma strides that match
/// hsub, one spec plane per colour plane. ENOTSUP for compressed formats or formats without
/// a spec; EINVAL when the spec and the table disagree (a bug caught by the tests).
[[nodiscard]] Result<Packing> resolvePacking(const fourcc::FormatInfo& format);

}  // namespace vcam::source
