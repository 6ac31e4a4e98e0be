#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Live scenario "capture", run by /init inside the VM.
#
# Phase 1 (functional): every capture program present listens on
# vsockmon0 at once, each writing NAME.pcap, while vsock-traffic runs
# its STREAM, SEQPACKET and refused-connect plan; the captures are
# stopped with SIGINT as soon as the traffic ends.
# Phase 2 (burst benchmark): for each capture program alone, the same
# burst of small messages, captured into burst-NAME.pcap.
# Phase A (connection analysis, between the two; LIVE_NO_ANALYSIS=1
# skips it): vsockdump captures with --notes and -z conv,vsock,json
# while vsock-traffic's "analysis" mode runs concurrent connections, a
# refused connect and a receiver that stops reading for
# LIVE_STALL_PAUSE seconds (default 2); stall threshold
# LIVE_STALL_THRESHOLD (default 0.5).
# Phase N (names and processes, after A; LIVE_NO_NAMES=1 skips it):
# vsockdump without -n.  First with no vsock_diag in the kernel: a
# one-line note, and the capture goes on; then, vsock_diag loaded
# (/etc/live/late-modules), vsock-owners' processes of known pids and
# command names on both ends of loopback connections, captured with -v
# and -z conv,vsock,json; then, with live-helper (the patched build),
# stand-ins of hypervisor processes (vsock-owners vm) and a libvirt
# state file, and crafted frames from their CIDs: the VMs' names, one
# of a VM started during the capture.
#
# Capture programs, by name (those whose binary is in the initramfs):
#	stock	tcpdump (Debian's, or whatever LIVE_TCPDUMP gave)
#	patched	tcpdump-patched (LIVE_TCPDUMP_PATCHED)
#	vd	vsockdump (on our libpcap, when it was built)
#	vs	vsockdump-stock (on Debian's unpatched libpcap)
# LIVE_CAPTURES overrides the list; LIVE_CAPCMD_<name> the command
# (it gets "-i IFACE -w FILE" appended; "-" in a name is "_" there).
# LIVE_DFLT_CAPTURES (e.g. "patched vd"): these programs also capture
# phase 1 as NAME-dflt, with their default buffer and without
# --immediate-mode (and no LIVE_FUNC_ARGS), to show that stopping by
# SIGINT loses nothing even then.
# LIVE_BURST_CAPTURES: the captures of phase 2 (default LIVE_CAPTURES;
# may name NAME-dflt ones).
#
# Results in $1 (default /out):
#	traffic.log, traffic.stderr, traffic.rc	phase 1's generator
#	NAME.pcap, NAME.stderr, NAME.rc		phase 1's captures
#	burst-NAME.log, burst-NAME.traffic-rc	phase 2's generator
#	burst-NAME.pcap, burst-NAME.stderr, burst-NAME.rc
#	NAME.vm-decode.txt	vsockdump -t -n -v -r NAME.pcap, in the VM
#	analysis.log, analysis.traffic-rc	phase A's generator
#	analysis.pcap, analysis.stderr, analysis.rc	its capture
#	analysis.live.txt	what vsockdump printed live: packets, notes,
#				stall alerts, JSON lines at the end
#	names-nodiag.*		phase N without vsock_diag: .txt (the
#				lines), .stderr, .rc, .log (vsock-owners),
#				.lsmod
#	owners.log, owners.pcap, owners.stderr, owners.rc
#	owners.live.txt		phase N's processes: -v lines and JSON
#	vmnames.txt, vmnames.stderr, vmnames.rc, vmnames.pids
#				phase N's VM names ("CID PID" of each
#				stand-in)
#	burst-NAME.stdout	what a burst capture printed (vd-attr: its
#				JSON lines, attribution on)
#	stats.txt	vsockmon0's packet counters at each step
#	versions.txt	kernel and program versions
#
# Environment (from /etc/live/env): LIVE_TRAFFIC_ARGS (extra arguments
# of vsock-traffic in phase 1), LIVE_FUNC_ARGS (extra capture options
# of phase 1, default "-B 32768"), LIVE_BURST_ARGS (of the burst,
# default "-n 5000 -s 64"), LIVE_IFACE (default vsockmon0),
# LIVE_NO_BURST=1.
out=${1:-/out}
iface=${LIVE_IFACE:-vsockmon0}
mkdir -p "$out"

uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

# One line of stats.txt: a step name and vsockmon0's counters.
counters() {
	d=/sys/class/net/$iface/statistics
	echo "$1 rx_packets=$(cat "$d/rx_packets" 2>/dev/null)" \
	    "tx_packets=$(cat "$d/tx_packets" 2>/dev/null)" \
	    "uptime=$(uptime_s)" >>"$out/stats.txt"
}

# settle: waits until vsockmon0's counter has stood still for 200 ms
# (10 s at most).  vsock_loopback hands packets to the taps from a work
# queue, so some are still on their way when the traffic generator
# exits; a capture stopped before they reach the device misses them,
# and the count check would blame the capture.
settle() {
	_d=/sys/class/net/$iface/statistics/rx_packets
	_last=$(cat "$_d" 2>/dev/null)
	_i=0
	while [ "$_i" -lt 50 ]; do
		usleep 200000
		_now=$(cat "$_d" 2>/dev/null)
		[ "$_now" = "$_last" ] && return
		_last=$_now
		_i=$((_i + 1))
	done
}

capcmd() {
	eval "c=\${LIVE_CAPCMD_$(echo "$1" | tr -c 'A-Za-z0-9_\n' _):-}"
	if [ -n "$c" ]; then
		echo "$c"
		return
	fi
	case $1 in
	stock)	echo "tcpdump -Z root --immediate-mode" ;;
	patched) echo "tcpdump-patched -Z root --immediate-mode" ;;
	vd)	echo "vsockdump --immediate-mode" ;;
	vs)	echo "vsockdump-stock --immediate-mode" ;;
	stock-dflt) echo "tcpdump -Z root" ;;
	patched-dflt) echo "tcpdump-patched -Z root" ;;
	vd-dflt) echo "vsockdump" ;;
	vs-dflt) echo "vsockdump-stock" ;;
	# Process attribution on: without -n, with a conversation table.
	vd-attr) echo "vsockdump --immediate-mode -q -z conv,vsock,json" ;;
	*)	echo "$1" ;;
	esac
}

if [ -z "${LIVE_CAPTURES:-}" ]; then
	LIVE_CAPTURES=
	command -v tcpdump >/dev/null && LIVE_CAPTURES="stock"
	command -v tcpdump-patched >/dev/null &&
	    LIVE_CAPTURES="$LIVE_CAPTURES patched"
	command -v vsockdump >/dev/null && LIVE_CAPTURES="$LIVE_CAPTURES vd"
	command -v vsockdump-stock >/dev/null &&
	    LIVE_CAPTURES="$LIVE_CAPTURES vs"
fi

{
	echo "kernel $(uname -r)"
	for name in $LIVE_CAPTURES; do
		set -- $(capcmd "$name")
		echo "$name: $*"
		"$1" --version 2>&1 | head -n 2
	done
} >"$out/versions.txt"

# The shell variable holding the pid of capture FILEBASE.
pidvar() {
	echo "pid_$1" | tr -c 'A-Za-z0-9_\n' _
}

# start FILEBASE NAME [ARGS]: starts capture NAME writing FILEBASE.pcap.
start() {
	f=$1
	c=$(capcmd "$2")
	shift 2
	# shellcheck disable=SC2086
	$c "$@" -i "$iface" -w "$out/$f.pcap" >"$out/$f.stdout" \
	    2>"$out/$f.stderr" &
	eval "$(pidvar "$f")=$!"
}

# waitlisten FILEBASE: until the capture says it listens (at most 20 s).
waitlisten() {
	eval "p=\$$(pidvar "$1")"
	n=0
	while ! grep -q "listening on" "$out/$1.stderr" 2>/dev/null; do
		if ! kill -0 "$p" 2>/dev/null; then
			echo "capture $1 exited before listening"
			return 1
		fi
		n=$((n + 1))
		if [ "$n" -gt 200 ]; then
			echo "capture $1 not listening after 20 s"
			return 1
		fi
		usleep 100000
	done
}

# stop FILEBASE: SIGINT, then its exit status into FILEBASE.rc.
stop() {
	eval "p=\$$(pidvar "$1")"
	kill -INT "$p" 2>/dev/null
	wait "$p"
	echo $? >"$out/$1.rc"
}

