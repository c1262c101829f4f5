# SPDX-License-Identifier: MIT
# The guests' test stages (busybox sh, sourced by /init). Each check prints one marker line:
# "@@VCX CHECK <name> PASS|FAIL <detail>"; stage output goes to the console for failure tails.

mark() { echo "@@VCX $*"; }
check() { name=$1 status=$2; shift 2; mark "CHECK $name $status $*"; }

# The devices dom0 attached (see dom0/scenario): dev 0 has single-buffer formats only, so the
# module makes it a single-planar node; dev 1 offers YUV420M (3 memory planes): multi-planar.
SP_DEV=0 SP_FMT=YUYV SP_W=640 SP_H=480
MP_DEV=1 MP_FMT=YM12 MP_W=640 MP_H=480
FRAMES=${VCX_FRAMES:-300}

# Checks raw frames (v4l2-ctl --stream-to) byte for byte against the backend's test pattern.
verifier=/vcx/bin/vcamera-pattern-check

# "frames     300 in 10.03 s (29.9 fps), 0 skipped by the camera" -> "300 29.9 0"
capture_figures() {
  sed -n 's/^frames *\([0-9]*\) in [0-9.]* s (\([0-9.]*\) fps), \([0-9]*\) skipped.*/\1 \2 \3/p' "$1"
}

# A user-space capture over real Xen with every frame compared with the test pattern. With
# "separate", a frame that differs is left to stage_capture_checksums to report; otherwise it
# fails this check.
stage_vcamera_capture() { # check-name dev format frames [separate]
  cname=$1 dev=$2 fmt=$3 n=$4 separate=${5:-}
  out=/tmp/capture-$cname.txt
  vcamera-capture --dev "$dev" --format "$fmt" --frames "$n" --verify >"$out" 2>&1
  rc=$?
  cat "$out"
  verdict=$(verified_figures "$out")
  set -- $(capture_figures "$out")
  ok=0
  if [ "${1:-0}" -eq "$n" ] && [ -n "$verdict" ]; then
    [ $rc -eq 0 ] && ok=1
    [ $rc -eq 1 ] && [ -n "$separate" ] && ok=1 # exit 1: frames differed
  fi
  if [ $ok -eq 1 ]; then
    check "$cname" PASS "$1 frames $fmt over real Xen, $2 fps, $3 skipped by the camera;" \
      "$(echo $verdict | awk '{print $1 " equal the test pattern, " $2 " differ"}')"
  else
    check "$cname" FAIL "exit $rc, frames ${1:-none} of $n: $(tail -1 "$out")"
  fi
}

# "verified   300 frames equal the test pattern, 0 differ" -> "300 0"
verified_figures() {
  grep -q '^verified ' "$1" || return 1
  sed -n 's/^verified *\([0-9]*\) frames equal the test pattern, \([0-9]*\) differ.*/\1 \2/p' "$1"
}

# The frames of a vcamera-capture run (--verify) all equal the test pattern.
stage_capture_checksums() { # check-name capture-check-name frames
  out=/tmp/capture-$2.txt
  set -- "$1" "$3" $(verified_figures "$out")
  if [ -n "${3:-}" ] && [ "$3" -eq "$2" ] && [ "$4" -eq 0 ]; then
    check "$1" PASS "vcamera-capture --verify: $3 of $2 frames equal the test pattern, $4 differ"
  else
    check "$1" FAIL "vcamera-capture --verify: $(grep '^verified' "$out" || echo 'no verdict') (want $2 of $2)"
  fi
}

# The video node of vcamera device $1: sysfs names it "vcamera-<dev>" and QUERYCAP must say
# driver xen_camera, card "Virtual camera <dev>" (vivid adds nodes of its own).
find_node() { # dev
  for n in /sys/class/video4linux/video*; do
    [ "$(cat "$n/name" 2>/dev/null)" = "vcamera-$1" ] || continue
    node=/dev/$(basename "$n")
    [ -c "$node" ] || continue
    info=$(v4l2-ctl -d "$node" -D 2>/dev/null)
    echo "$info" | grep -q 'Driver name *: xen_camera$' || continue
    echo "$info" | grep -q "Card type *: Virtual camera $1\$" || continue
    echo "$node"
    return 0
  done
  return 1
}

# Whether node $1's device caps name the multi-planar capture API (and not the other).
node_api() {
  caps=$(v4l2-ctl -d "$1" -D 2>/dev/null | sed -n '/Device Caps/,$p')
  if echo "$caps" | grep -q 'Video Capture Multiplanar'; then
    echo "$caps" | grep -q 'Video Capture$' && { echo both; return; }
    echo multi-planar
  elif echo "$caps" | grep -q 'Video Capture$'; then
    echo single-planar
  else
    echo none
  fi
}

