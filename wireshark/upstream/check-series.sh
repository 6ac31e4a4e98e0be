#!/bin/bash
# check-series.sh: the upstream series of patches/wireshark/ is what
# mkseries.sh generates from wireshark/, applies with "git am" to the
# upstream tarball it names (patches/wireshark/BASE, Debian's source
# package), and its dissector passes Wireshark's own checkers of that
# tree: tools/checkAPIs.pl (with the groups Wireshark's build uses for
# dissectors), tools/checkhf.pl and tools/checkfiltername.pl.
#
# Copyright 2026, The vsockdump authors
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Usage: wireshark/upstream/check-series.sh
# Environment: VSOCKGEN (see mkseries.sh).  Exits 0 if all hold.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../../distro/common.sh
. "$top/distro/common.sh"
here=$top/wireshark/upstream
series=$top/patches/wireshark

"$here/mkseries.sh" --check

read -r version name sum <"$series/BASE"
read -r tarball fetched < <("$here/fetch-source.sh" "$version")
[ "$(sha256sum "$tarball" | cut -d' ' -f1)" = "$sum" ] ||
    die "$name: SHA-256 differs from patches/wireshark/BASE"
mkdir -p "$WORKDIR"
tmp=$(mktemp -d "$WORKDIR/wireshark-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
tar -xf "$tarball" -C "$tmp" --strip-components=1
cd "$tmp"
git -c init.defaultBranch=master init -q
git add -A
git -c user.name=check -c user.email=check@invalid commit -q -m upstream
git -c user.name=check -c user.email=check@invalid am -q "$series"/*.patch ||
    die "the series does not apply to wireshark $fetched"
log "the series applies to wireshark $fetched ($(ls "$series"/*.patch | wc -l) patches)"

f=epan/dissectors/packet-vsock.c
perl tools/checkAPIs.pl --group dissectors-prohibited --group dissectors-restricted "$f" ||
    die "checkAPIs.pl (dissectors groups) fails on $f"
perl tools/checkAPIs.pl "$f" || die "checkAPIs.pl fails on $f"
perl tools/checkhf.pl "$f" || die "checkhf.pl fails on $f"
perl tools/checkfiltername.pl "$f" || die "checkfiltername.pl fails on $f"
[ -z "$(grep -n "$(printf '\t')" "$f")" ] || die "$f has tabs (Wireshark's style for it: 4 spaces)"
log "checkAPIs.pl, checkhf.pl and checkfiltername.pl pass on $f"
