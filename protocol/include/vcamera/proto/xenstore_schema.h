// SPDX-License-Identifier: MIT
// cameraif v1 XenStore schema: typed parsers/formatters for every node, the whole frontend tree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vcamera/cameraif.h"
#include "vcamera/common/result.h"
#include "vcamera/proto/types.h"

/// Everything under a frontend's device directory is written by the toolstack or by the guest
/// itself, so a backend treats it as hostile: every parser here is strict (canonical decimal
/// only, no leading zeros, no signs or spaces), bounded (the limits below) and never crashes.
namespace vcam::proto {

// ---- Limits (hostile-input bounds; all checked before any per-entry work) ----------------------

/// XenStore's XENSTORE_PAYLOAD_MAX: no node value can legitimately be longer.
inline constexpr std::size_t kMaxValueLength = 4096;
/// Pixel formats under `formats/`.
inline constexpr std::size_t kMaxFormats = 64;
/// `<W>x<H>` directories under one `formats/<FOURCC>/`.
inline constexpr std::size_t kMaxResolutionsPerFormat = 64;
/// Entries of one `frame-rates` list.
inline constexpr std::size_t kMaxFrameRatesPerResolution = 16;
/// Entries of `controls`: each control at most once.
inline constexpr std::size_t kMaxControls = XENCAMERA_MAX_CTRL;
/// Bytes of `unique-id`.
inline constexpr std::size_t kMaxUniqueIdLength = 256;
/// Entries of the backend's `versions` list.
inline constexpr std::size_t kMaxVersions = 16;
/// Bytes of one version token.
inline constexpr std::size_t kMaxVersionLength = 16;

// ---- Value types -------------------------------------------------------------------------------

/// A `<W>x<H>` resolution in pixels; both are non-zero once parsed.
struct Resolution {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  friend bool operator==(const Resolution&, const Resolution&) = default;
};

/// One `formats/<FOURCC>/<W>x<H>` directory and its `frame-rates` list (in list order).
struct ResolutionConfig {
  Resolution resolution;
  std::vector<FrameRate> frameRates;
  friend bool operator==(const ResolutionConfig&, const ResolutionConfig&) = default;
};

/// One `formats/<FOURCC>` directory (V4L2 FOURCC, bit 31 = big-endian variant).
struct FormatConfig {
  std::uint32_t fourcc = 0;
  std::vector<ResolutionConfig> resolutions;
  friend bool operator==(const FormatConfig&, const FormatConfig&) = default;
};

/// The toolstack-written configuration of one virtual camera (frontend device directory).
/// readFrontendConfig() returns formats sorted by FOURCC node name and resolutions by
/// (width, height), so the same XenStore content always gives the same value whatever order
/// xenstored lists directories in; controls and frame rates keep their list order.
struct FrontendConfig {
  bool beAlloc = false;               ///< `be-alloc` is exactly "1": the backend allocates buffers.
  std::string uniqueId;               ///< `unique-id`: names the physical camera.
  std::uint8_t maxBuffers = 0;        ///< `max-buffers`: 1..255.
  std::vector<ControlType> controls;  ///< `controls`: each at most once, list order.
  std::vector<FormatConfig> formats;  ///< `formats/...`: at least one, each non-empty.
  friend bool operator==(const FrontendConfig&, const FrontendConfig&) = default;
};

/// The frontend's transport parameters, published before it goes Initialised.
struct FrontendTransport {
  std::uint32_t reqRingRef = 0;       ///< `req-ring-ref`: grant ref of the request ring page.
  std::uint32_t reqEventChannel = 0;  ///< `req-event-channel`.
  std::uint32_t evtRingRef = 0;       ///< `evt-ring-ref`: grant ref of the event page.
  std::uint32_t evtEventChannel = 0;  ///< `evt-event-channel`.
  friend bool operator==(const FrontendTransport&, const FrontendTransport&) = default;
};

/// (node path relative to the device directory, value) pairs, in the order to write them.
using XenStoreNodes = std::vector<std::pair<std::string, std::string>>;

// ---- XenStore access ---------------------------------------------------------------------------

/// Read-only view of a XenStore tree; the schema is written against this so it works on an
/// in-memory map in tests and on the real XenStore (one transaction) in the backend.
class XenStoreTreeReader {
 public:
  virtual ~XenStoreTreeReader() = default;
  /// The value of the node at the absolute `path`, or nullopt when it does not exist.
  [[nodiscard]] virtual std::optional<std::string> read(std::string_view path) const = 0;
  /// The names of the children of `path`, or nullopt when it does not exist.
  [[nodiscard]] virtual std::optional<std::vector<std::string>> directory(
      std::string_view path) const = 0;
};

// ---- Single nodes ------------------------------------------------------------------------------

/// `formats/` directory name -> FOURCC: parseFourcc()'s rules ('Y16 ' is written "Y16", "-BE"
/// for big-endian) plus XenStore's: only ASCII letters, digits and `-_@` (xenstored's valid
/// characters, which also excludes cameraif's forbidden `/ \ space < > : " | ? *`).
[[nodiscard]] Result<std::uint32_t> parseFourccNode(std::string_view name);
/// FOURCC -> directory name; fails for codes that cannot be written as a node name, or whose
/// name would read back as another code (e.g. 'X-BE' without bit 31 would read as "X" + BE).
[[nodiscard]] Result<std::string> formatFourccNode(std::uint32_t fourcc);

/// "640x480" -> {640, 480}: canonical decimal (no leading zeros, sign or spaces), each part
/// 1..UINT32_MAX.
[[nodiscard]] Result<Resolution> parseResolution(std::string_view text);
/// {640, 480} -> "640x480"; fails if a part is zero.
[[nodiscard]] Result<std::string> formatResolution(Resolution resolution);

/// "30/1" -> {30, 1}: canonical decimal, each part 1..UINT32_MAX (0 fps and x/0 are invalid).
[[nodiscard]] Result<FrameRate> parseFrameRate(std::string_view text);
/// {30, 1} -> "30/1"; fails if a part is zero.
[[nodiscard]] Result<std::string> formatFrameRate(FrameRate rate);
/// `frame-rates`: 1..kMaxFrameRatesPerResolution comma-separated rates, no empty entries, no
/// two with the same value (30/1 and 60/2 are duplicates).
[[nodiscard]] Result<std::vector<FrameRate>> parseFrameRateList(std::string_view text);
/// The reverse of parseFrameRateList(), with the same checks.
[[nodiscard]] Result<std::string> formatFrameRateList(std::span<const FrameRate> rates);
/// True when both rates are the same number of frames per second.
[[nodiscard]] bool sameFrameRate(FrameRate a, FrameRate b);

/// "contrast" -> ControlType::kContrast; only the names cameraif defines, case-sensitive.
[[nodiscard]] Result<ControlType> parseControlName(std::string_view name);
/// `controls`: "" = none, else a comma-separated list of distinct known names, any order.
[[nodiscard]] Result<std::vector<ControlType>> parseControls(std::string_view text);
/// The reverse of parseControls(), with the same checks; "" for none.
[[nodiscard]] Result<std::string> formatControls(std::span<const ControlType> controls);

/// `max-buffers`: canonical decimal 1..255.
[[nodiscard]] Result<std::uint8_t> parseMaxBuffers(std::string_view text);
/// 1..255 -> "3"; fails for 0.
[[nodiscard]] Result<std::string> formatMaxBuffers(std::uint8_t maxBuffers);

/// `be-alloc`: exactly "1" means the backend allocates; anything else or absence means the
/// frontend does (the spec's words), so this cannot fail.
[[nodiscard]] bool parseBeAlloc(std::optional<std::string_view> value);
/// "1" or "0".
[[nodiscard]] std::string formatBeAlloc(bool beAlloc);

/// `unique-id`: 1..kMaxUniqueIdLength printable ASCII characters (0x20..0x7e), no leading or
/// trailing space.
[[nodiscard]] Result<std::string> parseUniqueId(std::string_view text);

/// `req-ring-ref` / `evt-ring-ref`: canonical decimal u32, not 0 (grant ref 0 is never
/// exposed to a PV driver). `node` names the node in the error message.
[[nodiscard]] Result<std::uint32_t> parseGrantRef(std::string_view text,
                                                  std::string_view node = "grant reference");
/// `req-event-channel` / `evt-event-channel`: canonical decimal u32, not 0 (port 0 is never
/// a bound event channel).
[[nodiscard]] Result<std::uint32_t> parseEventChannel(std::string_view text,
                                                      std::string_view node = "event channel");

// ---- Version negotiation -----------------------------------------------------------------------

/// Backend `versions`: 1..kMaxVersions distinct comma-separated tokens of ASCII letters and
/// digits (at most kMaxVersionLength each; all-digit tokens without leading zeros).
[[nodiscard]] Result<std::vector<std::string>> parseVersions(std::string_view text);
/// The reverse of parseVersions(), with the same checks.
[[nodiscard]] Result<std::string> formatVersions(std::span<const std::string> versions);
/// Version order: all-digit tokens by numeric value and above tokens with letters, which
/// compare lexicographically. Returns <0, 0, >0 like strcmp.
[[nodiscard]] int compareVersions(std::string_view a, std::string_view b);
/// Frontend side: the highest version (compareVersions order) both in the backend's
/// `versions` text and in `supported`; EPROTONOSUPPORT naming both lists when none is common.
[[nodiscard]] Result<std::string> chooseVersion(std::string_view backendVersions,
                                                std::span<const std::string_view> supported);
/// Backend side: checks the frontend's `version` (nullopt = node absent) is one of `offered`.
/// Absence is ENOENT (not EPROTONOSUPPORT) so a caller can choose a policy for the existing
/// reference frontend, which never writes `version`.
[[nodiscard]] Result<std::string> acceptFrontendVersion(std::optional<std::string_view> version,
                                                        std::span<const std::string> offered);

// ---- Whole trees -------------------------------------------------------------------------------

/// Reads and validates the configuration under the frontend device directory `feDir`
/// (e.g. "/local/domain/1/device/vcamera/0"). Requires `unique-id`, `max-buffers` and at least
/// one format with one resolution with one frame rate. Errors name the offending path; codes:
/// ENOENT a required node or directory is missing or empty, E2BIG a limit is exceeded (checked on
/// each directory listing before any child is read), ERANGE a number overflows, EINVAL the rest.
[[nodiscard]] Result<FrontendConfig> readFrontendConfig(const XenStoreTreeReader& tree,
                                                        std::string_view feDir);
/// Checks a configuration built in code against the same rules readFrontendConfig() applies.
[[nodiscard]] Status validateFrontendConfig(const FrontendConfig& config);
/// The nodes a toolstack writes for `config` (validated first); reading them back with
/// readFrontendConfig() gives `config` again when it is in canonical order (see FrontendConfig).
[[nodiscard]] Result<XenStoreNodes> formatFrontendConfig(const FrontendConfig& config);

/// Reads and validates the frontend's four transport nodes under `feDir`.
[[nodiscard]] Result<FrontendTransport> readFrontendTransport(const XenStoreTreeReader& tree,
                                                              std::string_view feDir);
/// The four transport nodes a frontend publishes (validated: no zero ref or port).
[[nodiscard]] Result<XenStoreNodes> formatFrontendTransport(const FrontendTransport& transport);

// ---- Lookups for the backend -------------------------------------------------------------------

/// What a frontend asks for in CONFIG_SET / CONFIG_VALIDATE / FRAME_RATE_SET.
struct FormatRequest {
  std::uint32_t fourcc = 0;
  Resolution resolution;
  std::optional<FrameRate> frameRate;  ///< nullopt: keep the default (first listed) rate.
};

/// A configured (format, resolution, rate) tuple.
struct FormatChoice {
  std::uint32_t fourcc = 0;
  Resolution resolution;
  FrameRate frameRate;
  friend bool operator==(const FormatChoice&, const FormatChoice&) = default;
};

/// True when `config` lists exactly this FOURCC and resolution and a rate of the same value.
[[nodiscard]] bool isConfigured(const FrontendConfig& config, std::uint32_t fourcc,
                                Resolution resolution, FrameRate rate);

/// The configured tuple nearest to `request`, chosen step by step:
///  1. format: the requested FOURCC if configured, else the first configured format;
///  2. resolution of that format: smallest |area difference|, then smallest aspect-ratio
///     difference, then the earlier one in the list;
///  3. rate of that resolution: smallest |fps difference| (exact fractions), then the earlier
///     one; the first listed rate when the request has none (or a zero denominator).
/// ENOENT only when `config` has no complete tuple (never after readFrontendConfig()).
[[nodiscard]] Result<FormatChoice> nearestConfigured(const FrontendConfig& config,
                                                     const FormatRequest& request);

}  // namespace vcam::proto