# Phase 1.
: >"$out/stats.txt"
# A buffer large enough for all of phase 1, so that only a loss at stop
# can make a capture miss packets; phase 2 uses the default buffer.
for name in $LIVE_CAPTURES; do
	# shellcheck disable=SC2086
	start "$name" "$name" ${LIVE_FUNC_ARGS--B 32768}
done
dflt=
for name in ${LIVE_DFLT_CAPTURES:-}; do
	start "$name-dflt" "$name-dflt"
	dflt="$dflt $name-dflt"
done
for name in $LIVE_CAPTURES $dflt; do
	waitlisten "$name"
done
counters "functional-start"
# shellcheck disable=SC2086
vsock-traffic ${LIVE_TRAFFIC_ARGS:-} stream seqpacket refused \
    >"$out/traffic.log" 2>"$out/traffic.stderr"
echo $? >"$out/traffic.rc"
settle
counters "functional-stop"
for name in $LIVE_CAPTURES $dflt; do
	stop "$name"
done
counters "functional-stopped"
# Decoded in the VM too, for the host to compare.
if command -v vsockdump >/dev/null; then
	for name in $LIVE_CAPTURES $dflt; do
		vsockdump -t -n -v -r "$out/$name.pcap" \
		    >"$out/$name.vm-decode.txt" 2>"$out/$name.vm-decode.stderr"
	done
fi
echo "phase 1: traffic status $(cat "$out/traffic.rc"), captures:" \
    "$LIVE_CAPTURES$dflt"

# Phase A: the connection analysis of a live capture.
if command -v vsockdump >/dev/null && [ "${LIVE_NO_ANALYSIS:-0}" != 1 ]; then
	counters "analysis-start"
	# -w with --print: the pcap for the host, and the live analysis.
	vsockdump --immediate-mode -B 32768 -# -tt -n --notes \
	    --stall-threshold "${LIVE_STALL_THRESHOLD:-0.5}" \
	    -z conv,vsock,json -i "$iface" -w "$out/analysis.pcap" --print \
	    >"$out/analysis.live.txt" 2>"$out/analysis.stderr" &
	pid_analysis=$!
	echo "kind=plain" >"$out/analysis.meta"
	waitlisten analysis
	vsock-traffic -p 6000 -P "${LIVE_STALL_PAUSE:-2}" analysis \
	    >"$out/analysis.log" 2>>"$out/traffic.stderr"
	echo $? >"$out/analysis.traffic-rc"
	counters "analysis-stop"
	stop analysis
	counters "analysis-stopped"
	echo "phase A: traffic status $(cat "$out/analysis.traffic-rc")," \
	    "capture status $(cat "$out/analysis.rc")"
fi

# Phase N: names and processes, vsockdump without -n.
if command -v vsockdump >/dev/null && command -v vsock-owners >/dev/null &&
    [ "${LIVE_NO_NAMES:-0}" != 1 ]; then
	# Without vsock_diag: a one-line note, and the capture goes on.
	vsockdump --immediate-mode -l -v -i "$iface" \
	    >"$out/names-nodiag.txt" 2>"$out/names-nodiag.stderr" &
	pid_names_nodiag=$!
	waitlisten names-nodiag
	vsock-owners -p 7000 -n 1 -H 50 owners >"$out/names-nodiag.log" 2>&1
	stop names-nodiag
	lsmod >"$out/names-nodiag.lsmod" 2>&1
	for m in $(cat /etc/live/late-modules 2>/dev/null); do
		insmod "/lib/modules/$m.ko" || echo "insmod $m failed"
	done
	# Processes of known pids and names on both ends.  The pcap is
	# checked as a plain one (format and decoders): its traffic is not
	# phase 1's.
	echo "kind=plain" >"$out/owners.meta"
	counters "owners-start"
	vsockdump --immediate-mode -B 32768 -# -tt -v -z conv,vsock,json \
	    -i "$iface" -w "$out/owners.pcap" --print \
	    >"$out/owners.live.txt" 2>"$out/owners.stderr" &
	pid_owners=$!
	waitlisten owners
	vsock-owners -p 7100 owners >"$out/owners.log" 2>&1
	stop owners
	counters "owners-stopped"
	echo "phase N: processes: capture status $(cat "$out/owners.rc")"
