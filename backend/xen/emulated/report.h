// SPDX-License-Identifier: MIT
// BrokerReport: what the emulated Xen broker counts and the misuse of Xen it caught.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <vcamera/common/result.h>

#include "backend/xen/emulated/wire.h"
#include "backend/xen/transport.h"

namespace vcam::xen::emu {

/// Something real Xen (or Linux's gntdev/gntalloc) would refuse or warn about.
enum class ViolationKind : std::uint8_t {
  MapNeverGranted = 1,           ///< mapped a ref the domain never handed out (GNTST_bad_gntref)
  MapRevoked = 2,                ///< mapped a ref whose grant had ended
  MapWrongDomain = 3,            ///< mapped a ref granted to another domain
  MapReadOnlyAsWritable = 4,     ///< asked ReadWrite of a read-only grant
  MapUnknownDomain = 5,          ///< mapped from a domain that does not exist
  PartialAllocation = 6,         ///< a mapping would expose pages not granted to the mapper
  UnshareWhileMapped = 7,        ///< ended grants another domain still maps (Linux leaks the page)
  ReleaseImportWhileMapped = 8,  ///< IMP_RELEASE while the grantee still maps the pages
  NotificationsDropped = 9,      ///< a client let watch events or ports pile up unread
};

[[nodiscard]] std::string_view toString(ViolationKind kind);

/// The broker keeps (and reports) at most this many violations, messages of at most
/// kMaxViolationText bytes: a report always fits one message.
inline constexpr std::size_t kMaxViolations = 200;
inline constexpr std::size_t kMaxViolationText = 300;

/// One caught misuse: what, by which domain, against whose grant.
struct Violation {
  ViolationKind kind = ViolationKind::MapNeverGranted;
  DomId actor = 0;    ///< the domain that did it
  DomId granter = 0;  ///< the domain whose grant table was involved
  GrantRef ref = kInvalidGrantRef;
  std::string message;
};

/// A snapshot of the broker's state, for tests and the demo.
struct BrokerReport {
  std::vector<DomId> domains;            ///< introduced and alive, ascending
  std::size_t connections = 0;           ///< open client connections, control ones included
  std::size_t grantsActive = 0;          ///< grants in force (not ended)
  std::size_t grantsEndedButMapped = 0;  ///< ended while mapped; freed at unmap
  std::size_t mappingsActive = 0;        ///< map() ranges and dma-buf exports not yet released
  std::size_t exportsActive = 0;         ///< dma-buf exports not yet released (also in mappings)
  std::size_t portsBound = 0;            ///< event channel ports, unbound or interdomain
  std::vector<Violation> violations;     ///< the first kMaxViolations, in order
  std::size_t violationsDropped = 0;     ///< caught after the list was full

  /// Violations of one kind.
  [[nodiscard]] std::size_t count(ViolationKind kind) const;
};

/// The broker's record of violations, bounded as the report is.
class ViolationLog {
 public:
  /// Also print each violation to stderr as it is recorded.
  void setEcho(bool echo) { echo_ = echo; }
  void record(Violation violation);
  [[nodiscard]] const std::vector<Violation>& list() const { return list_; }
  [[nodiscard]] std::size_t dropped() const { return dropped_; }

 private:
  std::vector<Violation> list_;
  std::size_t dropped_ = 0;
  bool echo_ = false;
};

/// Encodes a report as the payload of a CtlQuery reply.
void encodeReport(wire::Writer& writer, const BrokerReport& report);
/// Decodes a CtlQuery reply payload; EPROTO when malformed.
[[nodiscard]] Result<BrokerReport> decodeReport(wire::Reader& reader);

}  // namespace vcam::xen::emu
