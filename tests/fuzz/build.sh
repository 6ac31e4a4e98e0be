#!/bin/sh
#
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Builds the fuzz harnesses of tests/fuzz/ into a directory:
#
#	sh tests/fuzz/build.sh [OUTDIR] [libfuzzer|afl|replay|all]
#
# (default OUTDIR ./fuzz-out, default kind libfuzzer).  From each of
# fuzz-printer.c and fuzz-readfile.c:
#
#	libfuzzer	OUTDIR/NAME		clang -fsanitize=fuzzer,address,undefined
#	afl		OUTDIR/NAME.afl		afl-clang-fast, ASan+UBSan, with
#						afl-driver.c (persistent mode)
#	replay		OUTDIR/NAME.replay	clang, ASan+UBSan, with afl-driver.c:
#						runs the files named on its command line
#
# Every build compiles print-vsock.c, vsockdump-sll.c and
# netdissect-stubs/*.c with the harness, so all of them are sanitized
# and (for libFuzzer and AFL++) instrumented for coverage; libpcap is
# the system's (uninstrumented).
#
# Environment: CC (default clang), AFL_CC (default afl-clang-fast),
# EXTRA_CFLAGS.

srcdir=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
out=${1:-fuzz-out}
kind=${2:-libfuzzer}
CC=${CC:-clang}
AFL_CC=${AFL_CC:-afl-clang-fast}

mkdir -p "$out" || exit 2

cflags="-g -O1 -fno-omit-frame-pointer -Wall -Wextra -DHAVE_NET_IF_H=1
	-I$srcdir/netdissect-stubs -I$srcdir/tests/fuzz $EXTRA_CFLAGS"
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
srcs="$srcdir/print-vsock.c $srcdir/vsockdump-sll.c
	$srcdir/netdissect-stubs/util-print.c
	$srcdir/netdissect-stubs/print-ascii.c
	$srcdir/netdissect-stubs/print.c"
libs=$(pkg-config --libs libpcap 2>/dev/null || echo -lpcap)

build() {
	target=$1
	shift
	echo "  BUILD $target"
	"$@" || { echo "build.sh: building $target failed" >&2; exit 1; }
}

for h in fuzz-printer fuzz-readfile; do
	case $kind in
	libfuzzer|all)
		# shellcheck disable=SC2086
		build "$out/$h" $CC $cflags $san -fsanitize=fuzzer -o "$out/$h" \
		    "$srcdir/tests/fuzz/$h.c" $srcs $libs
		;;
	esac
	case $kind in
	afl|all)
		# shellcheck disable=SC2086
		AFL_QUIET=1 build "$out/$h.afl" $AFL_CC $cflags $san -o "$out/$h.afl" \
		    "$srcdir/tests/fuzz/$h.c" "$srcdir/tests/fuzz/afl-driver.c" \
		    $srcs $libs
		;;
	esac
	case $kind in
	replay|all)
		# shellcheck disable=SC2086
		build "$out/$h.replay" $CC $cflags $san -o "$out/$h.replay" \
		    "$srcdir/tests/fuzz/$h.c" "$srcdir/tests/fuzz/afl-driver.c" \
		    $srcs $libs
		;;
	esac
done
exit 0
