# SPDX-License-Identifier: MIT
# The guests' test stages (busybox sh, sourced by /init). Each check prints one marker line:
# "@@VCX CHECK <name> PASS|FAIL <detail>"; stage output goes to the console for failure tails.
. /vcx/vimc.sh # VIMC_*, frame_digests, libcamera with vimc (the driver domain's stages)

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

# Streams frames with one memory type into the verifier: every frame must be the test
# pattern's, byte for byte, and every buffer must carry the whole format. Sets $stream_ok
# (1 or 0) and $stream_detail. Optional: $stream_frames (default $FRAMES) and $stream_pixfmt
# (what --set-fmt-video gets when the FOURCC is not four plain characters, e.g. 0xb5315241
# for 'AR15-BE').
stream_run() { # log-name node fourcc w h memory-options...
  sname=$1 snode=$2 sfmt=$3 sw=$4 sh=$5
  shift 5
  n=${stream_frames:-$FRAMES}
  v4l2-ctl -d "$snode" --set-fmt-video="width=$sw,height=$sh,pixelformat=${stream_pixfmt:-$sfmt}" >/dev/null 2>&1
  got=$(current_fourcc "$snode")
  size=$(plane_sizes "$snode")
  log=/tmp/stream-$sname.txt
  vout=/tmp/verify-$sname.txt
  # --stream-to - makes v4l2-ctl silent on stdout; --verbose's buffer lines go to stderr.
  { v4l2-ctl -d "$snode" "$@" --stream-count "$n" --verbose --stream-to - 2>"$log"
    echo "v4l2-ctl exit $?" >>"$log"; } |
    $verifier --format "${sfmt% }:${sw}x$sh" --frames "$n" - >"$vout" 2>&1
  vrc=$?
  frames=$(grep -c 'cap dqbuf:' "$log")
  bad=$(grep 'cap dqbuf:' "$log" | grep -vc "bytesused: $size ")
  first=$(grep 'cap dqbuf:' "$log" | head -1 | sed -n 's/.*seq: *\([0-9]*\).*/\1/p')
  last=$(grep 'cap dqbuf:' "$log" | tail -1 | sed -n 's/.*seq: *\([0-9]*\).*/\1/p')
  fps=$(grep -o 'fps: [0-9.]*' "$log" | tail -1)
  ctl=$(grep -o 'v4l2-ctl exit [0-9]*' "$log")
  if [ "$got" = "$sfmt" ] && [ "$ctl" = "v4l2-ctl exit 0" ] && [ "$frames" -eq "$n" ] &&
    [ "$bad" -eq 0 ] && [ $vrc -eq 0 ]; then
    stream_ok=1
    stream_detail="${sfmt% } ${sw}x$sh ($*): $frames buffers of $size bytes, ${fps:-fps ?}, seq $first..$last; pattern check: $(tail -1 "$vout")"
  else
    tail -15 "$log"
    cat "$vout"
    stream_ok=0
    stream_detail="${sfmt% }: $ctl, format '$got': $frames of $n buffers, $bad with bytesused != $size"
    [ "$frames" -gt 0 ] && stream_detail="$stream_detail, seq $first..$last, ${fps:-no fps}"
    stream_detail="$stream_detail; pattern check exit $vrc: $(tail -1 "$vout")"
  fi
}

