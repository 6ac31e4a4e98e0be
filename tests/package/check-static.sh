#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# The static vsockdump ("make vsockdump-static", for guests and images
# without libpcap): it is built from a configured build directory, has
# no program interpreter and no shared library dependency, and runs in
# an empty root directory (chroot: nothing but itself and its input),
# where it decodes the bundled capture exactly as the TESTLIST expects,
# and compiles and runs a vsock filter (vsockdump's own, the libpcap
# inside having none).
#
# Usage: sh tests/package/check-static.sh BUILDDIR
#	BUILDDIR: a configured vsockdump build directory (e.g. build/werror)
# WORKDIR (default ${TMPDIR:-/tmp}/vsockdump-static) is wiped first.
# The last line is "N passed, N failed".
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
B=${1:?usage: check-static.sh BUILDDIR}
W=${WORKDIR:-${TMPDIR:-/tmp}/vsockdump-static}
verbose=${VERBOSE:-0}
res=$W
. "$top/tests/live/check-lib.sh"

rm -rf "$W"
mkdir -p "$W" || exit 2
W=$(cd "$W" && pwd)

(cd "$B" && make vsockdump-static) >"$W/build.log" 2>&1
ck $? "make vsockdump-static" -- "see $W/build.log"
bin=$B/vsockdump-static
[ -x "$bin" ] || ck_exit

readelf -l "$bin" >"$W/phdrs.txt" 2>&1
! grep -q 'INTERP' "$W/phdrs.txt"
ck $? "vsockdump-static has no program interpreter"
readelf -d "$bin" >"$W/dynamic.txt" 2>&1
! grep -q 'NEEDED' "$W/dynamic.txt"
ck $? "vsockdump-static needs no shared library" -- \
    "$(grep NEEDED "$W/dynamic.txt" | head -n 3)"
info "vsockdump-static: $(wc -c <"$bin") bytes"

# An empty root: the binary and the capture, nothing else (no libc, no
# /etc, no /dev).
root=$W/root
mkdir -p "$root"
cp "$bin" "$root/vsockdump"
cp "$top/tests/captures/linux61-loopback-stream-seqpacket.pcap" "$root/in.pcap"
TZ=GMT0 chroot "$root" /vsockdump -# -n -r /in.pcap >"$W/sample.out" \
    2>"$W/sample.err"
ck $? "vsockdump-static runs in an empty root" -- "$(cat "$W/sample.err")"
cmp -s "$W/sample.out" "$top/tests/expected/linux61-vsock.out"
ck $? "its output equals tests/expected/linux61-vsock.out"

# A vsock filter: rewritten, then compiled by the libpcap inside.
f='vsock port 5001 and vsock vop rw and len > 100'
TZ=GMT0 chroot "$root" /vsockdump -n -r /in.pcap "$f" \
    >"$W/filter.out" 2>"$W/filter.err"
ck $? "vsockdump-static with a vsock filter" -- "$(cat "$W/filter.err")"
TZ=GMT0 "$B/vsockdump" -n -r "$root/in.pcap" "$f" >"$W/filter.want" \
    2>/dev/null
[ -s "$W/filter.want" ] && cmp -s "$W/filter.out" "$W/filter.want"
ck $? "the filtered output equals the dynamic build's" \
    -- "$(wc -l <"$W/filter.out") and $(wc -l <"$W/filter.want") lines"
ck_exit
