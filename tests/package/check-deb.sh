#!/bin/sh
# Copyright (c) 2026 The vsockdump authors
# SPDX-License-Identifier: BSD-3-Clause
#
# The Debian package of vsockdump (debian/), built and used as a user
# would: dpkg-buildpackage -us -uc -b on a copy of the tree (the build
# runs the TESTLIST), lintian on the result (no error), the .deb
# installed with apt-get install ./vsockdump_*.deb, and the installed
# binary and man page used on the bundled capture.  If vsockdump was not
# installed before, it is purged again at the end.
#
# Usage: sh tests/package/check-deb.sh	(as root; WORKDIR, default
# ${TMPDIR:-/tmp}/vsockdump-deb, is wiped first)
# The last line is "N passed, N failed".
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
W=${WORKDIR:-${TMPDIR:-/tmp}/vsockdump-deb}
verbose=${VERBOSE:-0}
res=$W
. "$top/tests/live/check-lib.sh"

rm -rf "$W"
mkdir -p "$W/src" || exit 2
W=$(cd "$W" && pwd)

# The package build works on a copy: dpkg-buildpackage writes into the
# tree and puts its results in the parent directory.
(cd "$top" && tar --exclude=./.git --exclude=./build -cf - .) |
    (cd "$W/src" && tar -xf -)
ck $? "copy of the tree"

t0=$(date +%s)
(cd "$W/src" && dpkg-buildpackage -us -uc -b) >"$W/build.log" 2>&1
ck $? "dpkg-buildpackage -us -uc -b" -- "see $W/build.log"
info "package build: $(($(date +%s) - t0)) s"
deb=$(ls "$W"/vsockdump_*_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ]
ck $? "a vsockdump .deb was built"
[ -n "$deb" ] || ck_exit

# The build ran the TESTLIST (dh_auto_test, "make check").
line=$(grep -E '^[0-9]+ passed, 0 failed' "$W/build.log" | tail -n 1)
[ -n "$line" ]
ck $? "the package build ran the TESTLIST with no failure" -- \
    "$(grep -E '^[0-9]+ passed' "$W/build.log" | tail -n 1)"
info "TESTLIST in the package build: $line"

# lintian: no error; the warnings and below are listed.
changes=$(ls "$W"/vsockdump_*.changes | head -n 1)
lintian --allow-root --pedantic -E -I "$changes" >"$W/lintian.log" 2>&1
errors=$(grep -c '^E: ' "$W/lintian.log")
ck "$errors" "lintian reports no error" -- "$(grep '^E: ' "$W/lintian.log" | head -n 5)"
info "lintian: $errors errors, $(grep -c '^W: ' "$W/lintian.log") warnings," \
    "$(grep -c -E '^[IPX]: ' "$W/lintian.log") info/pedantic/experimental tags"
sed 's/^/info lintian: /' "$W/lintian.log"

was_installed=no
dpkg-query -W -f='${Status}' vsockdump 2>/dev/null |
    grep -q 'install ok installed' && was_installed=yes
(cd "$W" && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    "./$(basename "$deb")") >"$W/install.log" 2>&1
ck $? "apt-get install ./$(basename "$deb")" -- "see $W/install.log"

dpkg -L vsockdump >"$W/files.txt" 2>/dev/null
grep -qx /usr/bin/vsockdump "$W/files.txt"
ck $? "the package installs /usr/bin/vsockdump"
grep -qx /usr/share/man/man1/vsockdump.1.gz "$W/files.txt"
ck $? "the package installs the man page"
zcat /usr/share/man/man1/vsockdump.1.gz 2>/dev/null | grep -q '^\.Dt VSOCKDUMP 1'
ck $? "the installed man page is vsockdump(1)"

# The installed binary decodes the sample capture as the TESTLIST says.
TZ=GMT0 /usr/bin/vsockdump -# -n \
    -r "$top/tests/captures/linux61-loopback-stream-seqpacket.pcap" \
    >"$W/sample.out" 2>"$W/sample.err"
ck $? "installed vsockdump reads the sample capture" -- "$(cat "$W/sample.err")"
cmp -s "$W/sample.out" "$top/tests/expected/linux61-vsock.out"
ck $? "installed vsockdump's output equals tests/expected/linux61-vsock.out"
/usr/bin/vsockdump --version >"$W/version.out" 2>&1
grep -q '^vsockdump version ' "$W/version.out"
ck $? "installed vsockdump --version" -- "$(head -n 1 "$W/version.out")"

if [ "$was_installed" = no ]; then
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -q vsockdump \
	    >"$W/purge.log" 2>&1
	ck $? "apt-get purge vsockdump (it was not installed before)"
fi
ck_exit
