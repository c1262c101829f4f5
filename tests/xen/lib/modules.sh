# SPDX-License-Identifier: MIT
# Kernel modules the harness builds from Debian's linux-source for the guest and dom0 kernel,
# out of tree and cached by content (sourced): xen-gntdev-dmabuf (gntdev with dma-buf export
# and import, patched for PVH: tests/xen/modules/gntdev-dmabuf-pvh.patch), vimc (a
# virtual media-controller camera, which Debian's kernel does not ship) and vimc-sg (vimc
# with scatter-gather memory, which imports a gntdev dma-buf: tests/xen/modules/vimc-sg.patch).
#
# Both go into dom0's and the guest image (which the PVH driver domain boots too) under
# /lib/modules/<abi>/updates/vcx, with depmod run; nothing loads them by default. Loading:
#   vimc:    modprobe vimc (pulls in videodev, mc, videobuf2-vmalloc, v4l2-tpg)
#   vimc-sg: modprobe vimc-sg (videobuf2-dma-sg too); beside vimc or alone
#   gntdev:  modprobe -r xen-gntdev && modprobe xen-gntdev-dmabuf
#            Both register /dev/xen/gntdev, so only one can be loaded; the stock one must go
#            first, before anything (xenconsoled, the backend) holds /dev/xen/gntdev open.
#            /sys/module/xen_gntdev_dmabuf exists when ours is in.

VCX_XMOD_HERE="$VCX_HERE/modules"

# linux-source-<major.minor> for the kernel ABI: 6.1.0-56-amd64 -> linux-source-6.1.
vcx_linux_source_pkg() { printf 'linux-source-%s\n' "$(cut -d. -f1,2 <<<"$VCX_KABI")"; }

# The version of the kernel image package, which linux-source must match.
vcx_kernel_version() { vcx_pkg_version "linux-image-$VCX_KABI"; }

# Builds both modules (or reuses the cached build). Sets VCX_XMOD_DIR (the .ko files) and
# VCX_XMOD_STATUS ("built ..." or "failed: ..."); returns 1 on failure.
vcx_build_extra_modules() {
  local kdir="/usr/src/linux-headers-$VCX_KABI" src_pkg src_ver kver tarball top key work log
  VCX_XMOD_DIR=""
  src_pkg=$(vcx_linux_source_pkg)
  top=$src_pkg
  tarball="/usr/src/$src_pkg.tar.xz"
  [[ -d $kdir ]] || { VCX_XMOD_STATUS="failed: no $kdir (linux-headers-$VCX_KABI)"; return 1; }
  src_ver=$(dpkg-query -W -f='${Version}' "$src_pkg" 2>/dev/null || true)
  kver=$(vcx_kernel_version)
  if [[ -z $src_ver || ! -f $tarball ]]; then
    VCX_XMOD_STATUS="failed: $src_pkg is not installed (tests/xen/install-host-deps)"
    return 1
  fi
  # The modules must come from the kernel they load into (same structures, same symbols).
  if [[ $src_ver != "$kver" ]]; then
    VCX_XMOD_STATUS="failed: $src_pkg is $src_ver but linux-image-$VCX_KABI is $kver"
    return 1
  fi
  key=$(
    {
      echo "$VCX_KABI $kver $(dpkg-query -W -f='${Version}' "linux-headers-$VCX_KABI")"
      (cd "$VCX_XMOD_HERE" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum)
      declare -f vcx_build_extra_modules vcx_build_patched vcx_build_gntdev vcx_build_vimc \
        vcx_build_vimc_sg
    } | vcx_hash_stdin
  )
  work="$VCX_CACHE/xmod-$key"
  log="$work.log"
  if [[ ! -f $work/.vcx-complete ]]; then
    local t0=$SECONDS
    rm -rf "$work"
    mkdir -p "$work/src" "$work/ko"
    # Only the files the two modules need (about 10 s: the whole tarball is decompressed).
    if ! tar -xJf "$tarball" -C "$work/src" --strip-components=1 --wildcards \
      "$top/drivers/xen/gntdev*" "$top/drivers/media/test-drivers/vimc/*" >"$log" 2>&1; then
      VCX_XMOD_STATUS="failed: extracting from $tarball: $(tail -1 "$log")"
      return 1
    fi
    vcx_build_gntdev "$work" "$kdir" "$log" || return 1
    vcx_build_vimc "$work" "$kdir" "$log" || return 1
    vcx_build_vimc_sg "$work" "$kdir" "$log" || return 1
    echo "built in $((SECONDS - t0)) s" >"$work/build-time"
    touch "$work/.vcx-complete"
    find "$VCX_CACHE" -maxdepth 1 -name 'xmod-*' ! -name "xmod-$key" ! -name "xmod-$key.log" \
      -exec rm -rf {} +
  fi
  VCX_XMOD_DIR="$work/ko"
  VCX_XMOD_STATUS="built $(cd "$work/ko" && ls -- *.ko | tr '\n' ' ')from $src_pkg $src_ver"
  VCX_XMOD_STATUS+=" against $VCX_KABI ($(cat "$work/build-time"))"
}

