#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# The host-guest stage of the live test, in one command: Debian's
# kernel under qemu (TCG) is the host, with vhost_vsock; inside it, a
# nested qemu started with "-device vhost-vsock-pci,guest-cid=3" boots
# the same kernel as the guest, with virtio_transport.  Traffic runs
# both ways between CID 2 and CID 3, captured on both sides at once
# (host.sh, guest.sh, lib.sh), then checked (check.sh).  Prints the
# time of each step and ends with "N passed, N failed"; exits non-zero
# if any check failed.
#
# Usage: tests/live/hostguest/run.sh [-v]	(or tests/live/run.sh
#	--host-guest [-v]; -v lists passing checks too)
#
# Environment (all optional): LIVE_CACHE, LIVE_PATCHED_BUILD,
# LIVE_DISTRO_SRC as for tests/live/run.sh; LIVE_WORK (default
# ${TMPDIR:-/tmp}/vsockdump-hostguest, wiped first); LIVE_TIMEOUT (the
# outer qemu's limit, default 1500 s); LIVE_MEM (the host's memory,
# MiB, default 2048); LIVE_SMP (its CPUs, default 2); LIVE_HG_* (see
# host.sh and lib.sh); LIVE_HG_KERNEL (vmlinux or bzimage).
set -u

here=$(cd "$(dirname "$0")" && pwd)
live=$(cd "$here/.." && pwd)
verbose=
[ "${1:-}" = -v ] && verbose=-v
LIVE_WORK=${LIVE_WORK:-${TMPDIR:-/tmp}/vsockdump-hostguest}
export LIVE_WORK
tag=hostguest
# shellcheck source=../run-lib.sh
. "$live/run-lib.sh"

t_start=$(now)
live_prepare
t0=$(now)
live_install_deps
# vsock-traffic, live-helper and vsock-pcap-flows; the guest's tcpdump
# and vsockdump must be static: those on our libpcap.  vsockdump on
# Debian's libpcap (static) only for a bulk run that captures with it
# ("vs").
novd=1
case " ${LIVE_HG_BULK_CAPTURES:-} " in *" vs "*) novd=0 ;; esac
benv=$(LIVE_NO_VSOCKDUMP=$novd sh "$live/build-static.sh" "$LIVE_WORK/build") ||
    die "building the test programs failed"
eval "$benv"
vsfile=
if [ "$novd" = 0 ]; then
	[ "$LIVE_VSOCKDUMP_KIND" = static ] ||
	    die "no static vsockdump on Debian's libpcap for the bulk runs (vs)"
	vsfile=$LIVE_VSOCKDUMP=/bin/vsockdump-stock
fi
penv=$(sh "$live/build-patched.sh" "${LIVE_PATCHED_BUILD:-${XDG_CACHE_HOME:-$HOME/.cache}/vsockdump-live/patched-build}") ||
    die "building tcpdump and vsockdump on our libpcap failed"
eval "$penv"
${CC:-cc} -O2 -Wall -Wextra -static -o "$LIVE_WORK/build/vsock-cat" \
    "$here/vsock-cat.c" || die "building vsock-cat failed"
echo "hostguest: programs built in $(elapsed "$t0" "$(now)") s"

# The guest's kernel: the same package's, uncompressed (vmlinux, booted
# by QEMU through its PVH entry point): the bzImage's own xz
# decompression takes a minute or more under nested TCG.
# LIVE_HG_KERNEL=bzimage boots the bzImage instead.
gkernel=$LIVE_VMLINUZ
if [ "${LIVE_HG_KERNEL:-vmlinux}" = vmlinux ]; then
	if sh "$live/extract-vmlinux.sh" "$LIVE_VMLINUZ" "$LIVE_WORK/vmlinux"
	then
		gkernel=$LIVE_WORK/vmlinux
	else
		echo "hostguest: no vmlinux in $LIVE_VMLINUZ (xz-utils?):" \
		    "the guest boots the bzImage" >&2
	fi
fi

# QEMU's own files for the nested guest: its TCG accelerator (a module
# it loads at run time) and the firmware a -kernel boot of the pc
# machine reads (pvh.bin for a vmlinux).
qemu=$(command -v qemu-system-x86_64) || die "no qemu-system-x86_64"
qfiles=
for f in accel-tcg-x86_64.so=/opt/qemu/lib bios-256k.bin=/opt/qemu/share \
    linuxboot_dma.bin=/opt/qemu/share kvmvapic.bin=/opt/qemu/share \
    pvh.bin=/opt/qemu/share; do
	name=${f%%=*}
	src=$(find /usr/lib/x86_64-linux-gnu/qemu /usr/share/qemu \
	    /usr/share/seabios -name "$name" 2>/dev/null | head -n 1)
	[ -n "$src" ] || die "no $name (packages qemu-system-x86, seabios)"
	qfiles="$qfiles $src=${f#*=}/$name"
done

