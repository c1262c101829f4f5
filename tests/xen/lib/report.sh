# SPDX-License-Identifier: MIT
# Turns the serial console log into the run's verdict: one CHECK line per expected check, in
# order, and the failing domains' last console lines (sourced).

# Every check a run must pass, in the order they run. kmod_build and xmod_build are the host's.
vcx_checks() { # mode
  if [[ $1 == pvh-stress ]]; then
    echo dom0_up dom0_files_after_gtests backend_start pvh_stress xen_guest_faults dom0_files_at_end
    return
  fi
  echo dom0_up vimc_load dom0_gtests dom0_files_after_gtests
  if [[ $1 == driver-domain ]]; then
    echo gntdev_dmabuf_load libcamera_finds_vimc driver_domain_backend
  else
    echo libcamera_finds_vimc libcamera_camera_tests backend_start
  fi
  echo attach_guestA guestA_boot guestA_vcamera_capture guestA_capture_checksums
  [[ $1 == driver-domain ]] && echo dma_test_capture dma_test_checksums zero_copy_fallback
  echo kmod_build xmod_build kmod_load video_node
  echo compliance_single_planar compliance_multi_planar
  echo stream_mmap stream_userptr stream_dmabuf stream_mmap_multi_planar
  [[ $1 == driver-domain ]] &&
    echo vimc_frames_be_alloc vimc_frames_sg vimc_frames_mmap zero_copy_be_alloc_vimc \
      zero_copy_frontend_vimc_sg zero_copy_fallback_vimc
  if [[ $1 != driver-domain ]]; then
    echo vimc_frames_be_alloc vimc_frames_mmap zero_copy_fallback_vimc
    echo zero_copy_fallback_vimc_be_alloc
    echo be_alloc_refused_in_pv fourcc_three_char_be ctrl_events backend_restart
    echo backend_restart_states no_grants_left
    echo dom0_files_after_capture
    echo attach_guestB guestB_boot guestA_destroyed_mid_stream reattach_guestA guestA_recreated
    echo guestA_reconnect_capture guestB_capture guestB_no_stall
    # Guest C (PVH) only with --pvh-guest (run's pvh_guest).
    ((${pvh_guest:-0})) &&
      echo attach_guestC guestC_boot be_alloc_stream dma_test_capture dma_test_checksums \
        zero_copy_fallback
    echo backend_stop
  fi
  echo xen_guest_faults dom0_files_at_end
}

# Xen's reports of guests it stopped ("(XEN) d1v0 Triple fault ...", "(XEN) Domain 1 (vcpu#0)
# crashed ..."), one line each, with the RIP of the register dump that follows. Two kinds say
# "emulation fault" (README, "PVH domains under QEMU TCG"), the only ones run boots again for:
# a guest whose saved state is Xen's own (CS e008, a RIP inside Xen), resumed with the host
# state QEMU's SVM emulation should have kept for Xen; and a PVH domain that died before its
# /init said GUEST-UP (dom0's "@@VCX PVH-EARLY-FAULT <name> dom<N>"), in which only Debian's
# kernel had run.
vcx_xen_guest_faults() { # clean-serial-log
  awk -v early="$(sed -n 's/^@@VCX PVH-EARLY-FAULT \([^ ]*\) dom\([0-9]*\)$/\2:\1/p' "$1" | tr '\n' ' ')" '
    function report(rip, cs,   dom, name, i, n, e) {
      line = what ", RIP " cs ":" rip
      dom = what
      sub(/^d/, "", dom)
      sub(/[^0-9].*/, "", dom)
      name = ""
      n = split(early, e, " ")
      for (i = 1; i <= n; i++)
        if (e[i] ~ ("^" dom ":")) name = substr(e[i], length(dom) + 2)
      if (cs == "e008" && rip ~ /^ffff82d0/)
        line = line ": the guest was resumed with Xen'"'"'s own state (its CS and a RIP inside" \
          " Xen, right after VMRUN): an emulation fault of QEMU TCG'"'"'s SVM, not of the guest"
      else if (name != "")
        line = line ": PVH " name " died before its /init (only Debian'"'"'s kernel had run in it," \
          " no vcamera code): an emulation fault of QEMU TCG'"'"'s SVM as far as can be told"
      else if (what ~ /triple fault/ && cs == "0010" && rip ~ /^ffffffff8/ && length(rip) == 16)
        line = line ": a triple fault in the kernel'"'"'s own text (no module'"'"'s), where Linux" \
          " cannot fail to deliver an exception unless the emulated nested paging broke: an" \
          " emulation fault of QEMU TCG'"'"'s SVM as far as can be told"
      print line
      what = ""
    }
    /^\(XEN\) d[0-9]+v[0-9]+ Triple fault/ { if (what != "") report("?", "?"); what = $2 " triple fault"; next }
    /^\(XEN\) Domain [0-9]+ \(vcpu#[0-9]+\) crashed/ {
      if (what != "") report("?", "?")
      what = "d" $3 " crashed"
      next
    }
    what != "" && /^\(XEN\) RIP:/ {
      split($3, part, ":")
      rip = part[2]
      gsub(/[][<>]/, "", rip)
      report(rip, part[1])
    }
    END { if (what != "") report("?", "?") }' "$1"
}

