#!/bin/sh
# One command from a fresh clone: install what is needed, build vsockdump
# in build/, and decode the bundled sample capture (recorded on a real
# Linux 6.1 kernel) with -v.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

sh tools/install-deps.sh
[ -x configure ] || autoreconf -fi >/dev/null 2>&1
mkdir -p build
cd build
[ -f Makefile ] || ../configure -q
make -s
./vsockdump -n -v -r ../tests/captures/linux61-loopback-stream-seqpacket.pcap
