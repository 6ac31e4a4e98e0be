#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# The uncompressed kernel (an ELF vmlinux) inside a bzImage whose
# payload is xz-compressed, as Debian's kernel packages are: QEMU boots
# it through its PVH entry point, without the decompression a bzImage
# does in the guest (a minute or more under nested TCG, and most of the
# boot under an instruction clock).
#
# Usage: extract-vmlinux.sh BZIMAGE OUTPUT
# Exit status 1 (OUTPUT removed) if there is no xz payload, no xz, or
# what it holds is not an ELF file.
set -u

in=${1:?usage: extract-vmlinux.sh BZIMAGE OUTPUT}
out=${2:?usage: extract-vmlinux.sh BZIMAGE OUTPUT}
off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$in" | head -n 1 | cut -d: -f1)
# xz stops at the end of its stream, with an error for what follows.
[ -n "$off" ] && tail -c +$((off + 1)) "$in" | xz -dc >"$out" 2>/dev/null
if [ "$(head -c 4 "$out" 2>/dev/null | od -An -c | tr -d ' ')" = 177ELF ]
then
	exit 0
fi
rm -f "$out"
exit 1
