// SPDX-License-Identifier: MIT
// Running one of our command-line tools from a test (exit code, stdout and stderr), in a
// directory of the test's own.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace vcam::testsupport {

struct CliRun {
  int exitCode = -1;
  std::string out;
  std::string err;
};

/// A fresh directory for the running test: <gtest temp dir>/<prefix>-<pid>-<test name>.
inline std::filesystem::path testDirectory(const std::string& prefix) {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) /
      (prefix + "-" + std::to_string(::getpid()) + "-" +
       ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::create_directories(dir);
  return dir;
}

/// The whole file, or "" if it cannot be read.
inline std::string slurp(const std::filesystem::path& path) {
  std::string bytes;
  if (FILE* file = std::fopen(path.c_str(), "rb")) {
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) bytes.append(buffer, n);
    std::fclose(file);
  }
  return bytes;
}

/// Runs `binary args...` through sh (arguments single-quoted: none of ours contain a quote);
/// stderr goes through a file in `scratchDir`.
inline CliRun runCli(const std::string& binary, const std::vector<std::string>& args,
                     const std::filesystem::path& scratchDir) {
  std::string command = "'" + binary + "'";
  for (const auto& a : args) command += " '" + a + "'";
  const std::filesystem::path errFile = scratchDir / "stderr.txt";
  command += " 2>'" + errFile.string() + "'";
  CliRun result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.err = slurp(errFile);
  return result;
}

}  // namespace vcam::testsupport
