#!/bin/bash
# fetch-source.sh: downloads Debian's wireshark source package through
# the project's private apt configuration (distro/fetch-upstream.sh makes
# it, with deb-src lines for the suites of distro/dists.conf and the
# archive address read from the system's apt sources) and prints the
# path of its upstream tarball and its Debian version.
#
# Copyright 2026, The vsockdump authors
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Usage: fetch-source.sh [VERSION]
#   VERSION  a Debian version of wireshark; without it, the newest one
#            the suites list whose files can be downloaded (a suite's
#            index may list a version whose files answer 404 here: the
#            next one is tried, and the ones skipped are reported)
# Prints "TARBALL VERSION" on stdout; the report goes to stderr.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../../distro/common.sh
. "$top/distro/common.sh"

# The private apt configuration and its lists (also fetches the
# bookworm tcpdump and libpcap sources, which the project caches anyway).
"$top/distro/fetch-upstream.sh" bookworm >"$CACHE/wireshark-fetch.log" 2>&1 || {
	cat "$CACHE/wireshark-fetch.log" >&2
	die "distro/fetch-upstream.sh failed"
}
export APT_CONFIG=$APTDIR/apt.conf
mkdir -p "$SRCDIR"

if [ $# -gt 0 ]; then
	versions=$1
else
	versions=$(apt-cache showsrc wireshark 2>/dev/null | sed -n 's/^Version: //p' |
	    sort -u | sort -r -V)
	[ -n "$versions" ] || die "no wireshark source package in the private apt lists"
fi

for ver in $versions; do
	dsc=$(dsc_path wireshark "$ver")
	if [ -s "$dsc" ] && (cd "$SRCDIR" && dscverify --no-sig-check "$dsc") >/dev/null 2>&1; then
		log "wireshark $ver: cached in $SRCDIR"
	elif (cd "$SRCDIR" && apt-get -q source --download-only "wireshark=$ver") \
	    >"$CACHE/wireshark-$ver.log" 2>&1; then
		log "wireshark $ver: downloaded to $SRCDIR"
	else
		reason=$(grep -oE '[0-9]{3} +[A-Za-z][A-Za-z ]*[A-Za-z]' "$CACHE/wireshark-$ver.log" | head -n 1 | tr -s ' ' || true)
		log "wireshark $ver: UNAVAILABLE (${reason# }): trying the next one"
		rm -f "$dsc"
		continue
	fi
	upstream=$(upstream_version "$ver")
	tarball=$(ls "$SRCDIR/wireshark_$upstream.orig.tar."* 2>/dev/null | grep -v '\.asc$' | head -n 1)
	[ -n "$tarball" ] || die "wireshark $ver: no upstream tarball in $SRCDIR"
	echo "$tarball $ver"
	exit 0
done
die "no wireshark source package could be downloaded (tried: $(echo $versions))"