# One check: $FRAMES verified frames from node $2 (see stream_run).
stage_stream() { # check-name node fourcc w h memory-options...
  if [ -z "$2" ]; then check "$1" FAIL "no video device"; return; fi
  cname=$1
  shift
  stream_run "$cname" "$@"
  if [ $stream_ok -eq 1 ]; then
    check "$cname" PASS "$stream_detail"
  else
    check "$cname" FAIL "$stream_detail"
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

# ---- guest A's further module stages: be-alloc, control events, odd FOURCCs, a backend
# restart, grants left after unload ----

# Guest A's other two cameras (dom0/scenario): dev 2 is cam0 again, with be-alloc (the
# backend's buffers) and brightness like dev 0; dev 3 is cam2, whose formats are 'Y16 ' (a
# three-character FOURCC, "Y16" in XenStore) and 'AR15-BE' (a big-endian one).
BE_DEV=2 FMT_DEV=3
XCF_DEBUGFS=/sys/kernel/debug/xen-camera-front

# dom0 rings guest A with "xl sysrq <guest> h": the kernel logs its sysrq help line.
doorbells() { dmesg | grep -c 'sysrq: HELP'; }
wait_doorbell() { # count-before seconds
  i=0
  while [ $i -lt $(($2 * 5)) ]; do
    [ "$(doorbells)" -gt "$1" ] && return 0
    sleep 0.2
    i=$((i + 1))
  done
  return 1
}

# The XenBus state of our end of vcamera device $1, as the guest's xenbus sees it.
fe_state() { cat "/sys/bus/xen/devices/vcamera-$1/state" 2>/dev/null || echo unknown; }

# Waits up to $2 seconds for vcamera device $1's node; prints it.
wait_node() { # dev seconds
  i=0
  while [ $i -lt $(($2 * 10)) ]; do
    find_node "$1" && return 0
    sleep 0.1
    i=$((i + 1))
  done
  return 1
}

# be_alloc_stream: frames captured into the backend's own buffers (dev 2), mapped by the
# module over pages of the guest's; every frame verified. The module's debugfs counter of
# the backend's pages it maps must rise while it streams (else this is not the be-alloc path).
stage_be_alloc() {
  be_node=$(wait_node $BE_DEV 10)
  if [ -z "$be_node" ]; then
    check be_alloc_stream FAIL "no node for dev $BE_DEV (be-alloc)"
    return
  fi
  (while :; do cat $XCF_DEBUGFS/mapped; sleep 0.5; done) >/tmp/mapped.txt 2>&1 &
  sampler=$!
  stream_run be_alloc_stream "$be_node" $SP_FMT $SP_W $SP_H --stream-mmap 4
  kill $sampler
  wait $sampler 2>/dev/null
  mapped=$(sort -n /tmp/mapped.txt | tail -1)
  after=$(cat $XCF_DEBUGFS/mapped 2>/dev/null)
  userptr=$(v4l2-ctl -d "$be_node" --stream-user 2 --stream-count 1 --stream-to /dev/null 2>&1 |
    grep -c 'VIDIOC_REQBUFS.*Invalid argument')
  note="$be_node (dev $BE_DEV, be-alloc): up to ${mapped:-?} of the backend's pages mapped while streaming, ${after:-?} after; USERPTR refused: $userptr"
  dmesg | grep -q 'be-alloc buffers cannot be mapped into a PV guest' &&
    note="$note; the module refuses be-alloc in this PV guest"
  if [ $stream_ok -eq 1 ] && [ "${mapped:-0}" -gt 0 ] && [ "$after" = 0 ] && [ "$userptr" -ge 1 ]; then
    check be_alloc_stream PASS "$note; $stream_detail"
  else
    check be_alloc_stream FAIL "$note; $stream_detail"
  fi
}

# be_alloc_refused_in_pv: a PV guest cannot map another domain's pages into user space with
# ordinary page tables (only gntdev's per-entry grant maps can), so the module refuses
# be-alloc buffers there: REQBUFS fails with EOPNOTSUPP and the kernel log says why; the
# application gets an error, not a SIGBUS. (be_alloc_stream streams in PVH guest C.)
stage_be_alloc_refused() {
  be_node=$(wait_node $BE_DEV 10)
  if [ -z "$be_node" ]; then
    check be_alloc_refused_in_pv FAIL "no node for dev $BE_DEV (be-alloc)"
    return
  fi
  v4l2-ctl -d "$be_node" --set-fmt-video="width=$SP_W,height=$SP_H,pixelformat=$SP_FMT" \
    --stream-mmap 4 --stream-count 3 --stream-to /dev/null >/tmp/be-pv.txt 2>&1
  rc=$?
  refused=$(grep -c 'VIDIOC_REQBUFS.*Operation not supported' /tmp/be-pv.txt)
  said=$(dmesg | grep -c 'be-alloc buffers cannot be mapped into a PV guest')
  # v4l2-ctl reports the failed REQBUFS and still exits 0; a signal (SIGBUS) would be >= 128.
  if [ $rc -lt 128 ] && [ "$refused" -ge 1 ] && [ "$said" -ge 1 ]; then
    check be_alloc_refused_in_pv PASS "$be_node: v4l2-ctl exit $rc, REQBUFS: Operation not" \
      "supported; the module said why once ($said line)"
  else
    cat /tmp/be-pv.txt
    check be_alloc_refused_in_pv FAIL "$be_node: v4l2-ctl exit $rc, refusals $refused, kernel lines $said"
  fi
}

# fourcc_three_char_be: ENUM_FMT on dev 3 lists 'Y16 ' and 'AR15-BE' (V4L2's codes
# 0x20363159 and 0xb5315241) at 640x480, and both stream verified frames.
stage_fourccs() {
  fmt_node=$(wait_node $FMT_DEV 10)
  if [ -z "$fmt_node" ]; then
    dmesg | grep -i 'vcamera-3\|skipped' | tail -5
    check fourcc_three_char_be FAIL "no node for dev $FMT_DEV"
    return
  fi
  v4l2-ctl -d "$fmt_node" --list-formats-ext >/tmp/fourccs.txt 2>&1
  cat /tmp/fourccs.txt
  listed=$(sed -n "s/.*\[[0-9]*\]: \('[^']*'\) (\(.*\))/\1 (\2)/p" /tmp/fourccs.txt | tr '\n' ',' | sed 's/,$//; s/,/, /g')
  y16=$(grep -c "'Y16 ' (" /tmp/fourccs.txt)
  be=$(grep -c "'AR15-BE' (" /tmp/fourccs.txt)
  sizes=$(grep -c 'Size: Discrete 640x480' /tmp/fourccs.txt)
  stream_frames=${VCX_FOURCC_FRAMES:-90}
  stream_pixfmt=0x20363159
  stream_run fourcc_y16 "$fmt_node" "Y16 " 640 480 --stream-mmap 4
  ok_y16=$stream_ok detail_y16=$stream_detail
  stream_pixfmt=0xb5315241
  stream_run fourcc_ar15_be "$fmt_node" AR15-BE 640 480 --stream-mmap 4
  ok_be=$stream_ok
  stream_frames="" stream_pixfmt=""
  note="$fmt_node ENUM_FMT: ${listed:-nothing}; $detail_y16; $stream_detail"
  if [ "$y16" -eq 1 ] && [ "$be" -eq 1 ] && [ "$sizes" -eq 2 ] && [ "$ok_y16" -eq 1 ] &&
    [ "$ok_be" -eq 1 ]; then
    check fourcc_three_char_be PASS "$note"
  else
    dmesg | grep -i 'skipped\|unknown' | tail -5
    check fourcc_three_char_be FAIL "$note"
  fi
}

# A brightness value of node $1 ("brightness: 5" -> 5).
brightness() { v4l2-ctl -d "$1" -C brightness 2>/dev/null | sed -n 's/^brightness: //p'; }

# ctrl_events: dev 0 and dev 2 are two sessions of cam0. A subscriber on dev 2 waits for a
# V4L2 control event while dev 0 sets brightness: the backend's CTRL_CHANGE must arrive as
# that event with the value set, and dev 2's control must then read what dev 0 set last.
stage_ctrl_events() {
  if [ -z "$be_node" ] || [ -z "$sp_node" ]; then
    check ctrl_events FAIL "nodes missing: dev $SP_DEV '$sp_node', dev $BE_DEV '$be_node'"
    return
  fi
  line=$(v4l2-ctl -d "$be_node" -l 2>&1 | grep '^ *brightness ')
  min=$(echo "$line" | sed -n 's/.* min=\(-\{0,1\}[0-9]*\).*/\1/p')
  step=$(echo "$line" | sed -n 's/.* step=\([0-9]*\).*/\1/p')
  value=$(echo "$line" | sed -n 's/.* value=\(-\{0,1\}[0-9]*\).*/\1/p')
  if [ -z "$min" ] || [ -z "$step" ] || [ -z "$value" ]; then
    v4l2-ctl -d "$be_node" -l
    check ctrl_events FAIL "dev $BE_DEV has no brightness control: '$line'"
    return
  fi
  # Two values other than the current one; each set is a change the backend passes on.
  a=$min b=$((min + step))
  [ "$a" -eq "$value" ] && a=$((min + 2 * step))
  [ "$b" -eq "$value" ] && b=$((min + 2 * step))
  v4l2-ctl -d "$be_node" --wait-for-event=ctrl=brightness >/tmp/ctrl-event.txt 2>&1 &
  sub=$!
  n=0 last=""
  # The subscriber may not have subscribed yet: set again (alternating) until it hears one.
  while kill -0 $sub 2>/dev/null && [ $n -lt 40 ]; do
    v=$a
    [ $((n % 2)) -eq 1 ] && v=$b
    v4l2-ctl -d "$sp_node" -c brightness=$v >>/tmp/ctrl-set.txt 2>&1 && last=$v
    n=$((n + 1))
    sleep 0.25
  done
  kill $sub 2>/dev/null
  wait $sub 2>/dev/null
  cat /tmp/ctrl-event.txt /tmp/ctrl-set.txt
  got=$(sed -n 's/.*value: \(-\{0,1\}[0-9]*\).*/\1/p' /tmp/ctrl-event.txt | head -1)
  i=0
  while [ $i -lt 30 ] && [ "$(brightness "$be_node")" != "$last" ]; do
    sleep 0.1
    i=$((i + 1))
  done
  now_be=$(brightness "$be_node") now_sp=$(brightness "$sp_node")
  note="dev $SP_DEV ($sp_node) set brightness $n times ($a/$b, was $value); dev $BE_DEV ($be_node) got event '$(grep -m1 'ctrl:' /tmp/ctrl-event.txt | sed 's/.*event/event/')' value ${got:-none}; now dev $BE_DEV reads ${now_be:-?}, dev $SP_DEV ${now_sp:-?} (last set $last)"
  if [ -n "$got" ] && { [ "$got" = "$a" ] || [ "$got" = "$b" ]; } && [ "$now_be" = "$last" ] &&
    [ "$now_sp" = "$last" ]; then
    check ctrl_events PASS "$note"
  else
    check ctrl_events FAIL "$note"
  fi
}

# backend_restart: dev 0 open (a holder) and streaming while dom0 stops vcamera-backend and
# starts it again. The stream must end with an error, our end go Reconfiguring while the
# node is held, the module notice the new backend; once the holder lets go the node comes
# back and streams verified frames. dom0 checks the XenStore states it saw
# (backend_restart_states).
stage_backend_restart() {
  if [ -z "$sp_node" ]; then check backend_restart FAIL "no node for dev $SP_DEV"; return; fi
  v4l2-ctl -d "$sp_node" --set-fmt-video="width=$SP_W,height=$SP_H,pixelformat=$SP_FMT"
  sleep 3600 <"$sp_node" &
  holder=$!
  v4l2-ctl -d "$sp_node" --stream-mmap 4 --stream-count 100000000 --verbose \
    --stream-to /dev/null >/tmp/restart-stream.txt 2>&1 &
  streamer=$!
  i=0
  while [ $i -lt 100 ] && ! grep -q 'cap dqbuf' /tmp/restart-stream.txt; do
    sleep 0.1
    i=$((i + 1))
  done
  rung=$(doorbells)
  mark "RESTART-BACKEND A"
  i=0
  while [ $i -lt 300 ] && kill -0 $streamer 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
  done
  if kill -0 $streamer 2>/dev/null; then
    kill $streamer
    ended="still streaming 30 s after the backend was stopped"
  else
    wait $streamer
    ended="the stream ended (v4l2-ctl exit $?: $(grep -i 'error\|fail' /tmp/restart-stream.txt | tail -1 | cut -c1-80))"
  fi
  i=0
  while [ $i -lt 100 ] && [ "$(fe_state $SP_DEV)" != Reconfiguring ]; do
    sleep 0.1
    i=$((i + 1))
  done
  held=$(fe_state $SP_DEV)
  if wait_doorbell "$rung" 120; then
    back=$(dmesg | grep -c "vcamera-$SP_DEV: backend is back")
  else
    back="no word from dom0"
  fi
  kill $holder
  wait $holder 2>/dev/null
  start=$(cut -d' ' -f1 /proc/uptime)
  node=$(wait_node $SP_DEV 60)
  again=$(awk -v a="$start" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }')
  note="$ended; our end while held: $held; module saw the new backend: $back; node ${node:-missing} ${again} s after the holder closed ($(fe_state $SP_DEV))"
  if [ -z "$node" ]; then
    dmesg | tail -20
    check backend_restart FAIL "$note"
    return
  fi
  sp_node=$node
  stream_run backend_restart "$sp_node" $SP_FMT $SP_W $SP_H --stream-mmap 4
  case $ended in "the stream ended"*) ended_ok=1 ;; *) ended_ok=0 ;; esac
  if [ $ended_ok -eq 1 ] && [ "$held" = Reconfiguring ] && [ "$back" = 1 ] && [ $stream_ok -eq 1 ]; then
    check backend_restart PASS "$note; $stream_detail"
  else
    dmesg | grep 'vcamera' | tail -20
    check backend_restart FAIL "$note; $stream_detail"
  fi
}

