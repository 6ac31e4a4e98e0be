#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Capture faults, run by /init as "faults.sh faults OUTDIR" after the
# stages of scenarios/patched.sh (vsockmon0 up), with tcpdump-patched
# ("td") and vsockdump ("vd"), both on our libpcap.  The device deleted
# during a capture is patched.sh's "vanish" step; here:
#
#   two-*	two tcpdumps and two vsockdumps on vsockmon0 at the same
#		time, during traffic: each captures all of it
#   sig-P-S	SIGTERM / SIGINT (S) sent to program P during a burst of
#		small messages, without --immediate-mode: the pcap (in
#		/tmp, too big for /out) is read back here; its record count,
#		the read's status and messages go to sig-P-S.read
#   full-P	-w to a 128 KiB tmpfs that the capture fills: the capture
#		should stop with "No space left on device" and a non-zero
#		status; full-P.pcap is what it left there, full-ref-P.pcap an
#		unbounded capture of the same traffic (to compare prefixes)
#   mod-P	the vsockmon module unloaded while P captures on vsockmon2:
#		the kernel refuses while a vsockmon device is up (each up
#		device's vsock tap holds a module reference), so vsockmon0 is
#		deleted and vsockmon2 set down first, then "rmmod vsockmon"
#		deletes vsockmon2 under the capture; then the other vsock
#		modules are unloaded, and opening vsockmon0 again must fail
#		clearly (mod-P-after)
#
# Must be the last stage: it unloads vsockmon.  Every capture has a
# time limit; a program that does not end by itself is stopped with
# SIGKILL after SIGINT failed, and NAME.rc says "hung".
# Results (for check-faults.sh and check.sh): NAME.{pcap,stderr,rc,meta},
# faults.txt (what happened, one "key value" line each).
stage=${1:?usage: faults.sh faults OUTDIR}
out=${2:-/out}
. "$(dirname "$0")/stage-lib.sh"
stage_programs faults
[ "$stage" = faults ] || {
	echo "faults: unknown stage $stage"
	exit 2
}
NEW=
TRAFFIC_STDERR=$out/faults-traffic.stderr

note() {
	echo "$*" >>"$out/faults.txt"
}

prog() {
	case $1 in
	td)	echo "$TD" ;;
	vd)	echo "$VD" ;;
	esac
}

