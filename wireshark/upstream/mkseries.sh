#!/bin/bash
# mkseries.sh: generates patches/wireshark/, the git format-patch series
# that brings wireshark/packet-vsock.c and its tests into Wireshark's
# tree, from the files of wireshark/ and tests/captures/, against the
# upstream tarball of a Debian wireshark source package.  The patches
# are never edited by hand: change the sources, then run this.
#
# Copyright 2026, The vsockdump authors
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Usage: wireshark/upstream/mkseries.sh [--check] [--base VERSION]
#   --check         exit 1 if patches/wireshark/ differs from what would
#                   be generated (it is left as it is)
#   --base VERSION  the Debian version of wireshark to generate against;
#                   default: the one patches/wireshark/BASE names, or,
#                   without it, the newest one that can be downloaded
#                   (wireshark/upstream/fetch-source.sh)
# Environment: VSOCKGEN (a built tools/vsockgen; default: compiled here).
#
# The series is made in a git repository initialised from the tarball
# (one commit "upstream"), one commit per change, with fixed author and
# dates (wireshark/upstream/PATCH_DATE) and --zero-commit, so that the
# same inputs give byte-identical patches.  The date is the series' own,
# not distro/PATCH_DATE, which the tcpdump and libpcap series bump:
# distro/mkpatches.sh leaves patches/wireshark/ alone, so a bump there
# would make this series stale.  Bump it when the series changes.
# patches/wireshark/BASE says what they apply to: the Debian version,
# the tarball and its SHA-256.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../../distro/common.sh
. "$top/distro/common.sh"
here=$top/wireshark/upstream
out=$top/patches/wireshark

mode=write
base=
while [ $# -gt 0 ]; do
	case $1 in
	--check) mode=check ;;
	--base) base=${2:?--base needs a version}; shift ;;
	*) echo "usage: $0 [--check] [--base VERSION]" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$base" ] || base=$(awk 'NR == 1 { print $1 }' "$out/BASE" 2>/dev/null || true)

# shellcheck disable=SC2086
read -r tarball version < <("$here/fetch-source.sh" $base) ||
    die "no wireshark source to generate the series against"
