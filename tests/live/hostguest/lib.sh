# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Helpers of the host-guest stage's two scenarios, host.sh (in the VM,
# the host) and guest.sh (in the nested VM), sourced by them as
# /etc/live/hg-lib.sh after /etc/live/stage-lib.sh.  They use $out (the
# results), $iface (the vsockmon device), SYNC (the sync channel of
# vsock-traffic: QEMU's chardev socket on the host, /dev/ttyS2 in the
# guest) and PEER (the other side's CID).  Settings from
# /etc/live/env: LIVE_HG_SIZES (message sizes, -z), LIVE_HG_BURST (the
# burst's -n and -s), LIVE_HG_BULK_SECS, LIVE_HG_BULK_CAPTURES,
# LIVE_HG_BULK_ROUNDS.
#
# The traffic, the same plan on both sides (vsock-traffic -r):
#   part a	guest (client, CID 3) to host (server, CID 2), ports 5000
#		(STREAM), 5001 (SEQPACKET), 5002 (burst), 5099 (refused);
#		connections numbered from 1
#   part b	host (client) to guest (server), ports 6000...6099;
#		connections numbered from 101
#   bulk-R-CAP	STREAM guest to host for LIVE_HG_BULK_SECS seconds in
#		64 KiB sends, while the host captures with CAP, in round
#		R; the runs in bulkplan's order, run I (from 0) on port
#		7002 + 100 I, connection 201 + I
#   agent	host (client) to guest (server), port 1024, one
#		connection held 3 s (vsock-owners), captured without -n
#		on both sides (names.*)

CAPS=

# stats STEP: the device's counters, a line of stats.txt (as capture.sh).
stats() {
	_d=/sys/class/net/$iface/statistics
	echo "$1 rx_packets=$(cat "$_d/rx_packets" 2>/dev/null)" \
	    "tx_packets=$(cat "$_d/tx_packets" 2>/dev/null)" \
	    "uptime=$(uptime_s)" >>"$out/stats.txt"
}

# cap NAME META FILTER PROG ARGS...: a capture on $iface into NAME.pcap,
# in the background; META ("-" for none) goes into NAME.meta for
# ../check.sh, FILTER (may be empty) is the capture filter, also kept in
# NAME.filter for check.sh.
cap() {
	_n=$1 _m=$2 _f=$3
	shift 3
	[ "$_m" = - ] || echo "$_m" >"$out/$_n.meta"
	[ -z "$_f" ] || echo "$_f" >"$out/$_n.filter"
	# shellcheck disable=SC2086
	"$@" -i "$iface" -w "$out/$_n.pcap" $_f 2>"$out/$_n.stderr" &
	eval "$(pidvar "$_n")=$!"
	CAPS="$CAPS $_n"
}

# stopcaps NAME...: SIGINT, then the exit status into NAME.rc.
stopcaps() {
	for _n in "$@"; do
		_p=$(pidof_cap "$_n")
		kill -INT "$_p" 2>/dev/null
		wait "$_p"
		echo $? >"$out/$_n.rc"
	done
}

# settle: until the device's counters have not moved for a second (10 s
# at most): the last RST of a connection may still be on its way when
# both generators have exited.
settle() {
	_last='' _same=0 _i=0
	while [ "$_same" -lt 2 ] && [ "$_i" -lt 20 ]; do
		_now=$(cat "/sys/class/net/$iface/statistics/rx_packets" \
		    "/sys/class/net/$iface/statistics/tx_packets" | tr '\n' ' ')
		if [ "$_now" = "$_last" ]; then
			_same=$((_same + 1))
		else
			_same=0
		fi
		_last=$_now
		_i=$((_i + 1))
		usleep 500000
	done
}

# part NAME ROLE: this side's generator of part a or b (see above),
# logged as NAME.ROLE.log.
part() {
	case $1 in
	a)	_port=5000 _conn=1 ;;
	b)	_port=6000 _conn=101 ;;
	esac
	# shellcheck disable=SC2086
	vsock-traffic -r "$2" -S "$SYNC" -c "$PEER" -p "$_port" -C "$_conn" \
	    ${LIVE_HG_SIZES:+-z "$LIVE_HG_SIZES"} ${LIVE_HG_BURST:--n 1000 -s 64} \
	    stream seqpacket refused burst \
	    >"$out/$1.$2.log" 2>>"$out/traffic.stderr"
	echo $? >"$out/$1.$2.rc"
}