# no_grants_left (judged by dom0 from Xen's grant-table dump): with every node closed, the
# module's own count of its grants must be the rings' alone (two per connected device); dom0
# dumps the grant tables, then we unload the module and dom0 dumps them again.
stage_grants() {
  granted=$(cat $XCF_DEBUGFS/grants 2>/dev/null || echo none)
  mapped=$(cat $XCF_DEBUGFS/mapped 2>/dev/null || echo none)
  connected=$(cat /sys/bus/xen/devices/vcamera-*/state 2>/dev/null | grep -c '^Connected$')
  rung=$(doorbells)
  mark "GRANTS A loaded granted=$granted mapped=$mapped connected=$connected"
  wait_doorbell "$rung" 60 || echo "no word from dom0 about the first dump"
  # xenbus holds a module reference per bound device (Linux 5.5+): unbind, then unload.
  for d in /sys/bus/xen/drivers/vcamera/vcamera-*; do
    [ -e "$d" ] && echo "${d##*/}" >/sys/bus/xen/drivers/vcamera/unbind
  done
  rmmod xen_camera_front >/tmp/rmmod.txt 2>&1
  rc=$?
  cat /tmp/rmmod.txt
  unloaded=$(dmesg | grep 'xen-camera-front: unloaded' | tail -1 | sed 's/^\[[^]]*\] *//')
  leaks=$(dmesg | grep -c 'leaking g\.e\.\|not released by the backend\|still pending')
  rung=$(doorbells)
  mark "GRANTS A unloaded rmmod=$rc leaks=$leaks exit=$unloaded"
  wait_doorbell "$rung" 60 || echo "no word from dom0 about the second dump"
  # Back for scenario step 3 (an endless stream through the module).
  modprobe xen-camera-front && sp_node=$(wait_node $SP_DEV 30)
}

