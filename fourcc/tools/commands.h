// SPDX-License-Identifier: MIT
// The vcamera-fourcc subcommands; each prints its result and returns the exit status.
#pragma once

#include <cstdint>
#include <string>

namespace vcam::fourcc::tool {

int listFormats(bool json);
int showInfo(const std::string& format, bool json);
int toDrm(const std::string& format);
int toV4l2(const std::string& format);
int showLayout(const std::string& format, const std::string& size, std::uint32_t align, bool json);
int convertFile(const std::string& from, const std::string& to, const std::string& size,
                const std::string& in, const std::string& out);
int writePattern(const std::string& format, const std::string& size, const std::string& out);

}  // namespace vcam::fourcc::tool
