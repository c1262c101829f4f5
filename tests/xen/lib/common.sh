# SPDX-License-Identifier: MIT
# Shared helpers for the real-Xen harness: logging, content hashes, cache paths (sourced).

# The Debian versions everything follows. The kernel ABI (VCX_KABI, set at the end) must
# match the host's headers because our modules are built on the host.
VCX_XEN_PKG="xen-hypervisor-4.17-amd64"
VCX_SUITE="bookworm"
VCX_MIRROR="${VCX_MIRROR:-http://deb.debian.org/debian}"
VCX_CACHE="${VCAMERA_XEN_CACHE:-$HOME/.cache/vcamera-xen}"

vcx_log() { printf '[xen-harness %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
vcx_die() { vcx_log "error: $*"; exit 2; }

# sha256 of stdin, short.
vcx_hash_stdin() { sha256sum | cut -c1-16; }

# A content hash of files and literal strings: "vcx_hash_of file... -- string...".
vcx_hash_of() {
  {
    while (($#)) && [[ $1 != -- ]]; do
      printf 'file %s ' "$(basename "$1")"
      sha256sum <"$1"
      shift
    done
    (($#)) && shift
    for s in "$@"; do printf 'str %s\n' "$s"; done
  } | vcx_hash_stdin
}

# Candidate version of a Debian package, as apt would install it.
vcx_pkg_version() {
  apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2; exit}'
}

# "package=candidate" for each package given (one apt-cache call: it is slow to start).
vcx_pkg_versions() {
  apt-cache policy "$@" 2>/dev/null |
    awk '/^[^ ].*:$/ {p = substr($0, 1, length($0) - 1)} /Candidate:/ {print p "=" $2}'
}

# Atomically publishes directory $1 as $2 (the cache never holds half-built entries).
vcx_publish() {
  rm -rf "$2"
  mv "$1" "$2"
}

# The kernel ABI Debian's linux-headers-amd64 depends on (its candidate version), e.g.
# 6.1.0-56-amd64: guests and dom0 follow Debian's kernel updates. Empty when apt knows no such
# package (no apt-get update yet).
vcx_default_kabi() {
  local version
  version=$(vcx_pkg_version linux-headers-amd64)
  [[ -n $version ]] || return 0
  apt-cache show "linux-headers-amd64=$version" 2>/dev/null |
    sed -n 's/^Depends:.*linux-headers-\([0-9][^ ,]*-amd64\) .*/\1/p' | head -1
}
VCX_KABI="${VCX_KABI:-$(vcx_default_kabi)}"
