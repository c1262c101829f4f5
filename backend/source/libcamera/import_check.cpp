// SPDX-License-Identifier: MIT
// dmaBufExporter() and cameraCanImport(): a dma-buf's exporter from fdinfo, and the rule.
#include "backend/source/libcamera/import_check.h"

#include <array>
#include <fstream>
#include <sstream>

namespace vcam::source::lc {
namespace {

constexpr std::string_view kDmaSg = "videobuf2_dma_sg";
constexpr std::string_view kVmalloc = "videobuf2_vmalloc";
constexpr std::string_view kDmaContig = "videobuf2_dma_contig";

// Exporters whose dma-bufs give a kernel mapping (dma_buf_vmap): videobuf2's three.
constexpr std::array<std::string_view, 3> kWithVmap = {kDmaSg, kVmalloc, kDmaContig};

}  // namespace

Result<std::string> exporterInFdinfo(std::string_view fdinfo) {
  constexpr std::string_view kKey = "exp_name:";
  std::size_t at = 0;
  while (at < fdinfo.size()) {
    std::size_t end = fdinfo.find('\n', at);
    if (end == std::string_view::npos) end = fdinfo.size();
    std::string_view line = fdinfo.substr(at, end - at);
    at = end + 1;
    if (!line.starts_with(kKey)) continue;
    line.remove_prefix(kKey.size());
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
      line.remove_suffix(1);
    }
    if (line.empty()) break;
    return std::string(line);
  }
  return makeError(EINVAL, "not a dma-buf (its fdinfo names no exporter)");
}

Result<std::string> dmaBufExporter(int fd) {
  const std::string path = "/proc/self/fdinfo/" + std::to_string(fd);
  std::ifstream file(path);
  if (!file) return makeError(EBADF, "cannot read " + path);
  std::ostringstream text;
  text << file.rdbuf();
  return exporterInFdinfo(text.str());
}

Status cameraCanImport(std::string_view cameraMemory, std::string_view bufferExporter) {
  const std::string from = "a " + std::string(bufferExporter) + " dma-buf";
  if (cameraMemory == kDmaSg) return {};
  if (cameraMemory == kVmalloc) {
    for (std::string_view exporter : kWithVmap) {
      if (bufferExporter == exporter) return {};
    }
    return makeError(ENOTSUP,
                     "its driver captures into vmalloc memory (videobuf2_vmalloc) and "
                     "needs a kernel mapping of the buffer, which " +
                         from + " does not give");
  }
  if (cameraMemory == kDmaContig) {
    if (bufferExporter == kDmaContig) return {};
    return makeError(ENOTSUP,
                     "its driver needs memory contiguous for the device "
                     "(videobuf2_dma_contig), which " +
                         from + " is not known to be");
  }
  return makeError(ENOTSUP, "its buffers come from an unknown memory type (" +
                                std::string(cameraMemory) + "): not risking " + from);
}

}  // namespace vcam::source::lc