# functional ROLE_A ROLE_B: this side of parts a and b while its
# captures ($FUNC_CAPS) run, until the device is quiet.
functional() {
	FUNC_CAPS=$CAPS
	stats functional-start
	echo "traffic start at $(uptime_s)"
	part a "$1"
	echo "part a done at $(uptime_s), status $(cat "$out/a.$1.rc")"
	part b "$2"
	echo "part b done at $(uptime_s), status $(cat "$out/b.$2.rc")"
	settle
	stats functional-stop
}

# endfunctional: the captures of parts a and b stop.
endfunctional() {
	# shellcheck disable=SC2086
	stopcaps $FUNC_CAPS
	stats functional-stopped
}

# probestart, probe: a capture (probe.pcap) while this side connects to
# CID 4, where no guest is: which side's tap sees what of it (check.sh).
# The host starts its capture before the guest can (before its own
# captures of parts a and b stop), and waits (60 s at most) for the
# guest's REQUEST to show on its device.
probestart() {
	CAPS=
	cap probe kind=plain "" tcpdump-patched -Z root
	waitlisten probe
	stats probe-start
}

probe() {
	vsock-cat -n 4 9999 >"$out/probe.log" 2>&1
	echo $? >"$out/probe.rc"
	if [ "$PEER" = 3 ]; then
		_i=0
		while [ "$(awk '$1 == "probe-start" { print $2 }' "$out/stats.txt")" = \
		    "$(awk '{ print "rx_packets=" $1 }' \
		    "/sys/class/net/$iface/statistics/rx_packets")" ] &&
		    [ "$_i" -lt 600 ]; do
			usleep 100000
			_i=$((_i + 1))
		done
	fi
	settle
	stats probe-stop
	stopcaps probe
}

# bulkplan: the bulk runs, the same on both sides, as words
# "I:R:CAP": run I (from 0), round R (from 1), the host's capture CAP:
# LIVE_HG_BULK_ROUNDS (default 1) rounds of LIVE_HG_BULK_CAPTURES
# (default "none stock patched"), as stage-lib.sh's roundplan orders
# them.
bulkplan() {
	# shellcheck disable=SC2086
	roundplan "${LIVE_HG_BULK_ROUNDS:-1}" \
	    ${LIVE_HG_BULK_CAPTURES-none stock patched}
}

# bulk I NAME ROLE: this side of bulk run I (from 0), logged as
# NAME.ROLE.log.
bulk() {
	vsock-traffic -r "$3" -S "$SYNC" -c "$PEER" -p $((7000 + 100 * $1)) \
	    -C $((201 + $1)) -T "${LIVE_HG_BULK_SECS:-5}" -s 65536 burst \
	    >"$out/$2.$3.log" 2>>"$out/traffic.stderr"
	echo $? >"$out/$2.$3.rc"
}

# names_cap: vsockdump without -n on $iface, as capture "names": the
# names of CIDs and ports and the processes of local endpoints, its -v
# lines and JSON lines in names.live.txt.
names_cap() {
	echo "kind=info" >"$out/names.meta"
	vsockdump --immediate-mode -l -v -z conv,vsock,json -i "$iface" \
	    -w "$out/names.pcap" --print >"$out/names.live.txt" \
	    2>"$out/names.stderr" &
	eval "$(pidvar names)=$!"
	waitlisten names
}

# agent ROLE: the names step, after the bulk runs: the guest listens on
# port 1024 (Kata's agent's, "kata-agent"), the host connects to it
# (trying again every second until the guest listens), with vsock-owners
# (agent.log: the pids and command names), while "names" captures on
# both sides.
agent() {
	names_cap
	stats "agent-start"
	if [ "$1" = server ]; then
		timeout 180 vsock-owners -p 1024 -n 1 serve \
		    >"$out/agent.log" 2>&1
	else
		vsock-owners -c "$PEER" -p 1024 -n 1 -H 3000 -w 150 connect \
		    >"$out/agent.log" 2>&1
	fi
	echo $? >"$out/agent.rc"
	settle
	stats "agent-stop"
	stopcaps names
}

# vdecode NAME...: vsockdump -t -n -v of each capture, in this VM, for
# check.sh to compare with the same decoding on the machine that checks.
vdecode() {
	for _n in "$@"; do
		[ -f "$out/$_n.pcap" ] || continue
		vsockdump -t -n -v -r "$out/$_n.pcap" \
		    >"$out/$_n.vm-decode.txt" 2>"$out/$_n.vm-decode.stderr"
	done
}

# versions: the kernel's and the capture programs'.
versions() {
	{
		echo "kernel $(uname -r)"
		for _p in tcpdump tcpdump-patched vsockdump; do
			command -v "$_p" >/dev/null || continue
			echo "$_p: $("$_p" --version 2>&1 | head -n 2 | tr '\n' ' ')"
		done
	} >"$out/versions.txt"
}
