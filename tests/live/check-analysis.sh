#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Checks phase A of the live scenario (the connection analysis): what
# vsockdump says of the live capture analysis.pcap, offline on the host
# and live in the VM (analysis.live.txt), against vsock-traffic's
# analysis.log and an independent reading of the pcap (vsock-pcap-flows).
# Ends with "result PASSED FAILED" (run by check.sh).
#
# Usage: check-analysis.sh [-v] RESULTDIR
# Environment: LIVE_FLOWS (vsock-pcap-flows), LIVE_HOST_VSOCKDUMP (the
# vsockdump to analyse with on the host), LIVE_STALL_THRESHOLD (the
# threshold the VM used, default 0.5), LIVE_STALL_TOLERANCE_MS (default
# 100, see check-analysis.awk), CC.
set -u

here=$(cd "$(dirname "$0")" && pwd)
verbose=0
if [ "${1:-}" = -v ]; then
	verbose=1
	shift
fi
res=${1:?usage: check-analysis.sh [-v] RESULTDIR}
thr=${LIVE_STALL_THRESHOLD:-0.5}
tol=${LIVE_STALL_TOLERANCE_MS:-100}
vd=${LIVE_HOST_VSOCKDUMP:-}

if [ -z "$vd" ] || [ ! -x "$vd" ]; then
	echo "FAIL analysis: no vsockdump on the host to analyse the capture"
	echo "result 0 1"
	exit 1
fi
if [ ! -s "$res/analysis.pcap" ]; then
	echo "FAIL analysis: no analysis.pcap (phase A did not run)"
	echo "result 0 1"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/live-analysis.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
${CC:-cc} -O2 -o "$tmp/follow-hash" "$here/follow-hash.c" || exit 1
flows=${LIVE_FLOWS:-}
if [ -z "$flows" ]; then
	flows=$tmp/vsock-pcap-flows
	${CC:-cc} -O2 -o "$flows" "$here/vsock-pcap-flows.c" || exit 1
fi

pcap=$res/analysis.pcap
"$vd" -n -r "$pcap" -q --stall-threshold "$thr" -z conv,vsock,json \
    >"$tmp/json" 2>"$tmp/json.err"
echo $? >"$tmp/json.rc"

# Each connection's data, both ways, as vsockdump follows it.
sed -n 's/^connect .*src=\([0-9.]*\) dst=\([0-9.]*\).*/\1 \2/p' \
    "$res/analysis.log" >"$tmp/pairs"
while read -r src dst; do
	"$vd" -n -r "$pcap" -q -z "follow,vsock,raw,$src,$dst" \
	    >"$tmp/follow" 2>/dev/null
	node0=$(sed -n 's/^Node 0: //p' "$tmp/follow")
	# shellcheck disable=SC2046
	set -- $("$tmp/follow-hash" <"$tmp/follow" | tr '\n' ' ')
	echo "F $src $dst node0=$node0 $*"
done <"$tmp/pairs" >"$tmp/follows"

{
	sed 's/^/L /' "$res/analysis.log"
	echo "R traffic $(cat "$res/analysis.traffic-rc" 2>/dev/null)"
	echo "R capture $(cat "$res/analysis.rc" 2>/dev/null)"
	echo "R json $(cat "$tmp/json.rc")"
	sed 's/^/J /' "$tmp/json"
	grep '^{' "$res/analysis.live.txt" | sed 's/^/V /'
	grep -v '^{' "$res/analysis.live.txt" | sed 's/^/T /'
	"$flows" "$pcap" | sed 's/^/P /'
	cat "$tmp/follows"
	sed 's/^/E /' "$res/analysis.stderr" 2>/dev/null
	sed 's/^/S /' "$res/stats.txt" 2>/dev/null
} | awk -v verbose="$verbose" -v thr="$thr" -v tol="$tol" \
    -f "$here/check-analysis.awk"
