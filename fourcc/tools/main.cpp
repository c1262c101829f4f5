// SPDX-License-Identifier: MIT
// vcamera-fourcc's command line: CLI11 wiring only; the work is in commands.cpp.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

#include "commands.h"

namespace tool = vcam::fourcc::tool;

int main(int argc, char** argv) {
  CLI::App app{
      "vcamera-fourcc: pixel formats as V4L2 and DRM see them, buffer layouts, "
      "and frame conversion"};
  app.require_subcommand(1);
  int status = 0;
  bool json = false;
  std::string format;
  std::string size;
  std::uint32_t align = 1;

  auto* list = app.add_subcommand("list", "List every known format");
  list->add_flag("--json", json, "Machine-readable output");
  list->callback([&] { status = tool::listFormats(json); });

  auto* info = app.add_subcommand("info", "Show everything about one format");
  info->add_option("FORMAT", format,
                   "NV12, 'NV12', Y16, AR15-BE, 0x3231564e, V4L2_PIX_FMT_NV12, "
                   "DRM_FORMAT_NV12")
      ->required();
  info->add_flag("--json", json, "Machine-readable output");
  info->callback([&] { status = tool::showInfo(format, json); });

  auto* toDrm = app.add_subcommand("to-drm", "DRM code of a V4L2 format");
  toDrm->add_option("FORMAT", format, "V4L2 format (name, four characters, hex, macro)")
      ->required();
  toDrm->callback([&] { status = tool::toDrm(format); });

  auto* toV4l2 = app.add_subcommand("to-v4l2", "V4L2 code of a DRM format");
  toV4l2->add_option("FORMAT", format, "DRM format (name, four characters, hex, macro)")
      ->required();
  toV4l2->callback([&] { status = tool::toV4l2(format); });

  auto* layout = app.add_subcommand("layout", "bytesperline/sizeimage and plane offsets");
  layout->add_option("FORMAT", format, "Pixel format")->required();
  layout->add_option("SIZE", size, "WIDTHxHEIGHT, e.g. 1920x1080")->required();
  layout->add_option("--align", align, "Round every stride up to a multiple of N (1..65536)");
  layout->add_flag("--json", json, "Machine-readable output");
  layout->callback([&] { status = tool::showLayout(format, size, align, json); });

  std::string from;
  std::string to;
  std::string in;
  std::string out;
  auto* convert = app.add_subcommand("convert",
                                     "Convert a raw frame; OUT ending in .png or "
                                     "--to PNG writes a PNG");
  convert->add_option("--from", from, "Input format")->required();
  convert->add_option("--to", to, "Output format, or PNG");
  convert->add_option("--size", size, "WIDTHxHEIGHT")->required();
  convert->add_option("IN", in, "Raw input frame (planes back to back)")->required();
  convert->add_option("OUT", out, "Output file")->required();
  convert->callback([&] { status = tool::convertFile(from, to, size, in, out); });

  auto* pattern = app.add_subcommand("pattern",
                                     "Render colour bars; OUT ending in .png "
                                     "writes a PNG of them");
  pattern->add_option("FORMAT", format, "Pixel format of the raw frame")->required();
  pattern->add_option("SIZE", size, "WIDTHxHEIGHT")->required();
  pattern->add_option("OUT", out, "Output file")->required();
  pattern->callback([&] { status = tool::writePattern(format, size, out); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return status;
}
