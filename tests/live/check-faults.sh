#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Checks of the capture-fault stage (scenarios/faults.sh), for tcpdump
# ("td") and vsockdump ("vd") on our libpcap.  Run by check.sh; prints
# "ok" (with -v), "FAIL" and "info" lines, and last "result PASSED
# FAILED".  The completeness of two-* and mod-* against the traffic log
# and the device counters is checked by check.sh (their .meta files).
#
# Usage: check-faults.sh [-v] RESULTDIR
# Environment: LIVE_FLOWS (vsock-pcap-flows, required).
#
#   two-*	four captures on one device at once: each ends with status
#		0 after SIGINT, no error message, and writes as many
#		packets as it says it captured
#   sig-P-S	SIGTERM/SIGINT during a burst: the signal came while the
#		burst ran; status 0; the file reads back without any error
#		and holds exactly the "N packets captured" it reported
#   full-P	-w to a full file system: the capture ends by itself, with
#		a non-zero status and a message naming "No space left on
#		device"; the file is a valid pcap (no cut record) whose
#		packets are the first ones of an unbounded capture of the
#		same traffic
#   mod-P	vsockmon unloaded during the capture (vsockmon2 set down
#		first: the kernel refuses while a device is up): rmmod
#		succeeds, the capture ends by itself (at "down" or at the
#		removal), non-zero, with a message naming vsockmon2 and
#		saying it went down or was removed, its pcap valid and
#		complete (check.sh); opening vsockmon0 afterwards fails
#		saying 'modprobe vsockmon'
set -u

verbose=0
if [ "${1:-}" = -v ]; then
	verbose=1
	shift
fi
res=${1:?usage: check-faults.sh [-v] RESULTDIR}
flows=${LIVE_FLOWS:?}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/live-cf.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
. "$(dirname "$0")/check-lib.sh"

firstlines() {
	grep -v '^$' "$1" 2>/dev/null | head -n "${2:-2}" | tr '\n' ' '
}

figure() {
	awk -v w="$2" '$2 ~ /^packets?$/ && $3 == w { print $1 }' \
	    "$res/$1.stderr" 2>/dev/null | tail -n 1
}

# valid NAME: vsock-pcap-flows reads NAME.pcap to the end without error;
# the number of packets in $tmp/n, the error (if any) in $tmp/err.
valid() {
	"$flows" "$res/$1.pcap" >"$tmp/f" 2>"$tmp/ferr"
	r=$?
	sed -n 's/^file .*packets=\([0-9]*\).*/\1/p' "$tmp/f" >"$tmp/n"
	grep '^error' "$tmp/f" >"$tmp/err"
	[ "$r" = 0 ] && [ ! -s "$tmp/err" ] && [ -s "$tmp/n" ]
}

kv() {
	sed -n "s/.*$2=\\([^ ]*\\).*/\\1/p" "$1" 2>/dev/null
}

grep -q '^end ' "$res/faults.txt" 2>/dev/null
ck $? "faults: the stage ran to its end" \
    -- "$(tail -n 2 "$res/faults.txt" 2>/dev/null | tr '\n' ' ')"

# ---- two captures at once ---------------------------------------------
for n in two-td1 two-td2 two-vd1 two-vd2; do
	[ -f "$res/$n.meta" ] || continue
	r=$(rcof "$n")
	[ "$r" = 0 ]
	ck $? "$n: four captures on vsockmon0 at once: status 0 after" \
	    "SIGINT" -- "status $r: $(firstlines "$res/$n.stderr" 3)"
	! grep -qi 'error\|fail\|busy\|in use' "$res/$n.stderr"
	ck $? "$n: no error message" -- "$(firstlines "$res/$n.stderr" 3)"
	valid "$n"
	v=$?
	c=$(figure "$n" captured)
	[ "$v" = 0 ] && [ "$(cat "$tmp/n")" = "$c" ]
	ck $? "$n: the pcap holds the $c packets it reports captured" \
	    -- "pcap $(cat "$tmp/n") packets $(cat "$tmp/err")"
done

