#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Host-guest stage, the HOST's side: run by /init in the VM (Debian's
# kernel with vhost_vsock, CID 2) as its scenario.  It starts the nested
# guest with QEMU's vhost-vsock-pci (guest-cid=3), runs its side of the
# traffic while guest.sh runs the other (see lib.sh), and brings the
# guest's results back into $1/guest.
#
# Captures on the host's vsockmon0 (vhost_vsock's tap), all at once,
# while parts a and b run:
#	stock	Debian's tcpdump (libpcap's generic path; in immediate
#		mode, else it loses what is buffered at stop)
#	patched	tcpdump-patched (our libpcap)	checked by check.sh
#	vd	vsockdump (our libpcap)		checked by check.sh
#	q-in, q-out	tcpdump-patched -Q in / -Q out
#	f-cid	tcpdump-patched "vsock cid 3"
#	f-src	tcpdump-patched "vsock src cid 3"
#	f-port	vsockdump "vsock port 6001"
# Then the bulk runs, LIVE_HG_BULK_ROUNDS rounds (default 1) of one run
# per capture path of LIVE_HG_BULK_CAPTURES (default "none stock
# patched"), each as a user starts it (-i vsockmon0 -w FILE, its default
# buffer, no --immediate-mode):
#	none	no capture
#	stock	Debian's tcpdump (libpcap's generic AF_PACKET path)
#	vs	vsockdump on Debian's libpcap (vsockdump-stock)
#	patched	tcpdump-patched (our capture module)
#	vd	vsockdump on our libpcap
# Then the names step (lib.sh's agent): vsockdump without -n ("names")
# while this side connects to the guest's port 1024.  The nested QEMU
# runs with -name LIVE_HG_NAME (default hg-nested).
#
# Settings (/etc/live/env): LIVE_HG_MEM, LIVE_HG_SMP, LIVE_HG_APPEND,
# LIVE_HG_QEMU_ARGS (the nested QEMU), LIVE_HG_TIMEOUT (its limit in
# seconds), and those of lib.sh.  The guest's kernel runs without ACPI
# (a third faster to boot under nested TCG; PCI interrupts come from the
# BIOS's routing table), without CPU vulnerability mitigations and
# without the crypto self-tests.
out=${1:-/out}
iface=vsockmon0
SYNC=/run/hg-sync.sock
PEER=3
. /etc/live/stage-lib.sh
. /etc/live/hg-lib.sh

versions
: >"$out/stats.txt"
stats boot
echo "vhost-vsock: $(ls -l /dev/vhost-vsock 2>&1)"
# Buffers large enough for the whole traffic (the kernel's tap copies
# up to 64 KiB with every 3732-byte piece sent to the guest: see
# README); libpcap's generic path needs more.
B="-B 65536"
cap stock - "" tcpdump -Z root --immediate-mode -B 131072
cap patched - "" tcpdump-patched -Z root $B
cap vd - "" vsockdump $B
cap q-in kind=plain "" tcpdump-patched -Z root $B -Q in
cap q-out kind=plain "" tcpdump-patched -Z root $B -Q out
cap f-cid kind=plain "vsock cid 3" tcpdump-patched -Z root $B
cap f-src kind=plain "vsock src cid 3" tcpdump-patched -Z root $B
cap f-port kind=plain "vsock port 6001" vsockdump $B
# shellcheck disable=SC2086
waitlisten $CAPS

# The nested guest.  Its first serial port is its console, the second
# carries its results (see init), the third is the sync channel.
mkdir -p /run
t_qemu=$(uptime_s)
echo "nested qemu start at $t_qemu"
# shellcheck disable=SC2086
QEMU_MODULE_DIR=/opt/qemu/lib timeout -k 5 "${LIVE_HG_TIMEOUT:-900}" \
    qemu-system-x86_64 -L /opt/qemu/share \
    -accel tcg -cpu max -smp "${LIVE_HG_SMP:-1}" -m "${LIVE_HG_MEM:-256}" \
    -nodefaults -no-user-config -display none -no-reboot -monitor none \
    -kernel /opt/guest/kernel -initrd /opt/guest/initramfs.cpio.gz \
    -append "${LIVE_HG_APPEND:-console=ttyS0 quiet panic=-1 acpi=off mitigations=off cryptomgr.notests=1}" \
    -serial "file:$out/guest-console.log" -serial file:/tmp/guest-serial1.txt \
    -chardev "socket,id=sync,path=$SYNC,server=on,wait=off" \
    -serial chardev:sync \
    -name "${LIVE_HG_NAME:-hg-nested}" \
    -device vhost-vsock-pci,guest-cid=3 ${LIVE_HG_QEMU_ARGS:-} \
    </dev/null >"$out/qemu.out" 2>&1 &