# Guest A's further stages, in this order: the restart re-creates every node, the grants
# stage unloads the module.
stages_module_more() {
  mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
  if [ -z "$sp_node" ]; then
    for c in be_alloc_refused_in_pv fourcc_three_char_be ctrl_events backend_restart; do
      check $c FAIL "the module's nodes are missing"
    done
  else
    stage_be_alloc_refused
    stage_fourccs
    stage_ctrl_events
    stage_backend_restart
  fi
  stage_grants
}

# Guest A, first life: a user-space capture over real Xen, the frontend module's stages, then
# an endless capture so dom0 can destroy it mid-stream while guest B streams.
stages_guest_a() {
  stage_vcamera_capture guestA_vcamera_capture $SP_DEV "$SP_FMT:${SP_W}x$SP_H" "$FRAMES" separate
  stage_capture_checksums guestA_capture_checksums guestA_vcamera_capture "$FRAMES"
  stage_vimc_frames be-alloc
  stages_module
  stage_vimc_frames mmap
  stages_module_more
  # The endless stream goes through the module (loaded again after the grants stage), else
  # in user space.
  if grep -q '^xen_camera_front ' /proc/modules && [ -n "$sp_node" ]; then
    v4l2-ctl -d "$sp_node" --set-fmt-video="width=$SP_W,height=$SP_H,pixelformat=$SP_FMT" \
      --stream-mmap 4 --stream-count 1000000 >/tmp/endless.txt 2>&1 &
  else
    vcamera-capture --dev $SP_DEV --format "$SP_FMT:${SP_W}x$SP_H" --frames 1000000 >/tmp/endless.txt 2>&1 &
  fi
  mark "STREAMING A"
}

