#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Builds, for the live test, a libpcap that carries our capture module
# (pcap-vsockmon.c) and filter primitives (gencode-vsock.frag), and two
# STATIC programs linked against it: tcpdump with our tcpdump series,
# and vsockdump.
#
# Usage: build-patched.sh BUILDDIR [LIBPCAP_SRC [TCPDUMP_SRC]]
#
# LIBPCAP_SRC (or $LIVE_LIBPCAP_SRC): a libpcap source tree that is
# already patched (for example the tree distro/check-distro.sh leaves
# in its cache); it is copied, never built in place.  Without one,
# Debian's libpcap 1.10.3 source package is unpacked and
# patches/libpcap/series is pushed with quilt.
# TCPDUMP_SRC (or $LIVE_TCPDUMP_SRC): a patched tcpdump tree, copied;
# without one, Debian's tcpdump 4.99.3 source package is unpacked and
# patches/tcpdump/series is pushed with quilt.
# The source packages are downloaded (or found in the cache) by
# distro/fetch-upstream.sh; $LIVE_DISTRO_SRC names a directory that
# already holds them instead.
#
# The result is cached: BUILDDIR/stamp holds a hash of every input, and
# a second run with the same inputs only prints the paths.
# Prints shell assignments on stdout:
#	LIVE_TCPDUMP_PATCHED=...  LIVE_VSOCKDUMP_PATCHED=...
#	LIVE_PATCHED_LIBPCAP=...  (the libpcap build tree)
#	LIVE_PATCHED_HOW=series|given
# Exit status 1 if something did not build.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:?usage: build-patched.sh BUILDDIR [LIBPCAP_SRC [TCPDUMP_SRC]]}
lpsrc=${2:-${LIVE_LIBPCAP_SRC:-}}
tdsrc=${3:-${LIVE_TCPDUMP_SRC:-}}
LP_VER=1.10.3-1
TD_VER=4.99.3-1
CC=${CC:-cc}
JOBS=${JOBS:-2}

log() {
	echo "build-patched: $*" >&2
}

die() {
	log "$*"
	exit 1
}

mkdir -p "$build"
build=$(cd "$build" && pwd)

# What the libpcap tree is made of.
if [ -n "$lpsrc" ]; then
	how=given
else
	how=series
fi

# Where Debian's source packages are: fetched (or found in the distro
# cache) unless given.
dsrc=${LIVE_DISTRO_SRC:-}
if [ -z "$dsrc" ] && { [ -z "$lpsrc" ] || [ -z "$tdsrc" ]; }; then
	dsrc=$(bash "$top/distro/fetch-upstream.sh" --print-srcdir bookworm \
	    2>"$build/fetch.log") ||
	    die "fetching Debian's source packages failed (see $build/fetch.log)"
fi

# srcstate DIR: names, sizes and times of a given tree's source files.
srcstate() {
	(cd "$1" && find . -type f \( -name '*.[chly]' -o -name '*.in' \
	    -o -name configure.ac \) -printf '%p %s %T@\n' | LC_ALL=C sort)
}

