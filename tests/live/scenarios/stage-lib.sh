# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Helpers of the guest stages patched.sh and faults.sh, of the scenario
# cost.sh and of the host-guest stage, sourced by them (mkinitramfs.sh
# puts it beside them as /etc/live/stage-lib.sh).  They
# use $out (the results directory) and TRAFFIC_STDERR (the file that
# collects vsock-traffic's messages), and _-prefixed variables (sh has
# no locals).

# stage_programs LABEL: TD, the tcpdump on our libpcap, which the stage
# needs (without it, it says so and the stage ends with status 0), and
# VD, vsockdump on our libpcap, or empty.
stage_programs() {
	TD=tcpdump-patched
	VD=vsockdump
	command -v "$TD" >/dev/null || {
		echo "$1: no $TD, nothing to do"
		exit 0
	}
	command -v "$VD" >/dev/null || VD=
}

uptime_s() {
	cut -d' ' -f1 /proc/uptime
}

# counters IFACE STEP: a line of stages-stats.txt.
counters() {
	_d=/sys/class/net/$1/statistics
	echo "$2 rx_packets=$(cat "$_d/rx_packets" 2>/dev/null)" \
	    "tx_packets=$(cat "$_d/tx_packets" 2>/dev/null)" \
	    "uptime=$(uptime_s)" >>"$out/stages-stats.txt"
}

# roundplan ROUNDS CONF...: the runs of a benchmark that compares the
# configurations CONF, one word "I:R:CONF" each, run I (from 0) in round
# R (from 1).  Round R starts at the R-th configuration and goes round
# the list, so that neither a drift of the machine's speed nor the place
# in a round favours one.
roundplan() {
	_rounds=$1
	shift
	_r=1 _i=0
	while [ "$_r" -le "$_rounds" ]; do
		_j=0
		while [ "$_j" -lt "$#" ]; do
			eval "echo \"$_i:$_r:\${$(( (_r - 1 + _j) % $# + 1 ))}\""
			_i=$((_i + 1))
			_j=$((_j + 1))
		done
		_r=$((_r + 1))
	done
}

# sched PID WHEN: the run time of process PID so far in nanoseconds and
# the number of times it was given the CPU (/proc/PID/schedstat), as
# "WHEN=NS WHENn=N".
sched() {
	read -r _ns _wait _runs <"/proc/$1/schedstat" 2>/dev/null
	echo "$2=$_ns ${2}n=$_runs"
}

# The variable that holds capture NAME's process id.
pidvar() {
	echo "pid_$1" | tr -c 'A-Za-z0-9_\n' _
}

pidof_cap() {
	eval "echo \$$(pidvar "$1")"
}

# waitlisten NAME...: until each capture says it listens (10 s at most).
waitlisten() {
	for _n in "$@"; do
		_p=$(pidof_cap "$_n")
		_i=0
		while ! grep -q "listening on" "$out/$_n.stderr" 2>/dev/null
		do
			if ! kill -0 "$_p" 2>/dev/null; then
				echo "capture $_n exited before listening"
				break
			fi
			_i=$((_i + 1))
			if [ "$_i" -gt 100 ]; then
				echo "capture $_n not listening after 10 s"
				break
			fi
			usleep 100000
		done
	done
}

# refs STEP: the vsockmon module's reference count, one per vsockmon
# device that is up, in any network namespace, into refcnt.txt.  A
# device made for a capture, in a namespace of its own, is seen here
# only through it.
refs() {
	echo "$1: $(cat /sys/module/vsockmon/refcnt 2>/dev/null)" >>"$out/refcnt.txt"
}

# waitrefs STEP N: wait (5 s at most) for the count to be N, then refs
# (a namespace, and its device, go in a kernel work queue)
waitrefs() {
	_i=0
	while [ "$(cat /sys/module/vsockmon/refcnt 2>/dev/null)" != "$2" ] &&
	    [ "$_i" -lt 50 ]; do
		_i=$((_i + 1))
		usleep 100000
	done
	refs "$1"
}