# The frontend module's stages: load, both nodes, compliance on each, 300 verified frames per
# memory type on the single-planar node and with MMAP on the multi-planar one.
# Guest C (PVH: auto-translated, so the module can map the backend's pages into user space):
# the be-alloc stream, through the module.
stages_guest_c() {
  # In user space first: once loaded, the module binds every vcamera device of the guest.
  stage_dma_test_capture
  if [ ! -f /vcx/kmod-built ] || ! modprobe xen-camera-front >/tmp/modprobe.txt 2>&1; then
    check be_alloc_stream FAIL "module not loaded: $(tail -1 /tmp/modprobe.txt 2>/dev/null)"
    return
  fi
  mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
  stage_be_alloc
}

# dma_test_capture: 90 frames of dev 4 (cam3, the stand-in DMA camera, "dma-test") in user
# space, every one equal to the test pattern, whichever buffer path the backend took (dom0
# checks what it said: zero_copy_fallback).
stage_dma_test_capture() {
  stage_vcamera_capture dma_test_capture 4 "YUYV:640x480" 90 separate
  stage_capture_checksums dma_test_checksums dma_test_capture 90
}

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
  stage_dma_test_capture
  stage_vimc_frames be-alloc
  stage_vimc_frames sg
  stages_module
  stage_vimc_frames mmap
}

