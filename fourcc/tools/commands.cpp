// SPDX-License-Identifier: MIT
// vcamera-fourcc subcommands: parse arguments with vcam::fourcc, print, map errors to exit 1.
#include "commands.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <vector>

#include "vcamera/common/fourcc_code.h"
#include "vcamera/fourcc/convert.h"
#include "vcamera/fourcc/format_info.h"
#include "vcamera/fourcc/layout.h"
#include "vcamera/fourcc/pattern.h"
#include "vcamera/fourcc/png_writer.h"

namespace vcam::fourcc::tool {
namespace {

using Json = nlohmann::ordered_json;

int fail(const std::string& message) {
  std::cerr << "vcamera-fourcc: " << message << "\n";
  return 1;
}

Json codeOrNull(std::uint32_t code) { return code == 0 ? Json(nullptr) : Json(fourccHex(code)); }

std::string fourccOrNone(std::uint32_t code) { return code == 0 ? "none" : describeFourcc(code); }

Json infoJson(const FormatInfo& f) {
  Json bits = Json::array();
  Json blocks = Json::array();
  for (std::size_t i = 0; i < f.colorPlanes; ++i) {
    bits.push_back(f.planes[i].bitsPerPixel);
    blocks.push_back({f.planes[i].blockWidth, f.planes[i].blockHeight});
  }
  Json j;
  j["name"] = f.name;
  j["v4l2"] = fourccHex(f.v4l2);
  j["drm"] = codeOrNull(f.drm);
  j["v4l2_fourcc"] = fourccToString(f.v4l2).value();
  j["drm_fourcc"] = f.hasDrm() ? Json(describeFourcc(f.drm)) : Json(nullptr);
  j["drm_name"] = f.hasDrm() ? Json(f.drmName) : Json(nullptr);
  j["encoding"] = toString(f.encoding);
  j["mem_planes"] = f.memPlanes;
  j["color_planes"] = f.colorPlanes;
  j["bits_per_pixel"] = bits;
  j["hsub"] = f.hsub;
  j["vsub"] = f.vsub;
  j["block"] = blocks;
  j["endianness"] = toString(f.endianness);
  j["size_rule"] = toString(f.sizeRule);
  j["description"] = f.description;
  return j;
}

Result<const FormatInfo*> lookup(const std::string& text, CodeSpace space = CodeSpace::kV4l2) {
  return parseFormat(text, space);
}

Result<std::vector<std::uint8_t>> readFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) return makeError(ENOENT, "cannot open '" + path + "'");
  const auto size = file.tellg();
  if (size < 0) return makeError(EIO, "cannot read '" + path + "'");
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  file.seekg(0);
  file.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!file) return makeError(EIO, "cannot read '" + path + "'");
  return bytes;
}

Status writeFile(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  if (!file) return makeError(EIO, "cannot write '" + path + "'");
  return {};
}

bool wantsPng(const std::string& to, const std::string& out) {
  const auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  return lower(to) == "png" || (to.empty() && lower(out).ends_with(".png"));
}

Status savePng(const FormatInfo& f, Size size, const std::vector<std::uint8_t>& bytes,
               const std::string& out) {
  auto layout = computeLayout(f, size);
  if (!layout) return layout.error();
  auto frame = viewPacked(f, *layout, std::span<const std::uint8_t>(bytes));
  if (!frame) return frame.error();
  return writePng(*frame, out);
}