# ---- signals during a burst -------------------------------------------
for p in td vd; do
	for s in TERM INT; do
		n=sig-$p-$s
		[ -f "$res/$n.read" ] || continue
		d=$(kv "$res/$n.read" during)
		recs=$(kv "$res/$n.read" records)
		rrc=$(kv "$res/$n.read" readrc)
		c=$(figure "$n" captured)
		rcv=$(figure "$n" received)
		drp=$(figure "$n" dropped)
		info "$n: SIG$s during a burst: captured $c, received by" \
		    "filter $rcv, dropped by kernel $drp, file" \
		    "$(kv "$res/$n.read" size) bytes, $recs records"
		[ "$d" = yes ]
		ck $? "$n: SIG$s arrived while the burst ran" -- "during=$d"
		r=$(rcof "$n")
		[ "$r" = 0 ]
		ck $? "$n: exits with status 0 on SIG$s" \
		    -- "status $r: $(firstlines "$res/$n.stderr" 3)"
		grep -v '^reading from file ' "$res/$n.read.stderr" \
		    >"$tmp/rerr" 2>/dev/null
		[ "$rrc" = 0 ] && [ ! -s "$tmp/rerr" ]
		ck $? "$n: the file reads back without error" \
		    -- "status $rrc: $(firstlines "$tmp/rerr")"
		[ -n "$c" ] && [ "$recs" = "$c" ] && [ "$c" -gt 0 ]
		ck $? "$n: the file holds the $c packets reported captured" \
		    -- "$recs records"
	done
done

# ---- full file system -------------------------------------------------
for p in td vd; do
	n=full-$p
	[ -f "$res/$n.meta" ] || continue
	r=$(rcof "$n")
	info "$n: status $r, df '$(cat "$res/$n.df" 2>/dev/null)'," \
	    "stderr: $(firstlines "$res/$n.stderr" 4)"
	[ "$r" != hung ]
	ck $? "$n: -w to a full file system: the capture ends by itself" \
	    -- "it had to be stopped"
	[ "$r" != hung ] && [ "$r" != 0 ] && [ "$r" != missing ]
	ck $? "$n: -w to a full file system: non-zero status" \
	    -- "status $r"
	grep -q 'No space left on device' "$res/$n.stderr" 2>/dev/null
	ck $? "$n: -w to a full file system: a message naming 'No space" \
	    "left on device'" -- "$(firstlines "$res/$n.stderr" 3)"
	valid "$n"
	v=$?
	if [ -s "$tmp/err" ]; then
		info "$n: $(cat "$tmp/err"); $(cat "$tmp/ferr" | head -n 1)"
	fi
	[ "$v" = 0 ]
	ck $? "$n: the file left on the full file system is a valid pcap" \
	    "(no cut record)" -- "$(cat "$tmp/err") $(head -n 1 "$tmp/ferr")"
	"$flows" "$res/$n.pcap" 2>/dev/null |
	    sed -n 's/^pkt n=[0-9]* //p' >"$tmp/got"
	"$flows" "$res/full-ref-$p.pcap" 2>/dev/null |
	    sed -n 's/^pkt n=[0-9]* //p' >"$tmp/ref"
	k=$(wc -l <"$tmp/got")
	head -n "$k" "$tmp/ref" >"$tmp/refk"
	[ "$k" -gt 0 ] && cmp -s "$tmp/got" "$tmp/refk"
	ck $? "$n: its $k packets are the first $k of an unbounded" \
	    "capture of the same traffic ($(wc -l <"$tmp/ref") packets)" \
	    -- "first difference: $(diff "$tmp/refk" "$tmp/got" |
	    grep '^[<>]' | head -n 1)"
done

# ---- modules unloaded --------------------------------------------------
if [ -f "$res/mod-rmmod.rc" ]; then
	[ "$(cat "$res/mod-rmmod.rc")" = 0 ]
	ck $? "rmmod vsockmon during the captures succeeds (its devices" \
	    "down)" -- "$(cat "$res/mod-rmmod.out")"
	info "faults: $(grep '^rmmod-\|^devices-after\|^mod-' \
	    "$res/faults.txt" | tr '\n' ';')"
	for p in td vd; do
		n=mod-$p
		[ -f "$res/$n.meta" ] || continue
		r=$(rcof "$n")
		[ "$r" != hung ]
		ck $? "$n: the capture ends by itself when vsockmon is" \
		    "unloaded" -- "it had to be stopped"
		[ "$r" != hung ] && [ "$r" != 0 ] &&
		    grep -qi 'vsockmon2.*\(went down\|was removed\)\|\(went down\|was removed\).*vsockmon2' \
		    "$res/$n.stderr"
		ck $? "$n: non-zero status and a message saying vsockmon2" \
		    "went down or was removed" \
		    -- "status $r: $(firstlines "$res/$n.stderr" 4)"
		valid "$n"
		ck $? "$n: the pcap is valid" -- "$(cat "$tmp/err")"
		n=mod-$p-after
		r=$(rcof "$n")
		[ "$r" != 0 ] && [ "$r" != missing ] &&
		    grep -q 'modprobe vsockmon' "$res/$n.stderr"
		ck $? "$n: after the unload, opening vsockmon0 fails saying" \
		    "'modprobe vsockmon'" \
		    -- "status $r: $(firstlines "$res/$n.stderr" 3)"
	done
fi

echo "result $npass $nfail"