# vimc through Xen into guest A: FRAMES lines with the md5s of what arrived, which dom0
# compares with the driver domain's GOLDEN line. $1: be-alloc (dev 6) or sg (dev 7: vimc-sg,
# the guest's buffers), both in user space before the module binds them, or mmap (dev 5, the
# module's /dev/video node).
stage_vimc_frames() { # be-alloc|sg|mmap
  raw=/tmp/vimc-$1.raw
  if [ "$1" != mmap ]; then
    dev=6
    [ "$1" = sg ] && dev=7
    vcamera-capture --dev $dev --format $VIMC_FOURCC:${VIMC_W}x$VIMC_H --frames $VIMC_FRAMES \
      --raw $raw >/tmp/vimc-$1.txt 2>&1
    rc=$?
  else
    node=$(wait_node 5 30)
    if [ -z "$node" ]; then
      mark "FRAMES vimc_$1 exit=nonode frames=0 rest=0"
      return
    fi
    v4l2-ctl -d "$node" --set-fmt-video="width=$VIMC_W,height=$VIMC_H,pixelformat=$VIMC_FOURCC" \
      --stream-mmap 4 --stream-count $VIMC_FRAMES --stream-to $raw >/tmp/vimc-$1.txt 2>&1
    rc=$?
  fi
  tail -5 /tmp/vimc-$1.txt
  frame_digests $raw $VIMC_FRAME_BYTES
  mark "FRAMES vimc_$1 exit=$rc frames=$digest_frames rest=$digest_rest $digests"
}

