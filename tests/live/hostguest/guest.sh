#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Host-guest stage, the GUEST's side: run by /init in the nested VM
# (Debian's kernel, virtio_transport over QEMU's vhost-vsock-pci, CID 3)
# as its scenario, while host.sh runs in the VM that started it.
#
# Captures on the guest's vsockmon0 (virtio_transport's tap), all at
# once, while parts a and b of the traffic run (see lib.sh):
#	patched	tcpdump-patched (our libpcap)	checked by check.sh
#	vd	vsockdump (our libpcap)		checked by check.sh
#	q-in, q-out	tcpdump-patched -Q in / -Q out
#	f-dst	tcpdump-patched "vsock dst cid 3"
#	f-port	vsockdump "vsock port 5001"
# Then the client side of the bulk runs, without capture here, and the
# server side of the names step (lib.sh's agent), captured by vsockdump
# without -n ("names"); this guest's host name is LIVE_HG_GUEST_HOSTNAME
# (default hg-inside).
# Results in $1 (default /out), sent to the host over vsock at the end
# (vsock-cat).
out=${1:-/out}
iface=vsockmon0
SYNC=/dev/ttyS2
PEER=2
. /etc/live/stage-lib.sh
. /etc/live/hg-lib.sh

# (No versions.txt: the host's has the same programs; every program
# started costs seconds here.)
# The host name the guest's vsockdump names its own CID after.
hostname "${LIVE_HG_GUEST_HOSTNAME:-hg-inside}"
: >"$out/stats.txt"
stats boot
# Buffers large enough for the whole traffic: the guest's one CPU
# drains them slowly.
cap patched - "" tcpdump-patched -Z root -B 16384
cap vd - "" vsockdump -B 16384
cap q-in kind=plain "" tcpdump-patched -Z root -B 8192 -Q in
cap q-out kind=plain "" tcpdump-patched -Z root -B 8192 -Q out
cap f-dst kind=plain "vsock dst cid 3" tcpdump-patched -Z root -B 8192
cap f-port kind=plain "vsock port 5001" vsockdump -B 8192
# shellcheck disable=SC2086
waitlisten $CAPS
functional client server
endfunctional
probestart

probe
echo "probe done at $(uptime_s)"

for run in $(bulkplan); do
	i=${run%%:*} c=${run#*:*:} r=${run#*:}
	n=bulk-${r%%:*}-$c
	stats "$n-start"
	bulk "$i" "$n" client
	stats "$n-stop"
	echo "$n done at $(uptime_s)"
done
# The names step: this side's vsockdump names its own CID after its
# host name; the host connects to port 1024 here.
agent server
echo "agent done at $(uptime_s), status $(cat "$out/agent.rc")"
vdecode patched vd probe
echo "guest done at $(uptime_s)"
# The results go to the host over vsock (host.sh listens once its own
# captures are done): through the emulated serial port they would take
# minutes.  /init then sends only what is left (its own logs) on ttyS1.
if tar -C "$out" -cf - . | vsock-cat 2 9000 180; then
	echo "results sent over vsock at $(uptime_s)"
	find "$out" -type f ! -name '*.log' ! -name '*.rc' -exec rm -f {} +
fi
exit 0
