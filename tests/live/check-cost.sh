#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Checks of the capture-cost stage (scenarios/cost.sh), and its table.
# Run by check.sh; prints "ok" (with -v), "FAIL" and "info" lines, and
# last "result PASSED FAILED".
#
# Usage: check-cost.sh [-v] RESULTDIR
#
# Per run: the generator finished without error and the receiver got
# every byte sent, intact (count and FNV-1a hash).  Per capture on our
# paths (vs, patched, vd): exit status 0, nothing lost at stop (captured
# + dropped by the kernel == the packets vsockmon0 counted), and when
# nothing was dropped, its pcap holds every byte received, intact.  What
# stock tcpdump keeps is reported, not tested (libpcap's generic path
# loses the packets still buffered at stop).
# Figures (info, never failed): one line per run, then cost-table.awk's
# table: median and range of the throughput the sender measured and of
# the CPU time the capture used during the transfer and in all (start
# to exit), and each configuration's throughput against the run without
# capture and the stock tcpdump run of the same round.
set -u

here=$(cd "$(dirname "$0")" && pwd)
verbose=0
if [ "${1:-}" = -v ]; then
	verbose=1
	shift
fi
res=${1:?usage: check-cost.sh [-v] RESULTDIR}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/live-cost.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
. "$here/check-lib.sh"

# kv KEY LINE: the value of KEY=... in LINE.
kv() {
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1
}

# seen STEP: the packets (rx + tx) vsockmon0 counted from STEP-start to
# STEP-stopped (after the capture ended: the loopback transport hands
# packets to the taps from a work queue).
seen() {
	awk -v s="$1" '
	function v(   r, t) {
		r = $2; t = $3; sub(/.*=/, "", r); sub(/.*=/, "", t)
		return r + t
	}
	$1 == s "-start" { a = v() }
	$1 == s "-stopped" { b = v() }
	END { print b - a }' "$res/stages-stats.txt"
}

if [ ! -s "$res/cost-runs.txt" ]; then
	ck 1 "cost: the stage ran" -- "no cost-runs.txt"
	echo "result $npass $nfail"
	exit 0
fi
info "cost: $(sed -n 's/^count=\([0-9]*\) size=\([0-9]*\) rounds=\([0-9]*\) clock=\([a-z]*\).*/bulk STREAM transfer over CID 1 (loopback), \1 sends of \2 bytes, \3 rounds, \4 clock/p' \
    "$res/cost-settings.txt"); each capture as a user starts it:"
sed -n 's/^\([a-z]*\): /info cost:   \1: /p' "$res/cost-settings.txt"
info "cost: run: round capture MB/s CPU-ms-in-transfer" \
    "CPU-given-in-transfer CPU-ms-in-all captured dropped lost" \
    "(round 0: not counted)"
: >"$tmp/rows"
while read -r r c; do
	n=cost-$r-$c
	bline=$(grep '^burst ' "$res/$n.log" 2>/dev/null | tail -n 1)
	rline=$(grep '^recv ' "$res/$n.log" 2>/dev/null | tail -n 1)
	sent=$(kv bytes "$bline") got=$(kv bytes "$rline")
	secs=$(kv seconds "$bline")
	[ "$(cat "$res/$n.traffic-rc" 2>/dev/null)" = 0 ] &&
	    [ -n "$sent" ] && [ "$sent" -gt 0 ] && [ "$sent" = "$got" ] &&
	    [ "$(kv fnv "$bline")" = "$(kv fnv "$rline")" ]
	ck $? "$n: the receiver got all $sent bytes sent, intact" \
	    -- "status $(cat "$res/$n.traffic-rc" 2>/dev/null)," \
	    "received $got, hashes $(kv fnv "$bline") $(kv fnv "$rline")"
	mbps=$(awk -v b="${sent:-0}" -v s="${secs:-0}" \
	    'BEGIN { printf "%.2f", (s > 0 ? b / s / 1e6 : 0) }')
	cpu=- xcpu=- wake=- capd=- drop=- lost=-
	if [ "$c" != none ]; then
		ru=$(cat "$res/$n.rusage" 2>/dev/null)
		cpu=$(awk -v u="$(kv user "$ru")" -v s="$(kv sys "$ru")" \
		    'BEGIN { printf "%.1f", (u + s) * 1000 }')
		sc=$(cat "$res/$n.sched" 2>/dev/null)
		xcpu=$(awk -v a="$(kv start "$sc")" -v b="$(kv stop "$sc")" \
		    'BEGIN { if (a == "" || b == "") print "-";
		    else printf "%.1f", (b - a) / 1e6 }')
		wake=$(awk -v a="$(kv startn "$sc")" -v b="$(kv stopn "$sc")" \
		    'BEGIN { print (a == "" || b == "") ? "-" : b - a }')
		capd=$(figure "$n" captured)
		drop=$(figure "$n" dropped)
		dev=$(seen "$n")
		lost=$((dev - ${capd:-0} - ${drop:-0}))
		fl=$(grep '^flow ' "$res/$n.flows" 2>/dev/null | head -n 1)
		case $c in
		stock)
			;;
		*)
			[ "$(rcof "$n")" = 0 ] && [ -n "$ru" ]
			ck $? "$n: the capture ended with status 0" \
			    -- "status $(rcof "$n"); $ru"
			[ -n "$capd" ] && [ "$lost" = 0 ]
			ck $? "$n: nothing lost at stop (captured + dropped ==" \
			    "the $dev packets vsockmon0 counted)" \
			    -- "captured $capd, dropped $drop"
			if [ "$drop" = 0 ]; then
				[ "$(kv bytes "$fl")" = "$got" ] &&
				    [ "$(kv fnv "$fl")" = "$(kv fnv "$rline")" ]
				ck $? "$n: the pcap holds the $got bytes" \
				    "received, intact" -- "$fl"
			fi
			;;
		esac
	fi
	info "cost: run: $r $c $mbps $xcpu $wake $cpu ${capd:--}" \
	    "${drop:--} ${lost:--}"
	[ "$r" = 0 ] ||
	    echo "run $c $r $mbps $xcpu $cpu ${sent:-0} $wake" >>"$tmp/rows"
done <"$res/cost-runs.txt"
awk -v tag=cost -f "$here/cost-table.awk" "$tmp/rows"
info "cost: MB/s as the sender measured it; vs none, vs stock: the" \
    "median over the rounds of the throughput against that of the run" \
    "without capture and of stock tcpdump's run in the same round;" \
    "CPU: the capture's run time during the transfer (and per MB" \
    "transferred), and in all (user + system, start to exit); given:" \
    "how many times the capture was given the CPU during the transfer" \
    "(its wakeups and the times it was preempted)"

echo "result $npass $nfail"
