#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# The whole live test in one command: fetch Debian's kernel (cached),
# build our programs and the initramfs, boot it under qemu, check the
# results; then the capture-cost benchmark in a VM of its own.  Prints
# the time of each step and ends with the checkers' "N passed, N
# failed"; exits non-zero if any check failed.
#
# Usage: tests/live/run.sh [-v]	(-v: list passing checks too)
#        tests/live/run.sh --host-guest [-v]	(the host-guest stage:
#			hostguest/run.sh)
#
# Environment (all optional):
#	LIVE_CACHE	download cache (default
#			${XDG_CACHE_HOME:-$HOME/.cache}/vsockdump-live)
#	LIVE_WORK	work directory, wiped first (default
#			${TMPDIR:-/tmp}/vsockdump-live); results in
#			$LIVE_WORK/results
#	LIVE_VSOCKDUMP	a vsockdump to use instead of building one;
#			"none" for no vsockdump
#	LIVE_TCPDUMP	tcpdump for the VM (default /usr/bin/tcpdump;
#			"none" for none)
#	LIVE_TCPDUMP_PATCHED  a second (patched) tcpdump, captured as
#			"patched"
#	LIVE_SCENARIO, LIVE_TRAFFIC_ARGS, LIVE_BURST_ARGS, LIVE_CAPTURES,
#	LIVE_CAPCMD_<name>, LIVE_NO_BURST: see mkinitramfs.sh and
#			scenarios/capture.sh
#	LIVE_PATCHED	"none": do not build tcpdump and vsockdump on our
#			libpcap (build-patched.sh), and skip the stages
#	LIVE_PATCHED_BUILD  their build directory (default
#			${XDG_CACHE_HOME:-$HOME/.cache}/vsockdump-live/patched-build)
#	LIVE_LIBPCAP_SRC, LIVE_TCPDUMP_SRC,
#	LIVE_DISTRO_SRC	see build-patched.sh
#	LIVE_STAGES	stage script (default scenarios/patched.sh when the
#			patched build succeeded; "none" for none)
#	LIVE_FAULTS	fault stage script (default scenarios/faults.sh
#			when the patched build succeeded; "none" for none)
#	LIVE_DFLT_CAPTURES, LIVE_BURST_CAPTURES: see scenarios/capture.sh
#	LIVE_PROTOCOLS	"none": skip the protocol stage (protocols/: real
#			implementations over vsock, built by
#			protocols/build.sh into $LIVE_CACHE/protocols)
#	LIVE_PROTO_TIMEOUT  the protocol stage's limit in the VM (default
#			120 s)
#	LIVE_TIMEOUT	qemu's hard timeout in seconds (default 200)
#	LIVE_COST	"none": no capture-cost VM (run-cost.sh);
#			LIVE_COST_*: see run-cost.sh
set -u

here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" = --host-guest ]; then
	shift
	exec sh "$here/hostguest/run.sh" "$@"
fi
verbose=
[ "${1:-}" = -v ] && verbose=-v
LIVE_WORK=${LIVE_WORK:-${TMPDIR:-/tmp}/vsockdump-live}
export LIVE_WORK
live=$here
tag=live
# shellcheck source=run-lib.sh
. "$here/run-lib.sh"

t_start=$(now)
live_prepare
t0=$(now)
live_install_deps
want_vd=${LIVE_VSOCKDUMP:-}
[ -n "$want_vd" ] && export LIVE_NO_VSOCKDUMP=1
benv=$(sh "$here/build-static.sh" "$LIVE_WORK/build") ||
    die "building the test programs failed"
eval "$benv"
# vsockdump on Debian's unpatched libpcap ("make vsockdump-static"): in
# the VM as vsockdump-stock, with its own stages (scenarios/stock.sh).
LIVE_VSOCKDUMP_STOCK=
stock_status=skipped
if [ -z "$want_vd" ]; then
	if [ "$LIVE_VSOCKDUMP_KIND" = static ]; then
		LIVE_VSOCKDUMP_STOCK=$LIVE_VSOCKDUMP
		stock_status=ok
	else
		stock_status=failed
	fi
fi
export LIVE_VSOCKDUMP_STOCK
case $want_vd in
none)
	LIVE_VSOCKDUMP=''
	LIVE_VSOCKDUMP_KIND=none
	;;
"")	;;
*)
	LIVE_VSOCKDUMP=$want_vd
	LIVE_VSOCKDUMP_KIND=given
	;;
