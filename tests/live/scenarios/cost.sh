#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Live scenario "cost": what a capture costs a bulk transfer.  Run by
# /init as the scenario of a VM of its own (run-cost.sh), with vsockmon0
# up and nothing else running.
#
# The transfer: vsock-traffic's burst over the loopback transport (CID
# 1), one STREAM connection, LIVE_COST_COUNT (default 64) sends of 64
# KiB, the receiver hashing every byte.  It runs once per configuration
# in each of LIVE_COST_ROUNDS (default 5) rounds (stage-lib.sh's
# roundplan), after one run without capture that is not counted (the
# first connection and the first start of each program pay for more
# than the transfer).
#
# Configurations (LIVE_COST_CAPTURES, default those whose program is
# here, in this order), each started as a user would: -i vsockmon0 -w
# FILE, default buffer, snapshot length and timeout, no --immediate-mode:
#   none	no capture
#   stock	tcpdump, Debian's, on Debian's libpcap (pcap-linux.c)
#   vs		vsockdump-stock: vsockdump on Debian's libpcap
#   patched	tcpdump-patched: tcpdump on our libpcap (pcap-vsockmon.c)
#   vd		vsockdump on our libpcap
# each under "live-helper rusage", which records the CPU time the
# capture used from its start to its exit; its run time so far and the
# number of times it was given the CPU (/proc/PID/schedstat) are read
# too when the transfer starts (the capture listens) and when it ends.  It is stopped
# (SIGINT) when the transfer is over; its pcap, in /tmp, is summarised
# by vsock-pcap-flows and removed.
#
# Results in $1 (default /out), per run (R the round, 0 for the first
# run; C the configuration), for check-cost.sh:
#   cost-R-C.log	the generator's log (burst and recv lines)
#   cost-R-C.traffic-rc	its exit status
#   cost-R-C.stderr	the capture's messages and statistics
#   cost-R-C.rc		its exit status
#   cost-R-C.rusage	its CPU time (live-helper rusage)
#   cost-R-C.sched	"start=NS startn=N stop=NS stopn=N": its run time
#			and how many times it had been given the CPU, when
#			the transfer started and when it ended
#   cost-R-C.flows	vsock-pcap-flows' flow and file lines of its pcap
# and cost-runs.txt (one "R C" line per run, in the order they ran),
# cost-settings.txt, and the device's counters in stages-stats.txt
# (steps cost-R-C-start, -stop and -stopped).
out=${1:-/out}
. "$(dirname "$0")/stage-lib.sh"
iface=vsockmon0
TRAFFIC_STDERR=$out/cost-traffic.stderr
pcap=/tmp/cost.pcap
rounds=${LIVE_COST_ROUNDS:-5}
count=${LIVE_COST_COUNT:-64}

# The capture command of a configuration; empty for "none".
costcmd() {
	case $1 in
	stock)	echo "tcpdump -Z root" ;;
	vs)	echo "vsockdump-stock" ;;
	patched) echo "tcpdump-patched -Z root" ;;
	vd)	echo "vsockdump" ;;
	esac
}

if [ -z "${LIVE_COST_CAPTURES:-}" ]; then
	LIVE_COST_CAPTURES=none
	for c in stock vs patched vd; do
		prog=$(costcmd "$c")
		command -v "${prog%% *}" >/dev/null &&
		    LIVE_COST_CAPTURES="$LIVE_COST_CAPTURES $c"
	done
fi
for c in $LIVE_COST_CAPTURES; do
	[ "$c" = none ] || [ -n "$(costcmd "$c")" ] || {
		echo "cost: unknown capture '$c' in LIVE_COST_CAPTURES" \
		    "(none, stock, vs, patched, vd)"
		exit 2
	}
done
command -v live-helper >/dev/null || {
	echo "cost: no live-helper, nothing to do"
	exit 0
}
{
	echo "count=$count size=65536 rounds=$rounds" \
	    "clock=${LIVE_COST_CLOCK:-real}"
	echo "captures=$LIVE_COST_CAPTURES"
	for c in $LIVE_COST_CAPTURES; do
		[ "$c" = none ] || echo "$c: $(costcmd "$c") -i $iface -w FILE"
	done
} >"$out/cost-settings.txt"

# run SEQ R C: one transfer under configuration C.
run() {
	_n=cost-$2-$3
	_c=$(costcmd "$3")
	rm -f "$pcap"
	if [ -n "$_c" ]; then
		# shellcheck disable=SC2086
		live-helper rusage "$out/$_n.rusage" $_c -i "$iface" \
		    -w "$pcap" 2>"$out/$_n.stderr" &
		eval "$(pidvar "$_n")=$!"
		waitlisten "$_n"
		_p=$(sed -n 's/^pid=\([0-9]*\).*/\1/p' "$out/$_n.rusage")
		_t0=$(sched "$_p" start)
	fi
	counters "$iface" "$_n-start"
	vsock-traffic -p $((8000 + 10 * $1)) -C $((1000 + $1)) -n "$count" \
	    -s 65536 burst >"$out/$_n.log" 2>>"$TRAFFIC_STDERR"
	echo $? >"$out/$_n.traffic-rc"
	counters "$iface" "$_n-stop"
	if [ -n "$_c" ]; then
		echo "$_t0 $(sched "$_p" stop)" >"$out/$_n.sched"
		stop "$_n"
		counters "$iface" "$_n-stopped"
		vsock-pcap-flows "$pcap" 2>&1 | grep -v '^pkt ' \
		    >"$out/$_n.flows"
		rm -f "$pcap"
	fi
	echo "$2 $3" >>"$out/cost-runs.txt"
}

echo "cost: start at $(uptime_s)s: $LIVE_COST_CAPTURES, $rounds rounds"
: >"$out/cost-runs.txt"
run 0 0 none
# shellcheck disable=SC2086
for w in $(roundplan "$rounds" $LIVE_COST_CAPTURES); do
	r=${w#*:}
	run $((${w%%:*} + 1)) "${r%%:*}" "${w#*:*:}"
done
echo "cost: end at $(uptime_s)s"
