# SPDX-License-Identifier: MIT
# Boots Xen + dom0 under QEMU (TCG) and watches the serial console: shows check lines as they
# come, and when dom0 falls silent asks Xen for its state before ending the run (sourced).

# -rdtscp: QEMU's RDTSCP emulation breaks PVH guests (docs: xen-in-qemu.md). -xsave (and so
# no AVX): see tests/xen/README.md, "Stability".
VCX_QEMU_CPU=${VCX_QEMU_CPU:-max,-rdtscp,-xsave}

# Added to Xen's command line (e.g. "hap_1gb=0 hap_2mb=0" for 4 KiB nested page tables).
VCX_XEN_ARGS=${VCX_XEN_ARGS:-}

# dom0 prints a heartbeat every 20 s; this much silence means it is stuck.
VCX_STALL_SECONDS=${VCX_STALL_SECONDS:-120}

# Sends Xen debug keys over the serial socket: three CTRL-a switch the console's input to Xen,
# then 'r' (run queues) and '0' (dom0's vCPU registers and stacks).
vcx_xen_debug_keys() { # socket
  python3 - "$1" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"\x01\x01\x01")
time.sleep(1)
for key in b"r0":
    s.sendall(bytes([key]))
    time.sleep(2)
s.close()
EOF
}

# Runs QEMU until it exits (dom0 powers off), its time limit, or a stall. Sets VCX_QEMU_RC
# (124: time limit) and VCX_STALLED (seconds of silence, or 0).
vcx_boot() { # xen kernel dom0-image serial-log limit-seconds
  local xen=$1 kernel=$2 dom0=$3 serial=$4 limit=$5 socket="${4%.log}.sock"
  local pid seen=0 lines size last_size=-1 last_change now debug_sent=0
  rm -f "$socket"
  : >"$serial"
  timeout -k 10 "$limit" qemu-system-x86_64 \
    -machine q35 -accel "tcg,thread=${VCX_TCG_THREAD:-multi}" -cpu "$VCX_QEMU_CPU" -m 3G -smp 2 \
    -display none -vga none -monitor none -no-reboot -net none \
    -chardev "socket,id=com1,path=$socket,server=on,wait=off,logfile=$serial" -serial chardev:com1 \
    -kernel "$xen" \
    -append "console=com1 com1=115200,8n1 dom0_mem=1536M,max:1536M dom0_max_vcpus=2 noreboot smap=0${VCX_XEN_ARGS:+ $VCX_XEN_ARGS}" \
    -initrd "$kernel console=hvc0 earlyprintk=xen rdinit=/init loglevel=4,$dom0" &
  pid=$!
  VCX_STALLED=0
  last_change=$(date +%s)
  while kill -0 "$pid" 2>/dev/null; do
    lines=$(tr -d '\r' <"$serial" | grep '^@@VCX CHECK ' || true)
    if [[ -n $lines ]]; then
      tail -n +$((seen + 1)) <<<"$lines" >&2
      seen=$(grep -c '' <<<"$lines")
    fi
    now=$(date +%s)
    size=$(stat -c %s "$serial")
    if ((size != last_size)); then
      last_size=$size
      last_change=$now
    elif ((debug_sent == 0 && now - last_change >= VCX_STALL_SECONDS)); then
      VCX_STALLED=$((now - last_change))
      vcx_log "dom0 silent for ${VCX_STALLED} s: asking Xen for its state, then stopping QEMU"
      vcx_xen_debug_keys "$socket" || vcx_log "could not send Xen debug keys"
      debug_sent=$now
    elif ((debug_sent > 0 && now - debug_sent >= 20)); then
      kill -TERM "$pid" 2>/dev/null || true
    fi
    sleep 1
  done
  VCX_QEMU_RC=0
  wait "$pid" || VCX_QEMU_RC=$?
  rm -f "$socket"
}