esac
# tcpdump and vsockdump on our libpcap (capture module and filters),
# static; cached between runs.  They become the "patched" and "vd"
# captures, and the stages (scenarios/patched.sh) run with them.
patched_status=skipped
user_td_patched=${LIVE_TCPDUMP_PATCHED:-}
if [ "${LIVE_PATCHED:-}" != none ]; then
	penv=$(sh "$here/build-patched.sh" "${LIVE_PATCHED_BUILD:-${XDG_CACHE_HOME:-$HOME/.cache}/vsockdump-live/patched-build}")
	if [ $? -eq 0 ]; then
		eval "$penv"
		patched_status="ok ($LIVE_PATCHED_HOW)"
		[ -n "$user_td_patched" ] &&
		    LIVE_TCPDUMP_PATCHED=$user_td_patched
		if [ -z "$want_vd" ]; then
			LIVE_VSOCKDUMP=$LIVE_VSOCKDUMP_PATCHED
			LIVE_VSOCKDUMP_KIND="static, our libpcap"
		fi
		export LIVE_TCPDUMP_PATCHED
		: "${LIVE_STAGES:=$here/scenarios/patched.sh}"
		: "${LIVE_FAULTS:=$here/scenarios/faults.sh}"
		export LIVE_FAULTS
		: "${LIVE_DFLT_CAPTURES=patched vd${LIVE_VSOCKDUMP_STOCK:+ vs}}"
		: "${LIVE_BURST_CAPTURES=stock stock-dflt patched patched-dflt vd vd-dflt vd-attr${LIVE_VSOCKDUMP_STOCK:+ vs vs-dflt}}"
		LIVE_EXTRA_BINS="${LIVE_EXTRA_BINS:-} $LIVE_HELPER"
		export LIVE_STAGES LIVE_DFLT_CAPTURES LIVE_BURST_CAPTURES \
		    LIVE_EXTRA_BINS
	else
		patched_status=failed
	fi
fi
t_build=$(elapsed "$t0" "$(now)")

# The protocol stage: vsproto (Go, cached by a hash of its inputs),
# the daemons' packages, this run's keys.
t0=$(now)
proto_status=skipped
if [ "${LIVE_PROTOCOLS:-}" != none ]; then
	prenv=$(sh "$here/protocols/build.sh" \
	    "${LIVE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vsockdump-live}/protocols" \
	    "$LIVE_WORK/protocols")
	if [ $? -eq 0 ]; then
		eval "$prenv"
		LIVE_PROTOCOLS=$here/protocols/stage.sh
		proto_status=ok
	else
		LIVE_PROTOCOLS=
		proto_status=failed
	fi
else
	LIVE_PROTOCOLS=
fi
export LIVE_PROTOCOLS LIVE_PROTO_BINS LIVE_PROTO_TREE LIVE_PROTO_MODULES
t_proto=$(elapsed "$t0" "$(now)")
echo "live: protocol stage's programs ready in ${t_proto} s ($proto_status)"
echo "live: programs built in ${t_build} s (vsockdump: $LIVE_VSOCKDUMP_KIND;" \
    "tcpdump and vsockdump on our libpcap: $patched_status;" \
    "static vsockdump on Debian's libpcap: $stock_status)"

t0=$(now)
export LIVE_KROOT LIVE_KVER LIVE_TRAFFIC LIVE_VSOCKDUMP LIVE_OWNERS
sh "$here/mkinitramfs.sh" "$LIVE_WORK/initramfs.cpio.gz" ||
    die "building the initramfs failed"
t_initramfs=$(elapsed "$t0" "$(now)")
echo "live: initramfs built in ${t_initramfs} s"

t0=$(now)
res=$LIVE_WORK/results
boot_ok=yes
LIVE_TIMEOUT=${LIVE_TIMEOUT:-200} \
    sh "$here/boot.sh" "$LIVE_VMLINUZ" "$LIVE_WORK/initramfs.cpio.gz" "$res" ||
    boot_ok=no
t_boot=$(elapsed "$t0" "$(now)")
echo "live: VM ran in ${t_boot} s (boot, scenario, results out)"
if [ -f "$res/init.log" ]; then
	sed 's/^/live: guest: /' "$res/init.log"
fi
[ -f "$res/scenario.log" ] && sed 's/^/live: scenario: /' "$res/scenario.log"
# The protocol stage's time in the VM, as it printed it.
if [ -n "$LIVE_PROTOCOLS" ]; then
	sed -n 's/^protocols: end at [0-9.]*s (\(.*\))$/live: protocol stage ran in \1 (VM time)/p' \
	    "$res/stages.log" 2>/dev/null