t0=$(now)
# The guest: virtio_pci and virtio_transport; no loopback, no tcpdump
# but ours.
LIVE_KROOT=$LIVE_KROOT LIVE_KVER=$LIVE_KVER LIVE_TRAFFIC=$LIVE_TRAFFIC \
LIVE_VSOCKDUMP=$LIVE_VSOCKDUMP_PATCHED LIVE_TCPDUMP=none \
LIVE_TCPDUMP_PATCHED=$LIVE_TCPDUMP_PATCHED LIVE_STAGES=none LIVE_FAULTS=none \
LIVE_EXTRA_BINS=$LIVE_WORK/build/vsock-cat LIVE_OWNERS=$LIVE_OWNERS \
LIVE_EXTRA_FILES="$here/lib.sh=/etc/live/hg-lib.sh" \
LIVE_MODULES="virtio_pci vsock vmw_vsock_virtio_transport_common vmw_vsock_virtio_transport vsockmon vsock_diag" \
LIVE_LATE_MODULES= \
LIVE_SCENARIO=$here/guest.sh LIVE_GUEST_TIMEOUT=${LIVE_HG_TIMEOUT:-900} \
LIVE_STRIP=1 \
    sh "$live/mkinitramfs.sh" "$LIVE_WORK/guest.cpio.gz" ||
    die "building the guest's initramfs failed"
# The host: vhost_vsock, Debian's tcpdump (for the bulk runs), qemu with
# the guest's kernel and initramfs; live-helper and vsock-pcap-flows for
# the bulk runs.
LIVE_KROOT=$LIVE_KROOT LIVE_KVER=$LIVE_KVER LIVE_TRAFFIC=$LIVE_TRAFFIC \
LIVE_VSOCKDUMP=$LIVE_VSOCKDUMP_PATCHED \
LIVE_TCPDUMP_PATCHED=$LIVE_TCPDUMP_PATCHED LIVE_STAGES=none LIVE_FAULTS=none \
LIVE_EXTRA_BINS="$qemu $LIVE_WORK/build/vsock-cat $LIVE_HELPER $LIVE_FLOWS" LIVE_OWNERS=$LIVE_OWNERS \
LIVE_EXTRA_FILES="$here/lib.sh=/etc/live/hg-lib.sh $qfiles $gkernel=/opt/guest/kernel $LIVE_WORK/guest.cpio.gz=/opt/guest/initramfs.cpio.gz $vsfile" \
LIVE_MODULES="vsock vmw_vsock_virtio_transport_common vsock_loopback vhost_vsock vsockmon vsock_diag" \
LIVE_LATE_MODULES= \
LIVE_SCENARIO=$here/host.sh LIVE_GUEST_TIMEOUT=$((${LIVE_HG_TIMEOUT:-900} + 120)) \
    sh "$live/mkinitramfs.sh" "$LIVE_WORK/host.cpio.gz" ||
    die "building the host's initramfs failed"
echo "hostguest: initramfs built in $(elapsed "$t0" "$(now)") s" \
    "(guest $(du -k "$LIVE_WORK/guest.cpio.gz" | cut -f1) KiB," \
    "host $(du -k "$LIVE_WORK/host.cpio.gz" | cut -f1) KiB)"

t0=$(now)
res=$LIVE_WORK/results
boot_ok=yes
LIVE_TIMEOUT=${LIVE_TIMEOUT:-1500} LIVE_MEM=${LIVE_MEM:-2048} \
    sh "$live/boot.sh" "$LIVE_VMLINUZ" "$LIVE_WORK/host.cpio.gz" "$res" ||
    boot_ok=no
t_vm=$(elapsed "$t0" "$(now)")
echo "hostguest: VM ran in $t_vm s (host boot, nested guest, traffic, results)"
[ -f "$res/init.log" ] && sed 's/^/hostguest: host: /' "$res/init.log"
[ -f "$res/scenario.log" ] && sed 's/^/hostguest: host: /' "$res/scenario.log"
[ -f "$res/guest/init.log" ] && sed 's/^/hostguest: guest: /' "$res/guest/init.log"
[ -f "$res/guest/scenario.log" ] &&
    sed 's/^/hostguest: guest: /' "$res/guest/scenario.log"

t0=$(now)
if [ "$boot_ok" = yes ]; then
	LIVE_FLOWS=$LIVE_FLOWS LIVE_TCPDUMP_PATCHED=$LIVE_TCPDUMP_PATCHED \
	LIVE_HOST_VSOCKDUMP=$LIVE_VSOCKDUMP_PATCHED \
	    sh "$here/check.sh" $verbose "$res" >"$LIVE_WORK/check.out" 2>&1
	check_status=$?
else
	echo "0 passed, 1 failed" >"$LIVE_WORK/check.out"
	check_status=1
fi
echo "hostguest: checked in $(elapsed "$t0" "$(now)") s"
echo "hostguest: results in $res"
cat "$LIVE_WORK/check.out"
echo "hostguest: whole run $(elapsed "$t_start" "$(now)") s"
exit "$check_status"
