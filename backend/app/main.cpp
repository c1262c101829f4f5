// SPDX-License-Identifier: MIT
// vcamera-backend: the driver-domain service that feeds guests' virtual cameras.
#include <vcamera/common/cli11.h>

#include <iostream>
#include <map>

#include "backend/app/backend_app.h"

int main(int argc, char** argv) {
  using vcam::app::BackendOptions;
  using vcam::base::LogLevel;
  CLI::App cli{"vcamera-backend: serves the vcamera devices XenStore assigns to this domain"};
  BackendOptions options;
  std::string config;
  std::string emulated;
  unsigned domid = 0;
  std::string level = "info";
  cli.add_option("--config", config, "TOML configuration (see vcamera-backend.toml.example)")
      ->check(CLI::ExistingFile);
  cli.add_option("--emulated", emulated, "run on the emulated Xen whose broker listens here");
  cli.add_option("--domid", domid, "our domain id on the emulated Xen (default 0)")
      ->check(CLI::Range(0u, 0x7fefu));
  cli.add_option("--log-level", level, "debug, info, warning or error")
      ->check(CLI::IsMember({"debug", "info", "warning", "error"}));
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = cli.exit(error);
    return code == 0 ? 0 : vcam::app::kExitConfig;
  }
  if (!config.empty()) options.configPath = config;
  if (!emulated.empty()) options.emulatedSocket = emulated;
  if (domid != 0 && emulated.empty()) {
    std::cerr << "--domid is only for --emulated (on Xen the domain id is XenStore's)\n";
    return vcam::app::kExitConfig;
  }
  options.domid = static_cast<std::uint16_t>(domid);
  const std::map<std::string, LogLevel> levels{{"debug", LogLevel::Debug},
                                               {"info", LogLevel::Info},
                                               {"warning", LogLevel::Warning},
                                               {"error", LogLevel::Error}};
  options.logLevel = levels.at(level);
  return vcam::app::runBackend(options);
}
