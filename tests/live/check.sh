#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Checks the results of a live run (boot.sh's RESULTDIR) against the
# traffic generator's log, and ends with "N passed, N failed".
#
# Usage: check.sh [-v] RESULTDIR
#	-v	print passing checks too
# Environment:
#	LIVE_FLOWS	vsock-pcap-flows (built with cc into a temporary
#			directory if unset)
#	LIVE_HOST_VSOCKDUMP  a vsockdump to decode each pcap on the host
#			and compare with vsock-pcap-flows and with the VM's
#			decoding (NAME.vm-decode.txt) (optional)
#	LIVE_TSHARK	tshark (default tshark if installed; empty: skip)
#	LIVE_CHECK_CIDS, LIVE_CHECK_SPLIT, LIVE_CHECK_TAPBUG  check.awk's
#			cids, splits and tapbug (for the host-guest stage)
#
# Checks, per capture of phase 1 (NAME.pcap): DLT_VSOCK; every packet's
# headers consistent and fully captured; every packet belongs to a
# logged connection; per connection: REQUEST/RESPONSE, socket type,
# payload bytes and FNV hash per direction as sent, RW packets split at
# 64 KiB, SEQPACKET EOM on the last piece only, SHUTDOWN flags in the
# order the client shut down, RST; per refused connect: REQUEST then RST;
# the pcap holds as many packets as vsockmon0 counted; the capture's
# "captured" and "received by filter" lines add up with its drops.
# With LIVE_HOST_VSOCKDUMP and tshark: both agree with vsock-pcap-flows
# on every packet, and vsockdump's -v decoding of each phase 1 pcap is
# the same in the VM as on the host.
# Phase A (analysis.*): check-analysis.sh.
# Phase N (names-nodiag.*, owners.*, vmnames.*; burst-vd-attr):
# check-names.sh.
# Per burst capture (burst-NAME.pcap): the same counts, the data when
# nothing was dropped, and an "info" line of figures.
# Once: the generator's log is clean and self-consistent.
set -u

here=$(cd "$(dirname "$0")" && pwd)
verbose=0
if [ "${1:-}" = -v ]; then
	verbose=1
	shift
fi
res=${1:?usage: check.sh [-v] RESULTDIR}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/live-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

flows=${LIVE_FLOWS:-}
if [ -z "$flows" ]; then
	flows=$tmp/vsock-pcap-flows
	${CC:-cc} -O2 -o "$flows" "$here/vsock-pcap-flows.c" || exit 1
fi

tshark=${LIVE_TSHARK-tshark}
if [ -n "$tshark" ] && ! command -v "$tshark" >/dev/null 2>&1; then
	echo "info: no tshark, its cross-check is skipped"
	tshark=
fi

total_pass=0
total_fail=0
soft=0

tshark_fields() {
	"$tshark" -n -r "$1" -T fields -E separator='|' \
	    -e frame.number -e frame.len -e frame.cap_len \
	    -e vsock.src_cid -e vsock.dst_cid -e vsock.src_port \
	    -e vsock.dst_port -e vsock.op -e vsock.virtio.len \
	    -e vsock.virtio.type -e vsock.virtio.op -e vsock.virtio.flags \
	    2>/dev/null
}

# same_decode NAME [sll]: vsockdump in the VM and on the host decode
# NAME.pcap alike.  sll: a cooked capture, whose lines start with the
# name of the interface with the frame's ifindex on the machine that
# reads it: that first word is left out of the comparison.
same_decode() {
	vm=$res/$1.vm-decode.txt
	[ -f "$vm" ] && [ -n "${LIVE_HOST_VSOCKDUMP:-}" ] || return 0
	"$LIVE_HOST_VSOCKDUMP" -t -n -v -r "$res/$1.pcap" >"$tmp/host" 2>/dev/null
	cp "$vm" "$tmp/vm"
	how=identically
	if [ "${2:-}" = sll ]; then
		for f in "$tmp/vm" "$tmp/host"; do
			awk '!/^\t/ { $1 = "" } { print }' "$f" >"$f.n"
			mv "$f.n" "$f"
		done
		how="identically but for the interface names"
	fi
	if [ -s "$tmp/vm" ] && cmp -s "$tmp/vm" "$tmp/host"; then
		total_pass=$((total_pass + 1))
		[ "$verbose" = 1 ] && echo "ok   $1: vsockdump -t -n -v" \
		    "decodes the pcap $how in the VM and on the host"
	else
		total_fail=$((total_fail + 1))
		echo "FAIL $1: vsockdump -t -n -v decodes the pcap" \
		    "$how in the VM and on the host" \
		    "($(diff "$tmp/vm" "$tmp/host" | grep -c '^[<>]') lines differ)"
	fi
}