# cap NAME META FILE PROG ARGS...: PROG -w FILE ARGS in the background,
# its stderr in NAME.stderr; META into NAME.meta unless it is "-".
# (Functions use _-prefixed variables: sh has no locals.)
cap() {
	_n=$1 _m=$2 _f=$3 _p=$4
	shift 4
	[ "$_m" = - ] || echo "$_m" >"$out/$_n.meta"
	"$_p" -w "$_f" "$@" 2>"$out/$_n.stderr" &
	eval "$(pidvar "$_n")=$!"
	case $_f in "$out"/*) NEW="$NEW $_n" ;; esac
}

# finish NAME SIG TENTHS: SIG now (unless "-"), then waits up to TENTHS
# tenths of a second for the end; "hung" if SIGINT (and then SIGKILL)
# had to end it.
finish() {
	_n=$1 _s=$2 _l=$3
	_p=$(pidof_cap "$_n")
	[ "$_s" = - ] || kill -"$_s" "$_p" 2>/dev/null
	_i=0
	while kill -0 "$_p" 2>/dev/null && [ "$_i" -lt "$_l" ]; do
		_i=$((_i + 1))
		usleep 100000
	done
	if kill -0 "$_p" 2>/dev/null; then
		kill -INT "$_p" 2>/dev/null
		usleep 500000
		kill -KILL "$_p" 2>/dev/null
		wait "$_p"
		echo hung >"$out/$_n.rc"
	else
		wait "$_p"
		echo $? >"$out/$_n.rc"
	fi
}

progs="td${VD:+ vd}"
note "start $(uptime_s)"

# --- two captures at once on the same device -------------------------
twos="two-td1 two-td2"
[ -n "$VD" ] && twos="$twos two-vd1 two-vd2"
for n in $twos; do
	p=${n#two-}
	cap "$n" "kind=functional log=two.traffic.log step=two" \
	    "$out/$n.pcap" "$(prog "${p%?}")" -i vsockmon0
done
# shellcheck disable=SC2086
waitlisten $twos
counters vsockmon0 two-start
traffic two -p 5400 -z 1,100,70000 stream seqpacket
counters vsockmon0 two-stop
for n in $twos; do
	finish "$n" INT 50
done
note "two $twos $(uptime_s)"

# --- SIGTERM and SIGINT during a burst --------------------------------
for p in $progs; do
	for s in TERM INT; do
		n=sig-$p-$s
		f=/tmp/$n.pcap
		cap "$n" - "$f" "$(prog $p)" -i vsockmon0
		waitlisten "$n"
		vsock-traffic -p 5500 -n 10000 -s 64 burst \
		    >"$out/$n.traffic.log" 2>>"$out/faults-traffic.stderr" &
		tpid=$!
		usleep 200000
		during=no
		kill -0 "$tpid" 2>/dev/null && during=yes
		finish "$n" "$s" 50
		wait "$tpid"
		# The file, read back: records, status, messages.
		"$VD" -n -q -r "$f" >/tmp/lines 2>"$out/$n.read.stderr"
		rrc=$?
		recs=$(wc -l </tmp/lines)
		rm -f /tmp/lines
		echo "during=$during records=$recs readrc=$rrc" \
		    "size=$(wc -c <"$f" 2>/dev/null)" >"$out/$n.read"
		rm -f "$f"
		note "$n $(uptime_s)"
	done
done

# --- -w to a full file system ----------------------------------------
for p in $progs; do
	n=full-$p
	mkdir -p "/mnt/$n"
	mount -t tmpfs -o size=128k tmpfs "/mnt/$n"
	cap "$n" kind=fault "/mnt/$n/f.pcap" "$(prog $p)" -i vsockmon0
	cap "full-ref-$p" kind=fault "$out/full-ref-$p.pcap" "$TD" \
	    -i vsockmon0
	waitlisten "$n" "full-ref-$p"
	traffic "$n" -p 5600 -z 100000 stream
	finish "$n" - 30
	finish "full-ref-$p" INT 50
	df -k "/mnt/$n" | tail -n 1 >"$out/$n.df"
	cp "/mnt/$n/f.pcap" "$out/$n.pcap"
	NEW="$NEW $n"
	umount "/mnt/$n"
	note "$n $(uptime_s)"
done

# --- the vsockmon module unloaded during the capture ------------------
# A vsockmon device that is up holds a reference on the module (its
# vsock tap: vsock_add_tap() takes one), so "rmmod vsockmon" fails
# with EAGAIN while any is up (tried first, noted).  So: vsockmon0
# deleted, vsockmon2 (captured) set down, then rmmod, which deletes it.
ip link add name vsockmon2 type vsockmon && ip link set vsockmon2 up
mods="mod-td${VD:+ mod-vd}"
for n in $mods; do
	p=${n#mod-}
	cap "$n" "kind=functional log=mod.traffic.log step=mod" \
	    "$out/$n.pcap" "$(prog $p)" -i vsockmon2
done
# shellcheck disable=SC2086
waitlisten $mods
counters vsockmon2 mod-start
traffic mod -p 5700 -z 1,100,4096,70000 stream seqpacket
counters vsockmon2 mod-stop
usleep 200000
r=$(rmmod vsockmon 2>&1)
note "rmmod-vsockmon-up rc=$? $r"
ip link del vsockmon0
ip link set vsockmon2 down
usleep 500000
for n in $mods; do
	kill -0 "$(pidof_cap "$n")" 2>/dev/null &&
	    note "$n alive-after-down" || note "$n ended-at-down"
done
rmmod vsockmon >"$out/mod-rmmod.out" 2>&1
echo $? >"$out/mod-rmmod.rc"
note "rmmod-vsockmon rc=$(cat "$out/mod-rmmod.rc")" \
    "$(tr '\n' ' ' <"$out/mod-rmmod.out")"
note "devices-after-rmmod $(ls /sys/class/net | tr '\n' ' ')"
for n in $mods; do
	finish "$n" - 50
done
# The rest of the vsock modules, last loaded first (vsock_diag, which
# phase N of the scenario loads, holds vsock too).
for m in vsock_diag vsock_loopback vmw_vsock_virtio_transport_common vsock; do
	r=$(rmmod "$m" 2>&1)
	note "rmmod-$m rc=$? $r"
done
for p in $progs; do
	n=mod-$p-after
	timeout 10 "$(prog $p)" -i vsockmon0 -w /tmp/x.pcap \
	    >"$out/$n.out" 2>"$out/$n.stderr"
	echo $? >"$out/$n.rc"
done

if [ -n "$VD" ]; then
	for n in $NEW; do
		[ -f "$out/$n.pcap" ] || continue
		"$VD" -t -n -v -r "$out/$n.pcap" >"$out/$n.vm-decode.txt" \
		    2>"$out/$n.vm-decode.stderr"
		echo $? >"$out/$n.vm-decode.rc"
	done
fi
note "end $(uptime_s)"
echo "faults done:$NEW"
exit 0
