#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Stages of the live test for programs built on our libpcap (capture
# module pcap-vsockmon.c and the vsock filter primitives), run by /init
# as "stages.sh STAGE OUTDIR":
#
#   nomod	vsock loaded, vsockmon not: -D, and opening "vsockmon" and
#		"vsockmon0" must fail with a message that says to run
#		'modprobe vsockmon'.
#   nodev	vsockmon loaded, no device: -D lists the "vsockmon"
#		pseudo-device; as user nobody, opening it fails naming
#		CAP_NET_ADMIN; as root, "tcpdump -i vsockmon" (which drops
#		to user tcpdump once open) and then vsockdump each create a
#		device of their own, in a network namespace of their own
#		(none appears here), the traffic is captured, and each device
#		is gone once its program has exited: the vsockmon module's
#		reference count, which each device that is up holds (its
#		vsock tap), goes back to what it was.
#   main	after the scenario (vsockmon0 up): -D lists vsockmon0 once;
#		as nobody, opening vsockmon0 fails naming CAP_NET_RAW;
#		a device deleted during the capture (vanish-*); -Q in/out/
#		inout on crafted frames (dir-*); filters (flt-*): "vsock
#		port 7000" on vsockmon0 and on "any" while other flows run,
#		with the kernel's copy of each capture's filter; every new
#		pcap decoded by vsockdump in the VM.
#
# Programs: tcpdump-patched and vsockdump (both on our libpcap),
# tcpdump (stock, optional, for comparison only), vsock-traffic and
# live-helper.  Without tcpdump-patched the stages do nothing.
#
# Results in OUTDIR, for check-patched.sh and check.sh:
#   STAGE-PROG-WHAT.{out,stderr,rc}	one-shot commands
#   NAME.{pcap,stderr,rc}		captures; NAME.meta tells check.sh
#					how to check NAME.pcap
#   NAME.kfilter			live-helper sockfilter of NAME
#   NAME.vm-decode.txt			vsockdump -t -n -v -r NAME.pcap
#   STEP.traffic.log			vsock-traffic's logs
#   stages-stats.txt			device counters, as stats.txt
#   links.txt				vsockmon devices at each step
stage=${1:?usage: stages.sh nomod|nodev|main OUTDIR}
out=${2:-/out}
. "$(dirname "$0")/stage-lib.sh"
stage_programs "stage $stage"
NEW=
TRAFFIC_STDERR=$out/stages-traffic.stderr

decode_new() {
	[ -n "$VD" ] && decode_captures "$VD"
}

case $stage in
nomod)
	links nomod-before
	once nomod-td-D "$TD" -D
	once nomod-td-open "$TD" -i vsockmon -w /tmp/x.pcap
	once nomod-td-open0 "$TD" -i vsockmon0 -w /tmp/x.pcap
	if [ -n "$VD" ]; then
		once nomod-vd-D "$VD" -D
		once nomod-vd-open "$VD" -i vsockmon -w /tmp/x.pcap
	fi
	links nomod-after
	;;

nodev)
	links nodev-before
	once nodev-td-D "$TD" -D
	[ -n "$VD" ] && once nodev-vd-D "$VD" -D
	asnobody nodev-td-perm "$TD -i vsockmon -w /tmp/np.pcap"
	[ -n "$VD" ] && asnobody nodev-vd-perm "$VD -i vsockmon -w /tmp/np.pcap"
	links nodev-after-perm

	# tcpdump and vsockdump each create a device of their own, in a
	# namespace of their own: not seen here, but each holds a reference
	# on the vsockmon module while it is up.  The devices' counters are
	# not readable from here ("none": the counts are checked against
	# the traffic log and the programs' own statistics).
	links create-before
	refs create-before
	start create-td "kind=functional log=create.traffic.log step=create" \
	    "$TD" -i vsockmon
	waitlisten create-td
	links create-during
	refs create-during
	uidof create-td
	if [ -n "$VD" ]; then
		start create-vd \
		    "kind=functional log=create.traffic.log step=create" \
		    "$VD" -i vsockmon
		waitlisten create-vd
	fi
	links create-during2
	refs create-during2
	counters none create-start
	traffic create -p 5200 -z 1,100,4096,70000 stream seqpacket refused
	counters none create-stop
	if [ -n "$VD" ]; then
		stop create-vd
		links create-after-vd
		waitrefs create-after-vd 1
	fi
	stop create-td
	links create-after
	waitrefs create-after 0
	decode_new
	;;