PATCH_DATE=$(tr -d ' \n' <"$here/PATCH_DATE")
[[ $PATCH_DATE =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] ||
    die "wireshark/upstream/PATCH_DATE: \"$PATCH_DATE\" is not a date (YYYY-MM-DD)"
AUTHOR_NAME="vsockdump authors"
AUTHOR_EMAIL="vsockdump@invalid"

mkdir -p "$WORKDIR"
tmp=$(mktemp -d "$WORKDIR/wireshark-series.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
repo=$tmp/repo

if [ -z "${VSOCKGEN:-}" ]; then
	VSOCKGEN=$tmp/vsockgen
	cc -O2 -o "$VSOCKGEN" "$top/tools/vsockgen.c" || die "cannot build vsockgen"
fi

# git with a fixed identity and dates
sgit() {
	GIT_AUTHOR_NAME=$AUTHOR_NAME GIT_AUTHOR_EMAIL=$AUTHOR_EMAIL \
	GIT_COMMITTER_NAME=$AUTHOR_NAME GIT_COMMITTER_EMAIL=$AUTHOR_EMAIL \
	GIT_AUTHOR_DATE="${PATCH_DATE}T00:00:00Z" GIT_COMMITTER_DATE="${PATCH_DATE}T00:00:00Z" \
	git -c core.autocrlf=false -c commit.gpgsign=false -c init.defaultBranch=master \
	    -c core.fileMode=true "$@"
}

# commit MESSAGE: commits everything that changed
commit() {
	sgit add -A
	sgit diff --cached --quiet && die "nothing to commit for \"${1%%$'\n'*}\""
	printf '%s\n' "$1" | sgit commit -q -F -
}

log "unpacking $(basename "$tarball") (wireshark $version)"
mkdir -p "$repo"
tar -xf "$tarball" -C "$repo" --strip-components=1 || die "cannot unpack $tarball"
cd "$repo"
sgit init -q
sgit add -A
sgit commit -q -m upstream

cp "$top/wireshark/packet-vsock.c" epan/dissectors/packet-vsock.c
commit "vsock: Rewrite the dissector

The vsock dissector shows the two headers of a vsockmon packet, but
what a developer of a hypervisor or a guest agent needs from a vsock
capture is missing or wrong:

 - SEQPACKET (Linux 5.14) shows as \"Unknown (2)\" and its flags as a
   number; op 7 is a credit request, not a credit response.
 - The transport header length is ignored, so the payload begins at
   the wrong byte when it is not 44.
 - The payload goes to no dissector: SSH, HTTP, HTTP/2 and gRPC, TLS
   and 9P over vsock stay bytes.
 - There is no conversation table, no Follow Stream, and nothing says
   why a connection stalls or fails.

Rewrite the dissector:

 - Decode every field of both headers, the flags by name as the op
   and the socket type give them (SHUTDOWN: RCV, SEND; RW on a
   SEQPACKET socket: EOM, EOR), the wire length, and the transport
   header for any length; mark a packet shorter than its headers as
   malformed and headers that disagree with each other as expert
   infos.
 - Keep the filter names the dissector had.  The misspelled
   vsock.virtio.src_prot and vsock.virtio.dst_prot stay as hidden
   fields marked deprecated, beside vsock.virtio.src_port and
   vsock.virtio.dst_port.  CID 2 is no longer shown as \"host\" in the
   address columns; the CID fields name the reserved CIDs instead.
 - Dissect vsock in Linux cooked captures (sll.hatype 826,
   ARPHRD_VSOCKMON): \"-i any\" captures vsockmon devices too.
 - Hand the payload to the dissector of the port (a \"vsock.port\"
   table with Decode As, SSH on port 22 as systemd-ssh-generator(8)
   sets it up) or to the \"vsock\" heuristics.  STREAM payload is
   reassembled as TCP's is when the subdissector asks for more bytes;
   SEQPACKET payload goes over one message at a time.
 - Number the connections (vsock.stream) and follow their credit, as
   the virtio specification defines it: expert infos for zero windows,
   reopened windows, stalls, data beyond credit, refused and
   unanswered requests, fwd_cnt going backwards or beyond the data
   sent, and data after the sender's SHUTDOWN or RST.
 - Add a conversation table and Follow vsock Stream."

mkdir -p test/captures
"$VSOCKGEN" -o test/captures/vsock-credit.pcap "$top/tests/captures/conv-credit.txt" ||
    die "vsockgen failed on conv-credit.txt"
"$VSOCKGEN" -o test/captures/vsock-seqpacket.pcap "$top/tests/captures/seqpacket-frag.txt" ||
    die "vsockgen failed on seqpacket-frag.txt"
cat "$here/test-vsock.py" >>test/suite_dissection.py
commit "test: Add vsock dissection tests

Two captures of vsock traffic, written from text descriptions by
vsockdump's capture generator: six STREAM connections that break the
credit rules in different ways, and a SEQPACKET message split in two
pieces.  Test the SEQPACKET flags by name, the reassembly of the
message, the credit analysis note by note, the conversation table and
Follow vsock Stream."

mkdir -p "$tmp/patches"
(cd "$repo" && sgit format-patch -q --zero-commit --no-signature --binary \
    -o "$tmp/patches" "$(sgit rev-list --max-parents=0 HEAD)") ||
    die "git format-patch failed"
printf '%s %s %s\n' "$version" "$(basename "$tarball")" \
    "$(sha256sum "$tarball" | cut -d' ' -f1)" >"$tmp/patches/BASE"

if [ "$mode" = check ]; then
	if diff -r "$out" "$tmp/patches" >"$tmp/diff" 2>&1; then
		log "patches/wireshark/ is what mkseries.sh generates (wireshark $version)"
		exit 0
	fi
	head -n 40 "$tmp/diff" >&2
	die "patches/wireshark/ differs from what mkseries.sh generates: run wireshark/upstream/mkseries.sh"
fi
rm -rf "$out"
mkdir -p "$(dirname "$out")"
cp -r "$tmp/patches" "$out"
log "wrote $(ls "$out"/*.patch | wc -l) patches to patches/wireshark/ (wireshark $version)"