# Hash of the inputs, for the cache.
inputs() {
	echo "how=$how lpsrc=$lpsrc tdsrc=$tdsrc cc=$CC"
	cat "$here/build-patched.sh"
	if [ -n "$lpsrc" ]; then
		srcstate "$lpsrc"
	else
		sha256sum "$dsrc"/libpcap_1.10.3* 2>/dev/null
	fi
	[ "$how" = series ] &&
	    cat "$top"/patches/libpcap/series "$top"/patches/libpcap/0*
	if [ -n "$tdsrc" ]; then
		srcstate "$tdsrc"
	else
		sha256sum "$dsrc"/tcpdump_4.99.3* 2>/dev/null
		cat "$top"/patches/tcpdump/series "$top"/patches/tcpdump/0*
	fi
	# vsockdump's own sources.
	cat "$top"/*.c "$top"/*.h "$top"/*.frag "$top"/src/* "$top"/data/* \
	    "$top"/configure.ac "$top"/Makefile.am \
	    "$top"/netdissect-stubs/* 2>/dev/null
}
stamp=$( (inputs | sha256sum | cut -d' ' -f1) 2>/dev/null)

emit() {
	echo "LIVE_TCPDUMP_PATCHED=$build/tcpdump/tcpdump"
	echo "LIVE_VSOCKDUMP_PATCHED=$build/vsockdump/vsockdump"
	echo "LIVE_PATCHED_LIBPCAP=$build/libpcap"
	echo "LIVE_PATCHED_HOW=$how"
}

if [ -f "$build/stamp" ] && [ "$(cat "$build/stamp")" = "$stamp" ] &&
    [ -x "$build/tcpdump/tcpdump" ] && [ -x "$build/vsockdump/vsockdump" ]
then
	log "up to date ($how)"
	emit
	exit 0
fi
rm -rf "$build/libpcap" "$build/tcpdump" "$build/vsockdump" "$build/stamp"

# unpack PKG VERSION DIR: dpkg-source -x of Debian's source package
# (its own patches applied), as distro/check-distro.sh does.
unpack() {
	dsc=$dsrc/${1}_$2.dsc
	[ -f "$dsc" ] || die "no $dsc (LIVE_DISTRO_SRC=$dsrc)"
	dpkg-source --no-check -x "$dsc" "$3" >"$build/unpack-$1.log" 2>&1 ||
	    die "dpkg-source -x $dsc failed (see $build/unpack-$1.log)"
	rm -rf "$3/.pc"
}

quilt_push() {
	(cd "$2" && QUILT_PATCHES=$1 QUILT_PC=.pc-vsockdump quilt push -a) \
	    >"$build/quilt-$(basename "$2").log" 2>&1 ||
	    die "quilt push -a of $1 failed (see $build/quilt-$(basename "$2").log)"
}

# --- libpcap -------------------------------------------------------------
lp=$build/libpcap
case $how in
given)
	mkdir -p "$lp"
	cp -a "$lpsrc/." "$lp/"
	(cd "$lp" && { [ ! -f Makefile ] || make distclean; }) \
	    >/dev/null 2>&1 || true
	;;
series)
	unpack libpcap "$LP_VER" "$lp"
	quilt_push "$top/patches/libpcap" "$lp"
	;;
esac
grep -q vsockmon_create "$lp/pcap.c" ||
    die "$lp does not carry the capture module (pcap.c)"
grep -qi vsock "$lp/grammar.y.in" 2>/dev/null ||
    log "warning: $lp/grammar.y.in has no vsock primitives"

# Static, and without the optional libraries a static link would have
# to drag in (D-Bus, RDMA, Bluetooth, libnl): none of them is used for
# vsockmon capture.
t0=$(date +%s)
(cd "$lp" && autoreconf -fi && ./configure --disable-shared \
    --disable-dbus --disable-rdma --disable-bluetooth --without-libnl \
    --disable-usb --disable-netmap CC="$CC" CFLAGS="-O2 -g") \
    >"$build/libpcap-configure.log" 2>&1 ||
    die "libpcap configure failed (see $build/libpcap-configure.log)"
grep -q '^#define PCAP_SUPPORT_VSOCKMON 1' "$lp/config.h" ||
    die "libpcap configured without PCAP_SUPPORT_VSOCKMON"
(cd "$lp" && make -j"$JOBS" libpcap.a) >"$build/libpcap-build.log" 2>&1 ||
    die "libpcap build failed (see $build/libpcap-build.log)"
log "libpcap ($how) built in $(($(date +%s) - t0)) s"

# --- tcpdump -------------------------------------------------------------
# tcpdump's configure uses a sibling ../libpcap build by itself.
td=$build/tcpdump
if [ -n "$tdsrc" ]; then
	mkdir -p "$td"
	cp -a "$tdsrc/." "$td/"
	(cd "$td" && { [ ! -f Makefile ] || make distclean; }) \
	    >/dev/null 2>&1 || true
else
	unpack tcpdump "$TD_VER" "$td"
	quilt_push "$top/patches/tcpdump" "$td"
fi
t0=$(date +%s)
# As Debian's package: --with-user=tcpdump (its patch
# drop-privs-after-opening-savefile needs a user name whenever -w is
# given), so that the capture module's device removal after a
# privilege drop is exercised too; no libcrypto, libcap-ng or libsmi in
# a static link.
(cd "$td" && ./configure --with-user=tcpdump --without-crypto \
    --without-cap-ng --without-smi CC="$CC" LDFLAGS=-static) \
    >"$build/tcpdump-configure.log" 2>&1 ||
    die "tcpdump configure failed (see $build/tcpdump-configure.log)"
grep -q -- '\.\./libpcap' "$td/Makefile" ||
    die "tcpdump was not configured against ../libpcap"
(cd "$td" && make -j"$JOBS" tcpdump) >"$build/tcpdump-build.log" 2>&1 ||
    die "tcpdump build failed (see $build/tcpdump-build.log)"
if ldd "$td/tcpdump" >/dev/null 2>&1; then
	die "$td/tcpdump is not static"
fi
log "tcpdump built in $(($(date +%s) - t0)) s"

# --- vsockdump -----------------------------------------------------------
vd=$build/vsockdump
mkdir -p "$vd"
if [ ! -x "$top/configure" ]; then
	(cd "$top" && autoreconf -fi) >"$build/autoreconf.log" 2>&1 ||
	    die "autoreconf of vsockdump failed (see $build/autoreconf.log)"
fi
t0=$(date +%s)
# Only libpcap's public headers: its config.h must not shadow ours.
mkdir -p "$vd/pcapinc"
cp "$lp/pcap.h" "$vd/pcapinc/"
cp -R "$lp/pcap" "$vd/pcapinc/"
(cd "$vd" && "$top/configure" LDFLAGS=-static \
    PCAP_CFLAGS="-I$vd/pcapinc" \
    PCAP_LIBS="$lp/libpcap.a") >"$build/vsockdump-configure.log" 2>&1 ||
    die "vsockdump configure failed (see $build/vsockdump-configure.log)"
# libtool reads -static as "no shared libtool libraries"; -all-static
# is what makes the final link static.
(cd "$vd" && make vsockdump LDFLAGS=-all-static) \
    >"$build/vsockdump-build.log" 2>&1 ||
    die "vsockdump build failed (see $build/vsockdump-build.log)"
if ldd "$vd/vsockdump" >/dev/null 2>&1; then
	die "$vd/vsockdump is not static"
fi
log "vsockdump built in $(($(date +%s) - t0)) s"

echo "$stamp" >"$build/stamp"
emit
