// SPDX-License-Identifier: MIT
// Entry-by-entry comparison of compiled cameraif ABI tables.
#include "abi_compare.h"

#include <cstring>
#include <map>
#include <span>

namespace vcam::test {
namespace {

std::string describe(const vcam_abi_entry& e) {
  std::string out = "value " + std::to_string(e.value) + ", size " + std::to_string(e.size) +
                    (e.is_signed != 0 ? ", signed" : ", unsigned");
  if (e.text != nullptr) out += ", text \"" + std::string(e.text) + "\"";
  return out;
}

bool same(const vcam_abi_entry& a, const vcam_abi_entry& b) {
  const bool textsEqual = (a.text == nullptr && b.text == nullptr) ||
                          (a.text != nullptr && b.text != nullptr && std::strcmp(a.text, b.text) == 0);
  return std::strcmp(a.kind, b.kind) == 0 && a.value == b.value && a.size == b.size &&
         a.is_signed == b.is_signed && textsEqual;
}

}  // namespace

std::vector<std::string> compareAbiTables(const vcam_abi_table& expected, const char* expectedName,
                                          const vcam_abi_table& actual, const char* actualName) {
  std::vector<std::string> problems;
  std::map<std::string, const vcam_abi_entry*> byName;
  for (const auto& e : std::span(expected.entries, expected.count)) byName[e.name] = &e;
  for (const auto& a : std::span(actual.entries, actual.count)) {
    const auto it = byName.find(a.name);
    if (it == byName.end()) {
      problems.push_back(std::string("EXTRA ") + a.kind + " " + a.name + " only in " + actualName);
      continue;
    }
    if (!same(*it->second, a)) {
      problems.push_back(std::string("MISMATCH ") + a.kind + " " + a.name + ": " + expectedName +
                         " " + describe(*it->second) + "; " + actualName + " " + describe(a));
    }
    byName.erase(it);
  }
  for (const auto& [name, e] : byName) {
    problems.push_back(std::string("MISSING ") + e->kind + " " + name + " not in " + actualName);
  }
  return problems;
}

}  // namespace vcam::test