fi
for f in "$res"/*.stderr; do
	[ -e "$f" ] || continue
	case $f in *traffic.stderr|*vm-decode.stderr) continue ;; esac
	figs=$(grep -E '^[0-9]+ packets? (captured|received|dropped)' "$f" |
	    tr '\n' ' ')
	[ -n "$figs" ] && echo "live: $(basename "$f" .stderr): $figs"
done

t0=$(now)
if [ "$boot_ok" = yes ]; then
	LIVE_FLOWS=${LIVE_FLOWS:-$LIVE_WORK/build/vsock-pcap-flows}
	export LIVE_FLOWS
	if [ -z "${LIVE_HOST_VSOCKDUMP+x}" ] && [ -n "$LIVE_VSOCKDUMP" ]; then
		LIVE_HOST_VSOCKDUMP=$LIVE_VSOCKDUMP
	fi
	export LIVE_HOST_VSOCKDUMP
	sh "$here/check.sh" $verbose "$res" >"$LIVE_WORK/check.out" 2>&1
	check_status=$?
else
	echo "0 passed, 1 failed" >"$LIVE_WORK/check.out"
	check_status=1
fi
t_check=$(elapsed "$t0" "$(now)")
echo "live: checked in ${t_check} s"

# The capture-cost benchmark, in a VM of its own (run-cost.sh).
t0=$(now)
if [ "${LIVE_COST:-}" != none ]; then
	LIVE_COST_TCPDUMP_PATCHED='' LIVE_COST_VSOCKDUMP=''
	case $patched_status in
	ok*)	LIVE_COST_TCPDUMP_PATCHED=$LIVE_TCPDUMP_PATCHED
		LIVE_COST_VSOCKDUMP=$LIVE_VSOCKDUMP_PATCHED ;;
	esac
	LIVE_KROOT=$LIVE_KROOT LIVE_KVER=$LIVE_KVER \
	LIVE_VMLINUZ=$LIVE_VMLINUZ LIVE_TRAFFIC=$LIVE_TRAFFIC \
	LIVE_HELPER=$LIVE_HELPER LIVE_FLOWS=$LIVE_FLOWS \
	LIVE_VSOCKDUMP_STOCK=$LIVE_VSOCKDUMP_STOCK \
	LIVE_COST_TCPDUMP_PATCHED=$LIVE_COST_TCPDUMP_PATCHED \
	LIVE_COST_VSOCKDUMP=$LIVE_COST_VSOCKDUMP \
	    sh "$here/run-cost.sh" $verbose "$LIVE_WORK/cost" \
	    >"$LIVE_WORK/cost.out" 2>&1
else
	echo "result 0 0" >"$LIVE_WORK/cost.out"
fi
t_cost=$(elapsed "$t0" "$(now)")
echo "live: capture-cost VM ran and checked in ${t_cost} s"
echo "live: timings: fetch ${t_fetch} s, build ${t_build} s," \
    "protocol programs ${t_proto} s," \
    "initramfs ${t_initramfs} s, VM ${t_boot} s, check ${t_check} s," \
    "capture cost ${t_cost} s, whole run $(elapsed "$t_start" "$(now)") s"
echo "live: results in $res"
grep -v ' passed, .* failed$' "$LIVE_WORK/check.out"
grep -v '^result ' "$LIVE_WORK/cost.out"
# shellcheck disable=SC2046
set -- $(tail -n 1 "$LIVE_WORK/check.out")
npass=${1:-0} nfail=${3:-1}
# shellcheck disable=SC2046
set -- $(sed -n 's/^result //p' "$LIVE_WORK/cost.out")
npass=$((npass + ${1:-0})) nfail=$((nfail + ${2:-1}))
[ "${2:-1}" = 0 ] || check_status=1
if [ "$stock_status" = failed ]; then
	echo "FAIL build: static vsockdump on Debian's libpcap" \
	    "(build-static.sh: make vsockdump-static)"
	nfail=$((nfail + 1))
	check_status=1
fi
if [ "$patched_status" = failed ]; then
	echo "FAIL build: tcpdump and vsockdump on our libpcap" \
	    "(build-patched.sh; see its messages above)"
	nfail=$((nfail + 1))
	check_status=1
fi
if [ "$proto_status" = failed ]; then
	echo "FAIL build: the protocol stage's programs" \
	    "(protocols/build.sh; see its messages above)"
	nfail=$((nfail + 1))
	check_status=1
fi
echo "live: whole run $(elapsed "$t_start" "$(now)") s"
echo "$npass passed, $nfail failed"
exit "$check_status"
