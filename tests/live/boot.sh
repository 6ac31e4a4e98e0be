#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Boots the kernel with the live-test initramfs under qemu (TCG: the KVM
# of these machines does not boot a stock kernel), with a hard timeout,
# and unpacks the results that /init writes on the second serial port.
#
# Usage: boot.sh VMLINUZ INITRAMFS RESULTDIR
# RESULTDIR gets console.log (the first serial port), serial1.txt (the
# second) and the files of the VM's /out.
# Environment: LIVE_TIMEOUT (seconds, default 150), LIVE_QEMU_ARGS,
# LIVE_MEM (MiB, default 512), LIVE_SMP (default 2).
set -eu

vmlinuz=${1:?usage: boot.sh VMLINUZ INITRAMFS RESULTDIR}
initrd=${2:?}
res=${3:?}

mkdir -p "$res"
rm -f "$res/console.log" "$res/serial1.txt"

status=0
# shellcheck disable=SC2086
timeout -k 5 "${LIVE_TIMEOUT:-150}" qemu-system-x86_64 \
    -accel tcg -cpu max -smp "${LIVE_SMP:-2}" -m "${LIVE_MEM:-512}" \
    -nographic -no-reboot -monitor none -nic none \
    -serial "file:$res/console.log" -serial "file:$res/serial1.txt" \
    -kernel "$vmlinuz" -initrd "$initrd" \
    -append 'console=ttyS0 quiet panic=-1' \
    ${LIVE_QEMU_ARGS:-} </dev/null >"$res/qemu.out" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
	if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
		echo "boot: qemu killed after ${LIVE_TIMEOUT:-150} s" >&2
	else
		echo "boot: qemu exited with status $status" >&2
	fi
	cat "$res/qemu.out" >&2
fi

if ! grep -q '^===LIVE-RESULTS-END===' "$res/serial1.txt" 2>/dev/null; then
	echo "boot: no results on the second serial port; console tail:" >&2
	tail -n 30 "$res/console.log" >&2 2>/dev/null || true
	exit 1
fi
sed -n '/^===LIVE-RESULTS-BEGIN===/,/^===LIVE-RESULTS-END===/p' \
    "$res/serial1.txt" | sed '1d;$d' | tr -d '\r' | base64 -d |
    tar -xzf - -C "$res"
exit 0