# Loads the frontend module; sets $sp_node and $mp_node to the two cameras' nodes.
stage_module() {
  sp_node="" mp_node=""
  if [ ! -f /vcx/kmod-built ]; then
    check kmod_load FAIL "no module: $(cat /vcx/kmod-status 2>/dev/null)"
    check video_node FAIL "no module"
    return 1
  fi
  if ! modprobe xen-camera-front >/tmp/modprobe.txt 2>&1; then
    check kmod_load FAIL "modprobe: $(tail -1 /tmp/modprobe.txt)"
    check video_node FAIL "module not loaded"
    return 1
  fi
  check kmod_load PASS "$(grep -c . /proc/modules) modules loaded, xen_camera_front in /proc/modules"
  i=0
  while [ $i -lt 300 ]; do # 30 s, polling
    sp_node=$(find_node $SP_DEV) && mp_node=$(find_node $MP_DEV) && break
    sleep 0.1
    i=$((i + 1))
  done
  for n in $sp_node $mp_node; do
    v4l2-ctl -d "$n" -D --list-formats-ext 2>&1 | head -60
  done
  dmesg | grep -i 'xen.camera\|xcf\|vcamera' | tail -20
  if [ -z "$sp_node" ] || [ -z "$mp_node" ]; then
    check video_node FAIL "after 30 s: dev $SP_DEV node '${sp_node:-none}', dev $MP_DEV node '${mp_node:-none}'"
    return 1
  fi
  sp_api=$(node_api "$sp_node") mp_api=$(node_api "$mp_node")
  if [ "$sp_api" = single-planar ] && [ "$mp_api" = multi-planar ]; then
    check video_node PASS "dev $SP_DEV: $sp_node single-planar, dev $MP_DEV: $mp_node multi-planar" \
      "(driver xen_camera), after $((i / 10)).$((i % 10)) s"
  else
    check video_node FAIL "dev $SP_DEV: $sp_node is $sp_api (want single-planar)," \
      "dev $MP_DEV: $mp_node is $mp_api (want multi-planar)"
    return 1
  fi
}

# The current pixel format of node $1, and its planes' sizes as v4l2-ctl prints bytesused
# ("614400", or "307200/76800/76800").
current_fourcc() {
  v4l2-ctl -d "$1" --get-fmt-video 2>/dev/null | sed -n "s/.*Pixel Format *: *'\([^']*\)'.*/\1/p"
}
plane_sizes() {
  v4l2-ctl -d "$1" --get-fmt-video 2>/dev/null | sed -n 's/.*Size Image *: *\([0-9]*\).*/\1/p' |
    tr '\n' '/' | sed 's,/$,,'
}

# "Total for ... : 46, Succeeded: 46, Failed: 0, Warnings: 0" -> the check. v4l2-compliance
# streams (-s) in the format set here; with an exporter it tests DMABUF import too.
stage_compliance() { # check-name node fourcc w h exporter
  cname=$1 cnode=$2
  if [ -z "$cnode" ]; then check "$cname" FAIL "no video device"; return; fi
  v4l2-ctl -d "$cnode" --verbose --set-fmt-video="width=$4,height=$5,pixelformat=$3" \
    >/tmp/setfmt.txt 2>&1 || echo "v4l2-ctl --set-fmt-video exit $?" >>/tmp/setfmt.txt
  got=$(current_fourcc "$cnode")
  if [ "$got" != "$3" ]; then
    cat /tmp/setfmt.txt
    v4l2-ctl -d "$cnode" --verbose --try-fmt-video="width=$4,height=$5,pixelformat=$3" 2>&1
    dmesg | tail -10
    check "$cname" FAIL "format $3 not taken ($cnode has '$got'):" \
      "$(grep -i 'fail\|exit' /tmp/setfmt.txt | tr '\n' ' ')"
    return
  fi
  v4l2-compliance -d "$cnode" -s ${6:+--expbuf-device "$6"} >/tmp/compliance-$cname.txt 2>&1
  rc=$?
  # The distinct failures and warnings (streaming tests print them amid their frame counters).
  grep -oE '(fail|warn): .*' /tmp/compliance-$cname.txt | sed 's/got sequence number [0-9]*, expected [0-9]*/got sequence number N, expected M/' |
    sort | uniq -c | sort -rn | head -30
  totals=$(grep '^Total for' /tmp/compliance-$cname.txt | tail -1)
  failed=$(echo "$totals" | sed -n 's/.*Failed: \([0-9]*\).*/\1/p')
  if [ -n "$totals" ] && [ "$failed" = 0 ] && [ $rc -eq 0 ]; then
    check "$cname" PASS "$3 ${4}x$5 ${6:+(DMABUF from $6) }${totals#Total for }"
  else
    grep -E '^(test|\s+test|Total)' /tmp/compliance-$cname.txt | grep -v ': OK' | head -30
    check "$cname" FAIL "$3 ${4}x$5, exit $rc: ${totals:-no totals}"
  fi
}

