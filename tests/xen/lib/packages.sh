# SPDX-License-Identifier: MIT
# Debian inputs of the harness: downloaded .debs (hypervisor, kernel) and the Debian root that
# dom0 and the guests' user space come from, each cached by content (sourced).

# Packages installed into the Debian root on top of minbase. Our binaries' runtime libraries
# are added by vcx_runtime_packages.
# udev and libcamera-ipa: libcamera with vimc in the driver domain (no cam: it pulls in Qt).
# elfutils: eu-stack, the backend's stacks when it is stuck (gdb would add 70 MB).
VCX_ROOT_PACKAGES=(xen-utils-4.17 xenstore-utils v4l-utils kmod procps udev libcamera-ipa elfutils)

# Downloads package $1 (exact name) into the cache and prints the .deb's path.
vcx_download_deb() {
  local pkg=$1 version deb
  version=$(vcx_pkg_version "$pkg")
  [[ -n $version ]] || vcx_die "apt knows no package $pkg (apt-get update?)"
  mkdir -p "$VCX_CACHE/debs"
  deb=$(ls "$VCX_CACHE/debs/${pkg}_${version//:/%3a}_"*.deb 2>/dev/null | head -1 || true)
  if [[ -z $deb ]]; then
    (cd "$VCX_CACHE/debs" && apt-get download -q "$pkg=$version" >/dev/null 2>&1) ||
      vcx_die "apt-get download $pkg=$version failed"
    deb=$(ls "$VCX_CACHE/debs/${pkg}_${version//:/%3a}_"*.deb | head -1)
  fi
  printf '%s\n' "$deb"
}

# Unpacks a .deb once into the cache; prints the directory.
vcx_unpack_deb() {
  local deb=$1 dir
  dir="$VCX_CACHE/unpacked/$(basename "$deb" .deb)"
  if [[ ! -d $dir ]]; then
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    dpkg-deb -x "$deb" "$dir.tmp"
    vcx_publish "$dir.tmp" "$dir"
  fi
  printf '%s\n' "$dir"
}

# The uncompressed hypervisor (QEMU's multiboot loader cannot take the .gz); prints its path.
vcx_fetch_xen() {
  local dir out
  dir=$(vcx_unpack_deb "$(vcx_download_deb "$VCX_XEN_PKG")")
  out="$dir/xen.multiboot"
  if [[ ! -f $out ]]; then
    zcat "$dir"/boot/xen-4.17-amd64.gz >"$out.tmp" && mv "$out.tmp" "$out"
  fi
  printf '%s\n' "$out"
}

# The guest and dom0 kernel tree (boot/vmlinuz-*, lib/modules/* with depmod run); prints it.
vcx_fetch_kernel() {
  local dir
  dir=$(vcx_unpack_deb "$(vcx_download_deb "linux-image-$VCX_KABI")")
  if [[ ! -f $dir/lib/modules/$VCX_KABI/modules.dep ]]; then
    depmod -b "$dir" "$VCX_KABI"
  fi
  printf '%s\n' "$dir"
}

# The Debian packages that own the shared libraries binaries $@ load on this host.
vcx_runtime_packages() {
  local lib real pkg
  for lib in $(ldd "$@" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u); do
    real=$(readlink -f "$lib")
    pkg=""
    for candidate in "$lib" "$real" "/usr$lib" "/usr$real" "${lib#/usr}" "${real#/usr}"; do
      pkg=$(dpkg -S "$candidate" 2>/dev/null | head -1 | cut -d: -f1) && [[ -n $pkg ]] && break
    done
    [[ -n $pkg ]] || vcx_die "no Debian package owns $lib (needed by $*)"
    printf '%s\n' "$pkg"
  done | sort -u
}

# Builds (or reuses) the Debian root: minbase + VCX_ROOT_PACKAGES + the packages in $@.
# Prints its directory. Keyed by the package list, their candidate versions and this file.
vcx_build_root() {
  local packages=("${VCX_ROOT_PACKAGES[@]}" "$@") key dir
  key=$(
    {
      printf '%s %s\n' "$VCX_SUITE" "$VCX_MIRROR"
      vcx_pkg_versions $(printf '%s\n' "${packages[@]}" | sort -u)
      declare -f vcx_build_root # the recipe itself, not this file's comments
      printf '%s\n' "${VCX_ROOT_PACKAGES[@]}"
    } | vcx_hash_stdin
  )
  dir="$VCX_CACHE/root-$key"
  if [[ -f $dir/.vcx-complete ]]; then
    printf '%s\n' "$dir"
    return
  fi
  vcx_log "building the Debian root ($key): debootstrap + ${packages[*]}"
  rm -rf "$dir.tmp"
  debootstrap --variant=minbase "$VCX_SUITE" "$dir.tmp" "$VCX_MIRROR" >"$VCX_CACHE/debootstrap.log" 2>&1 ||
    { tail -20 "$VCX_CACHE/debootstrap.log" >&2; vcx_die "debootstrap failed"; }
  # The host's suites, so library versions match the ones our binaries were linked against.
  cat >"$dir.tmp/etc/apt/sources.list" <<EOF
deb $VCX_MIRROR $VCX_SUITE main
deb $VCX_MIRROR $VCX_SUITE-updates main
deb http://deb.debian.org/debian-security $VCX_SUITE-security main
EOF
  # No services may start inside the chroot.
  printf '#!/bin/sh\nexit 101\n' >"$dir.tmp/usr/sbin/policy-rc.d"
  chmod +x "$dir.tmp/usr/sbin/policy-rc.d"
  mount -t proc proc "$dir.tmp/proc"
  local rc=0
  {
    chroot "$dir.tmp" apt-get update -q &&
      DEBIAN_FRONTEND=noninteractive chroot "$dir.tmp" apt-get install -y -q \
        --no-install-recommends "${packages[@]}" &&
      chroot "$dir.tmp" apt-get clean
  } >"$VCX_CACHE/root-packages.log" 2>&1 || rc=$?
  umount "$dir.tmp/proc"
  ((rc == 0)) || { tail -20 "$VCX_CACHE/root-packages.log" >&2; vcx_die "package install in the root failed"; }
  rm -rf "$dir.tmp"/usr/share/{doc,man,info,locale} "$dir.tmp"/var/lib/apt/lists/* \
    "$dir.tmp"/var/cache/apt/*.bin "$dir.tmp"/var/log/*.log
  touch "$dir.tmp/.vcx-complete"
  vcx_publish "$dir.tmp" "$dir"
  # Older roots are dead weight once their key changed.
  find "$VCX_CACHE" -maxdepth 1 -name 'root-*' ! -name "root-$key" ! -name "root-$key.cpio" \
    -exec rm -rf {} +
  printf '%s\n' "$dir"
}
