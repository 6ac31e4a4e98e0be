#!/bin/sh
#
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Builds, for the filter-compiler fuzz harness (fuzz-filter.c), a static
# libpcap that carries our patch series (patches/libpcap/series: the
# capture module and the vsock filter primitives), compiled with
# ASan+UBSan and libFuzzer's coverage instrumentation
# (-fsanitize=fuzzer-no-link), so that the fuzzer sees, and the
# sanitizers check, the code of the filter compiler itself (grammar,
# scanner, gencode.c with the vsock primitives, optimize.c, bpf_filter.c).
#
# Usage:	sh tests/fuzz/build-libpcap.sh BUILDDIR [afl]
#
# "afl" builds with afl-clang-fast (the AFL++ instrumentation, still
# ASan+UBSan) into BUILDDIR instead.  Debian's libpcap 1.10.3 source
# package, downloaded (or found in the cache) by
# distro/fetch-upstream.sh, or found in $LIVE_DISTRO_SRC when that is
# set, is unpacked with dpkg-source -x and patched with "quilt push -a"
# of our series, then
# autoreconf'd, configured without the optional libraries and built
# with "make libpcap.a".
#
# The result is cached: BUILDDIR/stamp holds a hash of the series, the
# source package, this script, the compiler and the flags; a second run
# with the same inputs does nothing.  Prints on stdout:
#	FUZZ_LIBPCAP=BUILDDIR/libpcap	(libpcap.a and the headers:
#					-I$FUZZ_LIBPCAP)
# Exit status 1 if something failed (the logs stay in BUILDDIR).
#
# Environment: CC (default clang), FUZZ_AFL_CC (for "afl", default
# afl-clang-fast), LIVE_DISTRO_SRC, JOBS (default 1).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:?usage: build-libpcap.sh BUILDDIR [afl]}
kind=${2:-libfuzzer}
LP_VER=1.10.3-1
JOBS=${JOBS:-1}

case $kind in
libfuzzer)
	CC=${CC:-clang}
	cov=-fsanitize=fuzzer-no-link
	;;
afl)
	# Not AFL_CC: afl-cc reads that as the compiler it wraps.
	CC=${FUZZ_AFL_CC:-afl-clang-fast}
	unset AFL_CC
	cov=
	;;
*)
	echo "usage: build-libpcap.sh BUILDDIR [afl]" >&2
	exit 2
	;;
esac
CFLAGS_SAN="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all $cov"

log() {
	echo "build-libpcap: $*" >&2
}

die() {
	log "$*"
	exit 1
}

series=$top/patches/libpcap
grep -qv -e '^#' -e '^[[:space:]]*$' "$series/series" 2>/dev/null ||
    die "$series/series is empty or missing"
mkdir -p "$build"
build=$(cd "$build" && pwd)
dsrc=${LIVE_DISTRO_SRC:-}
if [ -z "$dsrc" ]; then
	dsrc=$(bash "$top/distro/fetch-upstream.sh" --print-srcdir bookworm \
	    2>"$build/fetch.log") ||
	    die "fetching Debian's source packages failed (see $build/fetch.log)"
fi
dsc=$dsrc/libpcap_$LP_VER.dsc
[ -f "$dsc" ] || die "no $dsc (LIVE_DISTRO_SRC=$dsrc)"
lp=$build/libpcap

stamp=$( {
	echo "kind=$kind cc=$CC cflags=$CFLAGS_SAN"
	"$CC" --version 2>/dev/null | head -n 1
	cat "$here/build-libpcap.sh"
	sha256sum "$dsrc"/libpcap_1.10.3*
	cat "$series"/series "$series"/*.patch
} | sha256sum | cut -d' ' -f1)

emit() {
	echo "FUZZ_LIBPCAP=$lp"
}

if [ -f "$build/stamp" ] && [ "$(cat "$build/stamp")" = "$stamp" ] &&
    [ -f "$lp/libpcap.a" ]; then
	log "up to date ($kind)"
	emit
	exit 0
fi
rm -rf "$lp" "$build/stamp"

t0=$(date +%s)
dpkg-source --no-check -x "$dsc" "$lp" >"$build/unpack.log" 2>&1 ||
    die "dpkg-source -x $dsc failed (see $build/unpack.log)"
rm -rf "$lp/.pc"
(cd "$lp" && QUILT_PATCHES=$series QUILT_PC=.pc-vsockdump quilt push -a) \
    >"$build/quilt.log" 2>&1 ||
    die "quilt push -a of $series failed (see $build/quilt.log)"
grep -q '^gen_vsock_offrel(' "$lp/gencode.c" ||
    die "$lp/gencode.c has no vsock primitives after the series"

# No optional library: the harness only compiles and runs filters.
# ASan's runtime comes with the harness's link (-fsanitize=address),
# not with libpcap.a.
(cd "$lp" && autoreconf -fi && ./configure --disable-shared \
    --disable-dbus --disable-rdma --disable-bluetooth --without-libnl \
    --disable-usb --disable-netmap CC="$CC" CFLAGS="$CFLAGS_SAN") \
    >"$build/configure.log" 2>&1 ||
    die "libpcap configure failed (see $build/configure.log)"
(cd "$lp" && make -j"$JOBS" libpcap.a) >"$build/make.log" 2>&1 ||
    die "libpcap build failed (see $build/make.log)"
nm "$lp/libpcap.a" 2>/dev/null | grep -q ' T gen_vsock$' ||
    die "the vsock primitives were not compiled in (see $build/make.log)"
log "libpcap ($kind, ASan+UBSan) built in $(($(date +%s) - t0)) s"
echo "$stamp" >"$build/stamp"
emit