# Streams $FRAMES frames with one memory type into the verifier: every frame must be the test
# pattern's, byte for byte, and every buffer must carry the whole format.
stage_stream() { # check-name node fourcc w h memory-options...
  cname=$1 snode=$2 sfmt=$3 sw=$4 sh=$5
  shift 5
  if [ -z "$snode" ]; then check "$cname" FAIL "no video device"; return; fi
  v4l2-ctl -d "$snode" --set-fmt-video="width=$sw,height=$sh,pixelformat=$sfmt" >/dev/null 2>&1
  got=$(current_fourcc "$snode")
  size=$(plane_sizes "$snode")
  log=/tmp/stream-$cname.txt
  vout=/tmp/verify-$cname.txt
  # --stream-to - makes v4l2-ctl silent on stdout; --verbose's buffer lines go to stderr.
  { v4l2-ctl -d "$snode" "$@" --stream-count "$FRAMES" --verbose --stream-to - 2>"$log"
    echo "v4l2-ctl exit $?" >>"$log"; } |
    $verifier --format "$sfmt:${sw}x$sh" --frames "$FRAMES" - >"$vout" 2>&1
  vrc=$?
  frames=$(grep -c 'cap dqbuf:' "$log")
  bad=$(grep 'cap dqbuf:' "$log" | grep -vc "bytesused: $size ")
  first=$(grep 'cap dqbuf:' "$log" | head -1 | sed -n 's/.*seq: *\([0-9]*\).*/\1/p')
  last=$(grep 'cap dqbuf:' "$log" | tail -1 | sed -n 's/.*seq: *\([0-9]*\).*/\1/p')
  fps=$(grep -o 'fps: [0-9.]*' "$log" | tail -1)
  ctl=$(grep -o 'v4l2-ctl exit [0-9]*' "$log")
  if [ "$got" = "$sfmt" ] && [ "$ctl" = "v4l2-ctl exit 0" ] && [ "$frames" -eq "$FRAMES" ] &&
    [ "$bad" -eq 0 ] && [ $vrc -eq 0 ]; then
    check "$cname" PASS "$sfmt ${sw}x$sh ($*): $frames buffers of $size bytes, ${fps:-fps ?}," \
      "seq $first..$last; pattern check: $(tail -1 "$vout")"
  else
    tail -15 "$log"
    cat "$vout"
    why="$ctl, format '$got': $frames of $FRAMES buffers, $bad with bytesused != $size"
    [ "$frames" -gt 0 ] && why="$why, seq $first..$last, ${fps:-no fps}"
    check "$cname" FAIL "$why; pattern check exit $vrc: $(tail -1 "$vout")"
  fi
}

# vivid as the DMABUF exporter, one single-planar and one multi-planar video capture node in
# our formats; sets $exporter_sp and $exporter_mp.
stage_vivid() {
  exporter_sp="" exporter_mp=""
  before=$(ls /sys/class/video4linux)
  modprobe vivid n_devs=2 node_types=0x1,0x1 multiplanar=1,2 >/tmp/vivid.txt 2>&1 ||
    { cat /tmp/vivid.txt; return 1; }
  sleep 1
  for n in $(ls /sys/class/video4linux); do
    case " $before " in *" $n "*) continue ;; esac
    case $(node_api /dev/$n) in
      single-planar) exporter_sp=/dev/$n ;;
      multi-planar) exporter_mp=/dev/$n ;;
    esac
  done
  [ -n "$exporter_sp" ] && v4l2-ctl -d "$exporter_sp" --set-fmt-video="width=$SP_W,height=$SP_H,pixelformat=$SP_FMT"
  [ -n "$exporter_mp" ] && v4l2-ctl -d "$exporter_mp" --set-fmt-video="width=$MP_W,height=$MP_H,pixelformat=$MP_FMT"
  echo "vivid exporters: single-planar '$exporter_sp', multi-planar '$exporter_mp'"
}

