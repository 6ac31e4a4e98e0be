#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# Builds the programs of the live test into a build directory outside
# the source tree:
#	vsock-traffic		static, runs in the VM
#	vsock-pcap-flows	for the host-side checker
#	live-helper		static, runs in the VM (stages)
#	vsock-owners		static, runs in the VM (phase N: processes
#				and VM names)
#	vsockdump		static against libpcap.a if possible, else the
#				ordinary dynamic build (mkinitramfs.sh then
#				copies its libraries along; a line on stderr
#				says so)
#
# Usage: build-static.sh BUILDDIR
# Prints the paths, as shell assignments, on stdout:
#	LIVE_TRAFFIC=... LIVE_FLOWS=... LIVE_HELPER=... LIVE_OWNERS=...
#	LIVE_VSOCKDUMP=... (empty if none)
#	LIVE_VSOCKDUMP_KIND=static|dynamic|none
#
# Environment: CC (default cc); LIVE_NO_VSOCKDUMP=1 skips vsockdump.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:?usage: build-static.sh BUILDDIR}
CC=${CC:-cc}

log() {
	echo "build-static: $*" >&2
}

mkdir -p "$build"
build=$(cd "$build" && pwd)

$CC -O2 -Wall -Wextra -static -o "$build/vsock-traffic" \
    "$here/vsock-traffic.c"
$CC -O2 -Wall -Wextra -o "$build/vsock-pcap-flows" \
    "$here/vsock-pcap-flows.c"
$CC -O2 -Wall -Wextra -static -o "$build/live-helper" \
    "$here/live-helper.c"
echo "LIVE_TRAFFIC=$build/vsock-traffic"
echo "LIVE_FLOWS=$build/vsock-pcap-flows"
$CC -O2 -Wall -Wextra -static -o "$build/vsock-owners" \
    "$here/vsock-owners.c"
echo "LIVE_HELPER=$build/live-helper"
echo "LIVE_OWNERS=$build/vsock-owners"

if [ "${LIVE_NO_VSOCKDUMP:-0}" = 1 ]; then
	echo "LIVE_VSOCKDUMP="
	echo "LIVE_VSOCKDUMP_KIND=none"
	exit 0
fi

if [ ! -x "$top/configure" ]; then
	log "running autoreconf -fi in $top"
	(cd "$top" && autoreconf -fi) >"$build/autoreconf.log" 2>&1 || {
		log "autoreconf failed (see $build/autoreconf.log)"
		echo "LIVE_VSOCKDUMP="
		echo "LIVE_VSOCKDUMP_KIND=none"
		exit 0
	}
fi

# Static: vsockdump's own target (libpcap.a as pkg-config --static
# lists it; see configure.ac).
static_build() {
	d=$build/vsockdump-static
	mkdir -p "$d"
	(cd "$d" && "$top/configure") >"$d/configure.log" 2>&1 || return 1
	rm -f "$d/vsockdump-static"
	(cd "$d" && make vsockdump-static) >"$d/make.log" 2>&1 || return 1
	# ldd fails on a static executable.
	if ldd "$d/vsockdump-static" >/dev/null 2>&1; then
		return 1
	fi
	echo "$d/vsockdump-static"
}

dynamic_build() {
	d=$build/vsockdump-dynamic
	mkdir -p "$d"
	(cd "$d" && "$top/configure") >"$d/configure.log" 2>&1 || return 1
	(cd "$d" && make vsockdump) >"$d/make.log" 2>&1 || return 1
	echo "$d/vsockdump"
}

if vd=$(static_build); then
	echo "LIVE_VSOCKDUMP=$vd"
	echo "LIVE_VSOCKDUMP_KIND=static"
elif vd=$(dynamic_build); then
	log "static vsockdump failed (see $build/vsockdump-static/*.log);" \
	    "using the dynamic build, its libraries copied along"
	echo "LIVE_VSOCKDUMP=$vd"
	echo "LIVE_VSOCKDUMP_KIND=dynamic"
else
	log "vsockdump does not build (see $build/vsockdump-*/*.log);" \
	    "the live run goes on without it"
	echo "LIVE_VSOCKDUMP="
	echo "LIVE_VSOCKDUMP_KIND=none"
fi