qpid=$!
# When the guest reaches /init and starts its scenario, on the host's
# clock (its console says so).
(
	for m in "live-init: up at" "live-init: scenario start"; do
		while ! grep -q "^$m" "$out/guest-console.log" 2>/dev/null; do
			kill -0 "$qpid" 2>/dev/null || exit 0
			usleep 200000
		done
		echo "$m: $(uptime_s)" >>"$out/guest-times.txt"
	done
) &
n=0
while [ ! -S "$SYNC" ] && kill -0 "$qpid" 2>/dev/null && [ "$n" -lt 300 ]; do
	usleep 100000
	n=$((n + 1))
done
echo "sync socket after $((n / 10)) s"

functional server client
probestart
endfunctional

probe
echo "probe done at $(uptime_s)"

# The bulk runs (lib.sh's bulkplan).  Each capture runs under
# "live-helper rusage" (its CPU time, start to exit, in NAME.rusage); its
# run time when the transfer starts and when it ends in NAME.sched (see
# stage-lib.sh's sched); its pcap, in /tmp, summarised by
# vsock-pcap-flows (NAME.flows), then removed.
for run in $(bulkplan); do
	i=${run%%:*} c=${run#*:*:} r=${run#*:}
	n=bulk-${r%%:*}-$c
	case $c in
	stock)	cmd="tcpdump -Z root" ;;
	vs)	cmd="vsockdump-stock" ;;
	patched) cmd="tcpdump-patched -Z root" ;;
	vd)	cmd="vsockdump" ;;
	*)	cmd= ;;
	esac
	if [ -n "$cmd" ]; then
		# shellcheck disable=SC2086
		live-helper rusage "$out/$n.rusage" $cmd -i "$iface" \
		    -w /tmp/bulk.pcap 2>"$out/$n.stderr" &
		eval "$(pidvar "$n")=$!"
		waitlisten "$n"
		p=$(sed -n 's/^pid=\([0-9]*\).*/\1/p' "$out/$n.rusage")
		t0=$(sched "$p" start)
	fi
	stats "$n-start"
	bulk "$i" "$n" server
	stats "$n-stop"
	if [ -n "$cmd" ]; then
		echo "$t0 $(sched "$p" stop)" >"$out/$n.sched"
		stopcaps "$n"
		vsock-pcap-flows /tmp/bulk.pcap 2>&1 | grep -v '^pkt ' \
		    >"$out/$n.flows"
		rm -f /tmp/bulk.pcap
	fi
	stats "$n-stopped"
	echo "$n done at $(uptime_s)"
done
# The names step: QEMU's -name for CID 3, "kata-agent" for port 1024,
# this side's process.
agent client
echo "agent done at $(uptime_s), status $(cat "$out/agent.rc")"
# The guest's results, over vsock, now that no capture runs here.
mkdir -p "$out/guest"
vsock-cat -l 9000 >/tmp/guest-results.tar 2>"$out/guest-results.stderr" &
rpid=$!
# shellcheck disable=SC2086
vdecode $FUNC_CAPS probe

# Without ACPI the guest's poweroff only halts it: once its results are
# out, the nested qemu is stopped.
while kill -0 "$qpid" 2>/dev/null; do
	if grep -q '^===LIVE-RESULTS-END===' /tmp/guest-serial1.txt; then
		usleep 500000
		kill "$qpid" 2>/dev/null
		break
	fi
	usleep 500000
done
wait "$qpid"
echo $? >"$out/qemu.rc"
t_end=$(uptime_s)
echo "nested qemu ran $(awk -v a="$t_qemu" -v b="$t_end" \
    'BEGIN { printf "%.1f", b - a }') s, status $(cat "$out/qemu.rc")"
# Host-clock timings, from the nested qemu's start.
sed -n 's/^live-init: up at: //p; s/^live-init: scenario start: //p' \
    "$out/guest-times.txt" 2>/dev/null | tr '\n' ' ' |
    awk -v q="$t_qemu" -v e="$t_end" \
    '{ printf "timings: guest at /init %.1f s, its scenario %.1f s, " \
    "qemu exit %.1f s after qemu started\n", $1 - q, $2 - q, e - q }'
kill "$rpid" 2>/dev/null
wait "$rpid"
tar -xf /tmp/guest-results.tar -C "$out/guest" ||
    echo "no results from the guest over vsock"
# What /init sent on the serial port: its own logs, complete.
sed -n '/^===LIVE-RESULTS-BEGIN===/,/^===LIVE-RESULTS-END===/p' \
    /tmp/guest-serial1.txt | sed '1d;$d' | tr -d '\r' | base64 -d |
    tar -xzf - -C "$out/guest" || echo "no results from the guest's /init"
# Each side's checks run against the whole traffic: both logs of every
# part.
for d in "$out" "$out/guest"; do
	cat "$out"/a.*.log "$out"/b.*.log "$out"/guest/a.*.log \
	    "$out"/guest/b.*.log >"$d/traffic.log" 2>/dev/null
done
exit 0
