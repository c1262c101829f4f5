// SPDX-License-Identifier: MIT
// runBackend(): configuration, transport, cameras, service, signals, systemd.
#include "backend/app/backend_app.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include <vcamera/common/fourcc_code.h>

#include "backend/app/config/backend_config.h"
#include "backend/app/libcamera_camera.h"
#include "backend/base/event_loop.h"
#include "backend/base/system_call.h"
#include "backend/session/backend_service.h"
#include "backend/session/camera_session.h"
#include "backend/session/clocked_camera.h"
#include "backend/session/copying_renderer.h"
#include "backend/session/dma_test_camera.h"
#include "backend/session/guest_limits.h"
#include "backend/session/test_pattern_renderer.h"
#include "backend/xen/emulated/emulated_xen.h"
#include "backend/xen/real/real_xen.h"

namespace vcam::app {
namespace {

using base::LogLevel;
using base::logMessage;

// The device's formats this backend will serve: those its camera allows (the toolstack may
// have written more than the configuration permits).
// Tuples the configuration does not allow go to `dropped` (if given), for the log.
Result<proto::FrontendConfig> allowedConfig(const BackendConfig& config,
                                            const proto::FrontendConfig& device,
                                            std::vector<std::string>* dropped = nullptr) {
  std::optional<CameraConfig> camera = cameraFor(config, device.uniqueId);
  if (!camera) {
    return makeError(ENODEV, "no camera \"" + device.uniqueId + "\" is configured here");
  }
  const std::vector<proto::FormatConfig> allowed = formatsOf(*camera);
  // A libcamera camera without a format list decides itself, at CONFIG_SET.
  if (allowed.empty() && camera->source.kind == SourceKind::kLibcamera) return device;
  proto::FrontendConfig served = device;
  served.formats.clear();
  for (const proto::FormatConfig& format : device.formats) {
    proto::FormatConfig kept{format.fourcc, {}};
    for (const proto::ResolutionConfig& resolution : format.resolutions) {
      proto::ResolutionConfig keptResolution{resolution.resolution, {}};
      for (const proto::FrameRate& rate : resolution.frameRates) {
        if (allows(allowed, format.fourcc, resolution.resolution, rate)) {
          keptResolution.frameRates.push_back(rate);
        } else if (dropped != nullptr) {
          dropped->push_back(
              describeFourcc(format.fourcc) + " " + std::to_string(resolution.resolution.width) +
              "x" + std::to_string(resolution.resolution.height) + "@" +
              std::to_string(rate.numerator) + "/" + std::to_string(rate.denominator));
        }
      }
      if (!keptResolution.frameRates.empty()) kept.resolutions.push_back(keptResolution);
    }
    if (!kept.resolutions.empty()) served.formats.push_back(std::move(kept));
  }
  if (served.formats.empty()) {
    return makeError(
        EINVAL, "none of the device's formats is allowed for camera \"" + device.uniqueId + "\"");
  }
  return served;
}

session::HandlerFactory handlersFor(const BackendConfig& config, xen::XenTransport& xen,
                                    session::CameraRegistry& cameras,
                                    session::GuestLimits& limits) {
  session::HandlerFactory sessions = session::cameraSessions(xen, cameras, limits);
  return [config, sessions](const session::ConnectionContext& context)
             -> Result<std::unique_ptr<session::RequestHandler>> {
    std::vector<std::string> dropped;
    Result<proto::FrontendConfig> served = allowedConfig(config, context.config, &dropped);
    if (!served) return served.error();
    if (!dropped.empty()) {
      // The guest lists these (the toolstack wrote them) but will never get them: say so.
      std::string list;
      for (const std::string& tuple : dropped) list += (list.empty() ? "" : ", ") + tuple;
      logMessage(LogLevel::Warning, session::deviceName(context.address),
                 "not served, camera \"" + context.config.uniqueId + "\" does not allow: " + list);
    }
    session::ConnectionContext restricted{context.address, std::move(served).value(),
                                          context.version, context.channel, context.fail};
    return sessions(restricted);
  };
}

bool usesLibcamera(const BackendConfig& config) {
  return std::any_of(config.cameras.begin(), config.cameras.end(), [](const CameraConfig& camera) {
    return camera.source.kind == SourceKind::kLibcamera;
  });
}

Result<xen::XenTransport> openTransport(const BackendOptions& options) {
  if (options.emulatedSocket) {
    return xen::emu::connectEmulatedXen(*options.emulatedSocket, options.domid);
  }
  return xen::openRealXen();
}

// SIGTERM and SIGINT arrive as readable data on an fd the loop watches.
Result<base::UniqueFd> blockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  if (::sigprocmask(SIG_BLOCK, &signals, nullptr) != 0) return base::systemError("sigprocmask");
  base::UniqueFd fd(::signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!fd) return base::systemError("signalfd");
  return fd;
}

}  // namespace

