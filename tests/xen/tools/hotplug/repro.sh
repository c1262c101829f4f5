#!/bin/busybox sh
# SPDX-License-Identifier: MIT
# /repro inside the hot-unplug VM (tools/hotplug/run): vimc + udev, a libcamera capture,
# vimc unbound mid-stream, what every thread does then, vimc bound again, list and capture.
# Mode two-cameras: vimc-sg too, served beside vimc; vimc-sg unbound mid-stream.
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin:/sbin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /tmp /run && mount -t tmpfs tmp /tmp && mount -t tmpfs run /run
exec </dev/console >/dev/console 2>&1

mark() { echo "@@HP $*"; }
# Runs gtest binary $1 (its libraries in /hp/lib) and marks its exit status and summary.
run_gtest() {
  LD_LIBRARY_PATH=/hp/lib "$1" >/tmp/gtest.txt 2>&1
  mark "GTEST ${1##*/} rc=$? $(grep -E '^\[  (PASSED|FAILED|SKIPPED)  \] [0-9]' /tmp/gtest.txt | tr '\n' ' ')"
}
arg() { sed -n "s/.*vcx.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
probe=/vcx/bin/vcamera-lc-probe
[ -x /hp/bin/vcamera-lc-probe ] && probe=/hp/bin/vcamera-lc-probe
wait_s=$(arg wait)
wait_s=${wait_s:-20}
mode=$(arg mode) # own (default), direct, backend or two-cameras
timeout_ms=$(arg timeout)
stream_args="capture #0 --format RGB3 --size 480x360 --frames 100000 --timeout-ms ${timeout_ms:-600000} --debug"
[ "$mode" = direct ] && stream_args="$stream_args --direct"

# Every thread of process $1: name, kernel wchan, syscall (number and args) and kernel stack.
threads() {
  for t in /proc/"$1"/task/*; do
    echo "-- thread ${t##*/} $(cat "$t/comm" 2>/dev/null) wchan=$(cat "$t/wchan" 2>/dev/null)" \
      "syscall=$(cat "$t/syscall" 2>/dev/null)" \
      "utime+stime=$(awk '{print $14 "+" $15}' "$t/stat" 2>/dev/null) ticks"
    sed 's/^/   /' "$t/stack" 2>/dev/null
  done
  if [ -x /hp/bin/gdb ]; then
    timeout 60 /hp/bin/gdb -nx -batch -p "$1" -ex 'set pagination off' \
      -ex 'thread apply all bt' >/tmp/gdb.txt 2>&1
    grep -E '^(Thread|#)' /tmp/gdb.txt | head -120
    grep -q '^#' /tmp/gdb.txt || head -20 /tmp/gdb.txt
  fi
}

alive() { kill -0 "$1" 2>/dev/null; }
yn() { alive "$1" && echo yes || echo no; }
# Unbinds (unplugs) or binds (plugs back) the vimc device.
vimc_driver() { echo vimc.0 >"/sys/bus/platform/drivers/vimc/$1"; }
# The same for vimc-sg (tests/xen/modules/vimc-sg.patch).
vimc_sg_driver() { echo vimc-sg.0 >"/sys/bus/platform/drivers/vimc-sg/$1"; }