main)
	links main-before
	once main-td-D "$TD" -D
	[ -n "$VD" ] && once main-vd-D "$VD" -D
	asnobody main-td-perm "$TD -i vsockmon0 -w /tmp/np.pcap"
	[ -n "$VD" ] && asnobody main-vd-perm "$VD -i vsockmon0 -w /tmp/np.pcap"

	# A device deleted during the capture.
	ip link add name vsockmon1 type vsockmon && ip link set vsockmon1 up
	start vanish-td \
	    "kind=functional log=vanish.traffic.log step=vanish" \
	    "$TD" -i vsockmon1
	[ -n "$VD" ] && start vanish-vd \
	    "kind=functional log=vanish.traffic.log step=vanish" \
	    "$VD" -i vsockmon1
	waitlisten vanish-td ${VD:+vanish-vd}
	counters vsockmon1 vanish-start
	traffic vanish -p 5300 -z 1,100,4096,70000 stream seqpacket
	counters vsockmon1 vanish-stop
	ip link del vsockmon1
	links vanish-deleted
	waitexit vanish-td
	[ -n "$VD" ] && waitexit vanish-vd

	# Direction: crafted frames, CIDs 1 (local) and 3, 4, 2^32+1 (not).
	start dir-td-in kind=plain "$TD" -i vsockmon0 -Q in
	start dir-td-out kind=plain "$TD" -i vsockmon0 -Q out
	start dir-td-inout kind=plain "$TD" -i vsockmon0 -Q inout
	dirs="dir-td-in dir-td-out dir-td-inout"
	if [ -n "$VD" ]; then
		start dir-vd-in kind=plain "$VD" -i vsockmon0 -Q in
		start dir-vd-out kind=plain "$VD" -i vsockmon0 -Q out
		dirs="$dirs dir-vd-in dir-vd-out"
	fi
	if command -v tcpdump >/dev/null; then
		start dir-stock-in kind=info tcpdump -Z root -i vsockmon0 -Q in
		dirs="$dirs dir-stock-in"
	fi
	# shellcheck disable=SC2086
	waitlisten $dirs
	for n in $dirs; do
		live-helper sockfilter "$(pidof_cap "$n")" >"$out/$n.kfilter" \
		    2>&1
	done
	counters vsockmon0 dir-start
	live-helper inject vsockmon0 \
	    1.100 1.200 5 \
	    3.300 1.400 7 \
	    1.500 3.600 11 \
	    3.700 4.800 13 \
	    3.900 4294967297.1000 3 \
	    4294967297.1100 1.1200 2 >"$out/dir.inject.log" 2>&1
	echo $? >"$out/dir.inject.rc"
	counters vsockmon0 dir-stop
	# shellcheck disable=SC2086
	stop $dirs

	# Filters, while other flows run.
	start flt-all kind=plain "$TD" -i vsockmon0
	start flt-td kind=plain "$TD" -i vsockmon0 vsock port 7000
	flts="flt-all flt-td"
	if [ -n "$VD" ]; then
		start flt-vd kind=plain "$VD" -i vsockmon0 vsock port 7000
		flts="$flts flt-vd"
	fi
	# "any" is libpcap's generic path (our module is not used): it keeps
	# a partly filled ring block at stop unless in immediate mode, and
	# its default buffer overflows on the 70000-byte messages.
	start flt-any kind=sll "$TD" --immediate-mode -B 32768 -i any \
	    vsock port 7000
	flts="$flts flt-any"
	# shellcheck disable=SC2086
	waitlisten $flts
	for n in $flts; do
		live-helper sockfilter "$(pidof_cap "$n")" >"$out/$n.kfilter" \
		    2>&1
	done
	once flt-td-ddd "$TD" -ddd -i vsockmon0 vsock port 7000
	once flt-none-ddd "$TD" -ddd -i vsockmon0
	once flt-any-ddd "$TD" -ddd -i any vsock port 7000
	if command -v tcpdump >/dev/null; then
		once flt-stock tcpdump -Z root -i vsockmon0 -w /tmp/s.pcap \
		    port 7000
	fi
	counters vsockmon0 flt-start
	traffic flt-a -p 6000 -z 1,100,4096,70000 stream seqpacket &
	tpid=$!
	traffic flt-b -p 7000 -z 1,100,4096,70000 stream seqpacket refused
	wait "$tpid"
	counters vsockmon0 flt-stop
	# shellcheck disable=SC2086
	stop $flts
	decode_new
	;;
*)
	echo "unknown stage $stage"
	exit 2
	;;
esac
links "$stage-end"
echo "stage $stage done:$NEW"
exit 0
