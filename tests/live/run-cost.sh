#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# The capture-cost benchmark of the live test, in a VM of its own (run
# by run.sh after the main VM): the same bulk transfer over the loopback
# transport with no capture and under each capture program, in
# alternating rounds (scenarios/cost.sh), then check-cost.sh: every
# byte crossed, nothing lost, and the table of figures.
#
# The VM runs on an instruction clock by default (LIVE_COST_CLOCK=
# instructions): one CPU, and QEMU's -icount shift=0,sleep=off, so that
# its clock advances one nanosecond per instruction executed and jumps
# over idle time.  Throughput and CPU times measured in it are then
# counts of guest instructions, the same however loaded the machine
# that runs QEMU is; one CPU means that every instruction the capture
# executes is taken from the transfer.  LIVE_COST_CLOCK=real runs it on
# QEMU's ordinary TCG clock with LIVE_SMP CPUs (default 2), as the main
# VM runs: the figures then vary with the load of the machine.
#
# Usage: run-cost.sh [-v] WORKDIR	(-v: list passing checks too)
# Environment: what run.sh sets (LIVE_KROOT, LIVE_KVER, LIVE_VMLINUZ,
# LIVE_TRAFFIC, LIVE_HELPER, LIVE_FLOWS; the capture programs
# LIVE_TCPDUMP, LIVE_VSOCKDUMP_STOCK, and LIVE_COST_TCPDUMP_PATCHED,
# LIVE_COST_VSOCKDUMP, those on our libpcap, empty if not built), and:
#	LIVE_COST_CLOCK		instructions (default) or real
#	LIVE_COST_ROUNDS, LIVE_COST_COUNT, LIVE_COST_CAPTURES
#				see scenarios/cost.sh
#	LIVE_COST_TIMEOUT	the VM's limit in seconds (default 400)
#	LIVE_QEMU_ARGS		more qemu options (boot.sh)
# Prints the time it took, the machine's load average before and after,
# check-cost.sh's lines, and last "result PASSED FAILED".
set -u

here=$(cd "$(dirname "$0")" && pwd)
verbose=
[ "${1:-}" = -v ] && verbose=-v && shift
work=${1:?usage: run-cost.sh [-v] WORKDIR}
mkdir -p "$work" || exit 1

now() {
	date +%s.%N
}

t0=$(now)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
case ${LIVE_COST_CLOCK:=instructions} in
instructions)
	smp=1
	qargs="-icount shift=0,sleep=off"
	;;
real)
	smp=${LIVE_SMP:-2}
	qargs=
	;;
*)
	echo "FAIL cost: LIVE_COST_CLOCK must be instructions or real," \
	    "not $LIVE_COST_CLOCK"
	echo "result 0 1"
	exit 0
	;;
esac
export LIVE_COST_CLOCK

extra=
[ -n "${LIVE_VSOCKDUMP_STOCK:-}" ] &&
    extra="$LIVE_VSOCKDUMP_STOCK=/bin/vsockdump-stock"
if ! LIVE_SCENARIO=$here/scenarios/cost.sh LIVE_STAGES=none \
    LIVE_FAULTS=none LIVE_PROTOCOLS='' LIVE_VSOCKDUMP_STOCK='' \
    LIVE_TCPDUMP=${LIVE_TCPDUMP:-} \
    LIVE_TCPDUMP_PATCHED=${LIVE_COST_TCPDUMP_PATCHED:-} \
    LIVE_VSOCKDUMP=${LIVE_COST_VSOCKDUMP:-} \
    LIVE_EXTRA_BINS="$LIVE_HELPER $LIVE_FLOWS" LIVE_EXTRA_FILES=$extra \
    LIVE_GUEST_TIMEOUT=${LIVE_COST_TIMEOUT:-400} \
    sh "$here/mkinitramfs.sh" "$work/initramfs.cpio.gz" 2>"$work/mkinitramfs.log"
then
	cat "$work/mkinitramfs.log"
	echo "FAIL cost: building its initramfs failed"
	echo "result 0 1"
	exit 0
fi
# The uncompressed kernel boots in half the time on the instruction
# clock.
kernel=$LIVE_VMLINUZ
sh "$here/extract-vmlinux.sh" "$LIVE_VMLINUZ" "$work/vmlinux" &&
    kernel=$work/vmlinux
res=$work/results
if ! LIVE_TIMEOUT=${LIVE_COST_TIMEOUT:-400} LIVE_SMP=$smp \
    LIVE_QEMU_ARGS="${LIVE_QEMU_ARGS:-} $qargs" \
    sh "$here/boot.sh" "$kernel" "$work/initramfs.cpio.gz" "$res"; then
	echo "FAIL cost: the VM gave no results"
	echo "result 0 1"
	exit 0
fi
echo "info cost: VM ran in $(awk -v a="$t0" -v b="$(now)" \
    'BEGIN { printf "%.1f", b - a }') s (clock: $LIVE_COST_CLOCK, $smp" \
    "CPU); scenario $(sed -n 's/^scenario start at \(.*\)s$/\1/p' \
    "$res/init.log") to $(sed -n \
    's/^scenario end at \([0-9.]*\)s.*/\1/p' "$res/init.log") s VM time;" \
    "this machine's load average before $load0, after" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
sh "$here/check-cost.sh" $verbose "$res"
