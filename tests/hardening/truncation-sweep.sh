#!/bin/sh
#
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Builds tests/hardening/truncation-sweep.c with vsockdump's internal
# library (the printer and the netdissect stubs) under ASan+UBSan, builds every tests/captures/*.txt
# with tools/vsockgen, and sweeps every prefix of every packet of those
# and of the two real captures at -v, -vv and -X (see the comment at the
# top of truncation-sweep.c for what is checked).
#
# Usage:	sh tests/hardening/truncation-sweep.sh [CAPTURE...]
# Environment:	CC (default clang), WORKDIR (default ./truncation-sweep.d)
#
# Ends with "N passed, N failed" (one case per packet and option set).

srcdir=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
CC=${CC:-clang}
WORKDIR=${WORKDIR:-truncation-sweep.d}

rm -rf "$WORKDIR/caps"
mkdir -p "$WORKDIR/caps" || exit 2

san="-fsanitize=address,undefined -fno-sanitize-recover=all"
lib=$(sh "$srcdir/tools/internal-lib.sh" "$WORKDIR/lib" "$CC" \
    "-g -O1 -fno-omit-frame-pointer $san") ||
    { echo "truncation-sweep.sh: library build failed"; echo "0 passed, 1 failed"; exit 1; }
# shellcheck disable=SC2086
$CC -g -O1 -fno-omit-frame-pointer -Wall -Wextra -DHAVE_NET_IF_H=1 \
    -I"$srcdir/netdissect-stubs" -I"$srcdir/src" $san \
    -o "$WORKDIR/truncation-sweep" \
    "$srcdir/tests/hardening/truncation-sweep.c" $lib \
    $(pkg-config --libs libpcap 2>/dev/null || echo -lpcap) ||
    { echo "truncation-sweep.sh: build failed"; echo "0 passed, 1 failed"; exit 1; }
$CC -O1 -o "$WORKDIR/vsockgen" "$srcdir/tools/vsockgen.c" ||
    { echo "truncation-sweep.sh: vsockgen build failed"; echo "0 passed, 1 failed"; exit 1; }

if [ $# -eq 0 ]; then
	# Not the decoders' captures (dec-*, linux61-proto-*): their
	# headers are the printer's usual ones, and their payloads, some
	# of 4 MB, would make the sweep (quadratic in a packet's length at
	# -vv and -X) take most of CI's hour.  The decoders' own bounds are
	# fuzz-decode's and the TESTLIST's gap and cut cases.
	for t in "$srcdir"/tests/captures/*.txt; do
		case $t in */dec-*) continue;; esac
		b=$(basename "$t" .txt)
		"$WORKDIR/vsockgen" -o "$WORKDIR/caps/$b.cap" "$t" || {
			echo "truncation-sweep.sh: vsockgen $t failed"
			echo "0 passed, 1 failed"
			exit 1
		}
	done
	for t in "$srcdir"/tests/captures/*.pcap; do
		case $t in */linux61-proto-*) continue;; esac
		cp "$t" "$WORKDIR/caps/"
	done
	set -- "$WORKDIR"/caps/*
fi

ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS
"$WORKDIR/truncation-sweep" "$@"
status=$?
if [ $status -gt 1 ]; then
	# A sanitizer report or a crash: the program did not get to its
	# own summary.
	echo "truncation-sweep.sh: the sweep died (status $status)"
	echo "0 passed, 1 failed"
fi
exit $status
