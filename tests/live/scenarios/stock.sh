#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Stages of the live test for vsockdump on Debian's unpatched libpcap
# (vsockdump-stock in the VM: "make vsockdump-static", which links the
# system's libpcap.a), run by /init as "stages-stock.sh STAGE OUTDIR" at
# the moments of scenarios/patched.sh.  vsockdump brings its own vsockmon
# support there; the stages check it does what our libpcap's module does:
#
#   nomod	vsock loaded, vsockmon not: -D lists no vsockmon entry;
#		opening "vsockmon" or "vsockmon0" fails saying 'modprobe
#		vsockmon'.
#   nodev	vsockmon loaded, no device: -D lists the "vsockmon"
#		pseudo-device; as nobody, opening it fails naming
#		CAP_NET_ADMIN and leaves no device; as root, "-i vsockmon"
#		creates a device in a network namespace of its own (none
#		appears here; the vsockmon module's reference count, one
#		per device that is up, shows it), with no process of its
#		own beside vsockdump, captures the traffic, and the device
#		is gone when vsockdump's socket closes: at exit after SIGINT
#		(vs-create), after SIGTERM with privileges dropped by -Z
#		nobody (vs-createz), and after SIGKILL (vs-kill).
#   main	vsockmon0 up: -D lists it once; -L lists VSOCK; as nobody,
#		opening vsockmon0 fails naming CAP_NET_RAW; a device
#		deleted during the capture (vs-vanish); -Q in/out on
#		crafted frames (vs-dir-*), the direction test in the
#		kernel; "vsock port 7000" on vsockmon0 and on "any"
#		(vs-flt-*) while other flows run, with the kernel's copy
#		of each filter and -ddd of each.
#
# Results in OUTDIR, checked by check-stock.sh (and, through the .meta
# files, by check.sh); names start with "vs-".
stage=${1:?usage: stages-stock.sh nomod|nodev|main OUTDIR}
out=${2:-/out}
. "$(dirname "$0")/stage-lib.sh"
VS=vsockdump-stock
command -v "$VS" >/dev/null || {
	echo "stock stage $stage: no $VS, nothing to do"
	exit 0
}
NEW=
TRAFFIC_STDERR=$out/stages-traffic.stderr

case $stage in
nomod)
	once vs-nomod-D "$VS" -D
	once vs-nomod-open "$VS" -i vsockmon -w /tmp/x.pcap
	once vs-nomod-open0 "$VS" -i vsockmon0 -w /tmp/x.pcap
	links vs-nomod-after
	;;

nodev)
	once vs-nodev-D "$VS" -D
	asnobody vs-nodev-perm "$VS -i vsockmon -w /tmp/np.pcap"
	links vs-nodev-after-perm

	# Created in a namespace of its own, captured, gone at exit: SIGINT.
	links vs-create-before
	refs vs-create-before
	start vs-create "kind=functional log=vs-create.traffic.log step=vs-create" \
	    "$VS" -i vsockmon
	waitlisten vs-create
	links vs-create-during
	refs vs-create-during
	children vs-create
	counters none vs-create-start
	traffic vs-create -p 5400 -z 1,100,4096,70000 stream seqpacket refused
	counters none vs-create-stop
	stop vs-create
	links vs-create-after
	waitrefs vs-create-after 0

	# The same after -Z nobody, stopped by SIGTERM.
	start vs-createz kind=info "$VS" -i vsockmon -Z nobody
	waitlisten vs-createz
	links vs-createz-during
	refs vs-createz-during
	traffic vs-createz -p 5410 -z 1,4096 stream
	uidof vs-createz
	p=$(pidof_cap vs-createz)
	kill -TERM "$p"
	wait "$p"
	echo $? >"$out/vs-createz.rc"
	links vs-createz-after
	waitrefs vs-createz-after 0

	# Killed: no exit code of its own runs; the kernel closes the socket.
	start vs-kill kind=info "$VS" -i vsockmon
	waitlisten vs-kill
	links vs-kill-during
	refs vs-kill-during
	kill -KILL "$(pidof_cap vs-kill)"
	wait "$(pidof_cap vs-kill)"
	links vs-kill-after
	waitrefs vs-kill-after 0
	decode_captures "$VS"
	;;

main)
	once vs-main-D "$VS" -D
	once vs-main-L "$VS" -L -i vsockmon0
	once vs-any-y "$VS" -d -y LINUX_SLL -i any vsock
	asnobody vs-main-perm "$VS -i vsockmon0 -w /tmp/np.pcap"

	# A device deleted during the capture.
	ip link add name vsockmon1 type vsockmon && ip link set vsockmon1 up
	start vs-vanish \
	    "kind=functional log=vs-vanish.traffic.log step=vs-vanish" \
	    "$VS" -i vsockmon1
	waitlisten vs-vanish
	counters vsockmon1 vs-vanish-start
	traffic vs-vanish -p 5500 -z 1,100,4096,70000 stream seqpacket
	counters vsockmon1 vs-vanish-stop
	ip link del vsockmon1
	waitexit vs-vanish

	# Direction: crafted frames, CIDs 1 (local) and 3, 4, 2^32+1 (not).
	start vs-dir-in kind=plain "$VS" -i vsockmon0 -Q in
	start vs-dir-out kind=plain "$VS" -i vsockmon0 -Q out
	start vs-dir-inout kind=plain "$VS" -i vsockmon0 -Q inout
	dirs="vs-dir-in vs-dir-out vs-dir-inout"
	# shellcheck disable=SC2086
	waitlisten $dirs
	for n in $dirs; do
		live-helper sockfilter "$(pidof_cap "$n")" >"$out/$n.kfilter" \
		    2>&1
	done
	once vs-dir-in-ddd "$VS" -ddd -i vsockmon0 -Q in
	live-helper inject vsockmon0 \
	    1.100 1.200 5 \
	    3.300 1.400 7 \
	    1.500 3.600 11 \
	    3.700 4.800 13 \
	    3.900 4294967297.1000 3 \
	    4294967297.1100 1.1200 2 >"$out/vs-dir.inject.log" 2>&1
	echo $? >"$out/vs-dir.inject.rc"
	# shellcheck disable=SC2086
	stop $dirs

	# Filters, in the kernel, while other flows run.
	start vs-flt-all kind=plain "$VS" -i vsockmon0
	start vs-flt-vd kind=plain "$VS" -i vsockmon0 vsock port 7000
	start vs-flt-any kind=sll "$VS" -i any vsock port 7000
	flts="vs-flt-all vs-flt-vd vs-flt-any"
	# shellcheck disable=SC2086
	waitlisten $flts
	for n in $flts; do
		live-helper sockfilter "$(pidof_cap "$n")" >"$out/$n.kfilter" \
		    2>&1
	done
	once vs-flt-vd-ddd "$VS" -ddd -i vsockmon0 vsock port 7000
	once vs-flt-none-ddd "$VS" -ddd -i vsockmon0
	once vs-flt-any-ddd "$VS" -ddd -i any vsock port 7000
	counters vsockmon0 vs-flt-start
	traffic vs-flt-a -p 6100 -z 1,100,4096,70000 stream seqpacket &
	tpid=$!
	traffic vs-flt-b -p 7000 -z 1,100,4096,70000 stream seqpacket refused
	wait "$tpid"
	counters vsockmon0 vs-flt-stop
	# shellcheck disable=SC2086
	stop $flts
	decode_captures "$VS"
	;;
*)
	echo "unknown stage $stage"
	exit 2
	;;
esac
echo "stock stage $stage done:$NEW"
exit 0