# Guest A, first life: a user-space capture over real Xen, the frontend module's stages, then
# an endless capture so dom0 can destroy it mid-stream while guest B streams.
stages_guest_a() {
  stage_vcamera_capture guestA_vcamera_capture $SP_DEV "$SP_FMT:${SP_W}x$SP_H" "$FRAMES" separate
  stage_capture_checksums guestA_capture_checksums guestA_vcamera_capture "$FRAMES"
  stages_module
  # The endless stream goes through the module when it works, else in user space.
  if [ -n "$sp_node" ] && ! rmmod xen_camera_front 2>/dev/null; then
    v4l2-ctl -d "$sp_node" --set-fmt-video="width=$SP_W,height=$SP_H,pixelformat=$SP_FMT" \
      --stream-mmap 4 --stream-count 1000000 >/tmp/endless.txt 2>&1 &
  else
    vcamera-capture --dev $SP_DEV --format "$SP_FMT:${SP_W}x$SP_H" --frames 1000000 >/tmp/endless.txt 2>&1 &
  fi
  mark "STREAMING A"
}

# The frontend module's stages: load, both nodes, compliance on each, 300 verified frames per
# memory type on the single-planar node and with MMAP on the multi-planar one.
stages_module() {
  stage_module && stage_vivid
  stage_compliance compliance_single_planar "$sp_node" $SP_FMT $SP_W $SP_H "$exporter_sp"
  stage_compliance compliance_multi_planar "$mp_node" $MP_FMT $MP_W $MP_H "$exporter_mp"
  stage_stream stream_mmap "$sp_node" $SP_FMT $SP_W $SP_H --stream-mmap 4
  stage_stream stream_userptr "$sp_node" $SP_FMT $SP_W $SP_H --stream-user 4
  if [ -n "$exporter_sp" ]; then
    stage_stream stream_dmabuf "$sp_node" $SP_FMT $SP_W $SP_H --stream-dmabuf -E "$exporter_sp"
  else
    check stream_dmabuf FAIL "no vivid exporter device"
  fi
  stage_stream stream_mmap_multi_planar "$mp_node" $MP_FMT $MP_W $MP_H --stream-mmap 4
}

# Guest A recreated: the backend must serve it again.
stages_guest_a2() {
  stage_vcamera_capture guestA_reconnect_capture $SP_DEV "$SP_FMT:${SP_W}x$SP_H" "$FRAMES"
}

# Guest A of the driver-domain run: the same captures, served by the PVH driver domain.
stages_guest_ad() {
  stage_vcamera_capture guestA_vcamera_capture $SP_DEV "$SP_FMT:${SP_W}x$SP_H" "$FRAMES" separate
  stage_capture_checksums guestA_capture_checksums guestA_vcamera_capture "$FRAMES"
  stages_module
}

# The PVH driver domain: runs vcamera-backend and shows its log on the console.
stages_driver_domain() {
  vcamera-backend --config /vcx/vcamera-backend.toml --log-level info >/tmp/backend.log 2>&1 &
  i=0
  while [ $i -lt 200 ] && ! grep -q 'serving as domain' /tmp/backend.log; do
    sleep 0.1
    i=$((i + 1))
  done
  tail -n +1 -f /tmp/backend.log | sed 's/^/backend: /' &
  if grep -q 'serving as domain' /tmp/backend.log; then
    mark "BACKEND-READY D $(sed -n 's/.*serving as domain \([0-9]*\).*/\1/p' /tmp/backend.log)"
  else
    mark "BACKEND-FAILED D"
  fi
}

# Guest B streams through guest A's destruction and rebirth; it must finish, with no frame
# waiting longer than STALL_MS.
STALL_MS=${VCX_STALL_MS:-3000}
stages_guest_b() {
  mark "STREAMING B"
  stage_vcamera_capture guestB_capture $SP_DEV "$SP_FMT:${SP_W}x$SP_H" "${VCX_B_FRAMES:-900}"
  max=$(sed -n 's/.*max \([0-9]*\)\.[0-9]* ms.*/\1/p' /tmp/capture-guestB_capture.txt)
  if [ -n "$max" ] && [ "$max" -lt "$STALL_MS" ]; then
    check guestB_no_stall PASS "longest wait for a frame ${max} ms (limit $STALL_MS ms)"
  else
    check guestB_no_stall FAIL "longest wait for a frame ${max:-unknown} ms (limit $STALL_MS ms)"
  fi
}
