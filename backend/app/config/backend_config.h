// SPDX-License-Identifier: MIT
// vcamera-backend's configuration file: the value type, its TOML reader and writer, defaults.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <vcamera/common/result.h>
#include <vcamera/proto/types.h>
#include <vcamera/proto/xenstore_schema.h>

/// The configuration file (TOML), e.g. /etc/vcamera/backend.toml; every key is
/// optional and an empty file is valid (test-pattern for every device, the defaults below).
///
///     [backend]
///     versions = ["1"]              # protocol versions offered in XenStore `versions`;
///                                   # each one this backend implements (kSupportedVersions)
///     max-sessions-per-guest = 8    # devices served per frontend domain, 1..kMaxSessionsLimit
///     max-buffers-per-guest = 32    # buffers over all of a guest's devices, 1..255
///
///     [[camera]]                    # 0..kMaxCameras entries
///     unique-id = "cam0"            # what the toolstack writes in a device's `unique-id`:
///                                   # 1..256 printable ASCII bytes, no edge spaces, unique
///     source = "test-pattern"       # or "libcamera:<camera id>"
///     delivery = "direct"           # "direct": frames go straight into guest memory where
///                                   # the path allows (the test pattern draws in place);
///                                   # "copy": through the backend's own buffers and a copy
///
///     [[camera.format]]             # optional; none = the source's own list
///     fourcc = "YUYV"               # V4L2 FOURCC as cameraif writes it ("Y16", "AR15-BE"),
///                                   # a format in vcamera's fourcc table
///     sizes = ["640x480", "1280x720"]
///     frame-rates = ["30/1", "15/1"]   # every size gets these rates, first = default
///
/// Several [[camera.format]] entries may name the same FOURCC (to give sizes their own rates);
/// a (FOURCC, size) pair may appear only once per camera. Unknown keys, wrong types, values out
/// of range and duplicates are errors that name the file, line, column and key.
namespace vcam::app {

/// What a camera's frames come from.
enum class SourceKind : std::uint8_t {
  kTestPattern,  ///< the built-in test-pattern camera
  kLibcamera,    ///< a libcamera camera, named by its libcamera id
};

/// `source`: the kind plus, for libcamera, the camera id ("" for the test pattern).
struct CameraSource {
  SourceKind kind = SourceKind::kTestPattern;
  std::string cameraId;
  friend bool operator==(const CameraSource&, const CameraSource&) = default;
};

/// How frames reach a guest's buffer (`delivery`).
enum class Delivery : std::uint8_t {
  kDirect,   ///< written straight into guest memory where possible
  kCopy,     ///< made in the backend's own buffers, then copied (the fallback path, forced)
  kDmaTest,  ///< the test pattern from a stand-in DMA camera: the zero-copy dma-buf paths
};

/// "direct", "copy" or "dma-test".
[[nodiscard]] Result<Delivery> parseDelivery(std::string_view text);
[[nodiscard]] std::string_view deliveryName(Delivery delivery);

/// One [[camera]] entry.
struct CameraConfig {
  std::string uniqueId;
  CameraSource source;
  /// The allowed formats in file order (entries with the same FOURCC merged, sizes in the
  /// order given); empty: the source's own list (see formatsOf()).
  std::vector<proto::FormatConfig> formats;
  Delivery delivery = Delivery::kDirect;
  friend bool operator==(const CameraConfig&, const CameraConfig&) = default;
};

/// Protocol versions this backend implements, highest first.
inline constexpr std::string_view kSupportedVersions[] = {"1"};
/// Upper bounds of the limits (the defaults are in BackendConfig).
inline constexpr std::uint32_t kMaxSessionsLimit = 256;
inline constexpr std::size_t kMaxCameras = 256;
/// Largest configuration file loadBackendConfig() reads.
inline constexpr std::size_t kMaxConfigFileBytes = 1024 * 1024;

/// The whole file. Default-constructed = an empty file.
struct BackendConfig {
  std::vector<std::string> versions{"1"};
  std::uint32_t maxSessionsPerGuest = 8;
  std::uint8_t maxBuffersPerGuest = 32;
  std::vector<CameraConfig> cameras;
  friend bool operator==(const BackendConfig&, const BackendConfig&) = default;
};

/// Parses and validates TOML `text`; `sourceName` (usually the path) starts every error message,
/// followed by line:column and the key, e.g.
/// "cams.toml:7:10: camera[0].format[0].fourcc: unknown FOURCC 'YUVY' (did you mean YUYV?)".
/// EINVAL for syntax, type and value errors, ERANGE for numbers out of range, E2BIG for lists
/// longer than their limit, EEXIST for duplicates.
[[nodiscard]] Result<BackendConfig> parseBackendConfig(std::string_view text,
                                                       std::string_view sourceName);

/// Reads `path` (at most kMaxConfigFileBytes) and parses it; errors name the path.
[[nodiscard]] Result<BackendConfig> loadBackendConfig(const std::string& path);

/// TOML text that parseBackendConfig() reads back as `config` (formats of one FOURCC whose
/// sizes have different rate lists become several [[camera.format]] entries). Validates first.
[[nodiscard]] Result<std::string> formatBackendConfig(const BackendConfig& config);

/// Checks a configuration built in code against the rules parseBackendConfig() applies.
[[nodiscard]] Status validateBackendConfig(const BackendConfig& config);

// ---- Pieces shared with vcamera-ctl ------------------------------------------------------------

/// OK when `version` is one of kSupportedVersions (which are valid `versions` tokens).
[[nodiscard]] Status checkProtocolVersion(std::string_view version);

/// "test-pattern" or "libcamera:<id>" (id non-empty printable ASCII).
[[nodiscard]] Result<CameraSource> parseCameraSource(std::string_view text);
[[nodiscard]] std::string formatCameraSource(const CameraSource& source);

/// A FOURCC as the configuration and XenStore write it ("YUYV", "Y16", "AR15-BE"), known to
/// vcamera's fourcc table and writable as a `formats/` node name. Format names that are not
/// their FOURCC ("RGB24") and typos get a message naming the FOURCC(s) meant.
[[nodiscard]] Result<std::uint32_t> parseCameraFourcc(std::string_view text);

/// "640x480" with fourcc::parseSize()'s rules (1..65535 each).
[[nodiscard]] Result<proto::Resolution> parseCameraSize(std::string_view text);

/// Adds `sizes` x `rates` of `fourcc` to `formats` (merging into an existing entry of that
/// FOURCC), after checking what a device configuration needs: at least one size and rate, no
/// duplicate size in the FOURCC (EEXIST), no two equal rates, every size laid out by the fourcc
/// table, and the proto:: list limits (E2BIG). `formats` is unchanged on error.
[[nodiscard]] Status addFormat(std::vector<proto::FormatConfig>& formats, std::uint32_t fourcc,
                               std::span<const proto::Resolution> sizes,
                               std::span<const proto::FrameRate> rates);

/// The test-pattern camera's own list: YUYV, NV12, RGB3 (RGB24) and XR24 (XBGR32), each at
/// 640x480 and 1280x720, at 30/1 and 15/1 (30/1 the default).
[[nodiscard]] std::span<const proto::FormatConfig> testPatternFormats();

/// The formats a device of `camera` may be given: its configured list, else the test-pattern
/// list for the test pattern; empty for a libcamera camera without a list (the camera decides).
[[nodiscard]] std::vector<proto::FormatConfig> formatsOf(const CameraConfig& camera);

/// The camera serving `uniqueId`: its [[camera]] entry; when the file configures no camera at
/// all, a test-pattern camera with that unique-id; otherwise nullopt (the device is refused).
[[nodiscard]] std::optional<CameraConfig> cameraFor(const BackendConfig& config,
                                                    std::string_view uniqueId);

/// True when `formats` allows this FOURCC at this size at a rate of this value.
[[nodiscard]] bool allows(std::span<const proto::FormatConfig> formats, std::uint32_t fourcc,
                          proto::Resolution size, proto::FrameRate rate);

}  // namespace vcam::app
