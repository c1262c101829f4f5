// SPDX-License-Identifier: MIT
// vcamera-ctl's argument parsing: strict numbers, format specs, and the device to attach.
#include "device_spec.h"

#include <algorithm>
#include <cerrno>

#include <vcamera/common/fourcc_code.h>
#include <vcamera/common/quote.h>
#include <vcamera/proto/xenbus.h>

#include "backend/app/config/backend_config.h"
#include "backend/app/config/text_match.h"
#include "camera_probe.h"

namespace vcam::ctl {
namespace {

Error withOption(std::string_view option, const Error& error) {
  return makeError(error.code, std::string(option) + ": " + error.message);
}

std::string rateText(proto::FrameRate rate) {
  return std::to_string(rate.numerator) + "/" + std::to_string(rate.denominator);
}

// Every (FOURCC, size, rate) of `requested` must be one `allowed` lists.
Status checkAllowed(const std::vector<proto::FormatConfig>& requested,
                    const std::vector<proto::FormatConfig>& allowed, const std::string& uniqueId,
                    const std::string& configFile) {
  for (const proto::FormatConfig& format : requested) {
    for (const proto::ResolutionConfig& r : format.resolutions) {
      for (const proto::FrameRate& rate : r.frameRates) {
        if (app::allows(allowed, format.fourcc, r.resolution, rate)) continue;
        return makeError(EINVAL, "--format: " + configFile + " does not allow " +
                                     fourccToString(format.fourcc).value() + " " +
                                     std::to_string(r.resolution.width) + "x" +
                                     std::to_string(r.resolution.height) + " at " + rateText(rate) +
                                     " for camera " + quoteUntrusted(uniqueId));
      }
    }
  }
  return {};
}

Error notConfigured(const app::BackendConfig& config, const std::string& uniqueId,
                    const std::string& configFile) {
  std::vector<std::string> ids;
  for (const app::CameraConfig& camera : config.cameras) ids.push_back(camera.uniqueId);
  std::string message = "--unique-id: " + configFile + " has no camera " + quoteUntrusted(uniqueId);
  if (const auto close = app::closestMatches(uniqueId, ids, 1); !close.empty()) {
    message += " (did you mean " + close.front() + "?)";
  }
  return makeError(EINVAL, message);
}

// The formats from --config: the camera's list, checked against any --format given.
Result<std::vector<proto::FormatConfig>> formatsFromConfig(
    const AttachArguments& arguments, std::vector<proto::FormatConfig> requested) {
  Result<app::BackendConfig> config = app::loadBackendConfig(arguments.configFile);
  if (!config) return withOption("--config", config.error());
  const std::optional<app::CameraConfig> camera = app::cameraFor(*config, arguments.uniqueId);
  if (!camera) return notConfigured(*config, arguments.uniqueId, arguments.configFile);
  const std::vector<proto::FormatConfig> allowed = app::formatsOf(*camera);
  if (requested.empty()) {
    if (!allowed.empty()) return allowed;
    // The configuration leaves them to the camera: ask it (it must be in this domain).
    Result<std::vector<proto::FormatConfig>> offered = probeCameraFormats(camera->source.cameraId);
    if (!offered) {
      return makeError(EINVAL, "camera " + quoteUntrusted(arguments.uniqueId) + " in " +
                                   arguments.configFile + " takes its formats from " +
                                   app::formatCameraSource(camera->source) + ": " +
                                   offered.error().message + "; give them with --format");
    }
    return offered;
  }
  if (!allowed.empty()) {
    if (Status ok = checkAllowed(requested, allowed, arguments.uniqueId, arguments.configFile);
        !ok) {
      return ok.error();
    }
  }
  return requested;
}

}  // namespace

Result<xen::DomId> parseDomainOption(std::string_view option, std::string_view text) {
  Result<std::uint16_t> domid = proto::parseDomid(text);
  if (!domid) return withOption(option, domid.error());
  return *domid;
}

Result<std::uint32_t> parseDevOption(std::string_view text) {
  Result<std::uint32_t> dev = proto::parseDeviceId(text);
  if (!dev) return withOption("--dev", dev.error());
  return *dev;
}

Status addFormatSpec(std::vector<proto::FormatConfig>& formats, std::string_view spec) {
  const std::string prefix = "--format " + quoteUntrusted(spec);
  const auto colon = spec.find(':');
  const auto at = spec.find('@', colon == std::string_view::npos ? 0 : colon);
  if (colon == std::string_view::npos || at == std::string_view::npos) {
    return makeError(EINVAL, prefix +
                                 ": expected FOURCC:WIDTHxHEIGHT@NUM/DEN[,NUM/DEN...], "
                                 "e.g. YUYV:640x480@30/1,15/1");
  }
  Result<std::uint32_t> fourcc = app::parseCameraFourcc(spec.substr(0, colon));
  if (!fourcc) return withOption(prefix, fourcc.error());
  Result<proto::Resolution> size = app::parseCameraSize(spec.substr(colon + 1, at - colon - 1));
  if (!size) return withOption(prefix, size.error());
  std::vector<proto::FrameRate> rates;
  std::string_view rest = spec.substr(at + 1);
  // Bounded by the list limit, which addFormat() reports with the count.
  for (std::size_t count = 0; count <= proto::kMaxFrameRatesPerResolution; ++count) {
    const auto comma = rest.find(',');
    Result<proto::FrameRate> rate = proto::parseFrameRate(rest.substr(0, comma));
    if (!rate) return withOption(prefix, rate.error());
    rates.push_back(*rate);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  const proto::Resolution sizes[] = {*size};
  // A size given again is most likely a second rate for it: say how to give both.
  const bool again = std::any_of(formats.begin(), formats.end(), [&](const auto& f) {
    return f.fourcc == *fourcc && std::any_of(f.resolutions.begin(), f.resolutions.end(),
                                              [&](const auto& r) { return r.resolution == *size; });
  });
  if (again) {
    return makeError(EEXIST, prefix + ": " + std::string(spec.substr(0, at)) +
                                 " is given twice; give all its rates in one --format, e.g. " +
                                 std::string(spec.substr(0, at)) + "@30/1,15/1");
  }
  if (Status added = app::addFormat(formats, *fourcc, sizes, rates); !added) {
    return withOption(prefix, added.error());
  }
  return {};
}

Result<xen::CameraDevice> buildDevice(const AttachArguments& arguments) {
  xen::CameraDevice device;
  Result<xen::DomId> frontend = parseDomainOption("--frontend", arguments.frontend);
  if (!frontend) return frontend.error();
  Result<xen::DomId> backend = parseDomainOption("--backend", arguments.backend);
  if (!backend) return backend.error();
  if (*frontend == *backend) {
    return makeError(EINVAL, "--frontend and --backend name the same domain " +
                                 std::to_string(*frontend) + "; a guest cannot serve itself");
  }
  Result<std::uint32_t> dev = parseDevOption(arguments.dev);
  if (!dev) return dev.error();
  device.frontend = *frontend;
  device.backend = *backend;
  device.devId = *dev;

  proto::FrontendConfig& config = device.config;
  Result<std::string> uniqueId = proto::parseUniqueId(arguments.uniqueId);
  if (!uniqueId) return withOption("--unique-id", uniqueId.error());
  config.uniqueId = std::move(uniqueId).value();
  Result<std::uint8_t> maxBuffers = proto::parseMaxBuffers(arguments.maxBuffers);
  if (!maxBuffers) return withOption("--max-buffers", maxBuffers.error());
  config.maxBuffers = *maxBuffers;
  Result<std::vector<proto::ControlType>> controls = proto::parseControls(arguments.controls);
  if (!controls) return withOption("--controls", controls.error());
  config.controls = std::move(controls).value();
  config.beAlloc = arguments.beAlloc;

  for (const std::string& spec : arguments.formats) {
    if (Status added = addFormatSpec(config.formats, spec); !added) return added.error();
  }
  if (!arguments.configFile.empty()) {
    Result<std::vector<proto::FormatConfig>> formats =
        formatsFromConfig(arguments, std::move(config.formats));
    if (!formats) return formats.error();
    config.formats = std::move(formats).value();
  } else if (config.formats.empty()) {
    const auto defaults = app::testPatternFormats();
    config.formats.assign(defaults.begin(), defaults.end());
  }
  if (Status valid = proto::validateFrontendConfig(config); !valid) return valid.error();
  return device;
}

}  // namespace vcam::ctl