# uidof NAME: the user capture NAME runs as, into uids.txt.
uidof() {
	echo "$1: $(awk '/^Uid:/ { print $2 }' "/proc/$(pidof_cap "$1")/status" 2>/dev/null)" \
	    >>"$out/uids.txt"
}

# children NAME: the processes whose parent is capture NAME, into
# children.txt (a capture has none of its own).
children() {
	_p=$(pidof_cap "$1")
	echo "$1:$(for _s in /proc/[0-9]*/stat; do
		awk -v p="$_p" '$4 == p { printf " %s(%s)", $1, $2 }' "$_s" 2>/dev/null
	done)" >>"$out/children.txt"
}

# The vsockmon devices (ARPHRD 826), with their state.
vsmdevs() {
	for d in /sys/class/net/*; do
		[ "$(cat "$d/type" 2>/dev/null)" = 826 ] || continue
		printf ' %s(%s)' "${d##*/}" "$(cat "$d/operstate")"
	done
}

links() {
	echo "$1:$(vsmdevs)" >>"$out/links.txt"
}

# once NAME CMD...: a one-shot command (10 s at most), its stdout,
# stderr and status.
once() {
	n=$1
	shift
	timeout 10 "$@" >"$out/$n.out" 2>"$out/$n.stderr"
	echo $? >"$out/$n.rc"
}

# asnobody NAME CMD: CMD (one string) as user nobody.
asnobody() {
	n=$1
	su -s /bin/sh nobody -c "timeout 10 $2" >"$out/$n.out" \
	    2>"$out/$n.stderr"
	echo $? >"$out/$n.rc"
	echo "whoami: $(su -s /bin/sh nobody -c 'id -u')" >>"$out/$n.out"
}

# start NAME META CMD...: a capture in the background, writing NAME.pcap;
# CMD gets "-w NAME.pcap" inserted after its first word.
start() {
	n=$1
	echo "$2" >"$out/$n.meta"
	shift 2
	c=$1
	shift
	"$c" -w "$out/$n.pcap" "$@" 2>"$out/$n.stderr" &
	eval "$(pidvar "$n")=$!"
	NEW="$NEW $n"
}

# stop NAME...: SIGINT, then the exit status into NAME.rc.
stop() {
	for n in "$@"; do
		p=$(pidof_cap "$n")
		kill -INT "$p" 2>/dev/null
		wait "$p"
		echo $? >"$out/$n.rc"
	done
}

# waitexit NAME: waits (10 s at most) for a capture to end by itself;
# "hung" in NAME.rc if it had to be stopped.
waitexit() {
	n=$1
	p=$(pidof_cap "$n")
	i=0
	while kill -0 "$p" 2>/dev/null && [ "$i" -lt 100 ]; do
		i=$((i + 1))
		usleep 100000
	done
	if kill -0 "$p" 2>/dev/null; then
		kill -INT "$p"
		wait "$p"
		echo hung >"$out/$n.rc"
	else
		wait "$p"
		echo $? >"$out/$n.rc"
	fi
}

# decode_captures VSOCKDUMP: every capture started so far ($NEW)
# decoded in the VM, for the host to compare.
decode_captures() {
	for _n in $NEW; do
		[ -f "$out/$_n.pcap" ] || continue
		"$1" -t -n -v -r "$out/$_n.pcap" >"$out/$_n.vm-decode.txt" \
		    2>"$out/$_n.vm-decode.stderr"
	done
}

# traffic STEP ARGS...: vsock-traffic, logged as STEP.traffic.log.
traffic() {
	_s=$1
	shift
	vsock-traffic "$@" >"$out/$_s.traffic.log" 2>>"$TRAFFIC_STDERR"
	echo $? >"$out/$_s.traffic.rc"
}
