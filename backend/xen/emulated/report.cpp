// SPDX-License-Identifier: MIT
// BrokerReport encoding and the names of violation kinds.
#include "backend/xen/emulated/report.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace vcam::xen::emu {
namespace {

constexpr std::size_t kMaxDomains = 0x7ff0;  // DOMID_FIRST_RESERVED

bool validKind(std::uint8_t raw) {
  return raw >= static_cast<std::uint8_t>(ViolationKind::MapNeverGranted) &&
         raw <= static_cast<std::uint8_t>(ViolationKind::NotificationsDropped);
}

}  // namespace

std::string_view toString(ViolationKind kind) {
  switch (kind) {
    case ViolationKind::MapNeverGranted:
      return "map-never-granted";
    case ViolationKind::MapRevoked:
      return "map-revoked";
    case ViolationKind::MapWrongDomain:
      return "map-wrong-domain";
    case ViolationKind::MapReadOnlyAsWritable:
      return "map-read-only-as-writable";
    case ViolationKind::MapUnknownDomain:
      return "map-unknown-domain";
    case ViolationKind::PartialAllocation:
      return "partial-allocation";
    case ViolationKind::UnshareWhileMapped:
      return "unshare-while-mapped";
    case ViolationKind::ReleaseImportWhileMapped:
      return "release-import-while-mapped";
    case ViolationKind::NotificationsDropped:
      return "notifications-dropped";
  }
  return "unknown";
}

void ViolationLog::record(Violation violation) {
  if (echo_) {
    std::fprintf(stderr, "emulated xen: violation %.*s: %s\n",
                 static_cast<int>(toString(violation.kind).size()), toString(violation.kind).data(),
                 violation.message.c_str());
  }
  if (list_.size() >= kMaxViolations) {
    ++dropped_;
    return;
  }
  if (violation.message.size() > kMaxViolationText) violation.message.resize(kMaxViolationText);
  list_.push_back(std::move(violation));
}

std::size_t BrokerReport::count(ViolationKind kind) const {
  return static_cast<std::size_t>(std::count_if(
      violations.begin(), violations.end(), [kind](const Violation& v) { return v.kind == kind; }));
}

void encodeReport(wire::Writer& writer, const BrokerReport& report) {
  writer.u32(static_cast<std::uint32_t>(report.domains.size()));
  for (DomId domid : report.domains) writer.u16(domid);
  writer.u64(report.connections)
      .u64(report.grantsActive)
      .u64(report.grantsEndedButMapped)
      .u64(report.mappingsActive)
      .u64(report.exportsActive)
      .u64(report.portsBound)
      .u64(report.violationsDropped);
  const std::size_t kept = std::min(report.violations.size(), kMaxViolations);
  writer.u32(static_cast<std::uint32_t>(kept));
  for (std::size_t i = 0; i < kept; ++i) {
    const Violation& v = report.violations[i];
    writer.u8(static_cast<std::uint8_t>(v.kind)).u16(v.actor).u16(v.granter).u32(v.ref);
    writer.str(std::string_view(v.message).substr(0, kMaxViolationText));
  }
}

Result<BrokerReport> decodeReport(wire::Reader& reader) {
  BrokerReport report;
  const std::uint32_t domains = reader.count(kMaxDomains);
  for (std::uint32_t i = 0; i < domains && reader.ok(); ++i) report.domains.push_back(reader.u16());
  report.connections = reader.u64();
  report.grantsActive = reader.u64();
  report.grantsEndedButMapped = reader.u64();
  report.mappingsActive = reader.u64();
  report.exportsActive = reader.u64();
  report.portsBound = reader.u64();
  report.violationsDropped = reader.u64();
  const std::uint32_t violations = reader.count(kMaxViolations);
  for (std::uint32_t i = 0; i < violations && reader.ok(); ++i) {
    const std::uint8_t kind = reader.u8();
    Violation v;
    v.actor = reader.u16();
    v.granter = reader.u16();
    v.ref = reader.u32();
    v.message = reader.str(kMaxViolationText);
    if (!validKind(kind)) return makeError(EPROTO, "unknown violation kind in broker report");
    v.kind = static_cast<ViolationKind>(kind);
    report.violations.push_back(std::move(v));
  }
  if (!reader.finish()) return makeError(EPROTO, "malformed broker report");
  return report;
}

}  // namespace vcam::xen::emu