vcx_report() { # mode serial-log kmod-ok kmod-status xmod-ok xmod-status qemu-rc stalled-seconds
  local mode=$1 serial=$2 kmod_ok=$3 kmod_status=$4 xmod_ok=$5 xmod_status=$6 qemu_rc=$7 stalled=$8
  local clean name line status detail faults
  local passed=0 total=0 failed_any=0 checks
  checks=($(vcx_checks "$mode"))
  clean=$(mktemp)
  tr -d '\r' <"$serial" >"$clean"
  # dom0 ends with every domain's whole console as "@@VCX FULL <name>| line": one file each.
  local dir
  dir=$(dirname "$serial")
  rm -f "$dir"/console-*.log
  sed -n 's/^@@VCX FULL //p' "$clean" | awk -v dir="$dir" '
    { i = index($0, "| "); if (i > 1) print substr($0, i + 2) > (dir "/console-" substr($0, 1, i - 1) ".log") }'
  for name in "${checks[@]}"; do
    total=$((total + 1))
    if [[ $name == xen_guest_faults ]]; then
      faults=$(vcx_xen_guest_faults "$clean")
      if [[ -z $faults ]]; then
        status=PASS detail="Xen's console reports no triple fault and no crashed domain"
      else
        status=FAIL detail=$(tr '\n' ';' <<<"$faults" | sed 's/;$//')
      fi
    elif [[ $name == kmod_build ]]; then
      if ((kmod_ok)); then status=PASS; else status=FAIL; fi
      detail=$kmod_status
    elif [[ $name == xmod_build ]]; then
      if ((xmod_ok)); then status=PASS; else status=FAIL; fi
      detail=$xmod_status
    else
      line=$(grep -m1 "^@@VCX CHECK $name " "$clean" || true)
      if [[ -n $line ]]; then
        line=${line#"@@VCX CHECK $name "}
        status=${line%% *}
        detail=${line#* }
      else
        status=FAIL
        detail="not reached (see the console log)"
      fi
    fi
    [[ $status == PASS ]] && passed=$((passed + 1)) || failed_any=1
    printf 'CHECK %s: %s %s\n' "$name" "$status" "$detail"
  done
  # Checks the scenario printed that this list does not know are a harness bug: show them.
  grep '^@@VCX CHECK ' "$clean" | while read -r _ _ name status detail; do
    [[ " ${checks[*]} " == *" $name "* ]] && continue
    printf 'CHECK %s: %s %s\n' "$name" "$status" "$detail"
    [[ $status == PASS ]] || echo "(unexpected failing check $name)"
  done
  if grep -q '^@@VCX CHECK [^ ]* FAIL' "$clean"; then failed_any=1; fi
  if ((failed_any)); then
    # The scenario prints the failing guest's and the backend's last lines as "@@VCX LOG".
    if grep -q '^@@VCX LOG ' "$clean"; then
      echo "--- last console lines of the failing domains ---"
      sed -n 's/^@@VCX LOG //p' "$clean"
    fi
    if ! grep -q '^@@VCX SCENARIO-DONE' "$clean"; then
      if ((stalled > 0)); then
        echo "--- dom0 fell silent for $stalled s; Xen's state was dumped at the end of the console log ---"
      fi
      echo "--- dom0 did not finish the scenario (QEMU exit $qemu_rc); last lines of Xen/dom0's console ---"
      grep -v '^@@VCX LOG \|^@@VCX FULL ' "$clean" | tail -n 60
    fi
  fi
  rm -f "$clean"
  echo "RESULT: $passed/$total checks passed"
  ((failed_any == 0))
}