# Our patch $5 (in modules/) on the copy under $4 (patch -p1 there), then Kbuild file $6 (in
# modules/) as the Kbuild of $4/$7, where module $8 is built and copied to $1/ko.
vcx_build_patched() { # work kdir log dir patch kbuild subdir ko
  local work=$1 kdir=$2 log=$3 dir=$4
  if ! (cd "$dir" && patch -p1 --no-backup-if-mismatch) <"$VCX_XMOD_HERE/$5" >>"$log" 2>&1; then
    VCX_XMOD_STATUS="failed: $5 does not apply: $(grep -m1 -i 'fail\|reject' "$log")"
    return 1
  fi
  cp "$VCX_XMOD_HERE/$6" "$dir/$7/Kbuild"
  if ! make -C "$kdir" M="$dir/$7" -j2 modules >>"$log" 2>&1; then
    VCX_XMOD_STATUS="failed: make ${8%.ko}: $(grep -m1 -E 'error|Error' "$log")"
    return 1
  fi
  cp "$dir/$7/$8" "$work/ko/"
}

# gntdev: our patch on a copy of drivers/xen/gntdev*, built with gntdev.Kbuild.
vcx_build_gntdev() { # work kdir log
  local dir="$1/gntdev"
  mkdir -p "$dir/drivers/xen"
  cp "$1"/src/drivers/xen/gntdev* "$dir/drivers/xen/"
  vcx_build_patched "$1" "$2" "$3" "$dir" gntdev-dmabuf-pvh.patch gntdev.Kbuild drivers/xen \
    xen-gntdev-dmabuf.ko
}

# vimc: the unchanged directory with its own Makefile, switched on from the command line.
vcx_build_vimc() { # work kdir log
  local work=$1 kdir=$2 log=$3 dir="$1/vimc"
  cp -r "$work/src/drivers/media/test-drivers/vimc" "$dir"
  if ! make -C "$kdir" M="$dir" CONFIG_VIDEO_VIMC=m -j2 modules >>"$log" 2>&1; then
    VCX_XMOD_STATUS="failed: make vimc: $(grep -m1 -E 'error|Error' "$log")"
    return 1
  fi
  cp "$dir/vimc.ko" "$work/ko/"
}

# vimc-sg: our patch on another copy of vimc (vb2-dma-sg memory: a camera that imports a
# gntdev dma-buf), built with vimc-sg.Kbuild.
vcx_build_vimc_sg() { # work kdir log
  local dir="$1/vimc-sg"
  mkdir -p "$dir"
  cp -r "$1/src/drivers/media/test-drivers/vimc" "$dir/vimc"
  vcx_build_patched "$1" "$2" "$3" "$dir" vimc-sg.patch vimc-sg.Kbuild vimc vimc-sg.ko
}

# Copies the modules (into updates/vcx) and the stock modules they need from kernel tree $2
# into staging $1 (a root's /lib or /usr/lib parent); the caller runs depmod afterwards.
# Also writes /vcx/xmod-status (and /vcx/xmod-built when they are there) under $3.
vcx_install_extra_modules() { # staging kernel-tree vcx-dir
  local staging=$1 ktree=$2 vcxdir=$3 ko deps=()
  mkdir -p "$vcxdir"
  printf '%s\n' "${VCX_XMOD_STATUS:-not built}" >"$vcxdir/xmod-status"
  [[ -n ${VCX_XMOD_DIR:-} ]] || return 0
  for ko in "$VCX_XMOD_DIR"/*.ko; do
    for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do deps+=("$dep"); done
  done
  ((${#deps[@]} == 0)) || vcx_install_modules "$staging" "$ktree" "${deps[@]}"
  mkdir -p "$staging/lib/modules/$VCX_KABI/updates/vcx"
  cp "$VCX_XMOD_DIR"/*.ko "$staging/lib/modules/$VCX_KABI/updates/vcx/"
  touch "$vcxdir/xmod-built"
}
