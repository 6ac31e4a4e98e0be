#!/bin/sh
#
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Builds the fuzz harnesses of tests/fuzz/ into a directory:
#
#	sh tests/fuzz/build.sh [OUTDIR] [libfuzzer|afl|replay|all] [HARNESS...]
#
# (default OUTDIR ./fuzz-out, default kind libfuzzer, default harnesses
# fuzz-printer fuzz-readfile fuzz-conv fuzz-filter).  From each of them:
#
#	libfuzzer	OUTDIR/NAME		clang -fsanitize=fuzzer,address,undefined
#	afl		OUTDIR/NAME.afl		afl-clang-fast, ASan+UBSan, with
#						afl-driver.c (persistent mode)
#	replay		OUTDIR/NAME.replay	clang, ASan+UBSan, with afl-driver.c:
#						runs the files named on its command line
#
# Every build compiles print-vsock.c, vsockdump-sll.c, vsock-conv.c,
# vsockdump-analysis.c and netdissect-stubs/*.c with the harness, so all of them are sanitized
# and (for libFuzzer and AFL++) instrumented for coverage; libpcap is
# the system's (uninstrumented).
#
# fuzz-filter.c is built alone, against a static libpcap that carries
# our patch series, itself built with ASan+UBSan and the coverage
# instrumentation of the kind (-fsanitize=fuzzer-no-link; afl-clang-fast
# for afl) by build-libpcap.sh, cached in $FUZZ_LIBPCAP_CACHE (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/vsockdump-fuzz): libpcap-libfuzzer
# (also used by the replay build) and libpcap-afl.
#
# Environment: CC (default clang), AFL_CC (default afl-clang-fast),
# EXTRA_CFLAGS, FUZZ_LIBPCAP_CACHE.

srcdir=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
out=${1:-fuzz-out}
kind=${2:-libfuzzer}
[ $# -gt 2 ] && shift 2 || set --
harnesses=${*:-fuzz-printer fuzz-readfile fuzz-conv fuzz-filter}
cache=${FUZZ_LIBPCAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vsockdump-fuzz}
CC=${CC:-clang}
AFL_CC=${AFL_CC:-afl-clang-fast}

mkdir -p "$out" || exit 2

cflags="-g -O1 -fno-omit-frame-pointer -Wall -Wextra
	-Werror=implicit-function-declaration -DHAVE_NET_IF_H=1
	-I$srcdir -I$srcdir/netdissect-stubs -I$srcdir/tests/fuzz $EXTRA_CFLAGS"
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
srcs="$srcdir/print-vsock.c $srcdir/vsockdump-sll.c
	$srcdir/vsock-conv.c $srcdir/vsockdump-analysis.c
	$srcdir/netdissect-stubs/util-print.c
	$srcdir/netdissect-stubs/print-ascii.c
	$srcdir/netdissect-stubs/print.c"
libs=$(pkg-config --libs libpcap 2>/dev/null || echo -lpcap)
# fuzz-filter also checks vsockdump's filter rewrite against libpcap's.
rewrite="-I$srcdir $srcdir/vsockdump-filter.c"

build() {
	target=$1
	shift
	echo "  BUILD $target"
	"$@" || { echo "build.sh: building $target failed" >&2; exit 1; }
}

# filter_libpcap LIBPCAPKIND: the patched, sanitized libpcap build
# directory (build-libpcap.sh), built if needed.
filter_libpcap() {
	fenv=$(sh "$srcdir/tests/fuzz/build-libpcap.sh" "$cache/libpcap-$1" \
	    ${1#libfuzzer}) || {
		echo "build.sh: the patched libpcap ($1) for fuzz-filter" \
		    "did not build" >&2
		exit 1
	}
	echo "${fenv#FUZZ_LIBPCAP=}"
}

for h in $harnesses; do
	if [ "$h" = fuzz-filter ]; then
		case $kind in
		libfuzzer|replay|all)
			lp=$(filter_libpcap libfuzzer) || exit 1
			;;
		esac
		case $kind in
		libfuzzer|all)
			# shellcheck disable=SC2086
			build "$out/$h" $CC $cflags $san -fsanitize=fuzzer \
			    -I"$lp" -o "$out/$h" "$srcdir/tests/fuzz/$h.c" \
			    $rewrite "$lp/libpcap.a"
			;;
		esac
		case $kind in
		replay|all)
			# shellcheck disable=SC2086
			build "$out/$h.replay" $CC $cflags $san -I"$lp" \
			    -o "$out/$h.replay" "$srcdir/tests/fuzz/$h.c" \
			    "$srcdir/tests/fuzz/afl-driver.c" $rewrite \
			    "$lp/libpcap.a"
			;;
		esac
		case $kind in
		afl|all)
			alp=$(FUZZ_AFL_CC=$AFL_CC filter_libpcap afl) || exit 1
			# shellcheck disable=SC2086
			AFL_QUIET=1 build "$out/$h.afl" $AFL_CC $cflags $san \
			    -I"$alp" -o "$out/$h.afl" "$srcdir/tests/fuzz/$h.c" \
			    "$srcdir/tests/fuzz/afl-driver.c" $rewrite \
			    "$alp/libpcap.a"
			;;
		esac
		continue
	fi
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