void printLayoutText(const FormatInfo& f, const Layout& l) {
  std::cout << f.name << " " << l.size.width << "x" << l.size.height << ": V4L2 "
            << fourccOrNone(f.v4l2) << ", DRM " << fourccOrNone(f.drm) << ", " << l.numMemPlanes
            << " memory plane(s), " << l.numColorPlanes << " colour plane(s)";
  if (l.strideAlign != 1) std::cout << ", strides aligned to " << l.strideAlign;
  std::cout << "\n";
  for (std::size_t m = 0; m < l.numMemPlanes; ++m) {
    std::cout << "  memory plane " << m << ": bytesperline " << l.memPlanes[m].bytesPerLine
              << ", sizeimage " << l.memPlanes[m].sizeImage << "\n";
  }
  for (std::size_t c = 0; c < l.numColorPlanes; ++c) {
    const auto& p = l.colorPlanes[c];
    std::cout << "  colour plane " << c << ": memory plane " << p.memPlane << ", offset "
              << p.offset << ", stride " << p.stride << ", " << p.lines << " lines, " << p.size
              << " bytes\n";
  }
  std::cout << "  total " << l.totalSize << " bytes\n";
}

}  // namespace

int listFormats(bool json) {
  if (json) {
    Json all = Json::array();
    for (const auto& f : allFormats()) all.push_back(infoJson(f));
    std::cout << all.dump() << "\n";
    return 0;
  }
  std::printf("%-10s %-8s %-10s %-20s %-10s %s\n", "NAME", "V4L2", "DRM", "DRM NAME", "ENCODING",
              "PLANES (mem/colour)");
  for (const auto& f : allFormats()) {
    std::printf("%-10s %-8s %-10s %-20s %-10s %u/%u\n", std::string(f.name).c_str(),
                fourccOrNone(f.v4l2).c_str(), fourccOrNone(f.drm).c_str(),
                f.hasDrm() ? std::string(f.drmName).c_str() : "-",
                std::string(toString(f.encoding)).c_str(), f.memPlanes, f.colorPlanes);
  }
  return 0;
}

int showInfo(const std::string& text, bool json) {
  auto f = lookup(text);
  if (!f) return fail(f.error().message);
  const FormatInfo& info = **f;
  if (json) {
    std::cout << infoJson(info).dump() << "\n";
    return 0;
  }
  std::cout << info.name << ": " << info.description << "\n"
            << "  V4L2:        V4L2_PIX_FMT_" << info.name << " " << fourccOrNone(info.v4l2) << " "
            << fourccHex(info.v4l2) << "\n"
            << "  DRM:         "
            << (info.hasDrm() ? "DRM_FORMAT_" + std::string(info.drmName) + " " +
                                    fourccOrNone(info.drm) + " " + fourccHex(info.drm)
                              : std::string("no equivalent"))
            << "\n"
            << "  encoding:    " << toString(info.encoding) << "\n"
            << "  planes:      " << unsigned{info.memPlanes} << " memory, "
            << unsigned{info.colorPlanes} << " colour\n"
            << "  bits/pixel:  ";
  for (std::size_t i = 0; i < info.colorPlanes; ++i) {
    std::cout << (i ? ", " : "") << unsigned{info.planes[i].bitsPerPixel};
  }
  std::cout << " (average " << info.averageBitsPerPixel() << ")\n"
            << "  subsampling: " << unsigned{info.hsub} << "x" << unsigned{info.vsub} << "\n"
            << "  block:       " << unsigned{info.planes[0].blockWidth} << "x"
            << unsigned{info.planes[0].blockHeight} << "\n"
            << "  endianness:  " << toString(info.endianness) << "\n"
            << "  sizes:       " << toString(info.sizeRule) << "\n";
  return 0;
}

int toDrm(const std::string& text) {
  auto f = lookup(text, CodeSpace::kV4l2);
  if (!f) return fail(f.error().message);
  const FormatInfo& info = **f;
  if (!info.hasDrm()) {
    std::string note;
    if (const auto other = drmFormatName(info.v4l2); !other.empty()) {
      note = "; DRM " + describeFourcc(info.v4l2) + " is DRM_FORMAT_" + std::string(other) +
             ", a different layout";
    }
    return fail(std::string(info.name) + " has no DRM equivalent" + note);
  }
  std::cout << "DRM_FORMAT_" << info.drmName << " " << describeFourcc(info.drm) << " "
            << fourccHex(info.drm) << "\n";
  return 0;
}