mark "UP $(cut -d' ' -f1 /proc/uptime) mode=${mode:-own} probe=$probe"
modprobe vimc || mark "FAIL modprobe vimc"
if [ "$mode" = two-cameras ]; then modprobe vimc-sg || mark "FAIL modprobe vimc-sg"; fi
mkdir -p /run/udev
/usr/lib/systemd/systemd-udevd --daemon >/tmp/udevd.txt 2>&1
udevadm trigger --action=add >/dev/null 2>&1
udevadm settle --timeout=30
$probe list >/tmp/list.json 2>/tmp/list.err
mark "LIST1 $(grep -c '"selector"' /tmp/list.json) camera(s): $(sed -n 's/.*"id": "\([^"]*\)".*/\1/p' /tmp/list.json | tr '\n' ',')"

# vcamera-backend on the emulated Xen (broker: driver domain 1, guest 3): dev 0 is vimc through
# libcamera, dev 1 the test pattern. vimc unbound while both stream: dev 0's capture must end
# with an error, dev 1's must go on (every frame verified), the backend must live; vimc bound
# again: dev 0 captures again.
# The end of a backend scenario: the backend stopped (its exit status and the last $1 lines of
# its log, without per-frame lines), then the broker; powers off.
end_backend_scenario() { # log-lines
  mark "BACKEND alive=$(yn $backend) at the end"
  kill -TERM $backend 2>/dev/null
  wait $backend
  mark "BACKEND-EXIT rc=$?"
  mark "BACKEND-LOG-BEGIN"
  grep -v -e ': frame [0-9]' /tmp/backend.log | tail -"$1"
  mark "BACKEND-LOG-END"
  kill -TERM $broker 2>/dev/null
  wait $broker
  mark "BROKER-EXIT rc=$? $(tail -2 /tmp/broker.log | tr '\n' ' ')"
  # With every camera free again: vimc unbound right before a Camera::stop() (the guard).
  t=/hp/bin/source_lc_stop_after_unplug_test
  if [ -x $t ]; then
    run_gtest $t
    grep -v -e '^$' /tmp/gtest.txt | tail -25
  fi
  mark "DONE"
  poweroff -f
}

backend_scenario() {
  b=/hp/bin
  mkfifo /tmp/ready
  $b/vcamera-xen-broker --socket /tmp/xen.sock --domain 1 --domain 3 --log-violations \
    --ready-fd 3 3>/tmp/ready >/tmp/broker.log 2>&1 &
  broker=$!
  # shellcheck disable=SC3045 # busybox's read has -n and -t
  read -r -n 1 -t 30 _ </tmp/ready || mark "FAIL the broker did not start"
  $b/vcamera-ctl --emulated /tmp/xen.sock attach --frontend 3 --backend 1 --unique-id vimc \
    --format RGB3:480x360@30/1 || mark "FAIL attach vimc"
  $b/vcamera-ctl --emulated /tmp/xen.sock attach --frontend 3 --backend 1 --dev 1 \
    --unique-id tp --format YUYV:640x480@30/1 || mark "FAIL attach tp"
  printf '[[camera]]\nunique-id = "vimc"\nsource = "libcamera:#0"\n\n[[camera]]\nunique-id = "tp"\nsource = "test-pattern"\n' >/tmp/backend.toml
  $b/vcamera-backend --emulated /tmp/xen.sock --domid 1 --config /tmp/backend.toml \
    >/tmp/backend.log 2>&1 &
  backend=$!
  sleep 3
  $b/vcamera-capture --emulated /tmp/xen.sock --domid 3 --dev 0 --format RGB3:480x360 \
    --frames 100000 >/tmp/cap0.txt 2>&1 &
  cap0=$!
  $b/vcamera-capture --emulated /tmp/xen.sock --domid 3 --dev 1 --format YUYV:640x480 \
    --frames 900 --verify >/tmp/cap1.txt 2>&1 &
  cap1=$!
  sleep 8
  mark "BACKEND-STREAMING backend alive=$(yn $backend)" \
    "dev0 alive=$(yn $cap0) dev1 alive=$(yn $cap1)"
  vimc_driver unbind
  rc=$?
  mark "UNBOUND rc=$rc"
  i=0
  while [ $i -lt "$wait_s" ] && alive $cap0; do sleep 1; i=$((i + 1)); done
  if alive $cap0; then
    mark "DEV0-STILL-RUNNING after ${wait_s}s"
    alive $backend && threads $backend
    kill $cap0
  else
    wait $cap0
    mark "DEV0-ENDED rc=$? after ${i}s: $(grep -v '^$' /tmp/cap0.txt | tail -1)"
  fi
  mark "BACKEND alive=$(yn $backend) after the unbind"
  wait $cap1
  mark "DEV1-ENDED rc=$? $(grep -v '^$' /tmp/cap1.txt | tail -2 | tr '\n' ' ')"
  vimc_driver bind
  rc=$?
  mark "BOUND rc=$rc"
  udevadm settle --timeout=30
  sleep 2
  $b/vcamera-capture --emulated /tmp/xen.sock --domid 3 --dev 0 --format RGB3:480x360 \
    --frames 30 >/tmp/cap2.txt 2>&1
  mark "DEV0-AGAIN rc=$? $(grep -v '^$' /tmp/cap2.txt | tail -1)"
  end_backend_scenario 80
}
[ "$mode" = backend ] && backend_scenario

# Two libcamera cameras: vimc (dev 0), vimc-sg (dev 2) and the test pattern (dev 1), all
# streaming; vimc-sg unbound. Dev 2's capture must end (its camera gone, its stream stopped),
# dev 0's too (libcamera restarts, vimc stopped and released normally: not leaked), dev 1's
# must go on, the backend must live; dev 0 must capture again at once (before the bind: its
# camera is not held by a leaked pipeline), dev 2 after the bind.
two_cameras_scenario() {
  b=/hp/bin
  vimc_id="platform/vimc.0 Sensor B" sg_id="platform/vimc-sg.0 Sensor B"
  grep -q "\"$sg_id\"" /tmp/list.json || mark "FAIL libcamera does not list '$sg_id'"
  mkfifo /tmp/ready
  $b/vcamera-xen-broker --socket /tmp/xen.sock --domain 1 --domain 3 --log-violations \
    --ready-fd 3 3>/tmp/ready >/tmp/broker.log 2>&1 &
  broker=$!
  # shellcheck disable=SC3045 # busybox's read has -n and -t
  read -r -n 1 -t 30 _ </tmp/ready || mark "FAIL the broker did not start"
  ctl="$b/vcamera-ctl --emulated /tmp/xen.sock attach --frontend 3 --backend 1"
  $ctl --unique-id vimc --format RGB3:480x360@30/1 || mark "FAIL attach vimc"
  $ctl --dev 1 --unique-id tp --format YUYV:640x480@30/1 || mark "FAIL attach tp"
  $ctl --dev 2 --unique-id vimcsg --format RGB3:480x360@30/1 || mark "FAIL attach vimc-sg"
  printf '[[camera]]\nunique-id = "vimc"\nsource = "libcamera:%s"\n\n' "$vimc_id" >/tmp/backend.toml
  printf '[[camera]]\nunique-id = "tp"\nsource = "test-pattern"\n\n' >>/tmp/backend.toml
  printf '[[camera]]\nunique-id = "vimcsg"\nsource = "libcamera:%s"\n' "$sg_id" >>/tmp/backend.toml
  $b/vcamera-backend --emulated /tmp/xen.sock --domid 1 --config /tmp/backend.toml \
    >/tmp/backend.log 2>&1 &
  backend=$!
  sleep 3
  capture() { # dev format frames [--verify]
    $b/vcamera-capture --emulated /tmp/xen.sock --domid 3 --dev "$1" --format "$2" --frames "$3" \
      ${4:+"$4"}
  }
  capture 0 RGB3:480x360 100000 >/tmp/cap0.txt 2>&1 &
  cap0=$!
  capture 1 YUYV:640x480 900 --verify >/tmp/cap1.txt 2>&1 &
  cap1=$!
  capture 2 RGB3:480x360 100000 >/tmp/cap2.txt 2>&1 &
  cap2=$!
  sleep 8
  mark "TWO-STREAMING backend alive=$(yn $backend) dev0 alive=$(yn $cap0)" \
    "dev1 alive=$(yn $cap1) dev2 alive=$(yn $cap2)"
  t0=$(cut -d' ' -f1 /proc/uptime)
  vimc_sg_driver unbind
  mark "SG-UNBOUND rc=$?"
  i=0
  while [ $i -lt $((wait_s * 10)) ] && { alive $cap0 || alive $cap2; }; do
    sleep 0.1
    i=$((i + 1))
  done
  t1=$(cut -d' ' -f1 /proc/uptime)
  for d in 2 0; do
    eval "pid=\$cap$d"
    if alive "$pid"; then
      mark "DEV$d-STILL-RUNNING after ${wait_s}s"
      kill "$pid"
    else
      wait "$pid"
      mark "DEV$d-ENDED rc=$? $(grep -v '^$' /tmp/cap$d.txt | tail -1)"
    fi
  done
  mark "BOTH-ENDED within $(awk "BEGIN {printf \"%.1f\", $t1 - $t0}") s of the unbind"
  mark "BACKEND alive=$(yn $backend) after the unbind"
  # At once, before vimc-sg comes back: vimc was released, not leaked running.
  sleep 1
  capture 0 RGB3:480x360 30 >/tmp/cap0b.txt 2>&1
  mark "DEV0-AGAIN rc=$? before the bind: $(grep -v '^$' /tmp/cap0b.txt | tail -1)"
  wait $cap1
  mark "DEV1-ENDED rc=$? $(grep -v '^$' /tmp/cap1.txt | tail -2 | tr '\n' ' ')"
  vimc_sg_driver bind
  mark "SG-BOUND rc=$?"
  udevadm settle --timeout=30
  sleep 2
  capture 2 RGB3:480x360 30 >/tmp/cap2b.txt 2>&1
  mark "DEV2-AGAIN rc=$? $(grep -v '^$' /tmp/cap2b.txt | tail -1)"
  capture 0 RGB3:480x360 30 >/tmp/cap0c.txt 2>&1
  mark "DEV0-AFTER-BIND rc=$? $(grep -v '^$' /tmp/cap0c.txt | tail -1)"
  # What the backend said: which streams ended as unplugged, which it stopped, and why.
  grep -m1 'camera device node(s) gone' /tmp/backend.log | sed 's/^/@@HP SAID-GONE /'
  grep -m1 "libcamera/$vimc_id: stopped and released" /tmp/backend.log | sed 's/^/@@HP SAID-VIMC /'
  grep -m1 "libcamera/$sg_id: .*the camera was unplugged" /tmp/backend.log | sed 's/^/@@HP SAID-SG /'
  grep -m1 'dom3/vcamera0: .*libcamera restarts after' /tmp/backend.log | sed 's/^/@@HP SAID-DEV0 /'
  grep 'acquired; device nodes' /tmp/backend.log | sed 's/^/@@HP SAID-NODES /'
  end_backend_scenario 120
}
[ "$mode" = two-cameras ] && two_cameras_scenario

udevadm monitor --kernel --udev --subsystem-match=media --subsystem-match=video4linux \
  >/tmp/udev-monitor.txt 2>&1 &
monitor=$!
# shellcheck disable=SC2086 # the arguments are words
LIBCAMERA_LOG_LEVELS='*:0' $probe $stream_args >/tmp/probe.out 2>/tmp/probe.err &
pid=$!
# The unbind comes 8 s after the capture started streaming (its --timeout-ms runs from there).
i=0
while [ $i -lt 100 ] && ! grep -qE 'streaming with|capturing straight' /tmp/probe.err 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
sleep 8
frames_before=$(grep -c '^frame' /tmp/probe.out)
mark "STREAMING pid=$pid frames=$frames_before"
[ "$frames_before" -gt 0 ] || { tail -20 /tmp/probe.err; mark "FAIL no frames before unplug"; }

vimc_driver unbind
rc=$?
mark "UNBOUND rc=$rc"
i=0
while [ $i -lt "$wait_s" ] && alive $pid; do
  sleep 1
  i=$((i + 1))
done
if alive $pid; then
  mark "STILL-RUNNING after ${wait_s}s: frames=$(grep -c '^frame' /tmp/probe.out)"
  threads $pid
  mark "THREADS-END"
else
  wait $pid
  mark "EXITED rc=$? after ${i}s"
fi
mark "UDEV-EVENTS-BEGIN"
cat /tmp/udev-monitor.txt
mark "UDEV-EVENTS-END"

vimc_driver bind
rc=$?
mark "BOUND rc=$rc"
udevadm settle --timeout=30
sleep 3
if alive $pid; then
  i=0
  while [ $i -lt 10 ] && alive $pid; do sleep 1; i=$((i + 1)); done
  if alive $pid; then
    mark "STILL-RUNNING after bind"
    threads $pid
    kill -9 $pid
  else
    wait $pid
    mark "EXITED-AFTER-BIND rc=$?"
  fi
fi
mark "PROBE-STDERR-BEGIN"
# Everything but our per-frame lines; libcamera's per-frame debug only for the last frames.
grep -v -e '^$' -e ': frame [0-9]* [0-9]* bytes' /tmp/probe.err >/tmp/probe.log
mark "PROBE-LOG $(wc -l </tmp/probe.log) lines, $(grep -c . /tmp/probe.err) in all"
head -40 /tmp/probe.log
echo ...
tail -"${VCX_HP_LINES:-250}" /tmp/probe.log
mark "PROBE-STDERR-END"
mark "PROBE-STDOUT-TAIL"
grep -v '^frame' /tmp/probe.out
grep '^frame' /tmp/probe.out | tail -2

for n in /sys/class/video4linux/*; do
  case $(cat "$n/name" 2>/dev/null) in "Sensor "*) v4l2-ctl -d "/dev/${n##*/}" --set-ctrl show_information=2 ;; esac
done
$probe list >/tmp/list2.json 2>/tmp/list2.err
mark "LIST2 $(grep -c '"selector"' /tmp/list2.json) camera(s)"
$probe capture '#0' --format RGB3 --size 480x360 --frames 8 >/tmp/cap2.out 2>/tmp/cap2.err
mark "CAPTURE2 rc=$? $(grep -c '^frame' /tmp/cap2.out) frames; $(tail -1 /tmp/cap2.err)"
[ "$mode" = direct ] && {
  $probe capture '#0' --format RGB3 --size 480x360 --frames 8 --direct >/tmp/cap3.out 2>/tmp/cap3.err
  mark "CAPTURE2-DIRECT rc=$? $(grep -c '^frame' /tmp/cap3.out) frames; $(tail -1 /tmp/cap3.err)"
}
# The camera gtests (with --gtests), on the camera that came back.
for t in /hp/bin/source_lc_*_test; do
  [ -x "$t" ] || continue
  run_gtest "$t"
done
kill $monitor 2>/dev/null
mark "DONE"
poweroff -f
