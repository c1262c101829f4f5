// SPDX-License-Identifier: MIT
// UniqueFile: the one owner of a stdio FILE; fclose()s it on destruction.
#pragma once

#include <cstdio>
#include <memory>

namespace vcam::base {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

/// Owns one FILE (or none). Callers that care whether buffered writes landed fflush() first.
using UniqueFile = std::unique_ptr<std::FILE, FileCloser>;

}  // namespace vcam::base