# run_awk CAP PHASE STEP LOG [PCAP STDERR [STATSFILE [NOSTATS]]]
run_awk() {
	cap=$1 phase=$2 step=$3 log=$4 pcap=${5:-} err=${6:-}
	statsf=${7:-$res/stats.txt} nostats=${8:-0}
	{
		sed 's/^/L /' "$log" 2>/dev/null
		if [ -n "$pcap" ]; then
			"$flows" "$pcap" | sed 's/^/P /'
			sed 's/^/S /' "$statsf" 2>/dev/null
			sed 's/^/E /' "$err" 2>/dev/null
			if [ -n "${LIVE_HOST_VSOCKDUMP:-}" ]; then
				"$LIVE_HOST_VSOCKDUMP" -t -n -r "$pcap" \
				    2>/dev/null | sed 's/^/D /'
			fi
			if [ -n "$tshark" ]; then
				tshark_fields "$pcap" | sed 's/^/T /'
			fi
		fi
	} | awk -v cap="$cap" -v phase="$phase" -v step="$step" \
	    -v verbose="$verbose" -v nostats="$nostats" -v soft="$soft" \
	    -v cids="${LIVE_CHECK_CIDS:-1}" -v splits="${LIVE_CHECK_SPLIT:-}" \
	    -v tapbug="${LIVE_CHECK_TAPBUG:-}" \
	    -f "$here/check.awk" >"$tmp/out"
	grep -v '^result ' "$tmp/out"
	set -- $(sed -n 's/^result //p' "$tmp/out")
	total_pass=$((total_pass + ${1:-0}))
	total_fail=$((total_fail + ${2:-1}))
}

if [ ! -s "$res/traffic.log" ]; then
	echo "FAIL log: no traffic.log in $res"
	total_fail=$((total_fail + 1))
else
	run_awk log log - "$res/traffic.log"
fi

ncap=0
for pcap in "$res"/*.pcap; do
	[ -e "$pcap" ] || continue
	name=$(basename "$pcap" .pcap)
	# Captures of the stages (scenarios/patched.sh) say how to check
	# them: kind=functional|functional-nostats (against their own log
	# and counters), plain (format and decoders only), sll (-i any:
	# checked by check-patched.sh), info (not checked).
	if [ -f "$res/$name.meta" ]; then
		kind='' log='' step=''
		for kv in $(cat "$res/$name.meta"); do
			case $kv in
			kind=*) kind=${kv#kind=} ;;
			log=*) log=${kv#log=} ;;
			step=*) step=${kv#step=} ;;
			esac
		done
		case $kind in
		functional|functional-nostats)
			run_awk "$name" functional "$step" "$res/$log" \
			    "$pcap" "$res/$name.stderr" \
			    "$res/stages-stats.txt" \
			    "$([ "$kind" = functional ] && echo 0 || echo 1)"
			same_decode "$name"
			;;
		plain)
			run_awk "$name" plain - /dev/null "$pcap" \
			    "$res/$name.stderr" "$res/stages-stats.txt"
			same_decode "$name"
			;;
		sll)
			same_decode "$name" sll
			;;
		esac
		continue
	fi
	case $name in
	burst-*)
		# The benchmark gives figures; what the stock programs do
		# (libpcap's generic path loses what is buffered at stop)
		# is reported, not tested.
		case $name in burst-stock*) soft=1 ;; esac
		run_awk "$name" burst "$name" "$res/$name.log" "$pcap" \
		    "$res/$name.stderr"
		soft=0
		;;
	*)
		ncap=$((ncap + 1))
		run_awk "$name" functional functional "$res/traffic.log" \
		    "$pcap" "$res/$name.stderr"
		same_decode "$name"
		;;
	esac
done
if [ "$ncap" -eq 0 ]; then
	echo "FAIL: no capture in $res"
	total_fail=$((total_fail + 1))
fi

# The stages' own checks (error messages, -D, device creation and
# removal, -Q, filters) and the benchmark table.
# sub_check SCRIPT: run a stage's checker, show its lines and add its
# "result PASSED FAILED" to the totals (no result line: one failure).
sub_check() {
	vflag=
	[ "$verbose" = 1 ] && vflag=-v
	# shellcheck disable=SC2086
	LIVE_FLOWS=$flows sh "$here/$1" $vflag "$res" >"$tmp/sub" 2>&1
	grep -v '^result ' "$tmp/sub"
	# shellcheck disable=SC2046
	set -- $(sed -n 's/^result //p' "$tmp/sub")
	total_pass=$((total_pass + ${1:-0}))
	total_fail=$((total_fail + ${2:-1}))
}

if [ -f "$res/links.txt" ] || ls "$res"/burst-*.pcap >/dev/null 2>&1; then
	sub_check check-patched.sh
fi

# vsockdump on Debian's unpatched libpcap (scenarios/stock.sh).
if [ -f "$res/vs-nomod-D.out" ] || [ -f "$res/vs-main-D.out" ]; then
	sub_check check-stock.sh
fi

# The module and vsockdump with CAP_NET_ADMIN and CAP_NET_RAW only
# (scenarios/caps.sh).
if [ -f "$res/caps-getcap.txt" ] || [ -f "$res/caps-who.txt" ]; then
	sub_check check-caps.sh
fi

# The fault stage's own checks (scenarios/faults.sh).
if [ -f "$res/faults.txt" ]; then
	sub_check check-faults.sh
fi

# The protocol stage: real implementations over vsock (protocols/).
if [ -d "$res/protocols" ]; then
	sub_check protocols/check.sh
	# vsockdump's decoders on the same captures, against the logs.
	[ -n "${LIVE_HOST_VSOCKDUMP:-}" ] &&
	    sub_check protocols/check-decoded.sh
fi

# Phase A, the connection analysis (scenarios/capture.sh).
if [ -f "$res/analysis.log" ]; then
	sub_check check-analysis.sh
fi

# Phase N, names and processes, and the burst with attribution on.
if [ -f "$res/names-nodiag.rc" ] || [ -f "$res/owners.log" ] ||
    [ -f "$res/vmnames.pids" ]; then
	sub_check check-names.sh
fi

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
