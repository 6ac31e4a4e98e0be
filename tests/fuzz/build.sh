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
# fuzz-printer fuzz-readfile fuzz-conv fuzz-filter fuzz-decode
# fuzz-names).  From each of them:
#
#	libfuzzer	OUTDIR/NAME		clang -fsanitize=fuzzer,address,undefined
#	afl		OUTDIR/NAME.afl		afl-clang-fast, ASan+UBSan, with
#						afl-driver.c (persistent mode)
#	replay		OUTDIR/NAME.replay	clang, ASan+UBSan, with afl-driver.c:
#						runs the files named on its command line
#
# Every harness links vsockdump's internal library (libvsockdump.a and
# libnetdissect-stubs.a: the printers, the tracker and its analysis, the
# filter rewrite, the savefile), built by the tree's own Makefile in
# OUTDIR/lib-KIND, configured with the harness's compiler, ASan+UBSan
# and the kind's coverage instrumentation (-fsanitize=fuzzer-no-link;
# afl-clang-fast; none for replay); libpcap is the system's
# (uninstrumented).
#
# Environment: CC (default clang), AFL_CC (default afl-clang-fast),
# EXTRA_CFLAGS, FUZZ_LIBPCAP_CACHE.

srcdir=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
out=${1:-fuzz-out}
kind=${2:-libfuzzer}
[ $# -gt 2 ] && shift 2 || set --
harnesses=${*:-fuzz-printer fuzz-readfile fuzz-conv fuzz-filter fuzz-decode fuzz-names}
cache=${FUZZ_LIBPCAP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vsockdump-fuzz}
CC=${CC:-clang}
AFL_CC=${AFL_CC:-afl-clang-fast}

mkdir -p "$out" || exit 2

cflags="-g -O1 -fno-omit-frame-pointer -Wall -Wextra
	-Werror=implicit-function-declaration -DHAVE_NET_IF_H=1
	-I$srcdir -I$srcdir/netdissect-stubs -I$srcdir/src
	-I$srcdir/tests/fuzz $EXTRA_CFLAGS"
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
libs=$(pkg-config --libs libpcap 2>/dev/null || echo -lpcap)

build() {
	target=$1
	shift
	echo "  BUILD $target"
	"$@" || { echo "build.sh: building $target failed" >&2; exit 1; }
}

# internal_lib KIND COMPILER COVERAGE-FLAGS: vsockdump's internal
# library for the kind, in OUTDIR/lib-KIND; prints the archives.
internal_lib() {
	sh "$srcdir/tools/internal-lib.sh" "$out/lib-$1" "$2" \
	    "-g -O1 -fno-omit-frame-pointer $san $3" || {
		echo "build.sh: vsockdump's internal library ($1) did not" \
		    "build" >&2
		exit 1
	}
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

case $kind in
libfuzzer|all)
	fuzz_lib=$(internal_lib libfuzzer "$CC" -fsanitize=fuzzer-no-link) ||
	    exit 1
	;;
esac
case $kind in
afl|all)
	afl_lib=$(internal_lib afl "$AFL_CC" "") || exit 1
	;;
esac
case $kind in
replay|all)
	replay_lib=$(internal_lib replay "$CC" "") || exit 1
	;;
esac

for h in $harnesses; do
	# The libpcap to link: the system's, or for fuzz-filter the
	# patched, sanitized one of build-libpcap.sh.
	lp_libfuzzer=$libs
	lp_afl=$libs
	inc=
	if [ "$h" = fuzz-filter ]; then
		case $kind in
		libfuzzer|replay|all)
			lp=$(filter_libpcap libfuzzer) || exit 1
			lp_libfuzzer=$lp/libpcap.a
			inc=-I$lp
			;;
		esac
		case $kind in
		afl|all)
			alp=$(FUZZ_AFL_CC=$AFL_CC filter_libpcap afl) || exit 1
			lp_afl=$alp/libpcap.a
			;;
		esac
	fi
	case $kind in
	libfuzzer|all)
		# shellcheck disable=SC2086
		build "$out/$h" $CC $cflags $san $inc -fsanitize=fuzzer \
		    -o "$out/$h" "$srcdir/tests/fuzz/$h.c" $fuzz_lib \
		    $lp_libfuzzer
		;;
	esac
	case $kind in
	afl|all)
		# shellcheck disable=SC2086
		AFL_QUIET=1 build "$out/$h.afl" $AFL_CC $cflags $san \
		    ${alp:+-I$alp} -o "$out/$h.afl" "$srcdir/tests/fuzz/$h.c" \
		    "$srcdir/tests/fuzz/afl-driver.c" $afl_lib $lp_afl
		;;
	esac
	case $kind in
	replay|all)
		# shellcheck disable=SC2086
		build "$out/$h.replay" $CC $cflags $san $inc \
		    -o "$out/$h.replay" "$srcdir/tests/fuzz/$h.c" \
		    "$srcdir/tests/fuzz/afl-driver.c" $replay_lib $lp_libfuzzer
		;;
	esac
done
exit 0
