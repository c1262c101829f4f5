# SPDX-License-Identifier: MIT
# Builds the frontend module, the guest initramfs and dom0's initramfs, each cached by a hash
# of its staged content (sourced).

# Hash of a staged tree: paths, modes, file contents and symlink targets.
vcx_hash_tree() {
  (cd "$1" && find . -mindepth 1 -printf '%p %y %m %l\n' | LC_ALL=C sort &&
    find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum) | vcx_hash_stdin
}

# Packs a staged tree as a newc cpio (owned by root) to stdout.
vcx_cpio() { (cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet); }

# Copies an ELF binary stripped of debug info (our RelWithDebInfo binaries are ~25 MB each).
vcx_install_bin() { # src dst
  mkdir -p "$(dirname "$2")"
  strip --strip-debug -o "$2" "$1"
}

# Copies into staging $1 the shared libraries that binaries $3... load, taken from root $2 (the
# same Debian release as the host, so paths match). A binary under $2 is resolved inside the
# root (chroot), any other on the host, where it was built.
vcx_install_libs() { # staging root binary...
  local staging=$1 root=$2 bin lib listing
  shift 2
  for bin in "$@"; do
    if [[ $bin == "$root"/* ]]; then
      listing=$(chroot "$root" ldd "${bin#"$root"}") || vcx_die "ldd ${bin#"$root"} in the root failed"
    else
      listing=$(ldd "$bin") || vcx_die "ldd $bin failed"
    fi
    ! grep -q 'not found' <<<"$listing" || vcx_die "$bin: $(grep 'not found' <<<"$listing" | head -1)"
    awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' <<<"$listing"
  done | sort -u | while read -r lib; do
    [[ -e $root$lib ]] || vcx_die "$lib is not in the Debian root"
    mkdir -p "$staging$(dirname "$lib")"
    cp -L "$root$lib" "$staging$lib"
  done
}

# Builds the frontend module from a copy of frontend-kmod/ against the guest kernel's headers.
# Sets VCX_KMOD_STATUS ("built <files>" or "failed: <why>") and VCX_KMOD_DIR (the .ko files).
vcx_build_kmod() { # repo
  local repo=$1 kdir="/usr/src/linux-headers-$VCX_KABI" key work log
  VCX_KMOD_DIR=""
  if [[ ! -d $repo/frontend-kmod ]] || ! ls "$repo"/frontend-kmod/{Makefile,Kbuild} >/dev/null 2>&1; then
    VCX_KMOD_STATUS="failed: $repo/frontend-kmod has no Makefile or Kbuild"
    return 1
  fi
  [[ -d $kdir ]] || { VCX_KMOD_STATUS="failed: no $kdir (linux-headers-$VCX_KABI)"; return 1; }
  key=$(
    {
      (cd "$repo" && find frontend-kmod protocol/include common/include -type f -print0 2>/dev/null |
        LC_ALL=C sort -z | xargs -0r sha256sum)
      echo "$VCX_KABI $(dpkg-query -W -f='${Version}' "linux-headers-$VCX_KABI")"
    } | vcx_hash_stdin
  )
  work="$VCX_CACHE/kmod-$key"
  log="$work.log"
  if [[ ! -f $work/.vcx-complete ]]; then
    rm -rf "$work"
    mkdir -p "$work"
    # The module's sources include the protocol header by a path relative to the repository.
    (cd "$repo" && cp -r --parents frontend-kmod protocol/include "$work"/ &&
      { [[ ! -d common/include ]] || cp -r --parents common/include "$work"/; })
    if ! make -C "$kdir" M="$work/frontend-kmod" -j2 modules >"$log" 2>&1; then
      VCX_KMOD_STATUS="failed: make against $VCX_KABI headers: $(grep -m1 -E 'error|Error' "$log")"
      return 1
    fi
    touch "$work/.vcx-complete"
    find "$VCX_CACHE" -maxdepth 1 -name 'kmod-*' ! -name "kmod-$key" ! -name "kmod-$key.log" \
      -exec rm -rf {} +
  fi
  local kos
  kos=$(cd "$work/frontend-kmod" && ls ./*.ko 2>/dev/null | tr '\n' ' ' | sed 's/ $//')
  [[ -n $kos ]] || { VCX_KMOD_STATUS="failed: make produced no .ko"; return 1; }
  VCX_KMOD_DIR="$work/frontend-kmod"
  VCX_KMOD_STATUS="built ${kos//.\//} against $VCX_KABI in $(grep -c '' "$log" 2>/dev/null || echo 0) log lines"
}

# Copies modules $3... (by name, with their dependencies) from kernel tree $2 into staging $1.
vcx_install_modules() { # staging kernel-tree module...
  local staging=$1 ktree=$2 ko rel
  shift 2
  mkdir -p "$staging/lib/modules/$VCX_KABI"
  for ko in $(modprobe -d "$ktree" -S "$VCX_KABI" --show-depends -a "$@" | awk '$1 == "insmod" {print $2}'); do
    rel=${ko#"$ktree"/lib/modules/"$VCX_KABI"/}
    mkdir -p "$staging/lib/modules/$VCX_KABI/$(dirname "$rel")"
    cp "$ko" "$staging/lib/modules/$VCX_KABI/$rel"
  done
  cp "$ktree/lib/modules/$VCX_KABI"/modules.{builtin,builtin.modinfo,order} "$staging/lib/modules/$VCX_KABI/"
}

# What libcamera needs in the PVH driver domain (this image) to find vimc: systemd-udevd and
# udevadm with udev's rules (libcamera enumerates cameras through udev's database), the IPA
# modules with their signatures and proxies, their data; and the programs that use it there:
# vcamera-lc-probe (lists cameras, captures the golden frames) and the camera gtests.
vcx_install_libcamera() { # staging root build-dir
  local staging=$1 root=$2 build=$3 ipa=usr/lib/x86_64-linux-gnu/libcamera f
  mkdir -p "$staging/usr/bin" "$staging/usr/lib/systemd" "$staging/usr/lib/udev" "$staging/etc/udev"
  cp -a "$root/usr/bin/udevadm" "$staging/usr/bin/"
  ln -sf /usr/bin/udevadm "$staging/usr/lib/systemd/systemd-udevd" # udevadm, by its name
  cp -a "$root/usr/lib/udev/rules.d" "$staging/usr/lib/udev/"
  cp -a "$root/etc/udev/udev.conf" "$staging/etc/udev/" 2>/dev/null || true
  mkdir -p "$staging/$ipa" "$staging/usr/share"
  cp -a "$root/$ipa"/. "$staging/$ipa/"
  cp -a "$root/usr/share/libcamera" "$staging/usr/share/"
  vcx_install_bin "$build/backend/source/libcamera/vcamera-lc-probe" "$staging/vcx/bin/vcamera-lc-probe"
  for f in source_lc_camera_stream_direct_test source_lc_camera_library_test; do
    vcx_install_bin "$build/tests/backend/source/libcamera/$f" "$staging/vcx/bin/$f"
  done
  vcx_install_libs "$staging" "$root" "$root/usr/bin/udevadm" "$root"/$ipa/ipa_vimc.so \
    "$root"/$ipa/vimc_ipa_proxy "$build/backend/source/libcamera/vcamera-lc-probe" \
    "$build/tests/backend/source/libcamera/source_lc_camera_stream_direct_test"
}

# The guest's initramfs; prints its path. Needs VCX_KMOD_* from vcx_build_kmod and VCX_XMOD_*
# from vcx_build_extra_modules.
vcx_build_guest_image() { # root kernel-tree build-dir
  local root=$1 ktree=$2 build=$3 staging="$VCX_CACHE/staging-guest" key out
  rm -rf "$staging"
  mkdir -p "$staging"/{bin,sbin,usr/bin,proc,sys,dev,tmp,run,vcx/bin}
  cp /bin/busybox "$staging/bin/busybox"
  cp "$VCX_HERE/guest/init" "$staging/init"
  cp "$VCX_HERE/guest/stages.sh" "$staging/vcx/stages.sh"
  cp "$VCX_HERE/common/vimc.sh" "$staging/vcx/vimc.sh"
  cp "$VCX_HERE/dom0/vcamera-backend.toml" "$staging/vcx/vcamera-backend.toml" # driver domain
  chmod +x "$staging/init"
  cp "$root/usr/bin/v4l2-ctl" "$root/usr/bin/v4l2-compliance" "$staging/usr/bin/"
  # The driver domain's backend watch (guest/stages.sh): XenStore requests, eu-stack's dumps.
  cp "$root/usr/bin/xenstore" "$root/usr/bin/eu-stack" "$staging/usr/bin/"
  ln -sf xenstore "$staging/usr/bin/xenstore-read"
  ln -sf xenstore "$staging/usr/bin/xenstore-rm"
  # vcamera-backend too: the PVH driver domain boots this image.
  vcx_install_bin "$build/tools/vcamera-capture/vcamera-capture" "$staging/usr/bin/vcamera-capture"
  vcx_install_bin "$build/backend/app/vcamera-backend" "$staging/usr/bin/vcamera-backend"
  vcx_install_bin "$build/tools/vcamera-pattern-check/vcamera-pattern-check" \
    "$staging/vcx/bin/vcamera-pattern-check"
  vcx_install_libs "$staging" "$root" "$root/usr/bin/v4l2-ctl" "$root/usr/bin/v4l2-compliance" \
    "$root/usr/bin/xenstore" "$root/usr/bin/eu-stack" \
    "$build/tools/vcamera-capture/vcamera-capture" "$build/backend/app/vcamera-backend" \
    "$build/tools/vcamera-pattern-check/vcamera-pattern-check"
  vcx_install_libcamera "$staging" "$root" "$build"
  local modules=(xen-evtchn xen-gntdev xen-gntalloc xenfs vivid videobuf2-vmalloc
    videobuf2-dma-sg videobuf2-dma-contig videobuf2-v4l2 videodev)
  if [[ -n $VCX_KMOD_DIR ]]; then
    local ko dep
    for ko in "$VCX_KMOD_DIR"/*.ko; do
      for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do modules+=("$dep"); done
    done
  fi
  vcx_install_modules "$staging" "$ktree" "${modules[@]}"
  if [[ -n $VCX_KMOD_DIR ]]; then
    mkdir -p "$staging/lib/modules/$VCX_KABI/extra"
    cp "$VCX_KMOD_DIR"/*.ko "$staging/lib/modules/$VCX_KABI/extra/"
    touch "$staging/vcx/kmod-built"
  fi
  # gntdev with dma-buf and vimc (lib/modules.sh): the PVH driver domain boots this image.
  vcx_install_extra_modules "$staging" "$ktree" "$staging/vcx"
  depmod -b "$staging" "$VCX_KABI"
  printf '%s\n' "$VCX_KMOD_STATUS" >"$staging/vcx/kmod-status"
  key=$(vcx_hash_tree "$staging")
  out="$VCX_CACHE/guest-$key.img"
  if [[ ! -f $out ]]; then
    vcx_log "packing the guest initramfs ($key)"
    vcx_cpio "$staging" | zstd -q -T2 -10 >"$out.tmp" && mv "$out.tmp" "$out"
    find "$VCX_CACHE" -maxdepth 1 -name 'guest-*.img' ! -name "guest-$key.img" -delete
  fi
  printf '%s\n' "$out"
}

# dom0's initramfs: the Debian root's cpio (cached per root) followed by an overlay cpio with
# our binaries, dom0's modules (with gntdev-dmabuf and vimc, not loaded), the guest kernel and
# image, and the scenario. Prints its path.
vcx_build_dom0_image() { # root kernel-tree build-dir guest-image config-file
  local root=$1 ktree=$2 build=$3 guest=$4 config=$5 staging="$VCX_CACHE/staging-dom0"
  local rootcpio="$root.cpio" key out
  if [[ ! -f $rootcpio ]]; then
    vcx_log "packing the Debian root as a cpio"
    vcx_cpio "$root" >"$rootcpio.tmp" && mv "$rootcpio.tmp" "$rootcpio"
  fi
  rm -rf "$staging"
  mkdir -p "$staging"/{vcx/bin,vcx/guest,usr/lib}
  cp "$VCX_HERE/dom0/init" "$staging/init"
  cp "$VCX_HERE/dom0/scenario" "$staging/vcx/scenario"
  cp "$VCX_HERE/dom0/pvh-stress" "$staging/vcx/pvh-stress"
  cp "$VCX_HERE/common/vimc.sh" "$staging/vcx/vimc.sh"
  cp "$config" "$staging/vcx/config.sh"
  cp "$VCX_HERE/dom0/vcamera-backend.toml" "$staging/vcx/vcamera-backend.toml"
  chmod +x "$staging/init" "$staging/vcx/scenario"
  local bins=("$build/backend/app/vcamera-backend" "$build/tools/vcamera-ctl/vcamera-ctl"
    "$build/tests/backend/xen/real/xen_real_test" "$build/backend/source/libcamera/vcamera-lc-probe"
    "$build/tests/backend/source/libcamera/source_lc_camera_stream_direct_test"
    "$build/tests/backend/source/libcamera/source_lc_camera_library_test") b
  for b in "${bins[@]}"; do vcx_install_bin "$b" "$staging/vcx/bin/$(basename "$b")"; done
  # The root is usr-merged: /lib is a symlink the overlay must not replace.
  vcx_install_modules "$staging/usr" "$ktree" xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs
  vcx_install_extra_modules "$staging/usr" "$ktree" "$staging/vcx"
  depmod -b "$staging/usr" "$VCX_KABI"
  cp "$ktree/boot/vmlinuz-$VCX_KABI" "$staging/vcx/guest/vmlinuz"
  cp "$guest" "$staging/vcx/guest/initrd.img"
  key=$( { basename "$root"; vcx_hash_tree "$staging"; } | vcx_hash_stdin)
  out="$VCX_CACHE/dom0-$key.img"
  if [[ ! -f $out ]]; then
    vcx_log "packing dom0's initramfs ($key)"
    { cat "$rootcpio"; vcx_cpio "$staging"; } | zstd -q -T2 -3 >"$out.tmp" && mv "$out.tmp" "$out"
    find "$VCX_CACHE" -maxdepth 1 -name 'dom0-*.img' ! -name "dom0-$key.img" -delete
  fi
  printf '%s\n' "$out"
}
