# SPDX-License-Identifier: MIT
# libcamera with vimc where the backend runs (dom0, or the PVH driver domain): POSIX sh sourced
# by dom0's scenario (bash) and the guests' stages (busybox sh), which define mark and check.

# The vimc camera's format (dom0/scenario attaches devs 5 and 6 with it): libcamera's vimc
# pipeline scales the sensor up by 3 and wants sizes that are multiples of 6.
VIMC_FOURCC=RGB3 VIMC_W=480 VIMC_H=360
VIMC_FRAMES=${VCX_VIMC_FRAMES:-30}
VIMC_FRAME_BYTES=$((VIMC_W * VIMC_H * 3))
VIMC_GOLDEN=/tmp/vimc-golden.txt

# "<md5>x<count>,..." of the frames in raw file $1 (frames of $2 bytes each, sorted by md5)
# in $digests; $digest_frames whole frames, $digest_rest bytes of a partial last one. The file
# is removed (busybox has no split: dd reads one frame at a time).
frame_digests() { # raw-file frame-bytes
  total=$(wc -c <"$1" 2>/dev/null || echo 0)
  digest_frames=$((total / $2)) digest_rest=$((total % $2))
  digests=$(
    i=0
    while [ $i -lt $digest_frames ]; do
      dd if="$1" bs="$2" skip=$i count=1 2>/dev/null | md5sum | cut -d' ' -f1
      i=$((i + 1))
    done | sort | uniq -c | awk '{ printf "%s%sx%d", (NR > 1 ? "," : ""), $2, $1 }'
  )
  rm -f "$1"
}

# The vimc sensors' sub-device nodes (sysfs names them "Sensor A", "Sensor B").
vimc_sensors() {
  for n in /sys/class/video4linux/v4l-subdev*; do
    case $(cat "$n/name" 2>/dev/null) in "Sensor "*) echo "/dev/${n##*/}" ;; esac
  done
}

# libcamera_finds_vimc (with "no-gtests": without the camera gtests, which the PVH driver
# domain leaves to dom0 mode: every minute a PVH domain lives under QEMU TCG risks an
# emulation fault; with "with-sg": vimc-sg too, the camera that imports a gntdev dma-buf,
# tests/xen/modules/vimc-sg.patch): vimc loaded, udev running (libcamera enumerates through its database),
# the sensors' on-screen text off (control "Show Information" = None; it draws a frame counter
# and the time: without it the frames depend on the format alone, so they have golden
# checksums); libcamera lists the camera. Then the golden frames (a GOLDEN line with their
# md5s, captured here through libcamera, also kept in $VIMC_GOLDEN) and the camera gtests
# that skip without a camera.
VIMC_ID="platform/vimc.0 Sensor B" VIMC_SG_ID="platform/vimc-sg.0 Sensor B"
stage_vimc_libcamera() { # [no-gtests [with-sg]]
  if [ ! -f /vcx/xmod-built ]; then
    check libcamera_finds_vimc FAIL "vimc not built: $(cat /vcx/xmod-status 2>/dev/null)"
    return 1
  fi
  if ! modprobe vimc 2>/tmp/vimc.txt; then
    check libcamera_finds_vimc FAIL "modprobe vimc: $(tail -1 /tmp/vimc.txt)"
    return 1
  fi
  with_sg=""
  if [ "${2:-}" = with-sg ]; then
    if ! modprobe vimc-sg 2>/tmp/vimc.txt; then
      check libcamera_finds_vimc FAIL "modprobe vimc-sg: $(tail -1 /tmp/vimc.txt)"
      return 1
    fi
    with_sg=1
  fi
  mkdir -p /run/udev
  /usr/lib/systemd/systemd-udevd --daemon >/tmp/udevd.txt 2>&1
  udevadm trigger --action=add >/dev/null 2>&1
  udevadm settle --timeout=30 2>&1
  osd="" osd_failed=""
  for d in $(vimc_sensors); do
    if v4l2-ctl -d "$d" --set-ctrl show_information=2 >/tmp/osd.txt 2>&1; then
      osd="$osd ${d#/dev/}"
    else
      osd_failed="$osd_failed ${d#/dev/}: $(tail -1 /tmp/osd.txt)"
    fi
  done
  /vcx/bin/vcamera-lc-probe list >/tmp/lc-list.json 2>/tmp/lc-list.err
  cat /tmp/lc-list.json /tmp/lc-list.err
  # The ids libcamera lists ("selector": "#N", "id": "...").
  ids=$(sed -n 's/.*"selector": "#[0-9]*", "id": "\([^"]*\)".*/\1/p' /tmp/lc-list.json | tr '\n' ',')
  missing=""
  case ",$ids" in *",$VIMC_ID,"*) ;; *) missing="'$VIMC_ID'" ;; esac
  if [ -n "$with_sg" ]; then
    case ",$ids" in *",$VIMC_SG_ID,"*) ;; *) missing="$missing '$VIMC_SG_ID'" ;; esac
  fi
  if [ -n "$missing" ] || [ -z "$osd" ] || [ -n "$osd_failed" ]; then
    cat /tmp/udevd.txt
    check libcamera_finds_vimc FAIL "libcamera lists '${ids%,}', not$missing ($(tail -1 /tmp/lc-list.err));" \
      "on-screen text off on:${osd:- nothing}${osd_failed:+; failed on$osd_failed}"
    return 1
  fi
  check libcamera_finds_vimc PASS "cameras '${ids%,}' with udev running; on-screen text off on$osd"
  /vcx/bin/vcamera-lc-probe capture "$VIMC_ID" --format $VIMC_FOURCC --size ${VIMC_W}x$VIMC_H \
    --frames 8 --raw /tmp/golden.raw >/tmp/golden.txt 2>&1
  rc=$?
  cat /tmp/golden.txt
  frame_digests /tmp/golden.raw $VIMC_FRAME_BYTES
  echo "$digests" >$VIMC_GOLDEN
  mark "GOLDEN vimc $VIMC_FOURCC ${VIMC_W}x$VIMC_H exit=$rc frames=$digest_frames $digests"
  [ "${1:-}" = no-gtests ] || stage_camera_gtests
}

# A gtest run's summary in file $1: $passed, $skipped, $failures (empty when it has none; dom0's
# scenario uses it too).
gtest_totals() {
  passed=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$1")
  skipped=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$1")
  failures=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$1")
}

# libcamera_camera_tests: the gtests that skip where there is no camera, with vimc here.
stage_camera_gtests() {
  summary="" ok=1
  for t in source_lc_camera_library_test source_lc_camera_stream_direct_test; do
    /vcx/bin/$t --gtest_color=no >/tmp/$t.txt 2>&1
    rc=$?
    gtest_totals /tmp/$t.txt
    summary="$summary $t: ${passed:-0} passed, ${skipped:-0} skipped, ${failures:-0} failed"
    [ $rc -eq 0 ] || summary="$summary (exit $rc)"
    summary="$summary;"
    if [ $rc -ne 0 ] || [ -z "$passed" ] || [ -n "$skipped" ]; then
      ok=0
      grep -E '^\[  (FAILED|SKIPPED) |Failure|error|Expected|Which is' /tmp/$t.txt | head -30
    fi
  done
  if [ $ok -eq 1 ]; then
    check libcamera_camera_tests PASS "with vimc:$summary"
  else
    check libcamera_camera_tests FAIL "with vimc:$summary"
  fi
}