# The backend's threads, as BACKEND-STACKS lines: each one's state, CPU time (ticks), system
# call and kernel stack, then eu-stack's user-space stacks. $2 says why.
backend_stacks() { # pid why
  mark "BACKEND-STACKS $2"
  for t in /proc/$1/task/*; do
    mark "BACKEND-STACKS thread ${t##*/} $(cat "$t/comm" 2>/dev/null)" \
      "state/utime/stime $(sed 's/.*) //' "$t/stat" 2>/dev/null | cut -d' ' -f1,12,13)" \
      "syscall $(cut -d' ' -f1-3 "$t/syscall" 2>/dev/null)" \
      "kernel: $(cut -d' ' -f2 "$t/stack" 2>/dev/null | head -8 | tr '\n' ' ')"
  done
  eu-stack -p "$1" -n 14 2>&1 | head -200 | sed 's/^/@@VCX BACKEND-STACKS | /'
  mark "BACKEND-STACKS-END"
}

# Dumps the backend's stacks when its main thread (the event loop) stays blocked in one system
# call other than the loop's epoll_wait (232) for three looks 5 s apart (at most twice), or when dom0 asks (at
# most twice: it writes 1 to our XenStore node data/vcx-dump when the backend fails to say
# something in time, which also catches a loop that spins). "running" is not a blocked loop:
# under TCG a busy loop is often caught running twice in a row.
backend_watch() {
  i=0
  while [ $i -lt 100 ] && ! pid=$(pidof vcamera-backend); do
    sleep 0.1
    i=$((i + 1))
  done
  [ -n "$pid" ] || return 0 # the backend never started (BACKEND-FAILED says so)
  last="" same=0 blocked=0 asked=0
  while [ -d "/proc/$pid" ]; do
    sleep 5
    if [ "$(xenstore-read data/vcx-dump 2>/dev/null)" = 1 ]; then
      xenstore-rm data/vcx-dump 2>/dev/null
      [ $asked -lt 2 ] && backend_stacks "$pid" "dom0 asked"
      asked=$((asked + 1))
      continue
    fi
    now=$(cat "/proc/$pid/syscall" 2>/dev/null)
    case ${now%% *} in
      "" | running | 232) same=0 ;;
      *) [ "$now" = "$last" ] && same=$((same + 1)) || same=0 ;;
    esac
    last=$now
    if [ $same -eq 2 ] && [ $blocked -lt 2 ]; then
      backend_stacks "$pid" "the event loop has been in system call ${now%% *} for 10 s"
      blocked=$((blocked + 1))
    fi
  done
}

# The PVH driver domain: runs vcamera-backend and shows its log on the console.
stages_driver_domain() {
  # gntdev with dma-buf export (tests/xen/lib/modules.sh) in place of the stock one, before
  # the backend opens /dev/xen/gntdev: EXP_FROM_REFS needs it, and a PVH domain.
  if [ ! -f /vcx/xmod-built ]; then
    check gntdev_dmabuf_load FAIL "not built: $(cat /vcx/xmod-status 2>/dev/null)"
  elif modprobe -r xen-gntdev && modprobe xen-gntdev-dmabuf 2>/tmp/gntdev.txt; then
    check gntdev_dmabuf_load PASS "xen_gntdev_dmabuf serves /dev/xen/gntdev" \
      "(taint $(cat /sys/module/xen_gntdev_dmabuf/taint))"
  else
    check gntdev_dmabuf_load FAIL "modprobe: $(tail -1 /tmp/gntdev.txt)"
    modprobe xen-gntdev
  fi
  stage_vimc_libcamera no-gtests with-sg
  {
    vcamera-backend --config /vcx/vcamera-backend.toml --log-level info >/tmp/backend.log 2>&1
    rc=$?
    sleep 1 # the log's tail first
    mark "BACKEND-EXIT D status $rc"
    dmesg | tail -15
  } &
  backend_watch &
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