int toV4l2(const std::string& text) {
  auto f = lookup(text, CodeSpace::kDrm);
  if (!f) return fail(f.error().message);
  const FormatInfo& info = **f;
  std::cout << "V4L2_PIX_FMT_" << info.name << " " << describeFourcc(info.v4l2) << " "
            << fourccHex(info.v4l2) << "\n";
  return 0;
}

int showLayout(const std::string& text, const std::string& sizeText, std::uint32_t align,
               bool json) {
  auto f = lookup(text);
  if (!f) return fail(f.error().message);
  auto size = parseSize(sizeText);
  if (!size) return fail(size.error().message);
  auto layout = computeLayout(**f, *size, align);
  if (!layout) return fail(layout.error().message);
  const FormatInfo& info = **f;
  if (!json) {
    printLayoutText(info, *layout);
    return 0;
  }
  Json planes = Json::array();
  for (std::size_t m = 0; m < layout->numMemPlanes; ++m) {
    planes.push_back({{"bytesperline", layout->memPlanes[m].bytesPerLine},
                      {"sizeimage", layout->memPlanes[m].sizeImage}});
  }
  Json j;
  j["name"] = info.name;
  j["v4l2"] = fourccHex(info.v4l2);
  j["drm"] = codeOrNull(info.drm);
  j["mem_planes"] = info.memPlanes;
  j["color_planes"] = info.colorPlanes;
  j["width"] = layout->size.width;
  j["height"] = layout->size.height;
  j["planes"] = planes;
  std::cout << j.dump() << "\n";
  return 0;
}

int convertFile(const std::string& fromText, const std::string& toText, const std::string& sizeText,
                const std::string& in, const std::string& out) {
  auto from = lookup(fromText);
  if (!from) return fail(from.error().message);
  const bool png = wantsPng(toText, out);
  if (!png && toText.empty()) return fail("convert: --to is required unless OUT ends in .png");
  auto size = parseSize(sizeText);
  if (!size) return fail(size.error().message);
  auto input = readFile(in);
  if (!input) return fail(input.error().message);
  if (auto layout = computeLayout(**from, *size); !layout) {
    return fail(layout.error().message);
  } else if (input->size() != layout->totalSize && !(*from)->isCompressed()) {
    return fail("input '" + in + "' is " + std::to_string(input->size()) + " bytes but " +
                std::string((*from)->name) + " " + sizeText + " is " +
                std::to_string(layout->totalSize) + " bytes");
  }
  if (png) {
    if (auto s = savePng(**from, *size, *input, out); !s) return fail(s.error().message);
    std::cout << "wrote " << out << " (PNG, " << size->width << "x" << size->height << ")\n";
    return 0;
  }
  auto to = lookup(toText);
  if (!to) return fail(to.error().message);
  auto output = convertPacked(**from, **to, *size, *input);
  if (!output) return fail(output.error().message);
  if (auto s = writeFile(out, *output); !s) return fail(s.error().message);
  std::cout << "wrote " << out << " (" << (*to)->name << ", " << output->size() << " bytes)\n";
  return 0;
}

int writePattern(const std::string& text, const std::string& sizeText, const std::string& out) {
  auto f = lookup(text);
  if (!f) return fail(f.error().message);
  auto size = parseSize(sizeText);
  if (!size) return fail(size.error().message);
  auto frame = renderColourBars(**f, *size);
  if (!frame) return fail(frame.error().message);
  if (wantsPng("", out)) {
    if (auto s = savePng(**f, *size, *frame, out); !s) return fail(s.error().message);
  } else if (auto s = writeFile(out, *frame); !s) {
    return fail(s.error().message);
  }
  std::cout << "wrote " << out << " (" << (*f)->name << " colour bars, " << size->width << "x"
            << size->height << ")\n";
  return 0;
}

}  // namespace vcam::fourcc::tool
