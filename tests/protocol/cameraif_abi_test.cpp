// SPDX-License-Identifier: MIT
// Our cameraif.h against Xen's: every constant, struct size and field, compiled from both.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <regex>
#include <set>
#include <span>
#include <sstream>
#include <string>

#include "abi/abi_compare.h"
#include "abi/abi_entry.h"

namespace {

using vcam::test::compareAbiTables;

// Keeps the entries of one kind, so each test speaks about one part of the ABI.
struct KindFilter {
  explicit KindFilter(const vcam_abi_table& table, const char* kind) {
    for (const auto& e : std::span(table.entries, table.count)) {
      if (std::strcmp(e.kind, kind) == 0) kept.push_back(e);
    }
  }
  vcam_abi_table table() const { return {kept.data(), kept.size()}; }
  std::vector<vcam_abi_entry> kept;
};

void expectSameEntries(const char* kind, const vcam_abi_table& ours, const char* oursName) {
  const KindFilter xen(vcam_abi_table_xen(), kind);
  const KindFilter mine(ours, kind);
  ASSERT_FALSE(xen.kept.empty()) << "the manifest has no " << kind << " entries";
  const auto problems = compareAbiTables(xen.table(), "xen", mine.table(), oursName);
  for (const auto& p : problems) ADD_FAILURE() << p;
  EXPECT_EQ(xen.kept.size(), mine.kept.size());
}

TEST(CameraifAbi, IntegerConstantsHaveXensValuesAndTypes) {
  expectSameEntries("int", vcam_abi_table_ours_c(), "ours");
}

TEST(CameraifAbi, StringConstantsHaveXensText) {
  expectSameEntries("string", vcam_abi_table_ours_c(), "ours");
}

TEST(CameraifAbi, StructAndUnionSizesMatchXen) {
  expectSameEntries("sizeof", vcam_abi_table_ours_c(), "ours");
}

TEST(CameraifAbi, EveryFieldHasXensOffsetSizeAndSignedness) {
  expectSameEntries("field", vcam_abi_table_ours_c(), "ours");
  expectSameEntries("element", vcam_abi_table_ours_c(), "ours");
}

TEST(CameraifAbi, RingAndEventPageMacrosMatchXen) {
  expectSameEntries("expr", vcam_abi_table_ours_c(), "ours");
}

TEST(CameraifAbi, CxxCompilationSeesTheSameAbiAsC) {
  const auto problems =
      compareAbiTables(vcam_abi_table_ours_c(), "C", vcam_abi_table_ours_cxx(), "C++");
  for (const auto& p : problems) ADD_FAILURE() << p;
}

// ---- the manifest must name everything Xen's header defines --------------------------------

std::string readWithoutComments(const char* path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "/*") == 0) {
      const auto end = text.find("*/", i + 2);
      i = (end == std::string::npos ? text.size() : end + 1);
      out += ' ';
    } else {
      out += text[i];
    }
  }
  return out;
}

std::set<std::string> objectMacros(const std::string& header) {
  std::set<std::string> names;
  const std::regex define(R"(#define[ \t]+(XENCAMERA_\w+)(\(?))");
  for (auto it = std::sregex_iterator(header.begin(), header.end(), define);
       it != std::sregex_iterator(); ++it) {
    if ((*it)[2].length() == 0) names.insert((*it)[1]);
  }
  return names;
}

// "xencamera_req.id", "xencamera_req.req", "xencamera_req.req.config", ... for every struct.
std::set<std::string> structMembers(const std::string& header) {
  std::set<std::string> paths;
  const std::regex structOpen(R"(^\s*struct\s+(xencamera_\w+)\s*\{)");
  const std::regex member(R"((\w+)\s*(\[[^\]]*\])?\s*;\s*$)");
  const std::regex unionClose(R"(^\s*\}\s*(\w+)\s*;)");
  std::istringstream lines(header);
  std::string line;
  std::string current;
  std::vector<std::string> unionMembers;
  int depth = 0;
  std::smatch m;
  while (std::getline(lines, line)) {
    if (depth == 0 && std::regex_search(line, m, structOpen)) {
      current = m[1];
      depth = 1;
    } else if (depth == 1 && line.find("union") != std::string::npos) {
      depth = 2;
      unionMembers.clear();
    } else if (depth == 2 && std::regex_search(line, m, unionClose)) {
      paths.insert(current + "." + m[1].str());
      for (const auto& u : unionMembers) paths.insert(current + "." + m[1].str() + "." + u);
      depth = 1;
    } else if (depth >= 1 && line.find('}') != std::string::npos) {
      depth = 0;
    } else if (depth == 1 && std::regex_search(line, m, member)) {
      paths.insert(current + "." + m[1].str());
    } else if (depth == 2 && std::regex_search(line, m, member)) {
      unionMembers.push_back(m[1]);
    }
  }
  return paths;
}

std::set<std::string> manifestNames() {
  std::set<std::string> names;
  const auto table = vcam_abi_table_xen();
  for (const auto& e : std::span(table.entries, table.count)) names.insert(e.name);
  return names;
}

TEST(CameraifAbiManifest, NamesEveryObjectMacroOfXensHeader) {
  const auto macros = objectMacros(readWithoutComments(VCAM_XEN_CAMERAIF_H));
  // Xen 4.17's header has 76 object-like XENCAMERA_ macros; a parser that finds fewer is broken.
  ASSERT_EQ(macros.size(), 76u) << "the header parser lost track";
  const auto names = manifestNames();
  for (const auto& m : macros) EXPECT_TRUE(names.contains(m)) << m << " is not in the manifest";
}

TEST(CameraifAbiManifest, NamesEveryStructMemberOfXensHeader) {
  const auto members = structMembers(readWithoutComments(VCAM_XEN_CAMERAIF_H));
  // 16 structs with 78 members and union members in Xen 4.17's header.
  ASSERT_EQ(members.size(), 78u) << "the header parser lost track";
  const auto names = manifestNames();
  for (const auto& m : members) EXPECT_TRUE(names.contains(m)) << m << " is not in the manifest";
}

TEST(CameraifAbiManifest, OurHeaderDefinesNoXencameraNameThatXenLacks) {
  const auto xen = objectMacros(readWithoutComments(VCAM_XEN_CAMERAIF_H));
  const auto ours = objectMacros(readWithoutComments(VCAM_OUR_CAMERAIF_H));
  for (const auto& m : ours) EXPECT_TRUE(xen.contains(m)) << m << " is ours alone: use VCAMERA_";
  EXPECT_EQ(xen.size(), ours.size());
}

}  // namespace