int runBackend(const BackendOptions& options) {
  base::setLogLevel(options.logLevel);
  BackendConfig config;
  if (options.configPath) {
    Result<BackendConfig> loaded = loadBackendConfig(*options.configPath);
    if (!loaded) {
      logMessage(LogLevel::Error, "config", loaded.error().message);
      return kExitConfig;
    }
    config = std::move(loaded).value();
  }
  Result<base::UniqueFd> signals = blockStopSignals();
  if (!signals) {
    logMessage(LogLevel::Error, "signals", signals.error().message);
    return kExitRuntime;
  }
  Result<xen::XenTransport> xen = openTransport(options);
  if (!xen) {
    logMessage(LogLevel::Error, "xen", xen.error().message);
    return kExitRuntime;
  }
  Result<std::unique_ptr<base::EventLoop>> loop = base::EventLoop::create();
  if (!loop) {
    logMessage(LogLevel::Error, "event loop", loop.error().message);
    return kExitRuntime;
  }
  int exitCode = kExitOk;
  {
    // libcamera only when a camera wants it: it starts threads and looks for hardware.
    std::unique_ptr<source::lc::CameraLibrary> library;
    std::optional<Error> libraryError;
    if (usesLibcamera(config)) {
      Result<std::unique_ptr<source::lc::CameraLibrary>> started =
          source::lc::CameraLibrary::start(**loop);
      if (started) {
        library = std::move(started).value();
      } else {
        libraryError = withContext("libcamera did not start", started.error());
        logMessage(LogLevel::Error, "libcamera", libraryError->message);
      }
    }
    session::CameraRegistry cameras(**loop,
                                    session::clockedCameras(session::testPatternRenderers()));
    for (const CameraConfig& camera : config.cameras) {
      if (camera.source.kind != SourceKind::kLibcamera) continue;
      if (library) {
        cameras.setDrivers(camera.uniqueId, libcameraCameras(*library, config));
      } else {
        cameras.setDrivers(camera.uniqueId,
                           [error = *libraryError](base::EventLoop&, const std::string&)
                               -> Result<std::unique_ptr<session::CameraDriver>> { return error; });
      }
    }
    for (const CameraConfig& camera : config.cameras) {
      if (camera.delivery == Delivery::kCopy) {
        cameras.setDrivers(
            camera.uniqueId,
            session::clockedCameras(session::copyingRenderers(session::testPatternRenderers())));
      } else if (camera.delivery == Delivery::kDmaTest) {
        cameras.setDrivers(camera.uniqueId,
                           session::dmaTestCameras(session::testPatternRenderers()));
      }
    }
    session::GuestLimits limits({config.maxSessionsPerGuest, config.maxBuffersPerGuest});
    session::ServiceOptions serviceOptions;
    serviceOptions.versions = config.versions;
    serviceOptions.handlers = handlersFor(config, *xen, cameras, limits);
    Result<std::unique_ptr<session::BackendService>> service =
        session::BackendService::create(**loop, *xen, std::move(serviceOptions));
    if (!service) {
      logMessage(LogLevel::Error, "service", service.error().message);
      return kExitRuntime;
    }
    base::EventLoop& running = **loop;
    Result<base::LoopHandle> stopper = running.watchReadable(signals->get(), [&] {
      signalfd_siginfo info{};
      (void)!::read(signals->get(), &info, sizeof info);
      logMessage(LogLevel::Info, "", "stopping (signal " + std::to_string(info.ssi_signo) + ")");
      (void)sd_notify(0, "STOPPING=1");
      running.stop();
    });
    if (!stopper) {
      logMessage(LogLevel::Error, "signals", stopper.error().message);
      return kExitRuntime;
    }
    logMessage(LogLevel::Info, "",
               "serving as domain " + std::to_string(xen->self) +
                   (options.emulatedSocket ? " on the emulated Xen" : ""));
    (void)sd_notify(0, "READY=1");
    if (Status ran = running.run(); !ran) {
      logMessage(LogLevel::Error, "event loop", ran.error().message);
      exitCode = kExitRuntime;
    }
    // The service goes first (every session says Closed and lets go of its grants), then the
    // cameras its sessions used.
    service->reset();
  }
  return exitCode;
}

}  // namespace vcam::app
