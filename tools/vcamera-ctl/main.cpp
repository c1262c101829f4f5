// SPDX-License-Identifier: MIT
// vcamera-ctl's command line: CLI11 wiring only; the work is in commands.cpp.
#include <vcamera/common/cli11.h>

#include <exception>
#include <iostream>
#include <string>

#include "commands.h"

namespace ctl = vcam::ctl;

namespace {

constexpr const char* kFooter =
    "Exit status: 0 done, 1 XenStore refused or failed the request, 2 bad arguments or\n"
    "configuration (nothing written).";

void addDeviceOptions(CLI::App* command, ctl::AttachArguments& arguments) {
  command->add_option("--frontend", arguments.frontend, "Domain id of the guest")
      ->required()
      ->type_name("DOMID");
  command->add_option("--backend", arguments.backend, "Domain id running vcamera-backend")
      ->required()
      ->type_name("DOMID");
  command->add_option("--dev", arguments.dev, "Device id under the guest's device/vcamera")
      ->type_name("N")
      ->capture_default_str();
}

int run(int argc, char** argv) {
  CLI::App app{
      "vcamera-ctl: attach, detach and list vcamera devices by writing the toolstack's XenStore "
      "nodes"};
  app.footer(kFooter);
  app.require_subcommand(1);
  app.fallthrough();  // --emulated may follow the subcommand
  ctl::Connection connection;
  app.add_option("--emulated", connection.emulatedSocket,
                 "Use the emulated Xen's broker at SOCKET instead of the real XenStore")
      ->type_name("SOCKET");
  int status = ctl::kExitOk;

  ctl::AttachArguments attach;
  auto* attachCommand =
      app.add_subcommand("attach", "Give a guest a virtual camera served by a backend domain");
  addDeviceOptions(attachCommand, attach);
  attachCommand
      ->add_option("--unique-id", attach.uniqueId,
                   "Camera the backend serves it from (a unique-id in its configuration)")
      ->required()
      ->type_name("ID");
  attachCommand
      ->add_option("--format", attach.formats,
                   "Allowed format, repeatable: FOURCC:WIDTHxHEIGHT@NUM/DEN[,NUM/DEN...], e.g. "
                   "YUYV:640x480@30/1,15/1 (default: the camera's formats from --config, else "
                   "the test-pattern camera's)")
      ->type_name("SPEC")
      ->take_all();
  attachCommand->add_option("--max-buffers", attach.maxBuffers, "Buffers the guest may use, 1..255")
      ->type_name("N")
      ->capture_default_str();
  attachCommand
      ->add_option("--controls", attach.controls,
                   "Controls the guest may use: comma list of brightness, contrast, saturation, "
                   "hue (default: none)")
      ->type_name("LIST");
  attachCommand->add_flag("--be-alloc", attach.beAlloc, "The backend allocates the buffers");
  attachCommand
      ->add_option("--config", attach.configFile,
                   "vcamera-backend's configuration: take the formats of --unique-id from it, and "
                   "check --format against them")
      ->type_name("FILE");
  attachCommand->callback([&] { status = ctl::attach(connection, attach); });

  ctl::AttachArguments detach;
  auto* detachCommand = app.add_subcommand("detach", "Remove a guest's virtual camera");
  addDeviceOptions(detachCommand, detach);
  detachCommand->callback(
      [&] { status = ctl::detach(connection, detach.frontend, detach.backend, detach.dev); });

  std::string listBackend;
  bool json = false;
  auto* listCommand = app.add_subcommand("list", "Show vcamera devices and both ends' states");
  listCommand->add_option("--backend", listBackend, "Only this backend domain (default: all)")
      ->type_name("DOMID");
  listCommand->add_flag("--json", json, "One JSON array of devices");
  listCommand->callback([&] { status = ctl::list(connection, listBackend, json); });

  std::string configPath;
  auto* checkCommand = app.add_subcommand(
      "check-config", "Check a vcamera-backend configuration file and print it as read");
  checkCommand->add_option("FILE", configPath, "The TOML file")->required();
  checkCommand->callback([&] { status = ctl::checkConfig(configPath); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? ctl::kExitOk : ctl::kExitUsage;
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  // Nothing below throws by design; this only turns an unexpected one (std::bad_alloc) into a
  // message and a failure instead of std::terminate.
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "vcamera-ctl: " << e.what() << "\n";
    return ctl::kExitFailed;
  }
}