fi
# The VMs' names: stand-ins of hypervisor processes (their command
# lines as vsockdump reads them), a libvirt state file, and frames
# crafted from their CIDs.
if command -v vsockdump >/dev/null && command -v vsock-owners >/dev/null &&
    command -v live-helper >/dev/null && [ "${LIVE_NO_NAMES:-0}" != 1 ]; then
	: >"$out/vmnames.pids"
	# vm CID ARG0 ARG...: a stand-in, "CID PID" into vmnames.pids.
	vm() {
		_cid=$1
		shift
		vsock-owners vm "$@" >"/tmp/vm-$_cid.pid" &
		_i=0
		while [ ! -s "/tmp/vm-$_cid.pid" ] && [ "$_i" -lt 100 ]; do
			usleep 50000
			_i=$((_i + 1))
		done
		echo "$_cid $(head -n 1 "/tmp/vm-$_cid.pid")" \
		    >>"$out/vmnames.pids"
	}
	vm 7 qemu-system-x86_64 -name guest=fake-qemu,debug-threads=on \
	    -device vhost-vsock-pci,id=vsock0,guest-cid=7
	vm 8 /usr/libexec/qemu-kvm -name 'my vm.example' \
	    -device '{"driver":"vhost-vsock-pci","id":"v1","guest-cid":8}'
	vm 9 qemu-system-x86_64 -device vhost-vsock-pci,guest-cid=9
	vm 10 cloud-hypervisor --kernel /vmlinux \
	    --vsock cid=10,socket=/tmp/ch.vsock
	vm 11 crosvm run --cid 11 /vmlinux
	vm 13 qemu-system-x86_64 -name host -device vhost-vsock-pci,guest-cid=13
	mkdir -p /run/libvirt/qemu
	cat >/run/libvirt/qemu/lv.xml <<'XML'
<domstatus state='running' reason='booted' pid='1'>
  <domain type='kvm' id='1'>
    <name>lv&amp;domain</name>
    <devices>
      <vsock model='virtio'>
        <cid auto='yes' address='12'/>
      </vsock>
    </devices>
  </domain>
</domstatus>
XML
	vsockdump --immediate-mode -l -i "$iface" >"$out/vmnames.txt" \
	    2>"$out/vmnames.stderr" &
	pid_vmnames=$!
	waitlisten vmnames
	live-helper inject "$iface" 7.1024 2.5000 1 8.1024 2.5000 1 \
	    9.1024 2.5000 1 10.1024 2.5000 1 11.1024 2.5000 1 12.22 2.5000 1 \
	    13.1 2.2 1 15.1 2.2 1 >"$out/vmnames.inject" 2>&1
	# A VM started during the capture: named once looked up again.
	vm 14 qemu-system-x86_64 -name late-vm \
	    -device vhost-vsock-pci,guest-cid=14
	i=0
	while [ "$i" -lt 8 ]; do
		live-helper inject "$iface" 14.1024 2.5000 1 \
		    >>"$out/vmnames.inject" 2>&1
		usleep 500000
		i=$((i + 1))
	done
	stop vmnames
	kill $(cut -d' ' -f2 "$out/vmnames.pids") 2>/dev/null
	rm -rf /run/libvirt
	echo "phase N: VM names: capture status $(cat "$out/vmnames.rc")"
fi

# Phase 2.
[ "${LIVE_NO_BURST:-0}" = 1 ] && exit 0
for name in ${LIVE_BURST_CAPTURES:-$LIVE_CAPTURES}; do
	start "burst-$name" "$name"
	waitlisten "burst-$name"
	counters "burst-$name-start"
	# shellcheck disable=SC2086
	vsock-traffic ${LIVE_BURST_ARGS:--n 5000 -s 64} burst \
	    >"$out/burst-$name.log" 2>>"$out/traffic.stderr"
	echo $? >"$out/burst-$name.traffic-rc"
	settle
	counters "burst-$name-stop"
	stop "burst-$name"
	counters "burst-$name-stopped"
	echo "phase 2: burst under $name done"
done
exit 0
